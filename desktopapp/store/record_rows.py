"""Rows and SQL of every record kind, made from its one description.

:mod:`desktopapp.recordkinds` says what each kind holds; this module turns
that into what both backends execute: a record's column values and back,
the queries that read its links, the rows that write them, what a delete
cascades to, the list columns and sort orders. The SQL is written once;
what differs between SQLite and PostgreSQL (placeholders, "id in a set of
ids", case-insensitive order, joining text) comes from a :class:`Dialect`.

A query template's ``{ids}`` is "is one of the ids given", filled by the
store (``IN (?, ?, ...)`` in chunks for SQLite, ``= ANY(%s)`` for
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from operator import attrgetter

from ..domain import MemoSection, Record, parse_date, parse_time
from ..errors import LinkedRecordError, ValidationError
from ..recordkinds import (
    KIND_OF_CLASS,
    KINDS,
    MEETING_SPAN,
    NAME_COLUMN,
    OPTIONAL_ENUMS,
    STORAGE,
    TABLES,
    WRITE_ORDER,
    ChildRows,
    UidList,
    link_uids,
    links_to,
)

__all__ = ["KIND_OF_CLASS", "KINDS", "NAME_COLUMN", "TABLES", "WRITE_ORDER", "Dialect",
           "SQLITE", "POSTGRESQL", "row_values", "build", "common"]

@dataclass(frozen=True)
class Dialect:
    """The few ways the two SQL dialects differ, for the statements made here."""

    name: str
    mark: str  # a placeholder
    storage: dict  # recordkinds storage word -> declared column type

    def nocase(self, column: str) -> str:
        """Order by ``column`` ignoring the case of ASCII letters (SQLite's NOCASE)."""
        if self.name == "sqlite":
            return f"{column} COLLATE NOCASE"
        return f'lower({column} COLLATE "C")'

    def join_text(self, expression: str, separator: str, order: str) -> str:
        """An aggregate joining text values in the order of ``order``."""
        if self.name == "sqlite":  # group_concat keeps the order of the rows given
            return f"group_concat({expression}, '{separator}')"
        return f"string_agg({expression}, '{separator}' ORDER BY {order})"


SQLITE = Dialect("sqlite", "?", {"text": "TEXT", "integer": "INTEGER", "blob": "BLOB",
                                 "id": "INTEGER"})
POSTGRESQL = Dialect("postgresql", "%s", {"text": "text", "integer": "integer",
                                          "blob": "bytea", "id": "bigint"})


# --- a record's own row ----------------------------------------------------------

# json.dumps(value, ensure_ascii=False) makes a new encoder at each call:
# one made once writes the same text.
_json = json.JSONEncoder(ensure_ascii=False).encode


def column_value(codec, value):
    """A field's value as stored in its column."""
    if value is None:
        return None
    if codec in ("date", MEETING_SPAN):
        return value.isoformat()
    if codec == "time":
        return value.strftime("%H:%M")
    if codec == "lines":
        return _json(value)
    if codec == "sections":
        return _json([{"heading": s.heading, "body": s.body} for s in value])
    if isinstance(value, StrEnum):
        return value.value
    return value


def _read_json_list(value) -> list:
    """A JSON list column read back; a hand-edited object or number is not one.

    The ValueError says what is wrong, for :func:`diagnose_row`.
    """
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        raise ValueError("is not JSON") from None
    if not isinstance(decoded, list):
        raise ValueError("is not a JSON list")
    return decoded


@cache
def _decoder(codec):
    """What reads a column of this codec back; None when the stored value is the value.

    Decided once per codec: reading a million records decodes tens of
    millions of columns, most of them text as stored.
    """
    if codec in ("date", MEETING_SPAN):
        return parse_date
    if codec == "time":
        return parse_time
    if codec == "lines":
        return _read_json_list
    if codec == "sections":
        return lambda value: [MemoSection(**section) for section in _read_json_list(value)]
    if codec == "photo":
        return lambda value: bytes(value) if value is not None else None
    if codec in OPTIONAL_ENUMS:
        return lambda value: OPTIONAL_ENUMS[codec](value) if value else None
    if isinstance(codec, type) and issubclass(codec, StrEnum):
        return codec
    return None


def _from_column(codec, value):
    """A field's value read back from its column (raises ValueError/TypeError if bad)."""
    decode = _decoder(codec)
    return value if decode is None else decode(value)


@cache
def _readers(kind: str) -> list[tuple[str, str, object]]:
    """(attribute, column, decoder or None) of each of the kind's own columns."""
    return [(f.attr, f.column, _decoder(f.codec)) for f in KINDS[kind].columns]


def _json_list(value) -> str:
    return _json(value) if value else "[]"


def _sections_json(value) -> str:
    return _json([{"heading": s.heading, "body": s.body} for s in value])


def _encoder(codec):
    """What column_value does to a value (not None) of this codec; None: nothing."""
    if codec in ("date", MEETING_SPAN):
        return dt.date.isoformat
    if codec == "time":
        return lambda value: value.strftime("%H:%M")
    if codec == "lines":
        return _json_list
    if codec == "sections":
        return _sections_json
    if codec in OPTIONAL_ENUMS or (isinstance(codec, type) and issubclass(codec, StrEnum)):
        return attrgetter("value")
    return None


@cache
def row_encoder(kind: str):
    """A function giving a record's own column values as a list, in row_values' order.

    column_value decided once per column instead of once per value: an
    import of a million records writes twenty million of them.
    """
    attrs = [f.attr for f in KINDS[kind].columns]
    get = attrgetter(*attrs)
    coded = [(i, encode) for i, encode in enumerate(_encoder(f.codec)
                                                    for f in KINDS[kind].columns)
             if encode is not None]

    def encode_row(record) -> list:
        values = list(get(record))
        for i, encode in coded:
            value = values[i]
            if value is not None:
                values[i] = encode(value)
        return values
    return encode_row


def item_encoder(link: ChildRows):
    """A function giving a child item's (uid, own column values...) as a tuple."""
    get = attrgetter(link.link[0], *(attr for attr, _, _ in link.fields))
    coded = [(i + 1, encode) for i, encode in enumerate(_encoder(codec)
                                                        for _, _, codec in link.fields)
             if encode is not None]
    if not coded:
        return get

    def encode_item(item) -> tuple:
        values = list(get(item))
        for i, encode in coded:
            value = values[i]
            if value is not None:
                values[i] = encode(value)
        return tuple(values)
    return encode_item


def row_values(kind: str, record: Record) -> dict:
    """The record's own columns (not id, uid, stamps, version or who) for its table row."""
    return {f.column: column_value(f.codec, getattr(record, f.attr))
            for f in KINDS[kind].columns}


def common(row) -> dict:
    return {"id": row["id"], "uid": row["uid"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "version": row["version"],
            "changed_by": row["changed_by"] or ""}


def build(kind: str, row: dict, links: dict) -> Record:
    """A record from its row and its links (values by field attribute, see read_links)."""
    spec = KINDS[kind]
    values = {attr: row[column] if decode is None else decode(row[column])
              for attr, column, decode in _readers(kind)}
    for link in spec.links:
        values[link.attr] = links.get(link.attr, [])
    return spec.cls(**values, **common(row))


def conflict_message(record: Record, version: int, changed_by: str) -> str:
    """Why an update was refused: the book holds a newer version (saved by whom)."""
    who = f"changed by {changed_by}; " if changed_by else ""
    return (f"{record.label()} was changed elsewhere since it was opened ({who}your copy is "
            f"version {record.version}, the book has version {version}); reload it or "
            "overwrite the other change")


def diagnose_row(kind: str, row: dict) -> tuple[str, str] | None:
    """The first column of a stored row that cannot be read back, and why."""
    for f in KINDS[kind].columns:
        if f.column not in row:
            continue
        value = row[f.column]
        if f.codec in ("lines", "sections"):
            try:
                decoded = _read_json_list(value)
            except ValueError as exc:
                return f.column, str(exc)
            if f.codec == "sections" and not all(
                    isinstance(v, dict) and set(v) <= {"heading", "body"} for v in decoded):
                return f.column, "is not a list of sections with heading and body"
            continue
        enum = OPTIONAL_ENUMS.get(f.codec, f.codec)
        if isinstance(enum, type) and issubclass(enum, StrEnum):
            if f.codec in OPTIONAL_ENUMS and not value:
                continue
            try:
                enum(value)
            except ValueError:
                allowed = ", ".join(m.value for m in enum)
                return f.column, (f"unknown value {str(value)[:40]!r}; "
                                  f"expected one of: {allowed}")
            continue
        try:
            _from_column(f.codec, value)
        except (ValueError, TypeError) as exc:
            return f.column, str(exc)
    return None


def declared_columns(kind: str, dialect: Dialect) -> dict[str, str]:
    """Column -> declared type of the kind's table, as the description says it is.

    The migrations of each dialect must make exactly these (a test compares).
    """
    out = {"id": dialect.storage["id"], "uid": dialect.storage["text"],
           "created_at": dialect.storage["text"], "updated_at": dialect.storage["text"],
           "version": dialect.storage["integer"], "changed_by": dialect.storage["text"]}
    for f in KINDS[kind].columns:
        out[f.column] = dialect.storage[f.storage]
    return out


def link_table_columns(dialect: Dialect) -> dict[str, dict[str, str]]:
    """Link table -> column -> declared type, as the description says they are."""
    tables: dict[str, dict[str, str]] = defaultdict(dict)
    for spec in KINDS.values():
        for link in spec.links:
            columns = tables[link.table]
            if isinstance(link, ChildRows) and link.keyed:
                columns["id"] = dialect.storage["id"]
            columns[link.owner] = columns[link.column] = dialect.storage["id"]
            columns["ord"] = dialect.storage["integer"]
            if isinstance(link, UidList) and link.tag:
                columns[link.tag[0]] = dialect.storage["text"]
            if isinstance(link, ChildRows):
                for _, column, codec in link.fields:
                    storage = STORAGE.get(codec, "text") if isinstance(codec, str) else "text"
                    columns[column] = dialect.storage[storage]
    return dict(tables)


# --- links: reading ----------------------------------------------------------------

def _tag_condition(link, alias: str = "l.") -> str:
    """More of a WHERE clause: the rows of one of the lists sharing a table."""
    if isinstance(link, UidList) and link.tag:
        return f" AND {alias}{link.tag[0]} = '{link.tag[1]}'"
    return ""


def link_queries(kind: str) -> list[tuple[UidList | ChildRows, str]]:
    """(link, query) per link of the kind: rows (owner id, uid, item columns...) in order."""
    out = []
    for link in KINDS[kind].links:
        target = TABLES[link.target]
        if isinstance(link, ChildRows):
            join = "JOIN" if link.required else "LEFT JOIN"
            columns = "".join(f", l.{column}" for _, column, _ in link.fields)
            sql = (f"SELECT l.{link.owner}, t.uid{columns} FROM {link.table} l "
                   f"{join} {target} t ON t.id = l.{link.column} "
                   f"WHERE l.{link.owner} {{ids}} ORDER BY l.{link.owner}, l.ord")
        else:
            sql = (f"SELECT l.{link.owner}, t.uid FROM {link.table} l "
                   f"JOIN {target} t ON t.id = l.{link.column} "
                   f"WHERE l.{link.owner} {{ids}}{_tag_condition(link)} "
                   f"ORDER BY l.{link.owner}, l.ord")
        out.append((link, sql))
    return out


def read_links(kind: str, fetch) -> dict[int, dict]:
    """The links of records by owner id: {id: {attr: uids or items}}.

    ``fetch(sql)`` runs a query of :func:`link_queries` for the ids wanted
    and returns its rows as tuples.
    """
    links: dict[int, dict] = defaultdict(dict)
    for link, sql in link_queries(kind):
        for row in fetch(sql):
            owner = row[0]
            if isinstance(link, ChildRows):
                values = {link.link[0]: row[1]}
                for (attr, _, codec), value in zip(link.fields, row[2:], strict=True):
                    decode = _decoder(codec)
                    values[attr] = value if decode is None else decode(value)
                item = link.item(**values)
            else:
                item = row[1]
            links[owner].setdefault(link.attr, []).append(item)
    return links


# --- links: writing ------------------------------------------------------------------

@dataclass
class LinkRows:
    """What writing one record's links takes: tables to clear, rows to insert."""

    tables: list[tuple[str, str]]  # (table, owner column), each once
    inserts: list[tuple[str, list[str], list[tuple]]]  # (table, columns, rows with owner)


def link_rows(kind: str, record: Record, record_id: int, ids_by_uid) -> LinkRows:
    """The link rows of a record; raises ValidationError naming a uid not in the book.

    ``ids_by_uid(kind, uids)`` returns {uid: id} for the uids that exist.
    """
    problems: list[tuple[str, str]] = []
    tables: dict[tuple[str, str], None] = {}
    inserts = []
    for link in KINDS[kind].links:
        tables[(link.table, link.owner)] = None
        uids = link_uids(record, link)
        found = ids_by_uid(link.target, [u for u in uids if u is not None])
        rows = []
        if isinstance(link, ChildRows):
            columns = [link.owner, "ord", link.column, *(c for _, c, _ in link.fields)]
            for i, (item, uid) in enumerate(zip(getattr(record, link.attr), uids,
                                                strict=True)):
                if uid not in found and (uid is not None or link.required):
                    problems.append((link.error.format(n=i + 1),
                                     f"no {link.target} with uid {uid} in this book"))
                    continue
                rows.append((record_id, i, found.get(uid),
                             *(column_value(codec, getattr(item, attr))
                               for attr, _, codec in link.fields)))
        else:
            columns = [link.owner, "ord", link.column, *([link.tag[0]] if link.tag else [])]
            tag = (link.tag[1],) if link.tag else ()
            ord_ = 0
            for position, uid in enumerate(uids, 1):
                if uid not in found:
                    problems.append((f"{link.error_field}[{position}]",
                                     f"no {link.target} with uid {uid} in this book"))
                    continue
                rows.append((record_id, ord_, found[uid], *tag))
                ord_ += 1
        inserts.append((link.table, columns, rows))
    if problems:
        raise ValidationError(problems, record.label())
    return LinkRows(list(tables), inserts)


def referenced_uids(kind: str, record: Record) -> list[tuple[str, list[str]]]:
    """(target kind, uids) of every link a record makes."""
    return [(link.target, [u for u in link_uids(record, link) if u is not None])
            for link in KINDS[kind].links]


# --- deleting ------------------------------------------------------------------------

@dataclass(frozen=True)
class Cascade:
    """One link to a deleted record: who owns it, and what becomes of it."""

    owner_kind: str
    table: str
    owner: str
    column: str
    condition: str  # more of the WHERE clause (a tag), columns without a table alias
    clear: bool  # keep the row, forget the target (a position's source)
    restrict: bool  # the target may not go unless forced
    reindex: bool  # the owner's search text holds the target's name


def cascades(kind: str) -> list[Cascade]:
    """What deleting a record of ``kind`` does to the records linking to it."""
    return [Cascade(spec.kind, link.table, link.owner, link.column, _tag_condition(link, ""),
                    isinstance(link, ChildRows) and not link.required, link.restrict,
                    link.named)
            for spec, link in links_to(kind)]


def refuse_if_taking_part(record: Record, dialect: Dialect, query, force: bool) -> None:
    """An actor at a meeting is not deleted unless forced; the refusal names the meetings.

    ``query(sql, params)`` returns rows as dicts.
    """
    kind = KIND_OF_CLASS[type(record)]
    taking_part = [c for c in cascades(kind) if c.restrict]
    if not taking_part or force:
        return
    owner_kind = taking_part[0].owner_kind
    union = " UNION ".join(f"SELECT {c.owner} FROM {c.table} WHERE {c.column} = {dialect.mark}"
                           for c in taking_part)
    owners = query(f"SELECT id, uid, {NAME_COLUMN[owner_kind]} AS title, date "
                   f"FROM {TABLES[owner_kind]} WHERE id IN ({union}) "
                   "ORDER BY date DESC, id DESC", [record.id] * len(taking_part))
    if not owners:
        return
    listed = "; ".join(f"{m['title']} ({m['date']})" for m in owners[:10])
    more = f" and {len(owners) - 10} more" if len(owners) > 10 else ""
    raise LinkedRecordError(
        f"{record.label()} takes part in {len(owners)} {owner_kind}"
        f"{'s' if len(owners) != 1 else ''}: {listed}{more}. Remove them from these "
        f"{owner_kind}s first, or delete anyway to remove them from the {owner_kind}s too.",
        owners)


def unlink(kind: str, record_id: int, dialect: Dialect, execute) -> dict[str, tuple[set, bool]]:
    """Remove every link to a record about to be deleted; what changed, to bump.

    ``execute(sql, params)`` runs a statement and returns its rows. Returns
    {owner kind: (ids of records that linked to it, whether to re-index them)}.
    """
    touched: dict[str, tuple[set, bool]] = {}
    for c in cascades(kind):
        where = f"WHERE {c.column} = {dialect.mark}{c.condition}"
        ids, reindex = touched.get(c.owner_kind, (set(), False))
        ids.update(row[0] for row in execute(f"SELECT {c.owner} FROM {c.table} {where}",
                                             [record_id]))
        touched[c.owner_kind] = (ids, reindex or c.reindex)
        if c.clear:
            execute(f"UPDATE {c.table} SET {c.column} = NULL {where}", [record_id])
        else:
            execute(f"DELETE FROM {c.table} {where}", [record_id])
    if kind in touched:
        touched[kind][0].discard(record_id)
    return touched


# Kinds whose names are part of other records' search text (actors: a meeting
# is found by the names of the people at the table).
NAMED_IN_OTHERS = tuple(dict.fromkeys(link.target for spec in KINDS.values()
                                      for link in spec.links if link.named))


def renamed(kind: str, old: Record, new: Record) -> bool:
    """True when a change of ``new`` must re-index the records that show its name."""
    name = NAME_COLUMN[kind]
    return kind in NAMED_IN_OTHERS and getattr(old, name) != getattr(new, name)


def named_dependents(target: str) -> list[tuple[str, str]]:
    """(owner kind, query of owner ids) of records whose search text holds a target's name."""
    return [(spec.kind, f"SELECT l.{link.owner} FROM {link.table} l "
                        f"WHERE l.{link.column} {{ids}}{_tag_condition(link)}")
            for spec, link in links_to(target) if link.named]


def linked_from_query(owner: str, target: str, columns: str,
                      dialect: Dialect) -> tuple[str, int]:
    """Records of kind ``owner`` that link to one record of ``target`` (any link), by id.

    One parameter per link: the target's id.
    """
    spec = KINDS[owner]
    links = [link for link in spec.links if link.target == target]
    union = " UNION ".join(
        f"SELECT l.{link.owner} FROM {link.table} l "
        f"WHERE l.{link.column} = {dialect.mark}{_tag_condition(link)}" for link in links)
    return (f"SELECT {columns} FROM {spec.table} r WHERE r.id IN ({union}) ORDER BY r.id",
            len(links))


def named_link_queries(kind: str) -> list[str]:
    """Queries of (owner id, actor name) in the order the search text lists the names."""
    out = []
    for link in KINDS[kind].links:
        if link.named:
            out.append(f"SELECT l.{link.owner}, t.{NAME_COLUMN[link.target]} "
                       f"FROM {link.table} l "
                       f"JOIN {TABLES[link.target]} t ON t.id = l.{link.column} "
                       f"WHERE l.{link.owner} {{ids}}{_tag_condition(link)} "
                       f"ORDER BY l.{link.owner}, l.ord")
    return out


# --- lists ---------------------------------------------------------------------------

def sorts(kind: str, dialect: Dialect) -> dict[str, str]:
    """Sort name -> SQL expression, the first being a list's default."""
    out = {}
    for name, column, order in KINDS[kind].sorts:
        if order == "nocase":
            out[name] = dialect.nocase(column)
        elif isinstance(order, tuple):
            ranks = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(order))
            out[name] = f"CASE {column} {ranks} ELSE {len(order)} END"
        else:
            out[name] = column
    return out


def summary_columns(kind: str, dialect: Dialect, *, changed_by: bool = False) -> str:
    """The select list of a kind's list rows."""
    spec = KINDS[kind]
    links = {link.attr: link for link in spec.links}
    parts = ["id", "uid"]
    for column in spec.list_columns:
        if isinstance(column, str):
            parts.append(column)
            continue
        name, how, attr = column
        link = links[attr]
        if how == "count":
            parts.append(f"(SELECT count(*) FROM {link.table} l "
                         f"WHERE l.{link.owner} = {spec.table}.id) AS {name}")
        else:  # "names": the linked records' names, in the record's order
            target = TABLES[link.target]
            parts.append(
                f"(SELECT {dialect.join_text('n.name', '; ', 'n.ord')} FROM "
                f"(SELECT t.{NAME_COLUMN[link.target]} AS name, l.ord FROM {link.table} l "
                f"JOIN {target} t ON t.id = l.{link.column} "
                f"WHERE l.{link.owner} = {spec.table}.id{_tag_condition(link)} "
                f"ORDER BY l.ord) n) AS {name}")
    if changed_by:
        parts += ["changed_by", "updated_at"]
    return ", ".join(parts)
