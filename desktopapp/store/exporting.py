"""A book's records as briefing-book JSON objects, straight from their rows.

An export of a million records through Records (row -> Record ->
record_to_dict) decodes each value into a Python object only to encode it
back into the text it was stored as: about a minute of CPU. Here each kind's
description is turned once into a list of small functions, one per JSON
field, that take a row and the record's links and return the field's JSON
value; a date stored as ``2025-05-16`` is checked and written as it is.

The result is the object bookformat.record_to_dict makes of the Record the
store would load (tests/test_exporting.py compares the two). A row changed
outside the program (a value of another type than its column's, text that
is not a date, an unknown choice) makes the whole chunk go through the
store's own loading, which names the row and field in its error.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from enum import StrEnum

from .. import domain
from ..domain import DatePrecision, ParticipantRole
from ..recordkinds import KINDS, MEETING_SPAN, OPTIONAL_ENUMS, ChildRows, Column
from . import record_rows

CHUNK_ROWS = 1000  # records read per query; their links come with one query per link


class _Doubt(Exception):
    """Something not as the program writes it: the store's loading decides."""


_DOUBT = _Doubt()
_STORED_TYPES = {"TEXT": str, "INTEGER": int, "BLOB": bytes}
_PRECISIONS = {p.value: p for p in DatePrecision}
_ROLES = {r.value: r.value for r in ParticipantRole}


def _text_of(value):
    if value.__class__ is not str:
        raise _DOUBT
    return value


def _date(value):
    """A date column's JSON text (domain.parse_date, then isoformat)."""
    if value is None or value == "":
        return None
    try:
        return domain.parse_date(_text_of(value)).isoformat()
    except ValueError:
        raise _DOUBT from None


def _time(value):
    if value is None or value == "":
        return None
    try:
        return domain.parse_time(_text_of(value)).strftime("%H:%M")
    except ValueError:
        raise _DOUBT from None


def _list(value):
    if value == "[]":
        return []  # most lists are empty: no decoder call
    try:
        decoded = json.loads(_text_of(value))
    except ValueError:
        raise _DOUBT from None
    if decoded.__class__ is not list:
        raise _DOUBT
    return decoded


def _sections(value):
    out = []
    for section in _list(value):
        if section.__class__ is not dict or not {"heading", "body"}.issuperset(section):
            raise _DOUBT
        out.append({"heading": section.get("heading", ""), "body": section.get("body", "")})
    return out


def _photo(value):
    if value is None:
        return None
    if value.__class__ is not bytes:
        raise _DOUBT
    return base64.b64encode(value).decode("ascii") if value else None


def _choice(enum, optional: bool):
    values = {member.value: member.value for member in enum}

    def encode(value):
        if optional and not value:
            return None
        try:
            return values[value]
        except (KeyError, TypeError):
            raise _DOUBT from None
    return encode


def _precision(value):
    try:
        return _PRECISIONS[value]
    except (KeyError, TypeError):
        raise _DOUBT from None


def _approx(value, precision):
    """A date column with its precision, as domain.approx_date_text writes it."""
    day = _date(value)
    if day is None:
        return None
    if precision == DatePrecision.YEAR:
        return day[:4]
    if precision == DatePrecision.MONTH:
        return day[:7]
    return day


def _column_encoder(codec):
    """What turns a column's stored value into its JSON value (None: as it is)."""
    if codec == "date":
        return _date
    if codec == "time":
        return _time
    if codec == "lines":
        return _list
    if codec == "sections":
        return _sections
    if codec == "photo":
        return _photo
    if codec in OPTIONAL_ENUMS:
        return _choice(OPTIONAL_ENUMS[codec], optional=True)
    if isinstance(codec, type) and issubclass(codec, StrEnum):
        return _choice(codec, optional=False)
    return None


def _position(row):
    # row: (owner, source uid, topic, stance, as_of, as_of_precision)
    _, source, topic, stance, as_of, precision = row
    return {"topic": topic, "stance": stance, "as_of": _approx(as_of, _precision(precision)),
            "source_uid": source}


def _participant(row):
    # row: (owner, actor uid, side, role, role_label)
    _, actor, side, role, label = row
    try:
        role = _ROLES[role]
    except (KeyError, TypeError):
        raise _DOUBT from None
    out = {"actor_uid": actor, "side": side, "role": role}
    if label:
        out["role_label"] = label
    return out


_ITEMS = {"positions": _position, "participants": _participant}


class _KindExport:
    """One kind's queries and the functions making each JSON field."""

    def __init__(self, kind: str, declared: dict[str, str]):
        spec = KINDS[kind]
        self.columns = list(declared)
        self.id_at = self.columns.index("id")
        self.types = [_STORED_TYPES.get(t) for t in declared.values()]
        at = {name: i for i, name in enumerate(self.columns)}
        self.table = spec.table
        self.links = []
        for link, sql in record_rows.link_queries(kind):
            item = _ITEMS[link.attr] if isinstance(link, ChildRows) else None
            self.links.append((link.json, sql.format(ids="BETWEEN ? AND ?"), item))
        # (json key, column index or link key, encoder, kind of field)
        self.fields = [("uid", at["uid"], None, "column"),
                       ("created_at", at["created_at"], None, "column"),
                       ("updated_at", at["updated_at"], None, "column"),
                       ("changed_by", at["changed_by"], None, "who")]
        precision_at = at.get("date_precision")
        for f in spec.json_fields:
            if not isinstance(f, Column):
                self.fields.append((f.json, f.json, None, "link"))
            elif f.codec == MEETING_SPAN:
                self.fields.append((f.json, at[f.column], precision_at, "span"))
            else:
                self.fields.append((f.json, at[f.column], _column_encoder(f.codec), "column"))

    def record(self, row, record_id: int, links: dict[str, dict[int, list]]) -> dict:
        for value, expected in zip(row, self.types, strict=True):
            if value is not None and expected is not None and value.__class__ is not expected:
                raise _DOUBT
        out = {}
        for key, where, encode, what in self.fields:
            if what == "column":
                value = row[where]
                out[key] = value if encode is None else encode(value)
            elif what == "link":
                out[key] = links[key].get(record_id, [])
            elif what == "who":
                if row[where]:  # left out when nobody is named, as record_to_dict does
                    out[key] = row[where]
            else:
                out[key] = _approx(row[where], _precision(row[encode]))
        return out


def iter_dicts(store, kind: str):
    """Every record of a kind as its JSON object, in the order they were added.

    Must run inside one read transaction (the store's snapshot) so the
    chunks and their links all see the same book.
    """
    from .book import TABLES

    table = TABLES[kind]
    export = _KindExport(kind, store._declared_types(table))
    conn = store.db.conn
    last = 0
    while True:
        rows = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in export.columns)} "
                            f"FROM {table} WHERE id > ? ORDER BY id LIMIT ?",
                            [last, CHUNK_ROWS]).fetchall()
        if not rows:
            return
        first, last = rows[0][export.id_at], rows[-1][export.id_at]
        try:
            yield from _chunk(conn, export, rows, first, last)
        except _Doubt:
            # a row changed outside the program: loaded as the store loads
            # records, which names the row and field (or copes)
            from ..bookformat import record_to_dict
            ids = [row[export.id_at] for row in rows]
            yield from (record_to_dict(r) for r in store._load(kind, ids))


def _chunk(conn, export: _KindExport, rows, first: int, last: int) -> list[dict]:
    links: dict[str, dict[int, list]] = {}
    for key, sql, item in export.links:
        by_owner = links[key] = defaultdict(list)
        if item is None:
            for owner, uid in conn.execute(sql, [first, last]):
                by_owner[owner].append(uid)
        else:
            for row in conn.execute(sql, [first, last]):
                by_owner[row[0]].append(item(row))
    at = export.id_at
    return [export.record(row, row[at], links) for row in rows]
