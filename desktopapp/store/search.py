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

from .. import folding, recordkinds

# rowid = kind code << KIND_SHIFT | record id: each kind's rows are one
# block of rowids, so a search limited to one kind seeks to its block
# instead of reading past every match of the other kinds (schema 5).
KIND_SHIFT = 40
ID_MASK = (1 << KIND_SHIFT) - 1
KIND_CODES = {spec.kind: spec.code
              for spec in sorted(recordkinds.KINDS.values(), key=lambda spec: spec.code)}
KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}

# book_meta key set by a migration that changed what the index holds: the
# store re-indexes every record the next time it opens the book.
STALE_KEY = "search_index_stale"

MAX_TERMS = 12
MAX_TERM_LENGTH = 64
PREFIX_INDEXED = 3  # the index's longest prefix index (prefix = '1 2 3')
POOL = 400  # matches ranked per search step: bounds the cost of very broad queries

# kept for callers of the first schema's helpers
fold = folding.fold


def rowid_for(kind: str, record_id: int) -> int:
    return (KIND_CODES[kind] << KIND_SHIFT) | record_id


def split_rowid(rowid: int) -> tuple[str, int]:
    return KIND_BY_CODE[rowid >> KIND_SHIFT], rowid & ID_MASK


def kind_filter(codes) -> str:
    """SQL restricting index rows to record kinds (by code): rowid ranges FTS5 seeks to."""
    ranges = [f"rowid BETWEEN {code << KIND_SHIFT} AND {(code << KIND_SHIFT) | ID_MASK}"
              for code in codes]
    return f" AND ({' OR '.join(ranges)})" if ranges else ""


def document(record, names_of) -> tuple[str, str, str, str]:
    """(title, body, title_extra, body_extra) of a record for the index.

    What a record's search text holds is described with its kind
    (desktopapp/recordkinds.py). ``names_of(uids)`` returns display names
    for linked records, so a meeting is found by the names of the people
    at the table. Each whole name of the title becomes a key token.
    """
    names, body = recordkinds.search_parts(record, names_of)
    title = " ".join(names)
    body_text = "\n".join(part for part in body if part)
    keys = [folding.name_key(name) for name in names if name]
    title_extra = " ".join([*folding.variants(title), *filter(None, keys)])
    return title, body_text, title_extra, " ".join(folding.variants(body_text))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _terms(word: str, *, last: bool, whole_words: bool) -> list[str]:
    """FTS5 terms for one folded word: whole words or prefixes (is_prefix), CJK pieces."""
    def plain(part):
        return _quote(part) + ("*" if is_prefix(part, last=last, whole_words=whole_words)
                               else "")

    terms, start = [], 0
    for run in folding.CJK_RUN.finditer(word):
        if run.start() > start:
            terms.append(plain(word[start:run.start()]))
        grams = folding.cjk_grams(run.group())
        # one character: any piece it begins; more: the chain of pieces
        terms.append(_quote(grams[0]) + "*" if len(grams) == 1 else _quote(" ".join(grams[:-1])))
        start = run.end()
    if start < len(word):
        terms.append(plain(word[start:]))
    return terms


def query_words(text: str) -> list[str]:
    """The folded words of a query, as many as a query may have."""
    return [word[:MAX_TERM_LENGTH] for word in folding.words(text or "")[:MAX_TERMS]]


def match_expression(text: str, *, whole_words: bool = False) -> str | None:
    """An FTS5 MATCH expression for what a user typed, or None for no terms.

    Words of up to three letters are prefixes; longer words are whole words,
    except the last one typed, which may be the start of a word (as you type)
    unless ``whole_words`` is set: the narrower query a store tries first.
    """
    words = query_words(text)
    terms = [term for n, word in enumerate(words)
             for term in _terms(word, last=n == len(words) - 1, whole_words=whole_words)]
    if not terms:
        return None
    return " AND ".join(terms[:MAX_TERMS])


def snippet(text: str, words: list[str], size: int = 10) -> str:
    """A short extract of ``text`` around the first word matching a query word.

    Matching words are marked ``[like this]``; cut ends are marked "…".
    Matching is done on folded words, as the index does.
    """
    tokens = list(folding.WORD.finditer(text))
    if not tokens:
        return ""
    plain = [w for w in words if not folding.has_cjk(w)]
    runs = [w for w in words if folding.has_cjk(w)]

    def hit(token):
        folded = folding.fold(token)
        return (any(folded.startswith(w) for w in plain)
                or any(r in folded or folded in r for r in runs))

    marks = [hit(t.group()) for t in tokens]
    first = marks.index(True) if True in marks else 0
    start = max(0, min(first - size // 3, len(tokens) - size))
    end = min(len(tokens), start + size)
    out = "…" if start > 0 else ""
    position = tokens[start].start()
    for token, marked in zip(tokens[start:end], marks[start:end], strict=True):
        out += text[position:token.start()]
        out += f"[{token.group()}]" if marked else token.group()
        position = token.end()
    return " ".join((out + ("…" if end < len(tokens) else "")).split())


def extract(title: str, body: str, words: list[str]) -> str:
    """The extract a search hit shows: from the body around the first match, else from
    the title when the match is there (or only in a folded spelling). Both backends
    show a hit with this, from the index's own title and body."""
    found = snippet(body, words)
    if "[" not in found:
        in_title = snippet(title, words)
        found = in_title if "[" in in_title else found or in_title
    return found


def title_rank(title: str, words: set[str]) -> tuple[int, int, int]:
    """Sort key of a match: more query words whole in the title, then more title
    words begun by a query word ("zelen" puts Volodymyr Zelensky before the
    records that only mention him), then shorter titles."""
    title_words = folding.words(title)
    whole = sum(1 for word in title_words if word in words)
    begun = sum(1 for word in title_words if any(word.startswith(typed) for typed in words))
    return (-whole, -begun, len(title))


def is_prefix(part: str, *, last: bool, whole_words: bool) -> bool:
    """Whether a typed word (or a piece of one beside CJK characters) matches as a
    prefix or only as a whole word.

    The SQLite index keeps prefixes of up to three characters. A longer prefix
    makes FTS5 gather every indexed word that starts with it before it
    returns a row (half a second for "agreed" in a million records), so
    longer words are whole words, except the last word typed (the start of
    a word, as you type) unless ``whole_words`` asks for the narrower query
    a search tries first. Both backends follow this rule, so they find the
    same records.
    """
    return (last and not whole_words) or len(part) <= PREFIX_INDEXED


def widens(text: str) -> bool:
    """True when the prefix query of ``text`` finds more than its whole-words query."""
    return match_expression(text, whole_words=True) != match_expression(text)


def ranked_rowids(text: str, codes, limit: int, *, whole_names, pool) -> list[int]:
    """Index rowids of the best ``limit`` matches: the ranking rule of both backends.

    A record whose whole name is the text comes first (``whole_names(limit)``:
    rowids in index order). Then the whole words typed, kind by kind, so the
    first matches of one kind do not crowd out the others: the first
    ``size`` matches of each kind in index (rowid) order, ranked by
    :func:`title_rank` and then id. Then, if that is not enough, the same
    with the last word as a prefix, in one pool for all the kinds asked for.
    So a one-letter query costs the same in a book of ten records or a
    million. Ranked here, not by the database: FTS5's bm25 counts every
    record holding each word first (0.4 s for "on" in a million records).

    ``pool(whole_words, groups, size)`` gives, for each group of kind codes
    (None: every kind), the first ``size`` matches in index order as
    (rowid, title) rows, all the groups' rows in one list.
    """
    if not query_words(text) or limit <= 0:
        return []
    found: dict[int, None] = dict.fromkeys(whole_names(limit))  # an ordered set
    words = set(query_words(text))
    for whole_words in (True, False):
        if len(found) >= limit:
            break
        groups = ([[code] for code in codes or KIND_BY_CODE] if whole_words
                  else [list(codes) if codes else None])
        size = max(limit, POOL // len(groups))  # the pool is shared among the kinds
        rows = pool(whole_words, groups, size)
        rows.sort(key=lambda row: title_rank(row[1], words) + (row[0] & ID_MASK,))
        for rowid, _ in rows:
            found.setdefault(rowid, None)
    return list(found)[:limit]


def first_rowids(text: str, limit: int | None, matching) -> list[int]:
    """Rowids of the first ``limit`` matches (None: all) in index order, unranked.

    Whole words first: if they give fewer than ``limit`` matches, the last
    word is widened to a prefix (a superset). ``matching(whole_words, limit)``
    gives the rowids of one query (limit None: all).
    """
    if not query_words(text) or (limit is not None and limit <= 0):
        return []
    if limit is None or not widens(text):
        return matching(False, limit)
    rowids = matching(True, limit)
    return rowids if len(rowids) >= limit else matching(False, limit)


def key_expression(text: str) -> str | None:
    """A MATCH expression finding records whose whole name is what was typed."""
    words = folding.words(text or "")
    if not words or len(words) > MAX_TERMS or sum(map(len, words)) > 4 * MAX_TERM_LENGTH:
        return None
    return _quote(folding.name_key(text))
