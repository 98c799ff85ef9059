"""Full-text search: what goes into the index, and safe queries from user text.

Users type anything. Instead of passing their text to FTS5's query
language (where ``-``, ``"``, ``*``, ``NOT`` and ``NEAR(`` mean something),
the text is folded (:mod:`desktopapp.folding`), cut into words, each word
becomes a quoted prefix term (a CJK run becomes a phrase of its
two-character pieces), and the terms are ANDed. So every input is a valid
query.

The index has four columns: ``title`` and ``body`` hold the record's own
text (snippets come from them); ``title_extra`` and ``body_extra`` hold
what folding adds — folded spellings, CJK pieces and, for titles, one key
token per whole name so an exact name ranks first.
"""

from __future__ import annotations

from .. import folding
from ..domain import Actor, Meeting, Memo, Recommendation, Source

# rowid = record id * KIND_SLOTS + kind code
KIND_SLOTS = 8
KIND_CODES = {"actor": 1, "meeting": 2, "recommendation": 3, "source": 4, "memo": 5}
KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}

# book_meta key set by a migration that changed what the index holds: the
# store re-indexes every record the next time it opens the book.
STALE_KEY = "search_index_stale"

MAX_TERMS = 12
MAX_TERM_LENGTH = 64
# bm25 weights of title, body, title_extra, body_extra: a word in the
# title counts ten times one in the text.
WEIGHTS = "10.0, 1.0, 10.0, 1.0"
TITLE_COLUMNS = "{title title_extra}"

# kept for callers of the first schema's helpers
fold = folding.fold


def rowid_for(kind: str, record_id: int) -> int:
    return record_id * KIND_SLOTS + KIND_CODES[kind]


def split_rowid(rowid: int) -> tuple[str, int]:
    return KIND_BY_CODE[rowid % KIND_SLOTS], rowid // KIND_SLOTS


def _names(record) -> list[str]:
    """The whole names a record is known by (each becomes a key token)."""
    if isinstance(record, Actor):
        return [record.name, record.native_name, *record.aliases]
    if isinstance(record, Source):
        return [record.citation]
    return [record.title]


def document(record, names_of) -> tuple[str, str, str, str]:
    """(title, body, title_extra, body_extra) of a record for the index.

    ``names_of(uids)`` returns display names for linked records, so a
    meeting is found by the names of the people at the table.
    """
    if isinstance(record, Actor):
        title = " ".join([record.name, record.native_name, *record.aliases])
        body = [record.title, record.biography, " ".join(record.tags),
                *(f"{p.topic} {p.stance}" for p in record.positions)]
    elif isinstance(record, Meeting):
        title = record.title
        body = [record.place, record.agenda, record.outcomes, record.follow_ups,
                " ".join(record.tags), record.kind.value.replace("_", " "),
                names_of([p.actor_uid for p in record.participants]
                         + record.host_uids + record.mediator_uids)]
    elif isinstance(record, Recommendation):
        title = record.title
        body = [record.text, record.addressee, record.rationale, record.author,
                " ".join(record.tags), names_of(record.addressee_uids)]
    elif isinstance(record, Memo):
        title = record.title
        body = [record.number, " ".join(record.authors), record.lead, " ".join(record.tags),
                *(f"{s.heading} {s.body}" for s in record.sections)]
    elif isinstance(record, Source):
        title = record.citation
        body = [record.url]
    else:
        raise TypeError(f"cannot index {type(record).__name__}")
    body_text = "\n".join(part for part in body if part)
    keys = [folding.name_key(name) for name in _names(record) if name]
    title_extra = " ".join([*folding.variants(title), *filter(None, keys)])
    return title, body_text, title_extra, " ".join(folding.variants(body_text))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _terms(word: str) -> list[str]:
    """FTS5 terms for one folded word: prefixes, and phrases of CJK pieces."""
    terms, start = [], 0
    for run in folding.CJK_RUN.finditer(word):
        if run.start() > start:
            terms.append(_quote(word[start:run.start()]) + "*")
        grams = folding.cjk_grams(run.group())
        # one character: any piece it begins; more: the chain of pieces
        terms.append(_quote(grams[0]) + "*" if len(grams) == 1 else _quote(" ".join(grams[:-1])))
        start = run.end()
    if start < len(word):
        terms.append(_quote(word[start:]) + "*")
    return terms


def match_expression(text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed, or None for no terms."""
    words = folding.words(text or "")[:MAX_TERMS]
    terms = [term for word in words for term in _terms(word[:MAX_TERM_LENGTH])]
    if not terms:
        return None
    return " AND ".join(terms[:MAX_TERMS])


def title_expression(expression: str) -> str:
    """``expression`` restricted to the title columns."""
    return f"{TITLE_COLUMNS} : ({expression})"


def key_expression(text: str) -> str | None:
    """A MATCH expression finding records whose whole name is what was typed."""
    words = folding.words(text or "")
    if not words or len(words) > MAX_TERMS or sum(map(len, words)) > 4 * MAX_TERM_LENGTH:
        return None
    return _quote(folding.name_key(text))


def is_short(text: str) -> bool:
    """True for one- and two-letter queries, which match a large part of any book."""
    words = folding.words(text or "")
    return bool(words) and max(len(word) for word in words) <= 2
