"""Search on a team book: the same folded words as the SQLite index, as LIKE patterns.

Both backends index what :func:`desktopapp.store.search.document` gives
for a record and fold with :mod:`desktopapp.folding`, so they find the
same records: each typed word must begin a word of the record (prefix
match), a run of CJK characters must occur as typed (substring), every
word typed must be found (AND), and a record whose whole name is the text
ranks first, then records matching in their title, then the rest.

A record's words are stored between single spaces (``' recep tayyip
erdogan '``): a word typed matches when ``' ' || word`` occurs, which a
``pg_trgm`` GIN index answers without reading every row. Words are
``\\w+`` runs, so the only LIKE wildcard they can hold, ``_``, is escaped.
Nothing typed ever becomes SQL: patterns travel as parameters.
"""

from __future__ import annotations

import re

from ... import folding
from .. import search

MAX_TERMS = search.MAX_TERMS
MAX_TERM_LENGTH = search.MAX_TERM_LENGTH
# apostrophes and underscores also separate words, as the SQLite tokenizer
# splits there (O'Brien is found by "brien"); transliteration marks that are
# letters to it (ʿ ʾ ʼ ʻ ʹ ʺ: Musāʿid) do not
_MARKS = re.compile("[‘’`'_]")


def _words(text: str) -> list[str]:
    found = folding.words(text)
    if _MARKS.search(text):
        found += folding.words(_MARKS.sub(" ", text))
    return found


def _spaced(words) -> str:
    unique = dict.fromkeys(w for w in words if w)
    return " " + " ".join(unique) + " " if unique else " "


def document(record, names_of) -> tuple[str, str, str, str, list[str]]:
    """(title, body, title_words, all_words, name_keys) of a record for the index."""
    return index_text(*search.document(record, names_of))


def index_text(title: str, body: str, title_extra: str,
               body_extra: str) -> tuple[str, str, str, str, list[str]]:
    """The index row's text from what search.document gives (see document())."""
    keys = [token for token in title_extra.split() if token.startswith("\ue000")]
    extra = [token for token in title_extra.split() if not token.startswith("\ue000")]
    title_words = _words(title) + extra
    body_words = _words(body) + body_extra.split()
    return title, body, _spaced(title_words), _spaced(title_words + body_words), keys


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _patterns(word: str, *, last: bool, whole_words: bool) -> list[str]:
    """LIKE patterns for one folded word: a word start (or a whole word, by the
    rule of search.is_prefix), and CJK runs anywhere."""
    def plain(piece: str, at_start: bool) -> str:
        end = "%" if search.is_prefix(piece, last=last, whole_words=whole_words) else " %"
        return ("% " if at_start else "%") + _like(piece) + end

    patterns, start = [], 0
    for run in folding.CJK_RUN.finditer(word):
        if run.start() > start:
            patterns.append(plain(word[start:run.start()], start == 0))
        patterns.append(f"%{_like(run.group())}%")
        start = run.end()
    if start < len(word):
        patterns.append(plain(word[start:], start == 0))
    return patterns


def patterns(text: str, *, whole_words: bool = False) -> list[str]:
    """The LIKE patterns a record must all match, or [] when the text has no words.

    The same words as the SQLite book's query (search.match_expression):
    short words and the last word are prefixes, other words whole words;
    ``whole_words`` makes the last one whole too.
    """
    words = search.query_words(text)
    found = [p for n, word in enumerate(words)
             for p in _patterns(word, last=n == len(words) - 1, whole_words=whole_words)]
    return found[:MAX_TERMS]


def has_trigrams(pattern: str) -> bool:
    """True when pg_trgm can look ``pattern`` (from patterns()) up in its index.

    A word start (``'% er%'``) gives the trigram of a word's first letters;
    a run anywhere in a word needs three characters (``'%刘建%'`` gives none).
    """
    return pattern.startswith("% ") or len(pattern.strip("%")) >= 3


def name_key(text: str) -> str | None:
    """The whole-name key of what was typed (see folding.name_key), or None."""
    words = folding.words(text or "")
    if not words or len(words) > MAX_TERMS or sum(map(len, words)) > 4 * MAX_TERM_LENGTH:
        return None
    return folding.name_key(text)
