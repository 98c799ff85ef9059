"""Folding text for search: one spelling for the many ways a name is written.

Pure functions on strings — no SQL, no store — so any search backend
(SQLite FTS5 today, PostgreSQL tomorrow) indexes and queries the same
folded words. The rules:

- compatibility forms become plain letters (NFKC: full-width Latin,
  Arabic presentation forms), then case is folded (``ß`` → ``ss``);
- Latin, Greek and Cyrillic accents go (``Erdoğan`` → ``erdogan``); so do
  letters Unicode cannot decompose (``Ł`` → ``l``, ``ø`` → ``o``);
- transliteration marks go: ʿ ʾ ʼ ʻ ‘ ’ ` ' (``Musāʿid`` → ``musaid``);
- Arabic: vowel marks (harakat), Quranic marks and tatweel go; أ إ آ ٱ → ا;
  ى → ي; ة → ه; ؤ → و; ئ → ي; the Persian ی and ک are the Arabic ي and ك;
- Hebrew points and cantillation marks go;
- variation selectors go (葛󠄀城 → 葛城): they choose a glyph, not a letter;
- marks that are part of a letter in other scripts (Devanagari and Thai
  vowel signs, Japanese voicing marks) stay, and Hangul stays composed.

CJK text has no spaces between words, so a name is also cut into
overlapping two-character pieces (:func:`cjk_grams`): any run of two or
more characters inside a name is a phrase of those pieces.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .lazypattern import CompiledOnFirstUse

# The patterns below over whole scripts are compiled when first used:
# compiling them took 8 ms of every start of the program, and most commands
# (a card, a listing) never fold text.

_LETTERS = {
    # Latin letters Unicode does not decompose into base letter + accent
    "ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d",
    "ħ": "h", "ŀ": "l", "ŧ": "t", "ƚ": "l", "ɨ": "i", "ʉ": "u",
    # Arabic letter forms and their Persian twins
    "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك", "ۀ": "ه", "ې": "ي", "ە": "ه",
}
# Transliteration marks for ʿayn and hamza, apostrophes, and private-use
# characters (the index uses some as separators of its own keys).
_DROPPED = "ʿʾʼʻ‘’`'ʹʺ" + "\u0640"  # tatweel
_TABLE = str.maketrans({**_LETTERS, **{ch: None for ch in _DROPPED}})
_PRIVATE_USE = CompiledOnFirstUse("[\ue000-\uf8ff]")
# Variation selectors (standard, ideographic, Mongolian free ones): inside a
# CJK run they would split the two-character pieces a search looks for.
_VARIATION_SELECTORS = CompiledOnFirstUse(
    "[\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]")

# Combining marks removed after canonical decomposition (NFD): accents
# (Latin, Greek, Cyrillic), Arabic harakat and Quranic marks (hamza above
# and below and madda included, so أ إ آ ؤ ئ lose them), Hebrew points.
_MARKS = CompiledOnFirstUse(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff"
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]")

# Scripts written without spaces between words: Han, kana, Hangul, Bopomofo.
_CJK = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff"
        "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f")
CJK_RUN = CompiledOnFirstUse(f"[{_CJK}]+")
_CJK_CHAR = CompiledOnFirstUse(f"[{_CJK}]")
WORD = CompiledOnFirstUse(r"\w+")
_ARTICLE = "ال"  # the Arabic definite article, written joined to its word
# what folding changes beyond case: any character beyond ASCII, and apostrophes
_ODD = CompiledOnFirstUse(r"[^\x00-\x7f]|['`]")


def fold(text: str) -> str:
    """The search form of ``text``: one spelling per name, case and marks folded."""
    if text.isascii():
        # the common case, kept fast for imports of a million records
        return text.lower().translate(_TABLE) if ("'" in text or "`" in text) else text.lower()
    # Word by word, each folded once: names and words recur (an import folds
    # each actor's name again in every meeting it attends). Folding stops at
    # a space: no rule below joins a character to a space or reorders across
    # one, so the pieces folded apart and joined are the text folded whole
    # (tests/test_folding.py checks it on random text).
    if " " not in text:
        return _fold_piece(text)
    return " ".join([_fold_piece(piece) for piece in text.split(" ")])


def _fold_whole(text: str) -> str:
    """fold() of any text in one go (what the word-by-word fold must equal)."""
    if text.isascii():
        return text.lower().translate(_TABLE) if ("'" in text or "`" in text) else text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    text = _VARIATION_SELECTORS.sub("", _PRIVATE_USE.sub("", text))
    text = _MARKS.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


_fold_piece = lru_cache(maxsize=1 << 15)(_fold_whole)


def words(text: str) -> list[str]:
    """The folded words of ``text``, as a query or an index sees them."""
    return WORD.findall(fold(text))


def has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


def cjk_grams(text: str) -> list[str]:
    """Overlapping two-character pieces of each CJK run, then its last character.

    中央外事 → 中央 央外 外事 事: the phrase "央外 外事" finds 央外事 inside the
    name, and every character begins a piece, so one character finds it too.
    """
    grams = []
    for run in CJK_RUN.findall(text):
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
        grams.append(run[-1])
    return grams


def variants(text: str) -> list[str]:
    """Words a search must also find ``text`` by, beyond its own tokens.

    The folded form of each word whose folding changes more than its case,
    an Arabic word without its article (العيبان → عيبان), and the CJK pieces.
    Plain ASCII text has none, which keeps the index small and imports fast.
    """
    if not text or (text.isascii() and "'" not in text and "`" not in text):
        return []
    # Only the space-separated pieces with a character beyond plain ASCII
    # (or an apostrophe) can fold to a word the text lacks: the others are
    # left out, which halves the work on a meeting's list of names
    # (tests/test_folding.py checks it against folding the whole text).
    pieces = []
    end = -1
    for odd in _ODD.finditer(text):
        at = odd.start()
        if at < end:  # in the piece just taken
            continue
        start = text.rfind(" ", 0, at) + 1
        end = text.find(" ", at)
        if end < 0:
            end = len(text)
        pieces.append(_fold_piece(text[start:end]))
    folded = " ".join(pieces)
    plain = set(WORD.findall(text.lower()))
    if _ARTICLE not in folded:  # most text: no word to take an article from
        out = [word for word in WORD.findall(folded) if word not in plain]
    else:
        out = []
        for word in WORD.findall(folded):
            if word not in plain:
                out.append(word)
            if word.startswith(_ARTICLE) and len(word) > len(_ARTICLE) + 1:
                out.append(word[len(_ARTICLE):])
    out.extend(cjk_grams(folded))
    return out


def name_key(text: str) -> str:
    """One token standing for a whole name, to rank exact matches first.

    The folded words joined by a private-use character, which the index
    keeps inside a token and which :func:`fold` removes from anything typed,
    so a key only ever matches a whole name.
    """
    folded = words(text)
    return "\ue000" + "\ue000".join(folded) + "\ue000" if folded else ""
