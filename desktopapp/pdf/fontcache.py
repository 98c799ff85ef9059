"""TrueType fonts loaded without parsing them again: their parsed tables kept between runs.

ReportLab reads a TTF in Python, table by table (character map, widths,
glyph offsets): about 5 ms for each Roboto style, 18 ms for the Korean
font and 57 ms for the Chinese one, at every start of ``briefing card``.
What it gets is plain data (numbers, dicts and lists of numbers), so it is
kept in the user's cache folder, one ``marshal`` file per font file (and one
per fixed subset of the card family, see embedding.py), and
read back in a fraction of that. The font file itself is still read (its
bytes are what a PDF embeds a subset of, and what HarfBuzz shapes with).

A cache entry names the font file's path, size and modification time,
ReportLab's version and this module's format: an entry for another file or
another version, a damaged one, or one of the wrong shape is ignored, the
font parsed as without the cache, and the entry written anew. A cache
folder that cannot be written (read-only, full, missing rights) is no
error: the font is parsed, as before. ``BRIEFING_FONT_CACHE=0`` turns the
cache off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
import zlib
from fnmatch import fnmatch
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab import Version as REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from ..cachefiles import read_regular

FORMAT = 2  # 2: the horizontal metrics and glyph offsets marshalled on their own
# An entry: this mark, then the CRC-32 of the rest, then the marshalled
# (key, face). A flipped bit could unmarshal into a wrong width and print
# a misplaced letter with no error: the checksum refuses it first.
MAGIC = b"BDfc"
MOST_BYTES = 256 << 20  # an entry larger than this is not ours (a CJK face's is some MBs)
APP_FOLDER = "briefing-desk"
# Attributes of a parsed face that are not plain data: the file's bytes
# (read from the file each time), a scaling function (made from unitsPerEm) and,
# in a face read from the cache, the tables not read yet (kept as they were read).
_NOT_KEPT = {"_ttf_data", "_pdfScale", "_later"}
# The face's names: bytes that also carry their text (ReportLab's TTFNameBytes).
_NAMES = ("name", "familyName", "styleName", "fullName", "uniqueFontID")


def enabled() -> bool:
    return os.environ.get("BRIEFING_FONT_CACHE", "1") != "0"


def cache_folder() -> Path:
    """The user's cache folder for this program's fonts (XDG on Linux)."""
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        base = os.environ.get("XDG_CACHE_HOME", "")
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        return root / APP_FOLDER / "fonts"
    import platformdirs  # elsewhere the platform's rules; only there is it imported

    return platformdirs.user_cache_path(APP_FOLDER, appauthor=False) / "fonts"


def load_ttfont(name: str, path: str | os.PathLike, asciiReadable: bool = False,
                font_class: type[TTFont] = TTFont) -> TTFont:
    """``font_class(name, path, asciiReadable=...)``, its face from the cache when it is there.

    Raises as TTFont does for a file that is no usable font (never because of the cache).
    """
    path = os.path.abspath(os.fspath(path))
    if not enabled():
        return _with_metrics(font_class(name, path, asciiReadable=asciiReadable))
    with open(path, "rb") as fh:
        stat = os.fstat(fh.fileno())
        data = fh.read()
    key = (FORMAT, REPORTLAB_VERSION, path, stat.st_size, stat.st_mtime_ns)
    entry = _entry_path(path)
    face = _read(entry, key, data)
    if face is None:
        font = font_class(name, path, asciiReadable=asciiReadable)
        _write(entry, key, font.face)
        return _with_metrics(font)
    return _with_metrics(_font_with_face(name, face, asciiReadable, font_class))


def _with_metrics(font: TTFont) -> TTFont:
    """The face's ascent and descent on the font too: ReportLab asks the font
    for them first (``pdfmetrics.getAscentDescent``, a few hundred times a
    card) and falls back to the face through a caught AttributeError, 3 % of
    a card's time."""
    font.ascent, font.descent = font.face.ascent, font.face.descent
    return font


def _entry_path(path: str, part: str = "") -> Path:
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_folder() / f"{Path(path).stem[:40]}-{digest}{part}.marshal"


def file_key(path: str) -> tuple:
    """What names one version of a font file (and of ReportLab and this format)."""
    stat = os.stat(path)
    return (FORMAT, REPORTLAB_VERSION, path, stat.st_size, stat.st_mtime_ns)


def kept(path: str, part: str, key: tuple, make, well_formed):
    """``make()``, or what it made before for this ``key`` (plain data, as
    ``marshal`` keeps it), kept beside the parsed font ``path`` under ``part``.

    Like the fonts: an entry for another key, damaged or not ``well_formed``
    is made again and replaced; a cache that cannot be written is no error.
    """
    if not enabled():
        return make()
    entry = _entry_path(path, part)
    value = _read_entry(entry, key)
    if value is None or not well_formed(value):
        value = make()
        _write_entry(entry, key, value)
    return value


def face_state(face: TTFontFace) -> dict:
    """What is kept of a parsed face: its attributes but the file's bytes and the scaler,
    its names as (bytes, text), and the parts read when first used (``CachedFace``)
    marshalled on their own."""
    state = {key: value for key, value in face.__dict__.items() if key not in _NOT_KEPT}
    for key in _NAMES:
        value = state.get(key)
        if isinstance(value, TTFNameBytes):
            state[key] = (bytes(value), value.ustr)
    for key in _LATER:
        state[key] = marshal.dumps(getattr(face, key))
    return state


def _read_entry(entry: Path, key: tuple):
    """The value kept in ``entry`` for ``key``, or None."""
    blob = read_regular(entry, MOST_BYTES)
    if blob is None:
        return None  # none yet, unreadable, or not a file of ours: parse the font
    head, body = blob[:8], blob[8:]
    if head[:4] != MAGIC or int.from_bytes(head[4:], "big") != zlib.crc32(body):
        return None  # damaged or not ours
    try:
        stored_key, value = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    return value if stored_key == key else None


def _read(entry: Path, key: tuple, data: bytes) -> TTFontFace | None:
    state = _read_entry(entry, key)
    if state is None or not _well_formed(state):
        return None
    try:
        return _face(state, data)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def _well_formed(state) -> bool:
    """The shapes ReportLab's code relies on: a damaged entry that unmarshals is refused."""
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        return False
    needed = {"charToGlyph": dict, "glyphToChar": bytes, "charWidths": dict, "hmetrics": bytes,
              "glyphPos": bytes, "table": dict, "unitsPerEm": int, "subfontNameX": bytes}
    if any(not isinstance(state.get(k), kind) for k, kind in needed.items()):
        return False
    if not all(isinstance(state.get(k), tuple) and len(state[k]) == 2 for k in _NAMES):
        return False
    return state["unitsPerEm"] > 0


class CachedFace(TTFontFace):
    """A face read from the cache; three of its tables are read when first used.

    Only shaping uses the glyph-to-character map, and only a subset made for
    characters beyond the fixed ones (embedding.py) the horizontal metrics and
    glyph offsets: together two thirds of the time reading a face took (2 ms
    of a cold card), and most cards need none of them.
    """

    def __getattr__(self, name):
        # only called for an attribute not set: one of those not read yet
        if name not in _LATER:
            raise AttributeError(name)
        with _reading:
            found = self.__dict__.get(name)
            if found is None:
                found = self.__dict__[name] = marshal.loads(self._later[name])
        return found


_reading = threading.Lock()
_LATER = ("glyphToChar", "hmetrics", "glyphPos")


def _face(state: dict, data: bytes) -> TTFontFace:
    face = CachedFace.__new__(CachedFace)
    face.__dict__.update(state)
    face._later = {key: face.__dict__.pop(key) for key in _LATER}
    for key in _NAMES:
        raw, text = state[key]
        name = TTFNameBytes(raw)
        name.ustr = text
        setattr(face, key, name)
    face._ttf_data = data
    units = face.unitsPerEm
    if units == 1000:
        face._pdfScale = _same
    else:
        face._pdfScale = _Scale(1000 / units)
    return face


def _same(value):
    return value


class _Scale:
    """Font units to thousandths of an em (ReportLab keeps a lambda, which cannot be kept)."""

    __slots__ = ("factor",)

    def __init__(self, factor: float):
        self.factor = factor

    def __call__(self, value):
        return value * self.factor


def _font_with_face(name: str, face: TTFontFace, asciiReadable: bool,
                    font_class: type[TTFont] = TTFont) -> TTFont:
    """A TTFont as ``TTFont.__init__`` makes it, with a face already parsed
    (the tests compare the two attribute by attribute)."""
    font = font_class.__new__(font_class)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = asciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    return font


def _write(entry: Path, key: tuple, face: TTFontFace) -> None:
    """Keep the parsed face; any failure only means the next start parses again."""
    _write_entry(entry, key, face_state(face))


def _write_entry(entry: Path, key: tuple, value) -> None:
    try:
        body = marshal.dumps((key, value))
    except ValueError:  # an attribute that is not plain data (another ReportLab)
        return
    blob = MAGIC + zlib.crc32(body).to_bytes(4, "big") + body
    import tempfile  # only when an entry is written

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # written whole, then renamed: a reader never sees half an entry
        handle, temporary = tempfile.mkstemp(prefix=".font-", dir=entry.parent)
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(blob)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
