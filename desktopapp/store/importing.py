"""Merging a stream of records into a book in bulk, all or nothing.

The records come one at a time (bookformat.read_file streams them), so
memory holds one batch, never the file. Each batch is written with a few
``executemany`` calls:

- a record whose uid is new gets an id assigned here (no lookup after the
  insert) and its row; a record whose uid is in the book and whose content
  is the stored one is left as it is and counted "unchanged"; any other
  is updated (new version);
- links (participants, affiliations, sources ...) name their targets by
  uid. A target met earlier in the file, or already in the book, is known
  by its id and the link row is written with the batch; a target that may
  come later (sources come last in an exported file) waits in a temporary
  table, resolved by one join per link table at the end; a uid that
  resolves to nothing fails the import, naming the record and field;
- search-index rows are written with the batch; meetings and
  recommendations, whose index text holds the names of linked actors, get
  theirs at the end.

Into an empty book the secondary indexes are made once at the end. The
caller runs all this inside one write transaction: any error, at any
record, leaves the book as it was.

What is written for a record is worked out from the record alone
(record_rows_of), so that a large file can be read by a second process
while this one writes (store/import_reader.py).
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from .. import bookformat, folding
from ..domain import Record
from ..errors import ImportFormatError, ValidationError
from ..recordkinds import KINDS, ChildRows, named_links
from ..wording import number_of
from . import record_rows, search

BATCH = 2000  # records per executemany round
IMPORT_CACHE_KIB = 96 * 1024
SECTION_ORDER = ["sources", "actors", "meetings", "recommendations", "memos"]


@dataclass
class ImportSummary:
    """What an import did, per JSON section."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        parts = []
        for kind in ("actors", "meetings", "recommendations", "memos", "sources"):
            counts = [self.added.get(kind, 0), self.updated.get(kind, 0),
                      self.unchanged.get(kind, 0)]
            if any(counts) or kind in ("actors", "meetings", "recommendations"):
                parts.append(f"{number_of(counts[0], kind)} added, {counts[1]:,} updated, "
                             f"{counts[2]:,} unchanged")
        return "; ".join(parts)


# Links wait in temporary tables, one per link of each kind's description
# (desktopapp/recordkinds.py): rows (owner, uid, ord, a, b, c, d), where a-d
# hold a child row's own values (a position's topic, stance ...).
_TEMP_VALUES = ("a", "b", "c", "d")


@dataclass(frozen=True)
class _WaitingLink:
    """Link rows of one kind that wait for their targets to be written."""

    owner_kind: str
    link: object  # recordkinds.UidList or ChildRows

    @property
    def insert(self) -> str:
        """INSERT ... SELECT writing the link rows, with the target table joined as ``t``."""
        link = self.link
        if isinstance(link, ChildRows):
            columns = [c for _, c, _ in link.fields]
            values = [f"l.{v}" for v in _TEMP_VALUES[:len(columns)]]
            return (f"INSERT INTO {link.table} ({link.owner}, ord, {link.column}, "
                    f"{', '.join(columns)}) SELECT l.owner, l.ord, t.id, {', '.join(values)}")
        tag_column, tag_value = ((f", {link.tag[0]}", f", '{link.tag[1]}'") if link.tag
                                 else ("", ""))
        return (f"INSERT INTO {link.table} ({link.owner}, {link.column}, ord{tag_column}) "
                f"SELECT l.owner, t.id, l.ord{tag_value}")

    @property
    def insert_values(self) -> str:
        """INSERT ... VALUES writing link rows (owner, ord, target id, values...)."""
        link = self.link
        if isinstance(link, ChildRows):
            columns = [link.owner, "ord", link.column, *(c for _, c, _ in link.fields)]
            return (f"INSERT INTO {link.table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})")
        tag_column, tag_value = ((f", {link.tag[0]}", f", '{link.tag[1]}'") if link.tag
                                 else ("", ""))
        return (f"INSERT INTO {link.table} ({link.owner}, ord, {link.column}{tag_column}) "
                f"VALUES (?, ?, ?{tag_value})")

    @cached_property
    def items(self):
        """record -> its (uid, own values...) per item of this link, in order."""
        link = self.link
        if isinstance(link, ChildRows):
            encode = record_rows.item_encoder(link)
            get = attrgetter(link.attr)
            return lambda record: [encode(item) for item in get(record)]
        get = attrgetter(link.attr)
        return lambda record: [(uid,) for uid in get(record)]

    def rows(self, record) -> list[tuple]:
        """The record's rows of this link, as temporary rows (uid, ord, a, b, c, d)."""
        pad = (None,) * (len(_TEMP_VALUES) + 1)
        return [(item[0], i, *item[1:], *pad[len(item):])
                for i, item in enumerate(self.items(record))]

    @property
    def optional(self) -> bool:
        """Whether an item may name no target (a position's source)."""
        return isinstance(self.link, ChildRows) and not self.link.required

    def error_field(self, ord_: int) -> str:
        """The field of the record's ``ord_``-th item, counted from 1 in the message."""
        if isinstance(self.link, ChildRows):
            return self.link.error.format(n=ord_ + 1)
        return f"{self.link.error_field}[{ord_ + 1}]"


LINKS = {f"{spec.kind}_{link.attr}": _WaitingLink(spec.kind, link)
         for spec in KINDS.values() for link in spec.links}
LINKS_OF = {kind: [(name, waiting) for name, waiting in LINKS.items()
                   if waiting.owner_kind == kind] for kind in KINDS}
# Where an updated record's old links live: (table, owner column), per kind.
OLD_LINKS = {kind: list(dict.fromkeys((link.table, link.owner) for link in spec.links))
             for kind, spec in KINDS.items()}
# Kinds whose index text holds the names of linked actors (see search.document).
NAMED_KINDS = tuple(kind for kind, spec in KINDS.items() if named_links(spec))
NAMED_LINKS = {kind: named_links(KINDS[kind]) for kind in NAMED_KINDS}
# Kinds whose names other records' index text shows: their names are kept
# while the import runs (about 100 bytes a record).
NAMED_TARGETS = tuple(dict.fromkeys(link.target for links in NAMED_LINKS.values()
                                    for link in links))
# where the name is among a kind's column values (a line: stored as it is)
NAME_INDEX = {kind: [f.column for f in KINDS[kind].columns].index(KINDS[kind].name_column)
              for kind in NAMED_TARGETS}
# where a named link's items are among the kind's links (LINKS_OF order), with its target
NAMED_LINK_INDEX = {kind: [(n, waiting.link.target) for n, (_, waiting) in enumerate(LINKS_OF[kind])
                           if waiting.link in NAMED_LINKS[kind]]
                    for kind in NAMED_KINDS}


def record_rows_of(kind: str, record: Record, position: int) -> tuple:
    """What an import writes for a record, worked out from the record alone.

    Needing no book, this can run in a second process that reads a large
    file while the first one writes (store/import_reader.py). A plain tuple,
    quick to pickle:

        (uid, position in its section, label for messages, own column values,
         created_at, updated_at, changed_by,
         items per link of the kind (LINKS_OF order), each (uid, own values...),
         index row (title, body, title_extra, body_extra) without linked names)
    """
    return (record.uid, position, record.display_name()[:80],
            record_rows.row_encoder(kind)(record),
            record.created_at, record.updated_at, record.changed_by,
            tuple(waiting.items(record) for _, waiting in LINKS_OF[kind]),
            search.document(record, no_names))


def _content(record: Record) -> dict:
    """What an import compares to tell an unchanged record (stamps and who aside)."""
    data = bookformat.record_to_dict(record)
    data.pop("created_at")
    data.pop("updated_at")
    data.pop("changed_by", None)
    return data


class NewRows:
    """Ids, link rows and index rows of an import's records, worked out without the book.

    The writer (BulkImport) asks it for each batch. For an import into a book
    without records, the reader process (store/import_reader.py) numbers the
    records and makes their link rows, and the writer makes only the index
    rows (documents) with one of its own. ``next_id`` (kind -> the next record's id) is
    advanced here; ``in_book(kind, uids)`` gives the ids of link targets
    already in the book (None: the book has no records).
    """

    def __init__(self, next_id: dict, in_book=None):
        self.next_id = next_id
        self.in_book = in_book
        # uid -> id of the records so far, per kind: links to them need no lookup
        self.ids = {kind: {} for kind in next_id}
        self.book_ids = {kind: {} for kind in next_id}  # uid -> id of targets in the book
        # uid -> name of the records so far whose names others' index text shows
        self.names = {kind: {} for kind in NAMED_TARGETS}

    def assign(self, kind, entries, existing) -> tuple[list, list]:
        """(new, changed) entries as (id, record, rows): a new id for each uid not in
        ``existing`` (uid -> stored id). A uid met before in the file fails the import."""
        ids = self.ids[kind]
        new, changed = [], []
        for record, rows in entries:
            uid = rows[0]
            if uid in ids:
                raise ImportFormatError(
                    f"{kind}s[{rows[1]}] ({rows[2]!r}): uid {uid} is used twice in the file")
            if uid in existing:
                record_id = existing[uid]
                changed.append((record_id, record, rows))
            else:
                record_id = self.next_id[kind]
                self.next_id[kind] += 1
                new.append((record_id, record, rows))
            ids[uid] = record_id
        return new, changed

    def links(self, kind, written) -> list[tuple[str, list, list]]:
        """(link name, rows to write now, rows waiting) per link of the written records.

        A target is known when it came earlier in the file or is in the book;
        others (a source listed after the actors that cite it, a uid in no
        record) wait in a temporary table for the end (BulkImport._resolve).
        """
        out = []
        for n, (name, waiting) in enumerate(LINKS_OF[kind]):
            target = waiting.link.target
            known = self.ids[target]
            per_record = [(record_id, rows[7][n]) for record_id, _, rows in written]
            try:
                # the common case: every target came earlier in the file
                found = [(owner, ord_, known[item[0]], *item[1:])
                         for owner, its in per_record for ord_, item in enumerate(its)]
            except KeyError:  # or not: each item is looked at below
                pass
            else:
                out.append((name, found, []))
                continue
            in_book = self.book_ids[target]
            if self.in_book is not None:
                unknown = {item[0] for _, its in per_record for item in its
                           if item[0] is not None and item[0] not in known}
                in_book.update(self.in_book(target, unknown - in_book.keys())
                               if unknown else ())
            found, missing = [], []
            optional = waiting.optional
            for owner, its in per_record:
                for ord_, item in enumerate(its):
                    uid = item[0]
                    target_id = known.get(uid) or in_book.get(uid)
                    if target_id is not None or (uid is None and optional):
                        found.append((owner, ord_, target_id, *item[1:]))
                    else:
                        missing.append((owner, uid, ord_, *item[1:],
                                        *[None] * (len(_TEMP_VALUES) + 1 - len(item))))
            out.append((name, found, missing))
        return out

    def documents(self, kind, written) -> tuple[list, list]:
        """(index rows to write now, index rows waiting for the end) of the written records.

        A record whose linked records all came earlier in the file gets their
        names now, as the end would give them (_index_named: each name once,
        in the order of the links); others wait: a link may point to a record
        later in the file or already in the book.
        """
        code = search.KIND_CODES[kind] << search.KIND_SHIFT
        docs = [(code | record_id, *rows[8]) for record_id, _, rows in written]
        waiting = []
        if kind in NAMED_KINDS:
            links = [(n, self.names[target]) for n, target in NAMED_LINK_INDEX[kind]]
            ready = []
            for (_, _, rows), doc in zip(written, docs, strict=True):
                try:
                    shown = [names[item[0]] for n, names in links for item in rows[7][n]]
                except KeyError:
                    waiting.append(doc)
                    continue
                ready.append(with_names(doc, " ".join(dict.fromkeys(shown))))
            docs = ready
        if kind in self.names:
            at = NAME_INDEX[kind]
            self.names[kind].update((rows[0], rows[3][at]) for _, _, rows in written)
        return docs, waiting


class Batches:
    """Records gathered into batches of BATCH, each written kind by kind by ``_write``.

    Both backends' imports (this module's BulkImport, store/postgres/importing.py's
    TeamImport) take records this way; each sets ``store``, ``keep_who``, ``count``,
    ``batch`` and ``settings``.
    """

    batch_size = BATCH

    def who(self, changed_by) -> str:
        """Who made a record's last change: as the file says (``changed_by``), else the
        importer."""
        return changed_by if self.keep_who else (changed_by or self.store.changed_by)

    # --- one record at a time -------------------------------------------------

    def add(self, section: str, item) -> None:
        if section == "settings":
            self.settings = item
            return
        self.count[section] += 1
        self.batch.append((section[:-1], item, self.count[section]))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        by_kind = defaultdict(list)
        for kind, record, position in self.batch:
            by_kind[kind].append((record, position))
        self.batch = []
        for kind, entries in by_kind.items():
            self._write(kind, entries)


class BulkImport(Batches):
    """One import into ``store``; call add() per record, then finish()."""

    def __init__(self, store, now: str, keep_who: bool = False):
        from .book import TABLES

        self.store = store
        self.db = store.db
        self.conn = store.db.conn
        self.now = now
        self.keep_who = keep_who
        self.tables = TABLES
        self.summary = ImportSummary(defaultdict(int), defaultdict(int), defaultdict(int))
        self.batch: list[tuple[str, Record, int]] = []  # (kind, record, position in file)
        self.settings = None
        self.count = defaultdict(int)  # records per section so far, for messages
        self.link_rows = defaultdict(int)  # rows waiting per link table
        self.next_id = {}
        for kind, table in TABLES.items():
            top = self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
            self.next_id[kind] = (top or 0) + 1
        self.first_new_id = dict(self.next_id)
        self.has_rows = {kind: self.next_id[kind] > 1 for kind in TABLES}
        self.plan = NewRows(self.next_id, self._in_book if any(self.has_rows.values()) else None)
        self.replaced = defaultdict(list)  # kind -> ids of updated records
        self.renamed = defaultdict(list)  # kind -> ids of records whose name others show
        # Into an empty book, the secondary indexes are made after the load:
        # built from sorted keys in one go instead of a random page touched
        # per row. (Dropped inside the import's transaction: a failed import
        # leaves them as they were.) The uid and primary-key indexes stay: the
        # import looks records up by them.
        self.deferred_indexes = []
        if not any(self.has_rows.values()):
            tables = {*TABLES.values(), *(link.link.table for link in LINKS.values())}
            self.deferred_indexes = self.conn.execute(
                "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
                f"AND sql IS NOT NULL AND tbl_name IN ({', '.join('?' * len(tables))}) "
                "ORDER BY name", sorted(tables)).fetchall()
            for name, _, _ in self.deferred_indexes:
                self.conn.execute(f'DROP INDEX "{name}"')
        # Into an empty book, the search index is filled without FTS5's merges
        # of its segments along the way (each index entry is rewritten at every
        # merge level), then merged into one segment at the end: the index rows
        # of the 100k book cost 5% fewer instructions, and a search reads one
        # segment instead of eleven. (FTS5 still merges when 16 segments pile
        # up on one level: memory stays bounded.)
        self.merge_index_at_end = not any(self.has_rows.values())
        if self.merge_index_at_end:
            self.automerge = _fts_setting(self.conn, "automerge")
            _set_fts_setting(self.conn, "automerge", 0)
        # temporary tables of rows waiting for the end, made when first needed
        # (most files need none: dropping one cost 0.1 s at 100k)
        self.waiting_tables: set[str] = set()
        self.kind_now = None  # of the records add_planned had last


    def add(self, section: str, item) -> None:
        """A record (or the settings), made into rows here."""
        if section == "settings":
            self.settings = item
            return
        self.count[section] += 1
        rows = record_rows_of(section[:-1], item, self.count[section])
        self.batch.append((section[:-1], item, rows))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def add_planned(self, message) -> None:
        """What the reader process worked out for its records (import_reader.plan_message):
        per kind, (kind, new records as (id, None, rows), links). Only into a book without
        records, whose ids start at 1 (see run)."""
        now, who = self.now, self.who
        for kind, new, links in message:
            if kind != self.kind_now:
                self._index_done_kind()
                self.kind_now = kind
            if new[0][0] != self.next_id[kind]:  # the reader's ids are the book's next ones
                raise RuntimeError(f"the import's reader numbered {kind}s from {new[0][0]}, "
                                   f"not {self.next_id[kind]}")
            self.next_id[kind] += len(new)
            self._insert(kind, new, now, who)
            self._write_planned(links, *self.plan.documents(kind, new))

    def _index_done_kind(self) -> None:
        """The indexes of the tables of the kind whose records the file has no more of.

        A JSON section is read once: when the next one begins, its kind's
        table and link tables get no more rows but the links resolved at the
        end. Built now, while the reader goes on, instead of after its end.
        """
        if self.kind_now is None:
            return
        tables = {self.tables[self.kind_now],
                  *(waiting.link.table for _, waiting in LINKS_OF[self.kind_now])}
        for index in [index for index in self.deferred_indexes if index[2] in tables]:
            self.conn.execute(index[1])
            self.deferred_indexes.remove(index)

    def _write(self, kind, entries):
        """Write a batch of one kind: entries are (record or None, its rows) pairs."""
        table = self.tables[kind]
        section = f"{kind}s"
        existing = {}
        if self.has_rows[kind]:
            existing = self.store._ids_by_uid(kind, [rows[0] for _, rows in entries])
        new, changed = self.plan.assign(kind, entries, existing)
        if changed:
            # only into a book with records of this kind, where every record
            # comes whole (add): it is compared with the stored one
            stored = {r.uid: r for r in self.store._load(kind, [i for i, _, _ in changed])}
            really = []
            for entry in changed:
                record = entry[1]
                if _content(stored[record.uid]) == _content(record):
                    self.summary.unchanged[section] += 1
                else:
                    really.append(entry)
                    if record_rows.renamed(kind, stored[record.uid], record):
                        self.renamed[kind].append(entry[0])
            changed = really
        now = self.now
        who = self.who
        if new:
            self._insert(kind, new, now, who)
        if changed:
            assignments = ", ".join(f"{f.column} = ?" for f in KINDS[kind].columns)
            self.conn.executemany(
                f"UPDATE {table} SET {assignments}, created_at = ?, updated_at = ?, "
                "changed_by = ?, version = version + 1 WHERE id = ?",
                [(*rows[3], rows[4] or now, rows[5] or now,
                  who(rows[6]), record_id)
                 for record_id, _, rows in changed])
            self.conn.executemany("DELETE FROM search_index WHERE rowid = ?",
                                  [(search.rowid_for(kind, i),) for i, _, _ in changed])
            self._drop_old_links(kind, [i for i, _, _ in changed])
            self.replaced[kind].extend(i for i, _, _ in changed)
            self.summary.updated[section] += len(changed)
        written = new + changed
        if written:
            self._write_planned(self.plan.links(kind, written),
                                *self.plan.documents(kind, written))

    def _insert(self, kind, new, now, who) -> None:
        """The rows of new records, (id, record, rows) each."""
        names = [*(f.column for f in KINDS[kind].columns),
                 "uid", "created_at", "updated_at", "version", "id", "changed_by"]
        self.conn.executemany(
            f"INSERT INTO {self.tables[kind]} ({', '.join(names)}) VALUES "
            f"({', '.join('?' * len(names))})",
            [(*rows[3], rows[0], rows[4] or now, rows[5] or now, 1, record_id, who(rows[6]))
             for record_id, _, rows in new])
        self.summary.added[f"{kind}s"] += len(new)

    def _write_planned(self, links, docs, waiting_docs) -> None:
        """Link and index rows as NewRows worked them out."""
        for name, found, missing in links:
            if found:
                self.conn.executemany(LINKS[name].insert_values, found)
            if missing:
                self._make_waiting_table(name, "owner INTEGER, uid TEXT, ord INTEGER, a, b, c, d")
                self.conn.executemany(f"INSERT INTO temp.import_{name} "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?)", missing)
                self.link_rows[name] += len(missing)
        if waiting_docs:
            self._make_waiting_table("docs", "rowid INTEGER PRIMARY KEY, title, body, "
                                             "title_extra, body_extra")
            self.conn.executemany("INSERT INTO temp.import_docs (rowid, title, body, "
                                  "title_extra, body_extra) VALUES (?, ?, ?, ?, ?)", waiting_docs)

        if docs:
            self.conn.executemany("INSERT INTO search_index (rowid, title, body, title_extra, "
                                  "body_extra) VALUES (?, ?, ?, ?, ?)", docs)

    def _make_waiting_table(self, name: str, columns: str) -> None:
        if name not in self.waiting_tables:
            self.conn.execute(f"CREATE TEMP TABLE import_{name} ({columns})")
            self.waiting_tables.add(name)

    def _in_book(self, kind, uids) -> dict[str, int]:
        """uid -> id of the records of ``kind`` among ``uids`` already in the book."""
        return self.store._ids_by_uid(kind, uids) if self.has_rows[kind] else {}

    # --- the end: links, names, settings ---------------------------------------

    def finish(self, checkpoint=None) -> ImportSummary:
        """The links, names and indexes left for the end; ``checkpoint()`` is called
        between its steps (a progress report, which may stop the import)."""
        checkpoint = checkpoint or (lambda: None)
        self.flush()
        checkpoint()
        self._refuse_uid_clashes()
        for link_table in LINKS:
            self._resolve(link_table)
        checkpoint()
        self._index_named()
        checkpoint()
        if self.settings is not None and not self.store.has_settings():
            self.store.save_settings(self.settings)  # a book keeps its own settings
        # records outside the file that show a renamed actor's name
        done = {(kind, i) for kind, ids in self.replaced.items() for i in ids}
        for target, renamed_ids in self.renamed.items():
            for kind, ids in self.store._dependents_of(target, renamed_ids).items():
                self.store._reindex(kind, [i for i in ids if (kind, i) not in done
                                           and i < self.first_new_id[kind]])
        for table in self.waiting_tables:
            self.conn.execute(f"DROP TABLE temp.import_{table}")
        for _, sql, _ in self.deferred_indexes:
            self.conn.execute(sql)
            checkpoint()
        if self.merge_index_at_end:
            self.conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
            _set_fts_setting(self.conn, "automerge", self.automerge)
        checkpoint()  # the last moment a Cancel still undoes the import
        return ImportSummary(dict(self.summary.added), dict(self.summary.updated),
                             dict(self.summary.unchanged))

    def _refuse_uid_clashes(self):
        """A uid names one record in the whole book, whatever its kind.

        One join per pair of kinds, walking the smaller table and looking
        each uid up in the other's index; only pairs with a new record count.
        """
        from .book import NAME_COLUMN

        kinds = list(self.tables)
        for i, first in enumerate(kinds):
            for second in kinds[i + 1:]:
                if all(self.next_id[k] == self.first_new_id[k] for k in (first, second)):
                    continue
                small, big = sorted((first, second), key=lambda k: self.next_id[k])
                row = self.conn.execute(
                    f"SELECT x.id, y.id FROM {self.tables[small]} x JOIN {self.tables[big]} y "
                    "ON y.uid = x.uid WHERE x.id >= ? OR y.id >= ? LIMIT 1",
                    [self.first_new_id[small], self.first_new_id[big]]).fetchone()
                if row is None:
                    continue
                ids = dict(zip((small, big), row, strict=True))
                new, old = ((small, big) if ids[small] >= self.first_new_id[small]
                            else (big, small))
                uid, name = self.conn.execute(
                    f"SELECT uid, {NAME_COLUMN[old]} FROM {self.tables[old]} WHERE id = ?",
                    [ids[old]]).fetchone()
                record = self.store.get(new, ids[new])
                raise ValidationError(
                    [("uid", f"{uid} is already used by {old} {name!r} "
                             "(a uid names one record, whatever its kind)")],
                    f"{new}s: {record.label()}")

    def _drop_old_links(self, kind, ids):
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            for table, column in OLD_LINKS[kind]:
                self.conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)

    def _resolve(self, name):
        waiting = self.link_rows.get(name, 0)
        if not waiting:
            return
        link = LINKS[name]
        target_kind = link.link.target
        target = self.tables[target_kind]
        optional = isinstance(link.link, ChildRows) and not link.link.required
        if optional:  # a position's source is optional
            self.conn.execute(f"{link.insert} FROM temp.import_{name} l "
                              f"LEFT JOIN {target} t ON t.uid = l.uid")
            missing = self.conn.execute(
                f"SELECT l.owner, l.uid, l.ord FROM temp.import_{name} l "
                f"LEFT JOIN {target} t ON t.uid = l.uid "
                "WHERE l.uid IS NOT NULL AND t.id IS NULL LIMIT 1").fetchone()
        else:
            inserted = self.conn.execute(
                f"{link.insert} FROM temp.import_{name} l JOIN {target} t ON t.uid = l.uid"
            ).rowcount
            missing = None
            if inserted != waiting:
                missing = self.conn.execute(
                    f"SELECT l.owner, l.uid, l.ord FROM temp.import_{name} l "
                    f"LEFT JOIN {target} t ON t.uid = l.uid WHERE t.id IS NULL LIMIT 1"
                ).fetchone()
        if missing is not None:
            owner, uid, ord_ = missing
            record = self.store.get(link.owner_kind, owner)
            raise ValidationError(
                [(link.error_field(ord_),
                  f"no {target_kind} with uid {uid} in the file or the book")],
                f"{link.owner_kind}s: {record.label()} (uid {record.uid})")

    def _index_named(self):
        """Index rows of meetings and recommendations, with their actors' names."""
        if "docs" not in self.waiting_tables:
            return
        rows = self.conn.execute("SELECT rowid, title, body, title_extra, body_extra "
                                 "FROM temp.import_docs ORDER BY rowid").fetchmany
        while chunk := rows(500):
            by_kind = defaultdict(list)
            for row in chunk:
                by_kind[row[0] >> search.KIND_SHIFT].append(row)
            out = []
            for code, docs in by_kind.items():
                kind = search.KIND_BY_CODE[code]
                names = linked_names(self.conn, kind, [row[0] & search.ID_MASK for row in docs])
                out += [with_names(doc, names.get(doc[0] & search.ID_MASK, "")) for doc in docs]
            self.conn.executemany("INSERT INTO search_index (rowid, title, body, title_extra, "
                                  "body_extra) VALUES (?, ?, ?, ?, ?)", out)

# FTS5's values of the search-index settings an import changes, for a book that sets none
FTS_DEFAULTS = {"automerge": 4}


def _fts_setting(conn, key: str):
    """A search-index setting as the book stores it (None: FTS5's default)."""
    row = conn.execute("SELECT v FROM search_index_config WHERE k = ?", [key]).fetchone()
    return None if row is None else row[0]


def _set_fts_setting(conn, key: str, value) -> None:
    """Set a search-index setting; None puts back FTS5's default, stored as no setting."""
    conn.execute("INSERT INTO search_index (search_index, rank) VALUES (?, ?)",
                 [key, FTS_DEFAULTS[key] if value is None else value])
    if value is None:
        conn.execute("DELETE FROM search_index_config WHERE k = ?", [key])


def linked_names(conn, kind: str, ids) -> dict[int, str]:
    """Names of the linked actors, in the order search.document lists them."""
    owners = json.dumps(ids)
    names = defaultdict(dict)  # owner -> its names, each once, in order (the keys)
    for sql in record_rows.named_link_queries(kind):
        for owner, name in conn.execute(sql.format(ids="IN (SELECT value FROM json_each(?))"),
                                        [owners]):
            names[owner][name] = None
    return {owner: " ".join(values) for owner, values in names.items()}


def with_names(doc, names: str):
    """An index row (rowid, title, body, title_extra, body_extra) with linked names added."""
    rowid, title, body, title_extra, body_extra = doc
    if names:
        body = f"{body}\n{names}" if body else names
        body_extra = " ".join(filter(None, [body_extra, *folding.variants(names)]))
    return rowid, title, body, title_extra, body_extra


def no_names(uids) -> str:
    return ""  # added at the end, once every actor is in the book


def _chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def run(store, items, now: str, *, keep_who: bool = False, rows: bool = False,
        checkpoint=None) -> ImportSummary:
    """Import ``items`` ((section, record) and ("settings", settings) pairs).

    With ``rows``, items are ("records", what the reader process worked out for some
    records: see BulkImport.add_planned): only into a book without records. ``checkpoint()``
    is called between the steps that follow the last record (see BulkImport.finish).

    Must run inside the store's write transaction. The garbage collector is
    paused: the records of a large import are short-lived and acyclic, and
    collections triggered by a million allocations cost seconds.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    cache = store.db.conn.execute("PRAGMA cache_size").fetchone()[0]
    # uids are random, so each insert touches a random page of the uid
    # index: a page cache of IMPORT_CACHE_KIB keeps them in memory.
    store.db.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        importer = BulkImport(store, now, keep_who)
        if rows and any(importer.has_rows.values()):
            raise ValueError("an import of rows made elsewhere goes into a book without records")
        for section, item in items:
            if section == "settings":
                importer.settings = item
            elif rows:
                importer.add_planned(item)
            else:
                importer.add(section, item)
        return importer.finish(checkpoint)
    finally:
        store.db.conn.execute(f"PRAGMA cache_size = {cache}")
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
