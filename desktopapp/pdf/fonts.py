"""Fonts for every name in every script, and text made safe for ReportLab.

The card family is Roboto (Apache 2.0, from the ``font-roboto`` package):
TrueType outlines covering Latin with every European diacritic, Cyrillic
and Greek, in all four styles, registered as one family so ``<b>`` and
``<i>`` really switch fonts. ReportLab's built-in Helvetica and Times are
never used for user text: they print a black box for ğ, Ł and Cyrillic.

A character Roboto lacks (CJK, Arabic, emoji ...) is printed in a fallback
font found on the system when one has it; otherwise it is replaced by a
visible U+FFFD and reported, so the export can warn about it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import font_roboto
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FAMILY = "CardSans"
STYLES = {  # ReportLab (bold, italic) -> Roboto file
    (0, 0): "Roboto-Regular.ttf",
    (1, 0): "Roboto-Bold.ttf",
    (0, 1): "Roboto-Italic.ttf",
    (1, 1): "Roboto-BoldItalic.ttf",
}
FONT_NAMES = {
    (0, 0): FAMILY, (1, 0): f"{FAMILY}-Bold", (0, 1): f"{FAMILY}-Italic",
    (1, 1): f"{FAMILY}-BoldItalic",
}
REGULAR, BOLD, ITALIC = FONT_NAMES[(0, 0)], FONT_NAMES[(1, 0)], FONT_NAMES[(0, 1)]
FALLBACK = "CardFallback"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # category Cc but tab and newline
REPLACEMENT = "\ufffd"
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts", Path.home() / ".fonts",
             Path("/Library/Fonts"), Path("/System/Library/Fonts"),
             Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
# Tried first, in this order: wide coverage with TrueType outlines.
PREFERRED = ["DejaVuSans.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf", "wqy-zenhei.ttc",
             "wqy-microhei.ttc", "NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf",
             "Symbola.ttf", "unifont.ttf", "ArialUnicodeMS.ttf", "arialuni.ttf"]


@lru_cache(maxsize=1)
def register() -> set[int]:
    """Register the card family once per process; return its character set."""
    folder = Path(font_roboto.font_directory)
    for key, file_name in STYLES.items():
        # asciiReadable=False: smaller subsets, faster (measured in the guide)
        pdfmetrics.registerFont(TTFont(FONT_NAMES[key], str(folder / file_name),
                                       asciiReadable=False))
        addMapping(FAMILY, key[0], key[1], FONT_NAMES[key])
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=FONT_NAMES[(1, 1)])
    return set(pdfmetrics.getFont(REGULAR).face.charToGlyph)


@dataclass
class _Fallback:
    name: str | None = None
    chars: set[int] = field(default_factory=set)
    path: str = ""


def _candidate_files():
    seen = []
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    seen.append(Path(root) / name)
    rank = {name.lower(): i for i, name in enumerate(PREFERRED)}
    return sorted(seen, key=lambda p: (rank.get(p.name.lower(), len(rank)), p.name))


@lru_cache(maxsize=1)
def _fallbacks() -> tuple[_Fallback, ...]:
    """System fonts usable as fallbacks, loaded lazily the first time one is needed."""
    found = []
    for path in _candidate_files()[:40]:  # bounded: a machine may have thousands
        try:
            font = TTFont(f"{FALLBACK}{len(found)}", str(path), asciiReadable=False)
        except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError):
            continue  # PostScript outlines, damaged or exotic files
        pdfmetrics.registerFont(font)
        found.append(_Fallback(font.fontName, set(font.face.charToGlyph), str(path)))
    return tuple(found)


def _fallback_for(code: int) -> str | None:
    for fallback in _fallbacks():
        if code in fallback.chars:
            return fallback.name
    return None


class TextPreparer:
    """Turns user text into safe Paragraph markup and records what cannot print."""

    def __init__(self):
        self.covered = register()
        self.missing: set[str] = set()

    def clean(self, text: str) -> str:
        # control characters other than newline and tab would corrupt the layout
        return _CONTROL.sub("", unicodedata.normalize("NFC", text or ""))

    def inline(self, text: str) -> str:
        """Escape ``text`` for a Paragraph; wrap runs the card font lacks in a fallback font."""
        text = self.clean(text).replace("\t", " ")
        if self.covered.issuperset(map(ord, text.replace("\n", ""))):  # the common case
            return escape(text).replace("\n", "<br/>")
        out, run_font, run = [], None, []

        def flush():
            if run:
                chunk = escape("".join(run))
                out.append(f'<font name="{run_font}">{chunk}</font>' if run_font else chunk)
                run.clear()

        for ch in text:
            code = ord(ch)
            if code in self.covered or ch == "\n":
                font = None
            elif unicodedata.category(ch) == "Cf":
                continue  # invisible format characters (ZWSP, BOM, joiners) need no glyph
            else:
                font = _fallback_for(code)
                if font is None:
                    self.missing.add(ch)
                    ch, font = REPLACEMENT, None
            if font != run_font:
                flush()
                run_font = font
            run.append(ch)
        flush()
        return "".join(out).replace("\n", "<br/>")

    def warnings(self) -> list[str]:
        if not self.missing:
            return []
        shown = " ".join(sorted(self.missing)[:20])
        more = f" and {len(self.missing) - 20} more" if len(self.missing) > 20 else ""
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(self.missing)[:10])
        return [f"{len(self.missing)} character(s) have no font on this system and print as "
                f"{REPLACEMENT}: {shown}{more} ({codes})"]
