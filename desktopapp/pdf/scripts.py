"""Right-to-left and shaped scripts in print: Arabic, Persian, Urdu, Hebrew, Devanagari, Thai.

ReportLab lays text out left to right, one code point after another: Arabic
would print unjoined and backwards. Its own right-to-left mode needs a bidi
package that is not on the registries, so paragraphs that hold such text
are laid out here instead:

1. the Unicode bidi algorithm (python-bidi) gives every character its
   embedding level, once per paragraph;
2. lines are broken between words, in logical order, measuring each word as
   shaped by HarfBuzz (uharfbuzz);
3. each line is reordered for display (rules L1 and L2: trailing spaces to
   the paragraph's direction, then runs of each level reversed), cut into
   runs of one font and one direction, and each run shaped by HarfBuzz in
   its direction: letters join, lam-alef becomes one glyph, marks sit on
   their letters, Devanagari conjuncts form.

Glyphs are drawn through ReportLab's own shaped-text path (``ShapedStr``),
so fonts embed and subset as usual. The glyphs map back to their letters
(Arabic joining forms to the presentation forms, equal after NFKC); runs
whose glyphs cannot give their text back in reading order (Arabic vowel
marks, Hebrew points, ZWNJ; Indic and Thai reordering) also carry it as
/ActualText (see ``_actual_text``), so pdftotext gives every name in logical
order.

Paragraphs without such characters (Latin, Cyrillic, Greek, CJK ...) are
ReportLab's Paragraph, at its speed; Chinese and Japanese ones break their
lines between characters with the kinsoku rules (``kinsoku.py``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import uharfbuzz as hb
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.platypus import Paragraph as _ReportLabParagraph
from reportlab.platypus import paragraph as _reportlab_paragraph
from reportlab.platypus.paragraph import _drawBullet

from ..lazypattern import CompiledOnFirstUse
from .fonts import LATER, load_style, register, split_by_font

# The patterns over whole scripts below are compiled when a paragraph first has a
# character the card family lacks (2 ms of every start; most cards have none).

# Characters whose display needs bidi reordering or shaping: Hebrew, Arabic
# (with Syriac, Thaana, NKo), the Indic scripts, Thai, Lao, Tibetan, Myanmar,
# Khmer, the presentation forms, and explicit direction marks.
COMPLEX = CompiledOnFirstUse(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff"
    "\ufb1d-\ufdff\ufe70-\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Explicit embeddings and isolates are dropped before layout: python-bidi's
# reference implementation removes them from its character list (rule X9),
# which would misalign levels and characters. Marks (LRM, RLM) stay.
_EXPLICIT = CompiledOnFirstUse("[\u202a-\u202e\u2066-\u2069]")


def _kinsoku():
    from . import kinsoku  # Chinese and Japanese line breaking: only for their text

    return kinsoku


def is_complex(text: str) -> bool:
    return COMPLEX.search(text) is not None


# --- bidi -------------------------------------------------------------------

def bidi_levels(text: str) -> tuple[list[int], list[str], int]:
    """Embedding level and original bidi class of each character, and the base level."""
    levels, classes, base = _bidi_levels(text)
    return list(levels), list(classes), base


@lru_cache(maxsize=2048)
def _bidi_levels(text: str) -> tuple[tuple[int, ...], tuple[str, ...], int]:
    # cached: fitting a card lays the same paragraph out at several sizes
    # python-bidi (with typing, 3 ms) only for a card with such text
    from bidi import algorithm as _bidi

    # Boundary neutrals (ZWNJ, ZWJ, soft hyphen ...) are removed by rule X9
    # before levels are resolved; they take the level of the character
    # before them, so the list keeps one level per character.
    kept = [i for i, ch in enumerate(text) if unicodedata.bidirectional(ch) != "BN"]
    storage = _bidi.get_empty_storage()
    visible = "".join(_known_class(text[i]) for i in kept)
    base = _bidi.get_base_level(visible)
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    _bidi.get_embedding_levels(visible, storage)
    _bidi.explicit_embed_and_overrides(storage)
    _bidi.resolve_weak_types(storage)
    _bidi.resolve_neutral_types(storage, False)
    _bidi.resolve_implicit_levels(storage, False)
    chars = storage["chars"]
    levels, classes = [base] * len(text), ["BN"] * len(text)
    for i, char in zip(kept, chars, strict=True):
        levels[i], classes[i] = char["level"], char["orig"]
    for i in range(1, len(text)):
        if classes[i] == "BN":
            levels[i] = levels[i - 1]
    return tuple(levels), tuple(classes), base


# Unassigned code points have no bidi class in Python's Unicode tables, and
# python-bidi's resolution asserts on them. UAX #9 gives them a default by
# block (right-to-left in the Hebrew and Arabic blocks, else left-to-right):
# a letter of that class stands in while levels are resolved.
_DEFAULT_RTL = (("\u0590", "\u05ff", "\u05d0"), ("\u0600", "\u07bf", "\u0627"),
                ("\u07c0", "\u085f", "\u05d0"), ("\u0860", "\u08ff", "\u0627"),
                ("\ufb1d", "\ufb4f", "\u05d0"), ("\ufb50", "\ufdff", "\u0627"),
                ("\ufe70", "\ufeff", "\u0627"))


def _known_class(ch: str) -> str:
    if unicodedata.bidirectional(ch):
        return ch
    for first, last, stand_in in _DEFAULT_RTL:
        if first <= ch <= last:
            return stand_in
    return "a"


def visual_order(levels, classes, start, end, base) -> tuple[list[int], list[int]]:
    """Logical indices of ``start:end`` in display order, with their levels (L1, L2)."""
    lv = levels[start:end]
    i = len(lv) - 1
    while i >= 0 and classes[start + i] in ("WS", "BN", "S", "B"):
        lv[i] = base  # L1: spaces at the end of a line take the paragraph's direction
        i -= 1
    order = list(range(start, end))
    if not lv:
        return order, lv
    highest = max(lv)
    odd = [level for level in lv if level % 2]
    lowest_odd = min(odd) if odd else highest + 1
    for level in range(highest, lowest_odd - 1, -1):  # L2
        i = 0
        while i < len(lv):
            if lv[i] >= level:
                j = i
                while j < len(lv) and lv[j] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                lv[i:j] = lv[i:j][::-1]
                i = j
            else:
                i += 1
    return order, lv


# --- shaping ----------------------------------------------------------------

@lru_cache(maxsize=8192)
def shape(text: str, font_name: str, size: float, rtl: bool) -> tuple[str, float]:
    """``text`` (logical order) shaped in one direction: glyphs in display order, and width.

    Returns a plain str when the font cannot be shaped (a ReportLab base font).
    """
    font = pdfmetrics.getFont(font_name)
    if not getattr(font, "_dynamicFont", False):
        return text, pdfmetrics.stringWidth(text, font_name, size)
    font.shapable = True
    hb_font = font.hbFont(size)  # also arms font.hbAddPrivate for glyphs without a code point
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    hb.shape(hb_font, buf, {"kern": True, "liga": True})
    face = font.face
    chars, data = [], []
    advance = 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        gid = info.codepoint
        codes = face.glyphToChar.get(gid)
        if codes:
            code = _best_code(codes)
        else:
            code = font.hbAddPrivate(hb_font.glyph_to_string(gid), gid, pos.x_advance)
        x_advance = font.pdfScale(pos.x_advance)
        chars.append(chr(code))
        data.append(ShapeData(info.cluster, x_advance, font.pdfScale(pos.y_advance),
                              font.pdfScale(pos.x_offset), font.pdfScale(pos.y_offset),
                              face.charWidths[code]))
        advance += x_advance
    return ShapedStr("".join(chars), shapeData=data), advance * size / 1000


def _best_code(codes: list[int]) -> int:
    # A glyph reached by several code points (a letter and its presentation
    # form): prefer the ordinary letter, so copied text needs no normalising.
    return min(codes, key=lambda c: (0xFB00 <= c <= 0xFEFF, c))


_RTL = CompiledOnFirstUse("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _strong_rtl(text: str) -> bool:
    """Direction to shape a one-font piece in while measuring it (widths barely differ)."""
    return _RTL.search(text) is not None


# --- the paragraph ------------------------------------------------------------

class _Line:
    __slots__ = ("start", "end", "width")

    def __init__(self, start, end, width):
        self.start, self.end, self.width = start, end, width


# What makes two fragments one run of a line (rl_accel's ``sameFrag``).
_SAME_RUN = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor",
             "nobr")
_ABSENT = object()


def same_fragment(f, g) -> bool:
    """rl_accel's ``sameFrag``, looking the attributes up in the fragments' dicts.

    The C function asks each fragment for ``backColor`` and ``nobr``, which
    fragments seldom have: four exceptions raised and cleared a call, 4.5 us,
    and ReportLab calls it for every word of a paragraph of several fragments
    (a fifth of a first-shown meeting card's line breaking). The same answer: a
    line break or an image is never the same; an attribute one fragment lacks
    differs from any value the other has.
    """
    fd, gd = f.__dict__, g.__dict__
    if "cbDefn" in fd or "lineBreak" in fd or "cbDefn" in gd or "lineBreak" in gd:
        return False
    for name in _SAME_RUN:
        a, b = fd.get(name, _ABSENT), gd.get(name, _ABSENT)
        if a is not b and not a == b:
            return False
    return True


_reportlab_paragraph.sameFrag = same_fragment


# The width of a space, by (font, size): each fitted at most once.
_SPACE_WIDTHS: dict[tuple, float] = {}
_string_width = pdfmetrics.stringWidth
_REGISTERED = pdfmetrics._fonts  # ReportLab's fonts by name, as its getFont looks them up


def string_width(text, fontName, fontSize, encoding="utf8"):
    """``pdfmetrics.stringWidth``, the width of a space remembered.

    Breaking the lines of a paragraph of several fragments, ReportLab adds up
    the width of every space on the line so far, for each word: a space's
    width was asked for hundreds of thousands of times for a biography in
    markup (a third of its card), through three calls each. Fonts are looked
    up by name in ReportLab's registry, as its ``getFont`` does (a name that
    comes to stand for another font is measured in that one); any other text
    is measured by the font as ``pdfmetrics.stringWidth`` measures it.
    """
    font = _REGISTERED.get(fontName)
    if font is None:  # not registered yet: ReportLab finds it
        return _string_width(text, fontName, fontSize, encoding)
    if text != " ":
        return font.stringWidth(text, fontSize, encoding)
    key = (font, fontSize)
    width = _SPACE_WIDTHS.get(key)
    if width is None:
        if len(_SPACE_WIDTHS) >= 1024:
            _SPACE_WIDTHS.clear()
        width = _SPACE_WIDTHS[key] = font.stringWidth(text, fontSize, encoding)
    return width


_reportlab_paragraph.stringWidth = string_width


# Paragraph markup parsed before, by (text, style, bullet): ReportLab parses
# markup with Python's HTML parser, a quarter of a card's time, and a card
# and a handout set the same words again and again (headings, labels, notes,
# a delegate on the meeting card and on their own; each type size the
# fitting tries). Bounded; emptied when full.
_PARSED: dict[tuple, tuple] = {}
PARSED_MAX = 4096


# Lines of paragraphs laid out before, by (text, style, bullet) and width: a
# card shown again (a preview after an edit elsewhere on the card, an export
# of what was previewed) and a handout breaks the same paragraphs into the
# same lines. Only what ReportLab's drawing reads is shared (it never changes
# the lines); a paragraph that is split breaks its own lines first. Long
# texts are left out: they are laid out at many lengths while a card is
# fitted, each once. Bounded by entries and by the characters they hold
# (kept lines take 15-35 bytes a character: some 10 MB at most); emptied
# when full.
_LAID_OUT: dict[tuple, tuple] = {}
LAID_OUT_MAX = 4096
LAID_OUT_TEXT_MAX = 2000
LAID_OUT_CHARS_MAX = 300_000
_laid_out_chars = 0


def forget_parsed() -> None:
    """Empty the parsed-markup and line caches (the benchmark times a card's first
    layout so)."""
    global _laid_out_chars
    _PARSED.clear()
    _LAID_OUT.clear()
    _laid_out_chars = 0


def _keep_lines(key, lines) -> None:
    global _laid_out_chars
    size = len(key[0][0])
    if len(_LAID_OUT) >= LAID_OUT_MAX or _laid_out_chars + size > LAID_OUT_CHARS_MAX:
        _LAID_OUT.clear()
        _laid_out_chars = 0
    _LAID_OUT[key] = lines
    _laid_out_chars += size


def _kept(frag) -> tuple:
    """A parsed fragment as kept for later paragraphs: its class, its attributes, and
    the names of those that are lists (links, underlines: each paragraph its own)."""
    attrs = dict(frag.__dict__)
    lists = tuple(name for name, value in attrs.items() if type(value) is list)
    for name in lists:
        attrs[name] = attrs[name][:]
    return type(frag), attrs, lists


def _made(kept) -> list:
    """Fragments of their own from ``_kept`` ones (copying each attribute by name in
    Python took a tenth of a card's layout)."""
    out = []
    for kind, attrs, lists in kept:
        twin = object.__new__(kind)
        own = attrs.copy()
        for name in lists:
            own[name] = own[name][:]
        twin.__dict__ = own
        out.append(twin)
    return out


def _fresh(frag):
    """A copy of a parsed fragment that shares no list with it (links, underlines)."""
    return _made([_kept(frag)])[0]


# Markup or an entity: text with neither is one fragment in the style's font.
_MARKUP = re.compile("[<&]")

# The fragment of a plain text in each style, as ReportLab's parser makes it
# (the text left out): a plain text needs no parsing (HTMLParser, a fifth of a
# first-shown card's layout), only its text put in. Bounded; emptied when full.
_PLAIN: dict = {}
PLAIN_MAX = 256
_PROBE = "probe"


def _plain_fragment(style):
    """``_kept`` of the fragment ReportLab makes of a plain word in ``style``, or None
    when the style makes more of it (a text transform)."""
    found = _PLAIN.get(style, False)
    if found is not False:
        return found
    probe = _ReportLabParagraph(_PROBE, style)
    frags = probe.frags
    found = None
    if (len(frags) == 1 and frags[0].text == _PROBE and probe.text == _PROBE
            and probe.style is style and probe.bulletText is None):
        found = _kept(frags[0])
    if len(_PLAIN) >= PLAIN_MAX:
        _PLAIN.clear()
    _PLAIN[style] = found
    return found


class Paragraph(_ReportLabParagraph):
    """ReportLab's Paragraph, laid out here when its text needs bidi or shaping."""

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None or style is None or not isinstance(text, str):
            return super()._setup(text, style, bulletText, frags, cleaner)
        key = (text, style, bulletText)
        if len(text) <= LAID_OUT_TEXT_MAX:
            self._markup = key
        parsed = _PARSED.get(key)
        if parsed is None:
            plain = _plain_fragment(style) if _MARKUP.search(text) is None else None
            if plain is not None:
                self._setup_plain(cleaner(text), style, bulletText, plain)
            else:
                super()._setup(text, style, bulletText, None, cleaner)
            # whether the card family prints every character, asked once per text
            self._covered = register().issuperset(map(ord, text))
            if len(_PARSED) >= PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = (self.text, self.style, [_kept(f) for f in self.frags],
                            self.bulletText, self._covered)
            return None
        self.text, self.style, frags, self.bulletText, self._covered = parsed
        self.frags = _made(frags)
        self.debug = 0
        return None

    def _setup_plain(self, text, style, bulletText, plain):
        """``_setup`` of a text without markup: what ReportLab's parser makes of it
        (nothing of an empty text, else one fragment holding it), without parsing."""
        self.text, self.style, self.bulletText, self.debug = text, style, bulletText, 0
        if not text:
            self.frags = []
            return
        frag = _made([plain])[0]
        frag.text = text
        self.frags = [frag]

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1,
                 encoding="utf8"):
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        covered = register()
        if LATER:  # an italic style not loaded yet: load it if this text uses it
            for frag in self.frags:
                if getattr(frag, "fontName", None) in LATER:
                    load_style(frag.fontName)
        self._cjk = False
        known = self.__dict__.pop("_covered", None)
        if isinstance(text, str) and not (
                known if known is not None else covered.issuperset(map(ord, text))):
            self.frags = split_by_font(self.frags, covered)
            self._complex = is_complex(text)
            self._cjk = not self._complex and _kinsoku().has_cjk(text)
        else:
            self._complex = False
        if self._complex:
            self._prepare()
        elif getattr(self, "_markup", None) is not None and not self._cjk:
            self._own_frags = self.frags  # to break its own lines from, once shared

    _shared = False  # lines (and the fragments they were broken from) from _LAID_OUT

    def _unshare(self):
        """Own fragments again, before ReportLab breaks or splits them itself."""
        self.frags = [_fresh(f) for f in self._own_frags]
        self._shared = False
        self.__dict__.pop("blPara", None)
        self._wrapped_at = None

    def breakLines(self, width):
        if self._cjk:  # Chinese and Japanese: between characters, kinsoku kept
            widths = width if isinstance(width, (list, tuple)) else [width]
            return _kinsoku().break_lines(self.frags, widths)
        return super().breakLines(width)

    # logical text, one frag per character, levels once per paragraph
    def _prepare(self):
        chars, owners, breaks = [], [], set()
        for frag in self.frags:
            if getattr(frag, "lineBreak", False):
                breaks.add(len(chars))
                chars.append("\n")
                owners.append(frag)
                continue
            text = _EXPLICIT.sub("", getattr(frag, "text", "") or "")
            chars.extend(text)
            owners.extend([frag] * len(text))
        self._text = "".join(chars)
        self._owners = owners
        self._breaks = breaks
        levels, classes, base = bidi_levels(self._text.replace("\n", " "))
        self._levels, self._classes, self._base = levels, classes, base

    def _run_width(self, start, end) -> float:
        """Width of logical characters start:end, shaped run by run (one font each)."""
        width, i = 0.0, start
        while i < end:
            frag = self._owners[i]
            j = i
            while j < end and self._owners[j] is frag:
                j += 1
            piece = self._text[i:j]
            if piece.strip():
                width += shape(piece, frag.fontName, frag.fontSize, _strong_rtl(piece))[1]
            else:
                width += pdfmetrics.stringWidth(piece, frag.fontName, frag.fontSize)
            i = j
        return width

    def _break(self, widths) -> list[_Line]:
        text, lines = self._text, []
        n = len(text)
        words = [(m.start(), m.end()) for m in re.finditer(r"[^ \n]+|\n", text)]
        line_start, line_width, line_end = None, 0.0, 0
        space_before = 0.0

        def limit():
            return widths[0] if not lines else widths[-1]

        def close(end):
            nonlocal line_start, line_width
            lines.append(_Line(line_start if line_start is not None else end, end, line_width))
            line_start, line_width = None, 0.0

        for start, end in words:
            if text[start] == "\n":
                close(line_end if line_start is not None else start)
                line_end = end
                continue
            word_width = self._run_width(start, end)
            if line_start is not None:
                space_before = self._run_width(line_end, start)
                if line_width + space_before + word_width <= limit() + 1e-6:
                    line_width += space_before + word_width
                    line_end = end
                    continue
                close(line_end)
            # a word longer than a whole line is cut between characters
            while word_width > limit() and end - start > 1:
                cut = start + 1
                while cut < end and self._run_width(start, cut + 1) <= limit():
                    cut += 1
                while cut < end and _is_mark(text[cut]) and cut > start + 1:
                    cut -= 1  # never separate a letter from its marks
                line_start, line_width = start, self._run_width(start, cut)
                close(cut)
                start = cut
                word_width = self._run_width(start, end)
            line_start, line_width, line_end = start, word_width, end
        if line_start is not None or not lines:
            close(line_end if line_start is not None else n)
        return lines

    def wrap(self, availWidth, availHeight):
        if not self._complex:
            # Line breaks depend on the width alone: a paragraph measured again
            # at the same width (tables re-measure their cells) keeps its lines.
            if getattr(self, "_wrapped_at", None) == availWidth and hasattr(self, "blPara"):
                return self.width, self.height
            own = self.__dict__.get("_own_frags")
            if own is None:
                self._wrapped_at = availWidth
                return super().wrap(availWidth, availHeight)
            key = (self._markup, availWidth)
            found = _LAID_OUT.get(key)
            if found is not None:
                (self.blPara, self.frags, self.width, self.height, self._wrapWidths,
                 self._width_max) = found
                self._wrapped_at, self._shared = availWidth, True
                return self.width, self.height
            if self._shared:
                self._unshare()
            self._wrapped_at = availWidth
            size = super().wrap(availWidth, availHeight)
            _keep_lines(key, (self.blPara, self.frags, self.width, self.height,
                              self._wrapWidths, self._width_max))
            self._shared = True
            return size
        style = self.style
        self.width = availWidth
        first = availWidth - self._first_indent() - style.rightIndent
        later = availWidth - style.leftIndent - style.rightIndent
        if getattr(self, "_lines_for", None) != availWidth:
            self._lines = self._break([first, later])
            self._lines_for = availWidth
        self.height = len(self._lines) * style.leading
        return self.width, self.height

    def _first_indent(self) -> float:
        """Where the first line starts: after its bullet or number ("12."), with a gap,
        as ReportLab's own paragraphs do (on the right for a right-to-left one)."""
        style = self.style
        indent = style.leftIndent + style.firstLineIndent
        if not self.bulletText:
            return indent
        if isinstance(self.bulletText, str):
            width = pdfmetrics.stringWidth(self.bulletText, style.bulletFontName,
                                           style.bulletFontSize)
        else:
            width = sum(pdfmetrics.stringWidth(f.text, f.fontName, f.fontSize)
                        for f in self.bulletText)
        return max(indent, style.bulletIndent + width + 0.6 * style.bulletFontSize)

    def split(self, availWidth, availHeight):
        if not self._complex:
            if self._shared:  # ReportLab's split changes the fragments it splits
                self._unshare()
                del self._own_frags  # and this paragraph's lines are its own from now on
                self.wrap(availWidth, availHeight)
            return super().split(availWidth, availHeight)
        self.wrap(availWidth, availHeight)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit >= len(self._lines):
            return [self]
        if fit <= 0:
            return []
        head, tail = self._clone(self._lines[:fit]), self._clone(self._lines[fit:])
        tail.bulletText = None
        return [head, tail]

    def _clone(self, lines):
        twin = _ReportLabParagraph.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._lines, twin._lines_for = lines, self.width
        return twin

    def minWidth(self):
        if not self._complex:
            return super().minWidth()
        words = re.findall(r"[^ \n]+", self._text)
        return max((self._run_width(self._text.index(w), self._text.index(w) + len(w))
                    for w in words), default=0)

    def draw(self):
        if not self._complex:
            return super().draw()
        canvas, style = self.canv, self.style
        rtl = bool(self._base)
        y = self.height - style.fontSize
        if self.bulletText:
            _drawBullet(canvas, 0, y, self.bulletText, style, (self.width,) if rtl else False)
        for number, line in enumerate(self._lines):
            # a right-to-left paragraph mirrors its indents (and so sits
            # beside its bullet, which _drawBullet puts on the right)
            start_indent = self._first_indent() if number == 0 else style.leftIndent
            left, right = (style.rightIndent, start_indent) if rtl else (start_indent,
                                                                       style.rightIndent)
            indent = left
            room = self.width - left - right
            alignment = style.alignment
            if alignment in (TA_LEFT, TA_JUSTIFY):
                flip = rtl and not getattr(style, "keep_start", False)
                alignment = TA_RIGHT if flip else TA_LEFT
            elif rtl and alignment == TA_RIGHT:
                alignment = TA_RIGHT
            x = indent
            if alignment == TA_RIGHT:
                x += room - line.width
            elif alignment == TA_CENTER:
                x += (room - line.width) / 2
            self._draw_line(canvas, line, x, y)
            y -= style.leading

    def _draw_line(self, canvas, line, x, y):
        end = line.end
        while end > line.start and self._text[end - 1] in " \n":
            end -= 1  # trailing spaces take no room
        start = line.start
        while start < end and self._text[start] == "\n":
            start += 1
        order, levels = visual_order(self._levels, self._classes, start, end, self._base)
        runs = []
        for position, index in enumerate(order):
            level = levels[position]
            frag = self._owners[index]
            if runs:
                run = runs[-1]
                step = -1 if level % 2 else 1
                if run[2] is frag and run[3] == level and index == run[1] + step:
                    run[1] = index
                    continue
            runs.append([index, index, frag, level])
        for first, last, frag, level in runs:
            low, high = min(first, last), max(first, last)
            piece = self._text[low:high + 1]
            if not piece.strip():
                x += pdfmetrics.stringWidth(piece, frag.fontName, frag.fontSize)
                continue
            glyphs, width = shape(piece, frag.fontName, frag.fontSize, bool(level % 2))
            text_object = canvas.beginText(x, y + getattr(frag, "rise", 0))
            text_object.setFont(frag.fontName, frag.fontSize)
            text_object.setFillColor(frag.textColor)
            text_object.textOut(glyphs)
            actual = _actual_text(piece, bool(level % 2))
            if actual:
                canvas._code.append(f"/Span <</ActualText <FEFF{_utf16_hex(actual)}>>> BDC")
            canvas.drawText(text_object)
            if actual:
                canvas._code.append("EMC")
            x += width


def one_line(markup_words: list[str], style, width: float):
    """A one-line Paragraph of as many whole words as fit ``width``, then "…".

    Returns (paragraph, its width, whether words were left out). Shortening
    between words, never inside one: a name cut mid-word reads as another name.
    """
    words = list(markup_words)
    shortened = False
    while True:
        text = " ".join(words) + (" …" if shortened else "")
        para = Paragraph(text, style)
        _w, height = para.wrap(width, 10_000)
        if height <= style.leading + 1e-6 or len(words) <= 1:
            break
        words.pop()
        shortened = True
    if para._complex:
        used = max((line.width for line in para._lines), default=0)
    else:
        used = max(para.getActualLineWidths0() or [0])
    return para, min(width, used + 0.5), shortened


_REORDERED = CompiledOnFirstUse("[\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff]")


def _actual_text(piece: str, rtl: bool) -> str | None:
    """The text a shaped run carries for search, copy and paste, or None if its glyphs do.

    A right-to-left run with vowel marks, Hebrew points or a zero-width
    non-joiner: the mark is drawn over its letter and the ZWNJ not at all, so
    pdftotext read "ﺳ ْﻠ َﻤﺎن" for سَلْمَان and lost the ZWNJ of می‌خواهم. Such a run
    carries its letters, in display order as its glyphs are drawn: poppler
    reverses right-to-left text drawn in display order back to logical order,
    and does it to this text too (measured: text given in logical order came
    out reversed). Runs without marks keep their glyphs' own code points
    (joining forms, equal to the letters after NFKC): PDFium reads those in
    logical order and read the same names reversed word by word once they
    carried any /ActualText; it reads marked names wrongly either way.

    Indic and Thai glyphs are reordered and merged (conjuncts, vowel signs
    before their consonant): the run carries its text in logical order.
    """
    if rtl:
        return piece[::-1] if _HIDDEN_IN_GLYPHS.search(piece) else None
    if _REORDERED.search(piece):
        return piece
    return None


# Characters a right-to-left run's glyphs do not give back in reading order:
# combining marks (Arabic harakat, Hebrew points) and joiner controls.
_HIDDEN_IN_GLYPHS = CompiledOnFirstUse("[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
                                        "\u06d6-\u06ed\u08d3-\u08ff\ufb1e\u200c\u200d]")


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")
