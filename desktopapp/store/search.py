"""Full-text search: what goes into the index, and safe queries from user text.

Users type anything. Instead of passing their text to FTS5's query
language (where ``-``, ``"``, ``*``, ``NOT`` and ``NEAR(`` mean something),
the text is cut into words, each word becomes a quoted prefix term, and
the terms are ANDed. So every input is a valid query.
"""

from __future__ import annotations

import re
import unicodedata

from ..domain import Actor, Meeting, Memo, Recommendation, Source

# rowid = record id * KIND_SLOTS + kind code
KIND_SLOTS = 8
KIND_CODES = {"actor": 1, "meeting": 2, "recommendation": 3, "source": 4, "memo": 5}
KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}

MAX_TERMS = 12
MAX_TERM_LENGTH = 64

# Letters Unicode does not decompose into base letter + accent, so the
# tokenizer's remove_diacritics cannot fold them.
_UNFOLDABLE = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th",
    "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H",
})
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    return text.translate(_UNFOLDABLE)


def folds_of(*texts: str) -> str:
    """The words of ``texts`` that change under :func:`fold`, folded."""
    words = []
    for text in texts:
        for word in _WORD.findall(text or ""):
            folded = fold(word)
            if folded != word:
                words.append(folded)
    return " ".join(words)


def rowid_for(kind: str, record_id: int) -> int:
    return record_id * KIND_SLOTS + KIND_CODES[kind]


def split_rowid(rowid: int) -> tuple[str, int]:
    return KIND_BY_CODE[rowid % KIND_SLOTS], rowid // KIND_SLOTS


def document(record, names_of) -> tuple[str, str]:
    """(title, body) text of a record for the index.

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
    return title, "\n".join(part for part in body if part)


def match_expression(text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed, or None for no terms.

    Each word is a quoted prefix term; quotes inside are doubled. Words are
    normalised (NFC, folded) as the index is.
    """
    text = fold(unicodedata.normalize("NFC", text or ""))
    words = _WORD.findall(text)[:MAX_TERMS]
    if not words:
        return None
    terms = ['"' + word[:MAX_TERM_LENGTH].replace('"', '""') + '"*' for word in words]
    return " AND ".join(terms)
