"""The shared look of cards and memos: page sizes, colours, type scale.

Every size is derived from one body size, so the one-page fitting can
step the whole card down together, keeping its hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from . import fonts

PAGE_SIZES = {"a4": A4, "letter": LETTER, "a5": A5}
MARGINS = {"a4": 16 * mm, "letter": 16 * mm, "a5": 11 * mm}

INK = colors.HexColor("#1B1F24")
NAVY = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#5A6470")
RULE = colors.HexColor("#C5CED8")
TINT = colors.HexColor("#EEF2F6")
MARKING = colors.HexColor("#A31515")

BODY_SIZES = [10.0, 9.5, 9.0, 8.5, 8.0, 7.5]  # largest first; 7.5 pt is the floor
MIN_BODY = BODY_SIZES[-1]


@dataclass(frozen=True)
class Styles:
    """A card's paragraph styles at one body size."""

    size: float
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    name: ParagraphStyle
    native: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    person: ParagraphStyle
    note: ParagraphStyle
    bullet: ParagraphStyle
    citation: ParagraphStyle


# Header lines stay at the card's left edge whatever their script: a native
# name in Arabic or Hebrew under the English name reads as its label there.
# Paragraphs of right-to-left text elsewhere align right (see scripts.py).
KEEP_START = {"name", "native", "subtitle", "small", "label", "heading"}


def _style(name, size, font=fonts.REGULAR, color=INK, leading=1.28, **extra):
    extra.setdefault("bulletFontName", fonts.REGULAR)  # the default would be Helvetica
    style = ParagraphStyle(name, fontName=font, fontSize=size, leading=round(size * leading, 2),
                           textColor=color, alignment=TA_LEFT, splitLongWords=1, **extra)
    style.keep_start = name in KEEP_START
    return style


@lru_cache(maxsize=32)
def card_styles(size: float) -> Styles:
    """Styles for a card whose body text is ``size`` points."""
    fonts.register()
    return Styles(
        size=size,
        body=_style("body", size, spaceAfter=size * 0.35),
        small=_style("small", size * 0.86, color=MUTED),
        # leading matched to the cells so labels and values share a baseline grid
        label=_style("label", size * 0.78, font=fonts.BOLD, color=MUTED,
                     leading=1.25 * 0.95 / 0.78),
        name=_style("name", size * 2.1, font=fonts.BOLD, color=NAVY, leading=1.12),
        native=_style("native", size * 1.45, color=NAVY, leading=1.2),
        subtitle=_style("subtitle", size * 1.1, leading=1.3),
        heading=_style("heading", size * 0.92, font=fonts.BOLD, color=NAVY, leading=1.2,
                       spaceBefore=size * 0.9, spaceAfter=size * 0.25),
        cell=_style("cell", size * 0.95, leading=1.25),
        cell_bold=_style("cell_bold", size * 0.95, font=fonts.BOLD, leading=1.25),
        person=_style("person", size * 0.95, leading=1.25, spaceAfter=size * 0.55),
        note=_style("note", size * 0.86, font=fonts.ITALIC, color=MUTED),
        bullet=_style("bullet", size, leftIndent=size * 1.2, bulletIndent=size * 0.3,
                      spaceAfter=size * 0.2),
        citation=_style("citation", size * 0.86, color=MUTED, leftIndent=size * 2.2,
                        bulletIndent=0, bulletFontName=fonts.REGULAR,
                        bulletFontSize=size * 0.86, spaceAfter=size * 0.15),
    )
