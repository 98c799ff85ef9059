"""Merging a stream of records into a team book in bulk, all or nothing.

The team-book side of :mod:`desktopapp.store.importing`, with the same
rules and the same stages, in PostgreSQL's terms: records come one at a
time (bookformat.read_file streams them) and are written a batch at a
time, so memory holds one batch, never the file.

- new records get their ids from the table's own sequence, one request per
  batch, and their rows travel with ``COPY``, many times cheaper than
  INSERTs on both ends; a record whose uid is in the book is compared with
  the stored one and either counted "unchanged" or updated (new version);
- links name their targets by uid, and a target may come later in the
  file, so they wait in temporary tables (filled by COPY) and are resolved
  by one join per link at the end; a uid that resolves to nothing fails
  the import, naming the record and field;
- search rows are folded in Python (the same folding as a save) and copied
  into the index with their batch; meetings and recommendations, whose
  search text holds the names of linked actors, wait in a temporary table
  and are indexed at the end, once every actor is in the book;
- into an empty book (a new team book filled by ``briefing copy`` or a
  first import) the rows go in first and the search index's trigram
  indexes and the links' foreign keys are made at the end, as pg_restore
  does: building an index once is cheaper than growing it row by row, and
  checking a foreign key is one join instead of a lookup per row. Until
  the import commits, others who read the book wait for it (there is
  nothing to read yet); a role that does not own the tables imports row
  by row instead.

The caller runs all this inside one write transaction: any error, at any
record, or a client killed half-way, leaves the book as it was.
"""

from __future__ import annotations

import gc
from collections import defaultdict

import psycopg

from ...domain import Record
from ...errors import ImportFormatError, ValidationError
from ...recordkinds import ChildRows
from .. import record_rows, search
from ..importing import LINKS, NAMED_KINDS, OLD_LINKS, Batches, ImportSummary, no_names, with_names
from ..importing import _content as content
from ..record_rows import NAME_COLUMN, TABLES
from . import text_search

BATCH = 2000  # records per COPY round
INDEX_COLUMNS = ("rowid", "kind", "title", "body", "title_words", "all_words", "name_keys")
_WAITING = "owner bigint, uid text, ord integer, a text, b text, c text, d text"


class TeamImport(Batches):
    """One import into a team book; call add() per record, then finish().

    Must be made and used inside ``store.write()``.
    """

    batch_size = BATCH  # records per COPY round

    def __init__(self, store, now: str, keep_who: bool = False):
        self.store = store
        self.conn = store._local.conn
        self.now = now
        self.keep_who = keep_who
        self.summary = ImportSummary(defaultdict(int), defaultdict(int), defaultdict(int))
        self.batch: list[tuple[str, Record, int]] = []  # (kind, record, position in file)
        self.settings = None
        self.count: dict[str, int] = defaultdict(int)  # records per section, for messages
        self.waiting: dict[str, int] = defaultdict(int)  # link rows waiting per link
        # ids this import gave new records, per kind: a uid found at one of them
        # was used twice in the file
        self.new_ids: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.replaced: dict[str, list[int]] = defaultdict(list)  # kind -> updated ids
        self.renamed: dict[str, list[int]] = defaultdict(list)  # ids whose names others show
        self.conn.execute("CREATE TEMP TABLE import_docs (rowid bigint PRIMARY KEY, "
                          "title text, body text, title_extra text, body_extra text)")
        for name in LINKS:
            self.conn.execute(f"CREATE TEMP TABLE import_{name} ({_WAITING})")
        self.deferred = self._defer_indexes_and_keys() if store.is_empty() else []


    def _ours(self, kind: str, record_id: int) -> bool:
        return any(low <= record_id <= high for low, high in self.new_ids[kind])

    def _write(self, kind: str, entries) -> None:
        table = TABLES[kind]
        section = f"{kind}s"
        existing = dict(self.conn.execute(f"SELECT uid, id FROM {table} WHERE uid = ANY(%s)",
                                          [[r.uid for r, _ in entries]]).fetchall())
        seen = set()
        new, changed = [], []
        for record, position in entries:
            found = existing.get(record.uid)
            if record.uid in seen or (found is not None and self._ours(kind, found)):
                raise ImportFormatError(
                    f"{section}[{position}] ({record.display_name()[:80]!r}): uid {record.uid} "
                    "is used twice in the file")
            seen.add(record.uid)
            if found is not None:
                record.id = found
                changed.append(record)
            else:
                new.append(record)
        if changed:
            stored = {r.uid: r for r in self.store._load(kind, [r.id for r in changed])}
            really = []
            for record in changed:
                old = stored[record.uid]
                if content(old) == content(record):
                    self.summary.unchanged[section] += 1
                    continue
                really.append(record)
                if record_rows.renamed(kind, old, record):
                    self.renamed[kind].append(record.id)
            changed = really
        if new:
            self._insert(kind, new)
            self.summary.added[section] += len(new)
        if changed:
            self._update(kind, changed)
            self.summary.updated[section] += len(changed)
        written = new + changed
        if not written:
            return
        for name, waiting in LINKS.items():
            if waiting.owner_kind != kind:
                continue
            rows = [(record.id, *row) for record in written for row in waiting.rows(record)]
            if rows:
                self._copy(f"import_{name}", ("owner", "uid", "ord", "a", "b", "c", "d"), rows)
                self.waiting[name] += len(rows)
        docs = ((search.rowid_for(kind, r.id), *search.document(r, no_names)) for r in written)
        if kind in NAMED_KINDS:  # indexed at the end, with the linked actors' names
            self._copy("import_docs", ("rowid", "title", "body", "title_extra", "body_extra"),
                       docs)
        else:
            self._copy("search_index", INDEX_COLUMNS,
                       (_index_row(kind, doc) for doc in docs))

    def _insert(self, kind: str, records: list[Record]) -> None:
        table = TABLES[kind]
        ids = [row[0] for row in self.conn.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(records)])]
        self._remember_ids(kind, ids)
        rows = []
        for record, record_id in zip(records, ids, strict=True):
            record.id = record_id
            rows.append((record_id, record.uid, record.created_at or self.now,
                         record.updated_at or self.now, 1, self.who(record.changed_by),
                         *record_rows.row_values(kind, record).values()))
        columns = ("id", "uid", "created_at", "updated_at", "version", "changed_by",
                   *record_rows.row_values(kind, records[0]))
        self._copy(table, columns, rows)

    def _remember_ids(self, kind: str, ids: list[int]) -> None:
        """Keep the new ids as runs (low, high): few, unless others insert meanwhile."""
        runs = self.new_ids[kind]
        for record_id in ids:
            if runs and runs[-1][1] == record_id - 1:
                runs[-1] = (runs[-1][0], record_id)
            else:
                runs.append((record_id, record_id))

    def _update(self, kind: str, records: list[Record]) -> None:
        table = TABLES[kind]
        ids = [r.id for r in records]
        rows = [record_rows.row_values(kind, r) for r in records]
        assignments = ", ".join(f"{column} = %s" for column in rows[0])
        with self.conn.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments}, created_at = %s, updated_at = %s, "
                "changed_by = %s, version = version + 1 WHERE id = %s",
                [(*row.values(), r.created_at or self.now, r.updated_at or self.now,
                  self.who(r.changed_by), r.id) for row, r in zip(rows, records, strict=True)])
        # their old links and index rows go now; the new ones come with the others'
        for link_table, owner in OLD_LINKS[kind]:
            self.conn.execute(f"DELETE FROM {link_table} WHERE {owner} = ANY(%s)", [ids])
        self.conn.execute("DELETE FROM search_index WHERE rowid = ANY(%s)",
                          [[search.rowid_for(kind, i) for i in ids]])
        self.replaced[kind].extend(ids)

    def _copy(self, table: str, columns, rows) -> None:
        with self.conn.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _defer_indexes_and_keys(self) -> list[str]:
        """Drop the search index's trigram indexes and the links' foreign keys of an
        empty book; returns the statements that make them again (see finish)."""
        again = [indexdef for (indexdef,) in self.conn.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'search_index'::regclass AND NOT indisprimary")]
        indexes = [name for (name,) in self.conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'search_index'::regclass AND NOT indisprimary")]
        keys = self.conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = current_schema()::regnamespace ORDER BY oid").fetchall()
        again += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                  for table, name, definition in keys]
        try:
            with self.conn.transaction():  # a savepoint: undone when not allowed
                for index in indexes:
                    self.conn.execute(f"DROP INDEX {index}")
                for table, name, _ in keys:
                    self.conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        except psycopg.errors.InsufficientPrivilege:
            return []
        return again

    # --- the end: uids, links, names, settings -----------------------------------

    def finish(self, checkpoint=None) -> ImportSummary:
        """The uids, links, names and indexes left for the end; ``checkpoint()`` is
        called between its steps (a progress report, which may stop the import)."""
        checkpoint = checkpoint or (lambda: None)
        self.flush()
        checkpoint()
        self._refuse_uid_clashes()
        for name in LINKS:
            self._resolve(name)
        checkpoint()
        self._index_named()
        checkpoint()
        if self.deferred:
            # a trigram index of a large book sorts more than the default allows in memory
            self.conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in self.deferred:
                self.conn.execute(statement)
                checkpoint()
        if self.settings is not None and not self.store.has_settings():
            self.store.save_settings(self.settings)  # a book keeps its own settings
        # records outside the file that show a renamed actor's name
        for target, renamed_ids in self.renamed.items():
            for kind, ids in self.store._dependents_of(target, renamed_ids).items():
                self.store._reindex(kind, [i for i in ids if not self._written(kind, i)])
        for kind, runs in self.new_ids.items():
            for low, high in runs:
                if not self.store._changed(kind, range(low, high + 1)):
                    break  # more than a notification names: "everything changed"
        for kind, ids in self.replaced.items():
            self.store._changed(kind, ids)
        for table in ["docs", *LINKS]:
            self.conn.execute(f"DROP TABLE import_{table}")
        checkpoint()  # the last moment a Cancel still undoes the import
        return ImportSummary(dict(self.summary.added), dict(self.summary.updated),
                             dict(self.summary.unchanged))

    def _written(self, kind: str, record_id: int) -> bool:
        return self._ours(kind, record_id) or record_id in self.replaced.get(kind, ())

    def _refuse_uid_clashes(self) -> None:
        """A uid names one record in the whole book, whatever its kind.

        One join per pair of kinds of which one got new records here.
        """
        kinds = list(TABLES)
        for i, first in enumerate(kinds):
            for second in kinds[i + 1:]:
                if not (self.new_ids[first] or self.new_ids[second]):
                    continue
                for x, y in ((first, second), (second, first)):
                    if not self.new_ids[x]:
                        continue
                    ranges = " OR ".join(["x.id BETWEEN %s AND %s"] * len(self.new_ids[x]))
                    row = self.conn.execute(
                        f"SELECT x.id, y.uid, y.{NAME_COLUMN[y]} FROM {TABLES[x]} x "
                        f"JOIN {TABLES[y]} y ON y.uid = x.uid WHERE {ranges} LIMIT 1",
                        [bound for pair in self.new_ids[x] for bound in pair]).fetchone()
                    if row is None:
                        continue
                    record_id, uid, name = row
                    record = self.store.get(x, record_id)
                    raise ValidationError(
                        [("uid", f"{uid} is already used by {y} {name!r} "
                                 "(a uid names one record, whatever its kind)")],
                        f"{x}s: {record.label()}")

    def _resolve(self, name: str) -> None:
        waiting = self.waiting.get(name, 0)
        if not waiting:
            return
        link = LINKS[name]
        target_kind = link.link.target
        target = TABLES[target_kind]
        optional = isinstance(link.link, ChildRows) and not link.link.required
        join = "LEFT JOIN" if optional else "JOIN"
        inserted = self.conn.execute(
            f"{link.insert} FROM import_{name} l {join} {target} t ON t.uid = l.uid"
        ).rowcount
        missing = None
        if optional or inserted != waiting:
            missing = self.conn.execute(
                f"SELECT l.owner, l.uid, l.ord FROM import_{name} l "
                f"LEFT JOIN {target} t ON t.uid = l.uid "
                "WHERE l.uid IS NOT NULL AND t.id IS NULL LIMIT 1").fetchone()
        if missing is not None:
            owner, uid, ord_ = missing
            record = self.store.get(link.owner_kind, owner)
            raise ValidationError(
                [(link.error_field(ord_),
                  f"no {target_kind} with uid {uid} in the file or the book")],
                f"{link.owner_kind}s: {record.label()} (uid {record.uid})")

    def _index_named(self) -> None:
        """Index rows of meetings and recommendations, with their actors' names."""
        last = -1
        while True:
            chunk = self.conn.execute(
                "SELECT rowid, title, body, title_extra, body_extra FROM import_docs "
                "WHERE rowid > %s ORDER BY rowid LIMIT %s", [last, BATCH]).fetchall()
            if not chunk:
                return
            last = chunk[-1][0]
            by_kind = defaultdict(list)
            for row in chunk:
                by_kind[search.split_rowid(row[0])[0]].append(row)
            rows = []
            for kind, docs in by_kind.items():
                names = self._linked_names(kind, [row[0] & search.ID_MASK for row in docs])
                rows += [_index_row(kind, with_names(doc, names.get(doc[0] & search.ID_MASK,
                                                                    "")))
                         for doc in docs]
            self._copy("search_index", INDEX_COLUMNS, rows)

    def _linked_names(self, kind: str, ids) -> dict[int, str]:
        """Names of the linked actors, in the order search.document lists them."""
        names = defaultdict(list)
        for sql in record_rows.named_link_queries(kind):
            for owner, name in self.conn.execute(sql.format(ids="= ANY(%s)"), [ids]):
                if name not in names[owner]:
                    names[owner].append(name)
        return {owner: " ".join(values) for owner, values in names.items()}


def _index_row(kind: str, doc) -> tuple:
    """A search_index row from (rowid, title, body, title_extra, body_extra)."""
    rowid, *text = doc
    return (rowid, search.KIND_CODES[kind], *text_search.index_text(*text))


def run(store, items, now: str, *, keep_who: bool = False, checkpoint=None) -> ImportSummary:
    """Import ``items`` ((section, record) and ("settings", settings) pairs);
    ``checkpoint()`` is called between the steps after the last record.

    Must run inside the store's write transaction. The garbage collector is
    paused, as for a book file (store/importing.run says why).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        importer = TeamImport(store, now, keep_who)
        for section, item in items:
            importer.add(section, item)
        return importer.finish(checkpoint)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
