"""Building blocks the cards share: headings, fact tables, item tables, citations, photos."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, TableStyle
from reportlab.platypus import Table as _ReportLabTable
from reportlab.platypus.flowables import HRFlowable

from ..domain import Source
from . import fonts
from .fitting import Section
from .fonts import TextPreparer
from .scripts import Paragraph
from .styles import RULE, TINT, Styles, card_styles
from .text import rich_text

PHOTO_DPI = 300


@dataclass
class CardContext:
    """What a card's builders share: the text preparer and the source numbering."""

    prep: TextPreparer
    width: float
    sources: list[Source] = field(default_factory=list)
    # flowables of one item at one type size, reused by every trial layout
    # of the fitting (a delegate's entry is built once, not once per trial)
    made: dict = field(default_factory=dict)

    def once(self, key, build):
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = build()
        return found

    def cite(self, source_uid: str | None) -> str:
        """"[2]" for the second source, "" when the uid is not among the card's sources."""
        for number, source in enumerate(self.sources, 1):
            if source.uid == source_uid:
                return f"[{number}]"
        return ""


class Table(_ReportLabTable):
    """ReportLab's Table, measured once per width.

    The fitting measures a card's tables, then the page lays them out again
    at the same width: ReportLab would size every cell of every row anew (a
    fifth of a handout's time). A table asked again at the width it was
    measured at, with room for its height, answers from that measurement; a
    table too tall for the room left is measured (and split) as ReportLab does.
    """

    def wrap(self, availWidth, availHeight):
        known = getattr(self, "_measured", None)
        if known is not None and known[0] == availWidth and known[2] <= availHeight:
            return known[1], known[2]
        width, height = super().wrap(availWidth, availHeight)
        # a table taller than the room may have been sized only as far as the
        # room (ReportLab's long-table shortcut): not an answer for more room
        self._measured = (availWidth, width, height) if height <= availHeight else None
        return width, height


def table_style(horizontal: float, vertical: float, *extra) -> TableStyle:
    """Every card table: the card font (never the default Helvetica), top-aligned cells,
    even padding, then ``extra`` commands."""
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), horizontal),
        ("RIGHTPADDING", (0, 0), (-1, -1), horizontal),
        ("TOPPADDING", (0, 0), (-1, -1), vertical),
        ("BOTTOMPADDING", (0, 0), (-1, -1), vertical),
        *extra,
    ])


def heading(title: str, styles: Styles) -> list[Flowable]:
    return [Paragraph(title.upper(), styles.heading),
            HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=0,
                       spaceAfter=styles.size * 0.35)]


def more_note(hidden: int, noun: str, where: str, styles: Styles) -> Paragraph:
    plural = noun if hidden == 1 else noun + "s"
    return Paragraph(f"+ {hidden} more {plural} — {where}", styles.note)


def facts(rows: list[tuple[str, str]], ctx: CardContext, styles: Styles, columns=2):
    """Label/value pairs in ``columns`` column pairs; values are escaped user text."""
    rows = [(label, value) for label, value in rows if value]
    if not rows:
        return []
    per_column = -(-len(rows) // columns)
    cells = []
    for r in range(per_column):
        line = []
        for c in range(columns):
            index = c * per_column + r
            if index < len(rows):
                label, value = rows[index]
                line += [Paragraph(label.upper(), styles.label),
                         Paragraph(ctx.prep.inline(value, label), styles.cell)]
            else:
                line += ["", ""]
        cells.append(line)
    label_width = styles.size * 7.2
    value_width = ctx.width / columns - label_width
    table = Table(cells, colWidths=[label_width, value_width] * columns, hAlign="LEFT")
    table.setStyle(table_style(
        0, 1.2, ("RIGHTPADDING", (0, 0), (-1, -1), styles.size * 0.6),
        # the smaller label type sits on the value's baseline
        *[("TOPPADDING", (c, 0), (c, -1), 1.2 + styles.size * (0.95 - 0.78) * 0.8)
          for c in range(0, 2 * columns, 2)]))
    table.spaceBefore = styles.size * 0.4
    return [table]


def item_table(header: list[str], rows: list[list], fractions: list[float], ctx: CardContext,
               styles: Styles) -> list[Flowable]:
    """A compact table with a tinted header row; cells are Paragraphs already."""
    data = [[Paragraph(h.upper(), styles.label) for h in header], *rows]
    table = Table(data, colWidths=[ctx.width * f for f in fractions], hAlign="LEFT",
                  repeatRows=1)
    table.setStyle(table_style(3, 2, ("BACKGROUND", (0, 0), (-1, 0), TINT),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.35, RULE),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)))
    return [table]


def table_section(name: str, priority: int, title: str, header: list[str],
                  fractions: list[float], entries: list, row, noun: str, where: str,
                  ctx: CardContext) -> Section:
    """A card section listing ``entries`` in a table, one ``row(entry, styles)`` each.

    Shortened to its first ``limit`` entries with a "+ N more ..." note.
    """
    def build(styles, limit):
        if not entries:
            return []
        out = heading(title, styles)
        if limit:
            # each row's cells are made once per type size: every limit the
            # fitting tries reuses them, already measured
            rows = [ctx.once(("row", name, index, styles.size), lambda e=e: row(e, styles))
                    for index, e in enumerate(entries[:limit])]
            out += item_table(header, rows, fractions, ctx, styles)
        if limit < len(entries):
            out.append(more_note(len(entries) - limit, noun, where, styles))
        return out

    return Section(name, priority, len(entries), build, item_height=ROW_MIN_HEIGHT,
                   title=title)


# The least height a table row or a citation takes at the 7.5 pt floor (one line).
ROW_MIN_HEIGHT = 8.0

# Characters of one text that the largest page (A4 at the 7.5 pt floor) could
# hold, with room to spare.
PAGE_TEXT_MAX = 12_000


def text_section(name: str, priority: int, title: str, text: str, ctx: CardContext,
                 keep: int, style: str = "body") -> Section:
    """A long user text under a heading; shortened (never below ``keep`` characters)
    with a note that the full text is in the book."""
    # More text than a whole page can print is never laid out: cutting it
    # first keeps the card's cost bounded by the page, not by the text (a
    # 50,000-character biography would otherwise be measured again and again).
    printable = min(len(text), PAGE_TEXT_MAX)

    def build(styles, limit):
        if not text:
            return []
        limit = min(limit, printable)
        if not limit:  # only when the card's header needs the room
            return heading(title, styles) + [Paragraph(
                f"{title} left out to fit the card — the full text is in the book.",
                styles.note)]
        out = heading(title, styles) + rich_text(text, ctx.prep, paragraph_style(styles, style),
                                                 styles.bullet, limit)
        if limit < len(text):
            out.append(Paragraph(f"{title} shortened to fit the card — the full text is in "
                                 "the book.", styles.note))
        return out

    return Section(name, priority, printable, build, minimum=min(printable, keep),
                   exact=False, title=title, whole=len(text))


def paragraph_style(styles: Styles, name: str):
    """The style ``name`` for running text: a right-to-left paragraph aligns right even
    in a style whose header lines keep to the left edge (the recommendation's text is
    set in the subtitle's type)."""
    style = getattr(styles, name)
    if not getattr(style, "keep_start", False):
        return style
    return _running(style)


@lru_cache(maxsize=64)
def _running(style):
    twin = style.clone(f"{style.name}-running")
    twin.keep_start = False
    return twin


def sources_section(ctx: CardContext, count: int) -> Section:
    return Section("sources", 80, count, lambda styles, limit: citations(ctx, styles, limit),
                   item_height=ROW_MIN_HEIGHT, title="Sources")


def citations(ctx: CardContext, styles: Styles, limit: int) -> list[Flowable]:
    if not ctx.sources:
        return []
    out = heading("Sources", styles)
    for number, source in enumerate(ctx.sources[:limit], 1):
        text = ctx.prep.inline(source.citation)
        if source.url:
            text += " " + ctx.prep.inline(source.url)
        out.append(Paragraph(text, styles.citation, bulletText=f"[{number}]"))
    if limit < len(ctx.sources):
        out.append(more_note(len(ctx.sources) - limit, "source", "see the book", styles))
    return out


def name_list(actors, ctx: CardContext, limit: int = 8) -> str:
    names = [a.name for a in actors]
    if len(names) > limit:
        names = names[:limit] + [f"+ {len(names) - limit} more"]
    return ", ".join(names)


_PHOTO_CACHE: dict[tuple, bytes] = {}  # a handout prints the same face more than once


def _print_ready(data: bytes, width_px: int, height_px: int) -> bytes:
    """Upright, downscaled JPEG: EXIF orientation applied, ~300 dpi at print size."""
    key = (hashlib.sha256(data).digest(), width_px, height_px)
    if key not in _PHOTO_CACHE:
        if len(_PHOTO_CACHE) > 256:
            _PHOTO_CACHE.clear()
        _PHOTO_CACHE[key] = _convert(data, width_px, height_px)
    return _PHOTO_CACHE[key]


def _convert(data: bytes, width_px: int, height_px: int) -> bytes:
    from ..photos import print_ready_jpeg  # Pillow: only for a card with a photo

    return print_ready_jpeg(data, width_px, height_px)


def photo(data: bytes | None, width: float, height: float,
          prep: TextPreparer | None = None) -> Flowable | None:
    """The actor's photo cropped to the frame, or None when there is none.

    A photo that cannot print (damaged, over the pixel limit) becomes a
    visible note on the card and, through ``prep``, a warning of the export.
    """
    if not data:
        return None
    from ..photos import PhotoError

    width_px = max(1, round(width / 72 * PHOTO_DPI))
    height_px = max(1, round(height / 72 * PHOTO_DPI))
    try:
        jpeg = _print_ready(data, width_px, height_px)
    except PhotoError as exc:
        # a damaged photo must not stop the card, nor vanish without a word
        if prep is not None:
            prep.note(f"the photo was not printed: it {exc}")
        return Paragraph(f"<i>Photo not printed: it {exc}</i>", card_styles(8).small)
    return Image(io.BytesIO(jpeg), width=width, height=height)


PHOTO_SIZE = (26 * mm, 33 * mm)
