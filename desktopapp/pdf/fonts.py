"""Fonts for every name in every script, and text made safe for ReportLab.

The card family is Roboto (Apache 2.0, from the ``font-roboto`` package):
TrueType outlines covering Latin with every European and Vietnamese
diacritic, Cyrillic and Greek, in all four styles, registered as one family
so ``<b>`` and ``<i>`` really switch fonts. ReportLab's built-in Helvetica
and Times are never used for user text: they print a black box for ğ, Ł and
Cyrillic.

Every other script prints in a font that ships with the program
(resources/fonts, see its README): Noto Sans Arabic (with the Persian and
Urdu letters), Hebrew, Devanagari, Thai, Georgian and Armenian, Droid Sans
Fallback for Chinese and Japanese, Nanum Gothic for Korean. A character
Roboto lacks goes, run by run, to the first bundled font that has it, in the
fixed order of ``BUNDLED`` (so the choice never depends on the machine). Only
a character no bundled font has (private use, unassigned, rare symbols) is
looked up in the system's fonts, and failing that replaced by a visible
U+FFFD and reported, so the export can warn about it. Setting
``BRIEFING_SYSTEM_FONTS=0`` turns the system lookup off (the tests use it
to print as on a machine with no fonts at all).
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import font_roboto
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError

from ..lazypattern import CompiledOnFirstUse
from .embedding import FixedSubsetFont
from .fontcache import load_ttfont

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

# Bundled fonts for the scripts Roboto lacks: (name, regular file, bold file),
# in the order a character is looked up. Loaded the first time a character
# needs one (a TTF costs milliseconds to load; CJK ones more).
BUNDLED = [
    ("ScriptArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("ScriptHebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("ScriptDevanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("ScriptThai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    ("ScriptGeorgian", "NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"),
    ("ScriptArmenian", "NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
    ("ScriptHangul", "BriefingHangul-Regular.ttf", None),
    ("ScriptCJK", "DroidSansFallbackFull.ttf", None),
]
# Which bundled font to try first for a code point, by Unicode block, so a
# lookup loads only the font that is likely to have it.
_BLOCKS = [
    ((0x0600, 0x08FF), "ScriptArabic"), ((0xFB50, 0xFDFF), "ScriptArabic"),
    ((0xFE70, 0xFEFF), "ScriptArabic"),
    ((0x0590, 0x05FF), "ScriptHebrew"), ((0xFB1D, 0xFB4F), "ScriptHebrew"),
    ((0x0900, 0x097F), "ScriptDevanagari"), ((0xA8E0, 0xA8FF), "ScriptDevanagari"),
    ((0x0E00, 0x0E7F), "ScriptThai"),
    ((0x10A0, 0x10FF), "ScriptGeorgian"), ((0x1C90, 0x1CBF), "ScriptGeorgian"),
    ((0x2D00, 0x2D2F), "ScriptGeorgian"),
    ((0x0530, 0x058F), "ScriptArmenian"), ((0xFB13, 0xFB17), "ScriptArmenian"),
    ((0x1100, 0x11FF), "ScriptHangul"), ((0x3130, 0x318F), "ScriptHangul"),
    ((0xA960, 0xA97F), "ScriptHangul"), ((0xAC00, 0xD7FF), "ScriptHangul"),
    ((0x2E80, 0x2FDF), "ScriptCJK"), ((0x3000, 0x312F), "ScriptCJK"),
    ((0x3190, 0x9FFF), "ScriptCJK"), ((0xF900, 0xFAFF), "ScriptCJK"),
    ((0xFF00, 0xFFEF), "ScriptCJK"), ((0x20000, 0x2FFFF), "ScriptCJK"),
]
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # category Cc but tab and newline
# Variation selectors (and Mongolian's free ones) choose a form of the character
# before them and have no glyph of their own; a font without that form prints the
# plain character, so a selector no font has is dropped, never shown as U+FFFD.
_VARIATION_SELECTOR = CompiledOnFirstUse("[\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]")
REPLACEMENT = "\ufffd"
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts", Path.home() / ".fonts",
             Path("/Library/Fonts"), Path("/System/Library/Fonts"),
             Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
# Tried first, in this order: wide coverage with TrueType outlines.
PREFERRED = ["DejaVuSans.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf", "wqy-zenhei.ttc",
             "wqy-microhei.ttc", "NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf",
             "Symbola.ttf", "unifont.ttf", "ArialUnicodeMS.ttf", "arialuni.ttf"]


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as Paragraph markup needs them (xml.sax.saxutils' escape, whose
    module imports urllib.request and http.client: a tenth of a cold ``briefing card``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def system_fonts_allowed() -> bool:
    return os.environ.get("BRIEFING_SYSTEM_FONTS", "1") != "0"


@dataclass
class _Bundled:
    """A bundled script font, registered, and the characters it has."""

    name: str
    chars: set[int]


@cache
def _bundled(name: str) -> _Bundled:
    """Load and register one bundled script font (and its bold, as a family)."""
    from ..resources import resource_path

    _, regular, bold = next(entry for entry in BUNDLED if entry[0] == name)
    font = load_ttfont(name, resource_path(f"fonts/{regular}"))
    pdfmetrics.registerFont(font)
    bold_name = name
    if bold:
        bold_name = f"{name}-Bold"
        pdfmetrics.registerFont(load_ttfont(bold_name, resource_path(f"fonts/{bold}")))
    # <b> around a run in this font switches to its bold; italic stays upright
    # (these scripts have no italics)
    # (registered last so that each font name maps back to upright: ReportLab
    # reads bold and italic off the font name of every fragment)
    for family in (bold_name, name):
        for (b, i), member in [((0, 1), name), ((1, 1), bold_name), ((0, 0), name),
                               ((1, 0), bold_name)]:
            addMapping(family, b, i, member)
    return _Bundled(name, set(font.face.charToGlyph))


def _first_guess(code: int) -> str | None:
    for (low, high), name in _BLOCKS:
        if low <= code <= high:
            return name
    return None


@lru_cache(maxsize=4096)
def bundled_font_for(code: int) -> str | None:
    """The bundled font that prints this code point: its block's font first, then in order."""
    guess = _first_guess(code)
    order = [guess] if guess else []
    order += [name for name, _, _ in BUNDLED if name != guess and name != "ScriptCJK"]
    for name in order:
        if code in _bundled(name).chars:
            return name
    return None


# Loading a TTF costs milliseconds: the upright styles are loaded with the
# family, the italic ones when a paragraph first asks for them
# (``load_style``; many cards print no italic, few a bold italic).
LATER = {FONT_NAMES[(0, 1)], FONT_NAMES[(1, 1)]}
_loading = threading.Lock()


def _load(key) -> None:
    # asciiReadable=False (load_ttfont's default): smaller subsets, faster (measured in
    # the guide)
    path = Path(font_roboto.font_directory) / STYLES[key]
    # the card family's common characters are embedded alike in every document
    pdfmetrics.registerFont(load_ttfont(FONT_NAMES[key], path, font_class=FixedSubsetFont))


@lru_cache(maxsize=1)
def register() -> set[int]:
    """Register the card family once per process; return its character set."""
    for key in STYLES:
        if FONT_NAMES[key] not in LATER:
            _load(key)
        addMapping(FAMILY, key[0], key[1], FONT_NAMES[key])
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=FONT_NAMES[(1, 1)])
    return set(pdfmetrics.getFont(REGULAR).face.charToGlyph)


def load_style(font_name: str) -> None:
    """Load an italic style of the card family the first time text is set in it."""
    if font_name not in LATER:
        return
    with _loading:
        if font_name in LATER:
            key = next(k for k, name in FONT_NAMES.items() if name == font_name)
            _load(key)
            LATER.discard(font_name)


@dataclass
class _Fallback:
    """A system font used for characters no bundled font has."""

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
            font = load_ttfont(f"{FALLBACK}{len(found)}", path)
        except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError):
            continue  # PostScript outlines, damaged or exotic files
        pdfmetrics.registerFont(font)
        found.append(_Fallback(font.fontName, set(font.face.charToGlyph), str(path)))
    return tuple(found)


# Fonts fontconfig named for characters the first fallbacks lack, and the
# characters no font of the machine has (asked once each).
_found: list[_Fallback] = []
_found_none: set[int] = set()
_finding = threading.Lock()
_found_names = itertools.count()  # a font's name is never given twice in a process
MOST_UNFOUND = 256  # characters asked about in vain, after which fontconfig is not asked


def _fallback_for(code: int) -> str | None:
    name = bundled_font_for(code)
    if name is not None or not system_fonts_allowed():
        return name
    for fallback in (*_fallbacks(), *_found):
        if code in fallback.chars:
            return fallback.name
    return _font_found_for(code)


def _font_found_for(code: int) -> str | None:
    """A system font that has ``code``, found by fontconfig, or None.

    The first fallbacks are the first 40 font files by name (wide-coverage
    fonts first); a machine's Bengali, Tamil or Ethiopic fonts come far after
    them, and their characters printed as U+FFFD though the machine had them.
    """
    with _finding:
        for fallback in _found:  # found meanwhile by another thread
            if code in fallback.chars:
                return fallback.name
        if code in _found_none or len(_found_none) >= MOST_UNFOUND:
            return None
        tried = {fallback.path for fallback in (*_fallbacks(), *_found)}
        for path in _system_files_for(code):
            if path in tried:
                continue
            try:
                font = load_ttfont(f"{FALLBACK}F{next(_found_names)}", path)
            except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError):
                continue  # PostScript outlines, damaged or exotic files
            chars = set(font.face.charToGlyph)
            if code not in chars:
                continue
            pdfmetrics.registerFont(font)
            _found.append(_Fallback(font.fontName, chars, path))
            return font.fontName
        _found_none.add(code)
        return None


def _system_files_for(code: int) -> list[str]:
    """TrueType files that have ``code``, by fontconfig (none without it), regular
    styles first."""
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        done = subprocess.run([fc_list, f":charset={code:x}", "file"], capture_output=True,
                              text=True, timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line.strip().rstrip(":").strip() for line in done.stdout.splitlines()]
    files = [f for f in files if f.lower().endswith((".ttf", ".ttc"))]
    return sorted(files, key=lambda f: (not os.path.basename(f).endswith("-Regular.ttf"),
                                        "Bold" in f or "Italic" in f, "Serif" in f, f))


def font_for(code: int, bold: bool = False) -> str | None:
    """The font that prints a code point the card family lacks (its bold if asked and there)."""
    name = _fallback_for(code)
    if name is not None and bold and name in _BUNDLED_NAMES:
        bold_name = f"{name}-Bold"
        if bold_name in pdfmetrics.getRegisteredFontNames():
            return bold_name
    return name


_BUNDLED_NAMES = {name for name, _, _ in BUNDLED}
_BOLD_FAMILY = {FONT_NAMES[(1, 0)], FONT_NAMES[(1, 1)]}


def split_by_font(frags, covered: set[int]):
    """Paragraph fragments cut into runs of the font that prints each character.

    Runs on ReportLab's parsed fragments, where bold and italic are known, so
    a bold Arabic name prints in the bold Arabic font. A space between two
    characters of one fallback font stays in that font, so a name in Arabic
    or Chinese is one run (one shaping call, one text object).
    """
    out = []
    for frag in frags:
        text = getattr(frag, "text", None)
        if not text or covered.issuperset(map(ord, text)):
            out.append(frag)
            continue
        bold = frag.fontName in _BOLD_FAMILY
        run_font, run = None, []
        for ch in text:
            code = ord(ch)
            if code in covered and not (ch == " " and run_font is not None):
                font = frag.fontName
            else:
                font = font_for(code, bold) or frag.fontName
                if ch == " " and run_font is not None:
                    font = run_font
            if font != run_font and run:
                out.append(frag.clone(text="".join(run), fontName=run_font))
                run = []
            run_font = font
            run.append(ch)
        if run:
            out.append(frag.clone(text="".join(run), fontName=run_font))
    return out


class TextPreparer:
    """Turns user text into safe Paragraph markup and records what cannot print.

    Which font prints each character is decided later, on the parsed
    paragraph (``split_by_font``); here a character no font has becomes a
    visible U+FFFD, and is remembered for the export's warning.
    """

    def __init__(self, limit: int | None = None):
        self.covered = register()
        self.missing: set[str] = set()
        # Other things the export must report (a photo that could not print), in order.
        self.notes: list[str] = []
        # Set when a card's header alone cannot fit one page at the smallest
        # type: every field is cut to this many characters, visibly ("…"); the
        # record's own name or title only when that is not enough
        # (``title_limit``), since it is what the card is about.
        self.limit = limit
        self.title_limit: int | None = None
        self.cut = False
        self.cut_fields: list[str] = []  # named fields cut, in the order laid out

    def clean(self, text: str) -> str:
        # control characters other than newline and tab would corrupt the layout
        return _CONTROL.sub("", unicodedata.normalize("NFC", text or ""))

    def inline(self, text: str, field: str | None = None, title: bool = False) -> str:
        """Escape ``text`` for a Paragraph; a character no font has becomes U+FFFD.

        ``field`` names the text as the card labels it, for the export's warning
        when it is cut; ``title``: it is the record's name or title, cut last.
        """
        text = self.clean(text).replace("\t", " ")
        limit = self.title_limit if title else self.limit
        if limit is not None and len(text) > limit:
            text = text[:limit - 1].rstrip() + "…"
            self.cut = True
            if field and field not in self.cut_fields:
                self.cut_fields.append(field)
        if self.covered.issuperset(map(ord, text.replace("\n", ""))):  # the common case
            return escape(text).replace("\n", "<br/>")
        out = []
        for ch in text:
            code = ord(ch)
            if code in self.covered or ch == "\n" or _fallback_for(code) is not None:
                out.append(ch)
            elif unicodedata.category(ch) == "Cf" or _VARIATION_SELECTOR.match(ch):
                continue  # invisible format characters no font has need no glyph
            else:
                self.missing.add(ch)
                out.append(REPLACEMENT)
        return escape("".join(out)).replace("\n", "<br/>")

    def note_unprintable(self, text: str) -> None:
        """Remember the characters of ``text`` no font has, as ``inline`` does, for text
        printed outside the story (the page header's organisation and marking), so the
        export's warning names them too."""
        for ch in self.clean(text):
            code = ord(ch)
            if not (code in self.covered or ch in "\n\t" or _fallback_for(code) is not None
                    or unicodedata.category(ch) == "Cf" or _VARIATION_SELECTOR.match(ch)):
                self.missing.add(ch)

    def note(self, text: str) -> None:
        if text not in self.notes:  # a card is laid out more than once while it is fitted
            self.notes.append(text)

    def warnings(self) -> list[str]:
        if not self.missing:
            return list(self.notes)
        shown = " ".join(sorted(self.missing)[:20])
        more = f" and {len(self.missing) - 20} more" if len(self.missing) > 20 else ""
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(self.missing)[:10])
        return self.notes + [f"{len(self.missing)} character(s) have no font and print as "
                f"{REPLACEMENT}: {shown}{more} ({codes})"]
