"""The card family embedded the same way in every document, prepared once per process.

ReportLab embeds a subset of each TrueType font in each PDF, numbering the
characters in the order the document first uses them: every card had its
own subsets, each built from the font file, compressed and formatted
anew (a fifth to a quarter of a warm card's time, for three or four
styles). Here the first two subsets of each style hold fixed sets: Latin
(ASCII, and the letters and punctuation names and prose most often need)
and Cyrillic. Their font programs, character widths and ToUnicode maps are
the same in every document, so they are built and compressed once (and
kept in the font cache between runs) and their objects formatted once per
process; a fixed subset no character of the document uses is left out.
Any other character goes to a further subset of the document, as ReportLab
does it. What prints is the same; a card is larger by the glyphs it embeds
and does not print (about 10 kB a style: the sample meeting card 22 -> 53 kB).
"""

from __future__ import annotations

import io
import re
import threading
import zlib

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from . import fontcache

# The fixed subsets, each at most 255 characters (byte 0 is the missing glyph;
# byte 32 must be the space, as word spacing applies to that byte). Every
# character costs its glyph in every document that uses the subset, so
# only the common ones: typographic punctuation, the accented letters of
# western and central European names (Polish, Czech, Slovak, Turkish,
# Romanian, Croatian, Hungarian), the Russian, Ukrainian and Belarusian alphabets.
LATIN = ("".join(map(chr, range(33, 127)))
         + "‘’“”–—…•·«»°×€§©"
         + "ÀÁÂÄÅÇÈÉÊËÍÎÓÔÖØÚÜ" + "ßàáâãäåçèéêëìíîïñòóôõöøùúûüýÿ"
         + "ąćęłńśźżĄĆĘŁŚŻ" + "čďěňřšťůžČŘŠŽ" + "ğıİşŞ" + "ăâșțȘ" + "đĐ" + "őű")
CYRILLIC = ("".join(map(chr, range(0x410, 0x450)))  # А-я
            + "ЁёЄєІіЇїҐґЎў")
FIXED = (LATIN, CYRILLIC)


def fixed_codes(chars: str, char_to_glyph) -> list[int]:
    """A fixed subset as ReportLab lays one out: code points by their byte, 0 for the
    missing glyph at byte 0 and the space at byte 32; characters the font lacks left out."""
    codes = [0] + [ord(ch) for ch in dict.fromkeys(chars) if ord(ch) in char_to_glyph
                   and ch != " "]
    codes.insert(32, 32)
    if len(codes) > 256:
        raise ValueError(f"a fixed subset of {len(codes)} codes: 256 at most")
    return codes


class _Flated:
    """A FlateDecode filter whose output was computed once: ``zlib.compress`` of the
    same bytes, as ReportLab's own filter returns them."""

    pdfname = "FlateDecode"

    def __init__(self, data: bytes):
        self.data = data

    def encode(self, _text):
        return self.data


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once (a fixed subset's widths)."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document):
        return self.data


class _Prepared:
    """What one fixed subset of one font writes into every document, made once (and
    kept in the font cache: a first card made a subset of each style anew, ms each)."""

    def __init__(self, face, number: int, codes: list[int]):
        self.codes = codes
        made = fontcache.kept(face.filename, f"-subset{number}",
                              (*fontcache.file_key(face.filename), number, tuple(codes)),
                              lambda: _make(face, number, codes), _well_formed)
        self.base_name = made["base_name"]
        self.widths = _Formatted(made["widths"])
        self.cmap, self.cmap_flated = made["cmap"], made["cmap_flated"]
        self.program, self.program_flated = made["program"], made["program_flated"]


_KINDS = {"base_name": str, "widths": bytes, "cmap": str, "cmap_flated": bytes,
          "program": bytes, "program_flated": bytes}


def _make(face, number: int, codes: list[int]) -> dict:
    base_name = _base_name(face, number)
    cmap = makeToUnicodeCMap(base_name, codes)
    program = face.makeSubset(codes)
    return {"base_name": base_name,
            "widths": pdfdoc.PDFArray(list(map(face.getCharWidth, codes))).format(None),
            "cmap": cmap, "cmap_flated": zlib.compress(cmap.encode("utf8")),
            "program": program, "program_flated": zlib.compress(program)}


def _well_formed(made) -> bool:
    return (isinstance(made, dict) and made.keys() == _KINDS.keys()
            and all(isinstance(made[k], kind) for k, kind in _KINDS.items()))


def _base_name(face, number: int) -> str:
    return b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")


class FixedSubsetFont(TTFont):
    """A TTFont whose first subsets in every document are the ``FIXED`` sets."""

    _lock = threading.Lock()

    def _fixed(self) -> list[list[int]]:
        codes = self.__dict__.get("_fixed_codes")
        if codes is None:
            codes = [fixed_codes(chars, self.face.charToGlyph) for chars in FIXED]
            # a code in two subsets (the space, the missing glyph) is taken from the first
            self._fixed_assignments = {
                code: (number << 8) | byte for number, subset in reversed(list(enumerate(codes)))
                for byte, code in enumerate(subset) if code or not byte}
            self._fixed_codes = codes
        return codes

    def _prepared(self, number: int) -> _Prepared:
        prepared = self.__dict__.setdefault("_prepared_subsets", {})
        found = prepared.get(number)
        if found is None:
            with self._lock:  # a preview and an export may embed the font at once
                found = prepared.get(number)
                if found is None:
                    found = prepared[number] = _Prepared(self.face, number,
                                                         self._fixed()[number])
        return found

    def _document_state(self, doc) -> TTFont.State:
        try:
            return self.state[doc]
        except KeyError:
            pass
        state = TTFont.State(self._asciiReadable, self)
        state.subsets = [list(codes) for codes in self._fixed()]
        state.assignments = dict(self._fixed_assignments)
        state.nextCode = len(FIXED) << 8
        state.used = set()
        self.state[doc] = state
        return state

    def splitString(self, text, doc, encoding="utf-8"):
        state = self._document_state(doc)
        runs = self._fixed_runs(text) if type(text) is str else None
        if runs is None:
            runs = super().splitString(text, doc, encoding)
        state.used.update(number for number, _ in runs)
        return runs

    def _fixed_runs(self, text: str) -> list[tuple[int, bytes]] | None:
        """``splitString``'s runs for text of the fixed subsets' characters alone, or None.

        ReportLab's loop looks each character up in Python (a tenth of a card's
        drawing); the fixed subsets' codes never change, so two translations
        and an encoding give the same runs: each character to the code it has
        in every document (the subset's number times 256 plus its byte), then
        each run of one subset to its bytes.
        """
        tables = self.__dict__.get("_fixed_tables")
        if tables is None:
            tables = self._fixed_tables = _fixed_tables(self._fixed(), self._fixed_assignments)
        other, to_code, to_byte = tables
        if other.search(text) is not None:
            return None
        coded = text.translate(to_code)
        return [(ord(run[0]) >> 8, run.translate(to_byte).encode("latin-1"))
                for run in _SUBSET_RUN.findall(coded)]

    def addObjects(self, doc):
        """ReportLab's ``TTFont.addObjects``: the fixed subsets written as formatted once,
        those the document does not use left out, any other subset as ReportLab does."""
        state = self._document_state(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for number, subset in enumerate(state.subsets):
            fixed = number < len(FIXED)
            if fixed and number not in state.used:
                continue
            internal_name = self.getSubsetInternalName(number, doc)[1:]
            if fixed and doc.compression and isinstance(doc.encrypt, pdfdoc.NoEncryption):
                pdf_font = self._formatted(number).font(doc, internal_name)
            else:
                pdf_font = _subset_font(self, doc, number, subset, internal_name)
            doc.Reference(pdf_font, internal_name)
            fonts[internal_name] = pdf_font
        del self.state[doc]

    def _formatted(self, number: int) -> _FormattedSubset:
        formatted = self.__dict__.setdefault("_formatted_subsets", {})
        found = formatted.get(number)
        if found is None:  # two threads may both make it: the same bytes either way
            found = formatted[number] = _FormattedSubset(self, number)
        return found


# a run of one subset's codes (as ``_fixed_tables`` translates them): 256 each
_SUBSET_RUN = re.compile("|".join(f"[{chr(n << 8)}-{chr((n << 8) | 0xFF)}]+"
                                  for n in range(len(FIXED))))


def _fixed_tables(codes: list[list[int]], assignments: dict[int, int]):
    """(a pattern finding a character outside the fixed subsets, a table to each
    character's code, a table from codes to their byte in the subset)."""
    # ReportLab prints the no-break space as the space
    to_code = {**{code: chr(n) for code, n in assignments.items() if code},
               0xA0: chr(assignments[32])}
    inside = "".join(re.escape(chr(code)) for code in sorted(to_code))
    other = re.compile(f"[^{inside}]")
    to_byte = {n: n & 0xFF for n in range(len(codes) << 8)}
    return other, to_code, to_byte


def _subset_font(font, doc, number, subset, internal_name):
    """The objects of one subset, as ``TTFont.addObjects`` makes them (for a fixed
    subset, from its font program, widths and ToUnicode map made already)."""
    face = font.face
    prepared = font._prepared(number) if number < len(FIXED) else None
    base_name = prepared.base_name if prepared else _base_name(face, number)
    pdf_font = pdfdoc.PDFTrueTypeFont()
    pdf_font.__Comment__ = f"Font {font.fontName} subset {number}"
    pdf_font.Name = internal_name
    pdf_font.BaseFont = base_name
    pdf_font.FirstChar = 0
    pdf_font.LastChar = len(subset) - 1
    cmap = pdfdoc.PDFStream()
    if prepared:
        pdf_font.Widths = prepared.widths
        cmap.content = prepared.cmap
        flate = _Flated(prepared.cmap_flated)
    else:
        pdf_font.Widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset)))
        cmap.content = makeToUnicodeCMap(base_name, subset)
        flate = pdfdoc.PDFZCompress
    if doc.compression:
        cmap.filters = [flate]
    pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_name)
    if prepared:
        pdf_font.FontDescriptor = _descriptor(face, doc, base_name, prepared.program,
                                              _Flated(prepared.program_flated))
    else:
        pdf_font.FontDescriptor = face.addSubsetObjects(doc, base_name, subset)
    return pdf_font


class _Stand(pdfdoc.PDFObject):
    """Stands in, while a subset's objects are formatted once, for what each document
    has its own of: an object's number, the font's name in the document."""

    def __init__(self, mark: bytes):
        self.mark = mark

    def format(self, document):
        return self.mark


class _Pieces(pdfdoc.PDFObject):
    """An object formatted once, the stand-ins' places filled in for each document."""

    __RefOnly__ = 1  # written as an object of its own, named where it is used

    def __init__(self, pieces: list[bytes], values: list):
        self.pieces, self.values = pieces, values

    def format(self, document):
        out = [self.pieces[0]]
        for value, piece in zip(self.values, self.pieces[1:], strict=True):
            out += [value if isinstance(value, bytes) else value.format(document), piece]
        return b"".join(out)


class _FormattedSubset:
    """A fixed subset's four objects formatted once, by ReportLab's own code, in a
    document made for it: each document writes the same bytes, its own object numbers
    and font name put in (formatting them took a fifth of a card's writing)."""

    NAME = "BriefingSubsetName"  # a name no document gives a font

    def __init__(self, font, number: int):
        from reportlab.pdfgen.canvas import Canvas

        doc = Canvas(io.BytesIO(), pageCompression=1)._doc  # as the documents it serves
        pdf_font = _subset_font(font, doc, number, font._fixed()[number], self.NAME)
        cmap_ref, descriptor_ref = pdf_font.ToUnicode, pdf_font.FontDescriptor
        pdf_font.ToUnicode, pdf_font.FontDescriptor = _Stand(b"\x00c\x00"), _Stand(b"\x00d\x00")
        self.font_pieces, self.font_order = _split(
            pdf_font.format(doc), [b"/" + self.NAME.encode(), b"\x00c\x00", b"\x00d\x00"])
        descriptor = doc.idToObject[descriptor_ref.name]
        program_ref = descriptor.dict["FontFile2"]
        descriptor.dict["FontFile2"] = _Stand(b"\x00p\x00")
        self.descriptor_pieces, _ = _split(descriptor.format(doc), [b"\x00p\x00"])
        self.cmap = doc.idToObject[cmap_ref.name].format(doc)
        self.program = doc.idToObject[program_ref.name].format(doc)
        self.base_name = font._prepared(number).base_name
        self.filename = font.face.filename
        self.comment = pdf_font.__Comment__

    def font(self, doc, internal_name: str) -> pdfdoc.PDFObject:
        """The subset's font object for ``doc`` (its other objects referenced in it)."""
        # objects of their own in each document (ReportLab names an object in it)
        cmap = doc.Reference(_Pieces([self.cmap], []), "toUnicodeCMap:" + self.base_name)
        program = doc.Reference(_Pieces([self.program], []),
                                f"fontFile:{self.filename}({self.base_name})")
        descriptor = doc.Reference(_Pieces(self.descriptor_pieces, [program]),
                                   "fontDescriptor:" + self.base_name)
        name = pdfdoc.format(pdfdoc.PDFName(internal_name), doc)
        values = (name, cmap, descriptor)
        pdf_font = _Pieces(self.font_pieces, [values[i] for i in self.font_order])
        pdf_font.__Comment__ = self.comment
        return pdf_font


def _split(formatted: bytes, marks: list[bytes]) -> tuple[list[bytes], list[int]]:
    """``formatted`` cut at each of ``marks``, and the marks' indices in the order they
    appear in it."""
    order = sorted(range(len(marks)), key=lambda i: formatted.index(marks[i]))
    pieces, rest = [], formatted
    for i in order:
        head, rest = rest.split(marks[i], 1)
        pieces.append(head)
    pieces.append(rest)
    return pieces, order


def _descriptor(face, doc, base_name: str, program: bytes, flate: _Flated):
    """``TTFontFace.addSubsetObjects`` for a font program made already."""
    font_file = pdfdoc.PDFStream()
    font_file.content = program
    font_file.dictionary["Length1"] = len(program)
    if doc.compression:
        font_file.filters = [flate]
    font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({base_name})")
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    descriptor = pdfdoc.PDFDictionary({
        "Type": "/FontDescriptor",
        "Ascent": face.ascent,
        "CapHeight": face.capHeight,
        "Descent": face.descent,
        "Flags": flags,
        "FontBBox": pdfdoc.PDFArray(face.bbox),
        "FontName": pdfdoc.PDFName(base_name),
        "ItalicAngle": face.italicAngle,
        "StemV": face.stemV,
        "FontFile2": font_file_ref,
        "MissingWidth": face.defaultWidth,
    })
    return doc.Reference(descriptor, "fontDescriptor:" + base_name)
