"""BriefingStore: reads and writes the records of one book file.

The only module (with its siblings in this package) that speaks SQL.
Every write runs in one ``BEGIN IMMEDIATE`` transaction: taking the write
lock up front means two programs on one book wait for each other (busy
timeout) instead of failing with "database is locked" half-way.

Deletion rules (also in db/README.md):
- an actor who takes part in a meeting (participant, host or mediator)
  cannot be deleted; the refusal names the meetings. ``force=True``
  removes them from those meetings first;
- deleting an actor also removes it from other actors' affiliations and
  from recommendations; deleting a meeting removes it from
  recommendations; deleting a source removes its citations. Every record
  changed that way gets a new version, so an editor holding it sees a
  conflict instead of silently undoing the change.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..domain import (
    Actor,
    ExportSettings,
    Meeting,
    Memo,
    Recommendation,
    Record,
    Source,
    now_iso,
)
from ..errors import (
    BookError,
    BookReadOnlyError,
    BriefingError,
    ConflictError,
    NotFoundError,
    StoredRecordError,
    ValidationError,
)
from . import opening, record_rows, search, settings_rows
from .connection import Connection
from .record_rows import KIND_OF_CLASS, NAME_COLUMN, TABLES

# The JSON format, the import and the export are imported by the methods that
# use them: a command that reads records or prints a card needs none of them.
TYPE_CHECKING = False  # typing itself is not imported for it
if TYPE_CHECKING:
    from .importing import ImportSummary

MAX_ROWID = 2**63 - 1  # SQLite's largest integer
CHUNK = 500  # ids per "IN (...)" query, well under SQLite's variable limit
POOL = search.POOL



@dataclass
class SearchHit:
    """One record found by ``search``: its kind, id, title and a snippet of the match."""

    kind: str
    id: int
    title: str
    snippet: str
    uid: str = ""


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _chunks_of(items, size=CHUNK):
    """Lists of up to ``size`` items from any iterable."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _marks(values):
    return ", ".join("?" * len(values))


def _dicts(cursor) -> list[dict]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


# The Python type SQLite returns for each declared column type. A hand edit can
# store bytes or a number where text belongs (SQLite allows it), which would
# otherwise crash far from the row that caused it.
_STORED_TYPES = {"TEXT": str, "INTEGER": int, "BLOB": bytes}
_TYPE_WORDS = {str: "text", int: "a whole number", bytes: "bytes", float: "a decimal number"}


def _wrong_storage(row: dict, declared: dict[str, str]) -> tuple[str, str] | None:
    """The first column of ``row`` holding a value of another type than declared."""
    for name, value in row.items():
        expected = _STORED_TYPES.get(declared.get(name, ""))
        if value is None or expected is None or type(value) is expected:
            continue
        # SQLite gives only these four types
        return name, f"stored as {_TYPE_WORDS[type(value)]}, not {_TYPE_WORDS[expected]}"
    return None


def _storage_errors_for_people(cls):
    """Turn SQLite errors escaping a public method into errors for people.

    Callers (CLI, GUI) never see ``sqlite3`` exceptions: the error code
    decides the message (busy, read-only, disk full, damaged...).
    """
    def guard(fn):
        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except sqlite3.Error as exc:
                path = getattr(args[0], "path", None) or (args[1] if len(args) > 1 else "")
                raise opening.storage_error(exc, Path(path)) from None
            except OverflowError:
                raise BriefingError("a number is too large for the book "
                                    "(at most 9223372036854775807)") from None
        return guarded

    for name, member in list(vars(cls).items()):
        if name.startswith("_") or name == "write":
            continue
        if isinstance(member, classmethod):
            setattr(cls, name, classmethod(guard(member.__func__)))
        elif callable(member):
            setattr(cls, name, guard(member))
    return cls


@_storage_errors_for_people
class BriefingStore:
    """One open briefing book. Use as a context manager, or call close()."""

    records_who = True  #: list_summaries(changed_by=True) says who changed each record

    def __init__(self, db: Connection, path: Path, *, read_only: bool = False,
                 read_only_reason: str = "", changed_by: str | None = None):
        self.db = db
        self.path = path
        # who this program's writes are recorded as made by (the property changed_by)
        self._changed_by = (paths.named_analyst() or None) if changed_by is None else changed_by
        #: True when the book cannot be written (read-only mount, immutable
        #: file); every write is refused with BookReadOnlyError.
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        #: how long a write waits for another program's write to finish
        self.wait_seconds = opening.BUSY_TIMEOUT_SECONDS
        #: called with a message when a write has to wait (the CLI prints it)
        self.on_wait = None
        #: called while a write waits, with the seconds waited; False gives up
        #: (the window's Cancel); see opening.begin_write
        self.keep_waiting = None
        paths.register_open_book(path)
        self._open = True
        self._held = None  # see paths.hold_book_file

    @property
    def changed_by(self) -> str:
        """Who this program's writes are recorded as made by: ``$BRIEFING_ANALYST``,
        else the login name ("" if none; see paths.named_analyst).

        Without ``$BRIEFING_ANALYST`` the login name is looked up when first asked for
        (a write): a command that only reads never imports getpass (with termios).
        """
        if self._changed_by is None:
            self._changed_by = paths.login_name()
        return self._changed_by

    @changed_by.setter
    def changed_by(self, name: str) -> None:
        self._changed_by = name

    # --- opening ----------------------------------------------------------

    @classmethod
    def open(cls, path, *, create: bool = False, allow_unknown_objects: bool = False,
             rescue: bool = False, wait_seconds: float | None = None,
             on_wait=None, analyst: str | None = None) -> BriefingStore:
        """Open the book at ``path``; with ``create``, make a new one there.

        Raises BookError for a missing, foreign, newer or unreadable file,
        and UnknownSchemaError for a book with objects we did not create
        (unless ``allow_unknown_objects``, for check and repair; ``rescue``
        opens such a book read-only, for export and backup).
        ``wait_seconds``/``on_wait``: how long writes wait for another
        writer, and what to call when they start waiting. ``analyst``: who
        the writes are made by (default: the ``changed_by`` property's).
        """
        path = Path(path)
        wait = opening.BUSY_TIMEOUT_SECONDS if wait_seconds is None else wait_seconds
        if create:
            store = cls(opening.create_book(path), path, changed_by=analyst)
            store._held = paths.hold_book_file(path)
        else:
            try:
                exists = path.exists()
            except OSError as exc:
                raise BookError(f"cannot open {path}: {paths.describe_os_error(exc)}") from None
            if not exists:
                raise BookError(f"no briefing book at {path} (create one with 'briefing init')")
            held = paths.hold_book_file(path)  # before SQLite locks it: see hold_book_file
            try:
                opened = opening.open_existing(path, allow_unknown_objects=allow_unknown_objects,
                                               rescue=rescue, wait_seconds=wait,
                                               on_wait=on_wait)
            except BaseException:
                paths.release_book_file(held)
                raise
            store = cls(opened.db, path, read_only=opened.read_only,
                        read_only_reason=opened.read_only_reason, changed_by=analyst)
            store._held = held
        store.wait_seconds, store.on_wait = wait, on_wait
        try:
            store._finish_upgrade()
        except BaseException:
            store.close()
            raise
        return store

    def _finish_upgrade(self):
        """Re-index the book when a migration asked for it (see migrations.py)."""
        if self.db.execute("SELECT 1 FROM book_meta WHERE key = ?",
                           [search.STALE_KEY]).fetchone() is not None:
            self.rebuild_search_index()

    def listen(self):
        """None: a book file cannot announce changes; callers poll change_stamp()."""
        return None

    def close(self):
        if self._open:
            self._open = False
            paths.unregister_open_book(self.path)
        self.db.close()
        # after the connection: its locks go with it, not before (see paths.hold_book_file)
        held, self._held = self._held, None
        paths.release_book_file(held)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def for_this_thread(self):
        """This book, for use on the calling thread (a worker's import or export).

        A SQLite connection belongs to the thread that opened it: the calling
        thread gets a connection of its own to the same file, closed after.
        """
        store = type(self).open(self.path, wait_seconds=self.wait_seconds,
                                analyst=self.changed_by)
        try:
            yield store
        finally:
            store.close()

    # --- transactions -----------------------------------------------------

    @contextmanager
    def write(self):
        """One all-or-nothing write; nested calls become savepoints."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        if self.read_only:
            raise BookReadOnlyError(f"the book {self.path} is open read-only "
                                    f"({self.read_only_reason}); nothing was changed")
        opening.begin_write(self.db, self.path, wait_seconds=self.wait_seconds,
                            on_wait=self.on_wait, keep_waiting=self.keep_waiting)
        try:
            yield
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise opening.storage_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self):
        try:
            self.db.rollback()
        except sqlite3.Error:
            pass  # SQLite already rolled back (e.g. after a full disk)

    # --- uid <-> id --------------------------------------------------------

    def _ids_by_uid(self, kind: str, uids) -> dict[str, int]:
        found = {}
        for chunk in _chunks(set(uids)):
            rows = self.db.execute(
                f"SELECT uid, id FROM {TABLES[kind]} WHERE uid IN ({_marks(chunk)})", chunk)
            found.update(rows.fetchall())
        return found

    def _uid_owners(self, uids, except_kind: str) -> dict[str, tuple[str, str]]:
        """uid -> (kind, name) for records of other kinds that use one of ``uids``."""
        owners = {}
        for kind, table in TABLES.items():
            if kind == except_kind:
                continue
            for chunk in _chunks(set(uids)):
                for uid, name in self.db.execute(
                        f"SELECT uid, {NAME_COLUMN[kind]} FROM {table} "
                        f"WHERE uid IN ({_marks(chunk)})", chunk):
                    owners[uid] = (kind, name)
        return owners

    def _refuse_uid_clashes(self, kind: str, records, section: str = "") -> None:
        """A uid names one record in the whole book, whatever its kind."""
        owners = self._uid_owners([r.uid for r in records], kind)
        for record in records:
            if record.uid in owners:
                other_kind, other_name = owners[record.uid]
                where = f"{section}: " if section else ""
                raise ValidationError(
                    [("uid", f"{record.uid} is already used by {other_kind} {other_name!r} in "
                             "this book (a uid names one record, whatever its kind)")],
                    f"{where}{record.label()}")

    def uid_clashes(self) -> list[str]:
        """uids used by more than one record (of different kinds), for check."""
        union = " UNION ALL ".join(
            f"SELECT uid, '{kind}' AS kind, id, {NAME_COLUMN[kind]} AS name FROM {table}"
            for kind, table in TABLES.items())
        rows = self.db.execute(
            f"SELECT uid, group_concat(kind || ' ' || id || ' ' || quote(name), ', ') "
            f"FROM ({union}) GROUP BY uid HAVING count(*) > 1 ORDER BY uid").fetchall()
        return [f"uid {uid} is used by several records: {who}" for uid, who in rows]

    def id_for_uid(self, kind: str, uid: str) -> int | None:
        return self._ids_by_uid(kind, [uid]).get(uid)

    def ids_for_uids(self, kind: str, uids) -> dict[str, int]:
        """uid -> id of the records of ``kind`` among ``uids`` (others left out), a few
        queries for any number: a card of a 499-delegate meeting asked 499 times."""
        return self._ids_by_uid(kind, uids)

    def names_for_uids(self, uids) -> dict[str, str]:
        """Display names of actors by uid (for indexes and renderers)."""
        names = {}
        for chunk in _chunks(set(uids)):
            names.update(self.db.execute(
                f"SELECT uid, name FROM actors WHERE uid IN ({_marks(chunk)})", chunk).fetchall())
        return names

    # --- reading ----------------------------------------------------------

    def get(self, kind: str, record_id: int) -> Record:
        records = self._load(kind, [record_id])
        if not records:
            raise NotFoundError(f"there is no {kind} with id {record_id}")
        return records[0]

    def get_by_uid(self, kind: str, uid: str) -> Record:
        record_id = self.id_for_uid(kind, uid)
        if record_id is None:
            raise NotFoundError(f"there is no {kind} with uid {uid}")
        return self.get(kind, record_id)

    def get_actor(self, record_id: int) -> Actor:
        return self.get("actor", record_id)

    def get_meeting(self, record_id: int) -> Meeting:
        return self.get("meeting", record_id)

    def get_recommendation(self, record_id: int) -> Recommendation:
        return self.get("recommendation", record_id)

    def get_source(self, record_id: int) -> Source:
        return self.get("source", record_id)

    def get_memo(self, record_id: int) -> Memo:
        return self.get("memo", record_id)

    def changed_by_of(self, kind: str, record_id: int) -> tuple[str, str]:
        """(who, when) of the last change to a record ("" for who: changed before schema 6)."""
        row = self.db.execute(f"SELECT changed_by, updated_at FROM {TABLES[kind]} WHERE id = ?",
                              [record_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no {kind} with id {record_id}")
        return row[0], row[1]

    def get_many(self, kind: str, ids) -> list[Record]:
        """Records in the order of ``ids``; missing ids are skipped."""
        return self._load(kind, list(ids))

    def _rows(self, sql_template: str, ids) -> list[dict]:
        out = []
        for chunk in _chunks(ids):
            out.extend(_dicts(self.db.execute(sql_template.format(marks=_marks(chunk)), chunk)))
        return out

    def _fetch_for(self, ids):
        """A fetch for record_rows: runs a query whose {ids} is ``ids``, in chunks."""
        def fetch(sql):
            rows = []
            for chunk in _chunks(ids):
                rows += self.db.execute(sql.format(ids=f"IN ({_marks(chunk)})"), chunk).fetchall()
            return rows
        return fetch

    def _load(self, kind: str, ids: list[int]) -> list[Record]:
        ids = [i for i in ids if isinstance(i, int) and 0 < i <= MAX_ROWID]  # others cannot exist
        rows = self._rows(f"SELECT * FROM {TABLES[kind]} WHERE id IN ({{marks}})", ids)
        by_id = {row["id"]: row for row in rows}
        ids = [i for i in ids if i in by_id]

        def build(by_id, ids):
            links = record_rows.read_links(kind, self._fetch_for(ids))
            return [record_rows.build(kind, by_id[i], links.get(i, {})) for i in ids]

        declared = self._declared_types(TABLES[kind])
        for record_id in ids:
            if _wrong_storage(by_id[record_id], declared):
                raise self._bad_row_error(kind, by_id[record_id], None)
        try:
            return build(by_id, ids)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # a row edited outside the program: name it instead of crashing
            for record_id in ids:
                try:
                    build(by_id, [record_id])
                except (ValueError, TypeError, KeyError, AttributeError) as row_exc:
                    raise self._bad_row_error(kind, by_id[record_id], row_exc) from None
            raise self._bad_row_error(kind, by_id[ids[0]], exc) from None

    def _declared_types(self, table: str) -> dict[str, str]:
        """Column name -> declared type (TEXT, INTEGER, BLOB) of one of our tables."""
        cache = self.__dict__.setdefault("_declared_cache", {})
        if table not in cache:
            cache[table] = {row[1]: row[2].upper() for row in
                            self.db.execute(f"PRAGMA table_info([{table}])").fetchall()}
        return cache[table]

    def _bad_row_error(self, kind: str, row: dict, exc: Exception | None) -> StoredRecordError:
        field_name, problem = (
            _wrong_storage(row, self._declared_types(TABLES[kind]))
            or record_rows.diagnose_row(kind, row)
            or ("a linked row", " ".join(str(exc).split())[:120]))
        return StoredRecordError(
            f"{TABLES[kind]} row {row['id']} (uid {row.get('uid')}) is not a valid {kind}: "
            f"{field_name}: {problem}. The book was changed outside Briefing Desk; fix or "
            "delete this record (or restore a backup)")

    # --- lists ------------------------------------------------------------

    def count(self, kind: str) -> int:
        return self.db.execute(f"SELECT count(*) FROM {TABLES[kind]}").fetchone()[0]

    def list_summaries(self, kind: str, *, sort: str | None = None, descending=False,
                       limit: int | None = None, offset: int = 0,
                       ids: list[int] | None = None, changed_by: bool = False) -> list[dict]:
        """Rows for lists and tables: a few columns per record, one page at a time.

        ``changed_by`` adds who changed each record last and when (``changed_by``,
        ``updated_at``).
        """
        # made per call (microseconds), not once at import, so that the tests of a
        # mutation run (tools/mutation.py) reach them
        sorts = record_rows.sorts(kind, record_rows.SQLITE)
        sort = sort or next(iter(sorts))
        if sort not in sorts:
            raise ValueError(f"cannot sort {kind} lists by {sort!r}")
        direction = "DESC" if descending else "ASC"
        columns = record_rows.summary_columns(kind, record_rows.SQLITE, changed_by=changed_by)
        sql = f"SELECT {columns} FROM {TABLES[kind]}"
        params: list = []
        if ids is not None:
            if not ids:
                return []
            # a JSON array keeps any number of ids in one parameter
            sql += " WHERE id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(ids)))
        sql += f" ORDER BY {sorts[sort]} {direction}, id {direction}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        cursor = self.db.execute(sql, params)
        return _dicts(cursor)

    def iter_summaries(self, kind: str, *, sort: str | None = None, descending=False,
                       limit: int | None = None, offset: int = 0):
        """The rows of list_summaries one at a time, read as they are used.

        Memory stays flat for a list of a million records, and the first row
        comes at once: nothing waits for the last.
        """
        sorts = record_rows.sorts(kind, record_rows.SQLITE)
        sort = sort or next(iter(sorts))
        if sort not in sorts:
            raise ValueError(f"cannot sort {kind} lists by {sort!r}")
        direction = "DESC" if descending else "ASC"
        cursor = self.db.execute(
            f"SELECT {record_rows.summary_columns(kind, record_rows.SQLITE)} FROM {TABLES[kind]} "
            f"ORDER BY {sorts[sort]} {direction}, id {direction} LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset])
        columns = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(500):
            for row in rows:
                yield dict(zip(columns, row, strict=True))

    def meetings_of_actor(self, actor_id: int) -> list[dict]:
        """Meetings an actor takes part in (as participant, host or mediator), newest first."""
        cursor = self.db.execute(
            "SELECT m.id, m.uid, m.title, m.date, m.status, x.role, x.side FROM meetings m JOIN ("
            " SELECT meeting_id, role, side FROM participants WHERE actor_id = ?"
            " UNION ALL SELECT meeting_id, capacity, '' FROM meeting_hosts WHERE actor_id = ?"
            ") x ON x.meeting_id = m.id ORDER BY m.date DESC, m.id DESC", [actor_id, actor_id])
        return _dicts(cursor)

    def recommendations_linked_to(self, kind: str, record_id: int) -> list[dict]:
        """Recommendations that name an actor (as addressee or subject) or a meeting."""
        sql, links = record_rows.linked_from_query(
            "recommendation", kind, "r.id, r.uid, r.title, r.priority, r.status",
            record_rows.SQLITE)
        return _dicts(self.db.execute(sql, [record_id] * links))

    def members_of(self, actor_id: int) -> list[dict]:
        """Actors affiliated with this one (the E4's four states; a state's officials)."""
        cursor = self.db.execute(
            "SELECT a.id, a.uid, a.name, a.kind FROM actor_affiliations l "
            "JOIN actors a ON a.id = l.actor_id WHERE l.affiliated_id = ? "
            "ORDER BY a.name COLLATE NOCASE", [actor_id])
        return _dicts(cursor)

    # --- saving -----------------------------------------------------------

    def save(self, record: Record) -> Record:
        """Insert a new record (id None) or update one, checking its version.

        Updates ``record`` in place (id, version, timestamps) and returns it.
        Raises ValidationError, ConflictError or NotFoundError.
        """
        record.check()
        kind = KIND_OF_CLASS[type(record)]
        with self.write():
            if record.id is None:
                if self.id_for_uid(kind, record.uid) is not None:
                    raise ValidationError([("uid", "is already used by another record")],
                                          record.label())
                self._refuse_uid_clashes(kind, [record])
                record_id = self._insert_row(kind, record, now_iso())
            else:
                self._update_row(kind, record)
                record_id = record.id
            self._write_links(kind, record, record_id)
            self._index(kind, record, record_id)
            if kind in record_rows.NAMED_IN_OTHERS:
                self._reindex_dependents(kind, [record_id])
        stored = self.get(kind, record_id)
        record.id, record.version = stored.id, stored.version
        record.created_at, record.updated_at = stored.created_at, stored.updated_at
        record.changed_by = stored.changed_by
        return record

    @staticmethod
    def _row_values(kind: str, record: Record) -> dict:
        return record_rows.row_values(kind, record)

    def _insert_row(self, kind, record, now) -> int:
        values = self._row_values(kind, record)
        values["uid"] = record.uid
        values["created_at"] = values["updated_at"] = now
        values["version"] = 1
        values["changed_by"] = self.changed_by
        columns = list(values)
        cursor = self.db.execute(
            f"INSERT INTO {TABLES[kind]} ({', '.join(columns)}) VALUES ({_marks(columns)})",
            list(values.values()))
        return cursor.lastrowid

    def _update_row(self, kind, record, *, expected_version=True, stamps=None):
        values = self._row_values(kind, record)
        if stamps:
            values["created_at"], values["updated_at"] = stamps
        else:
            values["updated_at"] = now_iso()
        values["changed_by"] = self.changed_by
        assignments = ", ".join(f"{column} = ?" for column in values)
        sql = f"UPDATE {TABLES[kind]} SET {assignments}, version = version + 1 WHERE id = ?"
        params = [*values.values(), record.id]
        if expected_version:
            sql += " AND version = ?"
            params.append(record.version)
        if self.db.execute(sql, params).rowcount == 1:
            return
        row = self.db.execute(f"SELECT version, changed_by FROM {TABLES[kind]} WHERE id = ?",
                              [record.id]).fetchone()
        if row is None:
            raise NotFoundError(f"{record.label()} no longer exists: it was deleted, "
                                "perhaps in another window")
        raise ConflictError(record_rows.conflict_message(record, *row),
                            current=self._load(kind, [record.id])[0])

    def _write_links(self, kind, record, record_id):
        """Replace the record's links (ValidationError for a uid not in the book)."""
        rows = record_rows.link_rows(kind, record, record_id, self._ids_by_uid)
        for table, owner in rows.tables:
            self.db.execute(f"DELETE FROM {table} WHERE {owner} = ?", [record_id])
        for table, columns, values in rows.inserts:
            if values:
                self.db.conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(columns)})",
                    values)

    # --- the search index -------------------------------------------------

    def _index(self, kind, record, record_id):
        rowid = search.rowid_for(kind, record_id)
        self.db.execute("DELETE FROM search_index WHERE rowid = ?", [rowid])
        self.db.execute(
            "INSERT INTO search_index (rowid, title, body, title_extra, body_extra) "
            "VALUES (?, ?, ?, ?, ?)", [rowid, *search.document(record, self._names_text)])

    def _names_text(self, uids) -> str:
        return " ".join(self.names_for_uids(uids).values())

    def _reindex(self, kind, ids):
        for record in self._load(kind, list(ids)):
            self._index(kind, record, record.id)

    def _dependents_of(self, target: str, ids) -> dict[str, set[int]]:
        """Records whose index text holds the names of these records, by kind."""
        found: dict[str, set[int]] = defaultdict(set)
        for kind, sql in record_rows.named_dependents(target):
            found[kind].update(row[0] for row in self._fetch_for(list(ids))(sql))
        return found

    def _reindex_dependents(self, target: str, ids):
        for kind, dependent_ids in self._dependents_of(target, ids).items():
            self._reindex(kind, dependent_ids)

    def rebuild_search_index(self):
        """Index every record again (after an upgrade, or to repair the index)."""
        with self.write():
            # made anew, not emptied: FTS5 deletes leave a marker per word
            # that every later query reads past (see migration 0005)
            (ddl,) = self.db.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'search_index'").fetchone()
            self.db.execute("DROP TABLE search_index")
            self.db.execute(ddl)
            from . import importing

            for kind in TABLES:
                for chunk in _chunks_of(self.iter_records(kind)):
                    docs = [(search.rowid_for(kind, r.id), *search.document(r, importing.no_names))
                            for r in chunk]
                    if kind in importing.NAMED_KINDS:
                        names = importing.linked_names(self.db.conn, kind, [r.id for r in chunk])
                        docs = [importing.with_names(doc, names.get(r.id, ""))
                                for doc, r in zip(docs, chunk, strict=True)]
                    self.db.conn.executemany(
                        "INSERT INTO search_index (rowid, title, body, title_extra, body_extra) "
                        "VALUES (?, ?, ?, ?, ?)", docs)
            self.db.execute("DELETE FROM book_meta WHERE key = ?", [search.STALE_KEY])

    def search(self, text: str, *, kinds=None, limit: int = 50) -> list[SearchHit]:
        """Best matches for what a user typed, across record kinds.

        Case-, accent- and spelling-insensitive prefix search over every word
        typed (see desktopapp/folding.py). A record whose whole name is the
        text comes first; then the first POOL matches (in index order) of the
        whole words typed, records with more of the words in their title and
        shorter titles first; then, if that is not enough, the same with the
        last word as a prefix. So a one-letter query costs the same in a book
        of ten records or a million.
        Any text is accepted; text with no words finds nothing.
        """
        return list(self.iter_search(text, kinds=kinds, limit=limit))

    def iter_search(self, text: str, *, kinds=None, limit: int = 50) -> Iterator[SearchHit]:
        """The hits of :meth:`search`, made CHUNK at a time as they are used.

        Only the ranked ids are held: ``briefing search a --limit 1000000``
        prints its first hit at once, and its memory does not grow with the
        hits' titles and snippets.
        """
        codes = [search.KIND_CODES[k] for k in kinds] if kinds else None
        rowids = self._search_rowids(text, codes, limit)
        words = search.query_words(text)
        for chunk in _chunks(rowids):
            # the records' own text by rowid (instant), extracts made here: an
            # FTS5 snippet() would run the whole query again for each hit
            texts = {row[0]: row[1:] for row in self.db.execute(
                f"SELECT rowid, title, body FROM search_index WHERE rowid IN ({_marks(chunk)})",
                chunk)}
            hits = []
            for rowid in chunk:
                title, body = texts.get(rowid, ("", ""))
                kind, record_id = search.split_rowid(rowid)
                hits.append(SearchHit(kind, record_id, "", search.extract(title, body, words)))
            self._fill_titles(hits)
            yield from hits

    def _matches(self, text: str, *, whole_words: bool, where: str, limit: int | None,
                 columns: str = "rowid, title"):
        """The first ``limit`` (None: all) matches as (rowid, title), in index order.

        ``columns="rowid"`` for ids only: reading each match's title from the
        index's content made a list filter of 5,000 hits eight times slower."""
        expression = search.match_expression(text, whole_words=whole_words)
        return self.db.execute(
            f"SELECT {columns} FROM search_index WHERE search_index MATCH ?{where} LIMIT ?",
            [expression, -1 if limit is None else limit]).fetchall()

    def _search_rowids(self, text: str, codes, limit: int) -> list[int]:
        """Index rowids of the best ``limit`` matches (see search.ranked_rowids)."""
        def whole_names(count):
            key = search.key_expression(text)
            if key is None:
                return []
            return [row[0] for row in self.db.execute(
                "SELECT rowid FROM search_index WHERE search_index MATCH ?"
                f"{search.kind_filter(codes or ())} LIMIT ?", [key, count])]

        def pool(whole_words, groups, size):
            # Not a pass over the titles alone: FTS5 checks a column filter on
            # every record matching the words anywhere (0.2 s for a phrase
            # found in 200,000 meetings); the ranking puts title matches first.
            # Each kind's rows are one block of rowids, which a kind's query
            # seeks to; the prefix pass runs once for all kinds, as FTS5
            # gathers a long prefix's words per query.
            return [row for group in groups
                    for row in self._matches(text, whole_words=whole_words,
                                             where=search.kind_filter(group or ()),
                                             limit=size)]

        return search.ranked_rowids(text, codes, limit, whole_names=whole_names, pool=pool)

    def search_ids(self, text: str, kind: str, *, limit: int | None = None,
                   ranked: bool = True) -> list[int]:
        """Ids of matching records of one kind, best first unless ``ranked`` is False.

        A list that shows its rows sorted by a column does not need the
        ranking: unranked, the ids come in index order and the cost is that
        of reading them. Ranked, they come in the order of :meth:`search`.
        """
        code = search.KIND_CODES[kind]
        if ranked:
            rowids = self._search_rowids(text, [code], limit if limit is not None else POOL)
        else:
            where = search.kind_filter([code])
            rowids = search.first_rowids(text, limit, lambda whole_words, count: [
                row[0] for row in self._matches(text, whole_words=whole_words, where=where,
                                                limit=count, columns="rowid")])
        return [rowid & search.ID_MASK for rowid in rowids]

    def _fill_titles(self, hits):
        by_kind = defaultdict(list)
        for hit in hits:
            by_kind[hit.kind].append(hit)
        for kind, kind_hits in by_kind.items():
            ids = [h.id for h in kind_hits]
            found = {row[0]: row[1:] for row in self.db.execute(
                f"SELECT id, {NAME_COLUMN[kind]}, uid FROM {TABLES[kind]} "
                f"WHERE id IN ({_marks(ids)})", ids)}
            for hit in kind_hits:
                hit.title, hit.uid = found.get(hit.id, ("", ""))

    # --- deleting ---------------------------------------------------------

    def delete(self, kind: str, record_id: int, *, force: bool = False) -> None:
        """Delete a record under the rules in this module's docstring."""
        with self.write():
            record = self.get(kind, record_id)
            record_rows.refuse_if_taking_part(
                record, record_rows.SQLITE,
                lambda sql, params: _dicts(self.db.execute(sql, params)), force)
            touched = record_rows.unlink(
                kind, record_id, record_rows.SQLITE,
                lambda sql, params: self.db.execute(sql, params).fetchall())
            self.db.execute(f"DELETE FROM {TABLES[kind]} WHERE id = ?", [record_id])
            self.db.execute("DELETE FROM search_index WHERE rowid = ?",
                            [search.rowid_for(kind, record_id)])
            for owner_kind, (ids, reindex) in touched.items():
                self._bump(owner_kind, sorted(ids), reindex=reindex)

    def _bump(self, kind, ids, *, reindex=True):
        """Mark records changed by a cascade: new version, new timestamp, who."""
        if not ids:
            return
        now = now_iso()
        for chunk in _chunks(ids):
            self.db.execute(
                f"UPDATE {TABLES[kind]} SET version = version + 1, updated_at = ?, "
                f"changed_by = ? WHERE id IN ({_marks(chunk)})", [now, self.changed_by, *chunk])
        if reindex:
            self._reindex(kind, ids)

    # --- whole book -------------------------------------------------------

    @contextmanager
    def snapshot(self):
        """Reads that all see one moment of the book (one read transaction)."""
        with self.db.atomic():
            yield

    def all_records(self, kind: str) -> list[Record]:
        ids = [r[0] for r in self.db.execute(f"SELECT id FROM {TABLES[kind]} ORDER BY id")]
        out = []
        for chunk in _chunks(ids):
            out.extend(self._load(kind, chunk))
        return out

    def export_sections(self) -> dict[str, list[Record]]:
        """Every record, by JSON section, in the order they were added."""
        with self.db.atomic():  # one consistent snapshot
            return {f"{kind}s": self.all_records(kind) for kind in TABLES}

    def iter_records(self, kind: str):
        """Every record of a kind in the order they were added, loaded 500 at a time."""
        last = 0
        while True:
            ids = [r[0] for r in self.db.execute(
                f"SELECT id FROM {TABLES[kind]} WHERE id > ? ORDER BY id LIMIT ?", [last, CHUNK])]
            if not ids:
                return
            yield from self._load(kind, ids)
            last = ids[-1]

    def export_to(self, out, progress=None) -> dict[str, int]:
        """Write the whole book as briefing-book JSON to the text file ``out``.

        Streamed from one consistent snapshot of the book, in bounded memory;
        returns the number of records per JSON section. ``progress``: see
        store/progress.py (False stops with OperationCancelledError).
        """
        from .. import bookformat
        from . import exporting
        from .progress import Tracker

        tracker = Tracker(progress, "the export was cancelled")
        with self.db.atomic():
            settings = self.settings() if self.has_settings() else None
            total = sum(self.count(kind) for kind in TABLES) if tracker.active else None
            return bookformat.write_objects(
                out, lambda section: tracker.counted(
                    exporting.iter_dicts(self, section[:-1]), "exporting", total), settings)

    def export_book(self) -> dict:
        """The whole book as a briefing-book JSON document (a dict)."""
        from .. import bookformat

        with self.db.atomic():
            return bookformat.book_to_dict(self.export_sections(),
                                           self.settings() if self.has_settings() else None)

    def import_file(self, path, progress=None) -> ImportSummary:
        """Merge a briefing-book JSON file, streamed in bounded memory (see import_records).

        A large file going into a book without records is read by a second
        process while this one writes (store/import_reader.py). ``progress``:
        see store/progress.py; when it returns False the import stops and
        nothing is imported (OperationCancelledError).
        """
        from .. import bookformat
        from . import import_reader, importing
        from .progress import FilePosition, Tracker

        tracker = Tracker(progress, "the import was cancelled; nothing was imported")
        position = FilePosition.of(path)
        with self._links_checked_by_caller(), self.write():
            if import_reader.worth_a_process(path) and self._has_no_records():
                with closing(import_reader.read(path, position)) as rows:
                    return importing.run(
                        self, tracker.reading(rows, position, import_reader.records_in),
                        now_iso(), rows=True, checkpoint=tracker.finishing)
            return importing.run(self, tracker.reading(bookformat.read_file(path, position),
                                                       position),
                                 now_iso(), checkpoint=tracker.finishing)

    def import_records(self, items, *, keep_who: bool = False) -> ImportSummary:
        """Merge records by uid, all or nothing.

        ``items`` yields ``(section, record)`` and ``("settings", settings)``
        pairs, as bookformat.read_file does. A record whose uid is in the
        book replaces it (new version) unless its content is the same
        ("unchanged": version and timestamps kept); others are added.
        Timestamps and who changed each record come from the file; a record
        that names no one is stamped with this store's analyst, unless
        ``keep_who`` (a copy of a book keeps "no one" too). References may
        point to records in the file or already in the book; any other
        reference fails the whole import, naming the record and the field.
        See store/importing.py.
        """
        from . import importing

        with self._links_checked_by_caller(), self.write():
            return importing.run(self, items, now_iso(), keep_who=keep_who)

    @contextmanager
    def _links_checked_by_caller(self):
        """SQLite's foreign-key checks off, for a write that checks every link itself.

        The bulk import resolves each link to a record it wrote or found
        (store/importing.py); SQLite looking each target up again costs a
        tenth of a large import. The setting only changes outside a
        transaction: inside one (a nested write) the checks stay on.
        """
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")

    def import_sections(self, sections: dict) -> ImportSummary:
        """Merge records given by JSON section (as bookformat.parse_book returns them)."""
        from . import importing

        items = [(section, record.check()) for section in importing.SECTION_ORDER
                 for record in sections.get(section, [])]
        if sections.get("settings") is not None:
            items.append(("settings", sections["settings"]))
        return self.import_records(items)

    # --- export settings --------------------------------------------------

    def change_stamp(self) -> tuple[int, int]:
        """Changes to the book since it was opened, by anyone: equal stamps, same contents.

        ``data_version`` moves when another connection commits; ``total_changes``
        counts this connection's own writes. Lets callers cache what they derive
        from the book (the window's card previews).
        """
        other = self.db.execute("PRAGMA data_version").fetchone()[0]
        return other, self.db.conn.total_changes

    def settings(self) -> ExportSettings:
        """The export settings, with the version they have in the book."""
        prefix = settings_rows.PREFIX
        rows = dict(self.db.execute(
            "SELECT substr(key, ?), value FROM book_meta WHERE key LIKE ?",
            [len(prefix) + 1, prefix + "%"]).fetchall())
        return settings_rows.from_rows(rows, self._settings_version())

    def _settings_version(self) -> int:
        row = self.db.execute("SELECT value FROM book_meta WHERE key = ?",
                              [settings_rows.VERSION_KEY]).fetchone()
        return settings_rows.version_of(row[0] if row else None)

    def has_settings(self) -> bool:
        return self.db.execute("SELECT count(*) FROM book_meta WHERE key LIKE ?",
                               [settings_rows.PREFIX + "%"]).fetchone()[0] > 0

    def save_settings(self, settings: ExportSettings) -> ExportSettings:
        """Save all the settings.

        When ``settings.version`` is set (they were read from this book) and
        the book's settings changed since, nothing is saved: ConflictError.
        """
        return self.update_settings(settings_rows.all_of(settings),
                                    expected_version=settings.version)

    def update_settings(self, changes: dict, *,
                        expected_version: int | None = None) -> ExportSettings:
        """Change only the settings named in ``changes``, in one write.

        Two programs changing different settings at once both keep their
        change; with ``expected_version``, a change made since is a conflict.
        """
        settings_rows.refuse_unknown(changes)
        with self.write():
            updated = settings_rows.updated(self.settings(), changes, expected_version)
            stored = {r[0] for r in self.db.execute(
                "SELECT key FROM book_meta WHERE key LIKE ?", [settings_rows.PREFIX + "%"])}
            for name in settings_rows.SETTINGS_FIELDS:
                key = settings_rows.PREFIX + name
                if name in changes or key not in stored:
                    self.db.execute("INSERT OR REPLACE INTO book_meta (key, value) VALUES (?, ?)",
                                    [key, settings_rows.text(updated, name)])
            self.db.execute("INSERT OR REPLACE INTO book_meta (key, value) VALUES (?, ?)",
                            [settings_rows.VERSION_KEY, str(updated.version)])
        return updated

    def is_empty(self) -> bool:
        return all(self.count(kind) == 0 for kind in TABLES)

    def _has_no_records(self) -> bool:
        return not any(self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
                       for table in TABLES.values())

    # --- maintenance ------------------------------------------------------

    def backup(self, destination, progress=None) -> Path:
        """A consistent copy written atomically: through SQLite's online backup, or as
        briefing-book JSON from one read transaction, by the name (copying.backup_format).
        ``progress``: see store/progress.py; when it returns False the backup stops and
        ``destination`` is left as it was (OperationCancelledError)."""
        from .copying import backup_format, snapshot_to_file
        from .maintenance import backup_to
        if backup_format(destination) == "json":
            snapshot_to_file(self, destination, progress)
            return Path(destination)
        return backup_to(self, Path(destination), progress)

    def check(self, progress=None) -> list[str]:
        """Problems found in the file; an empty list means the book is sound. ``progress``:
        see store/progress.py ("checking": records checked of all)."""
        from .maintenance import check_book
        return check_book(self, progress)

    def check_notes(self) -> list[str]:
        """What the last check() could not look at (e.g. the book was busy)."""
        return list(getattr(self, "_check_notes", []))

    def repair(self, backup_to_path=None) -> tuple[Path | None, list[str]]:
        """Remove objects we did not create (after a backup); return the backup and actions."""
        from .maintenance import repair_book
        return repair_book(self, backup_to_path)
