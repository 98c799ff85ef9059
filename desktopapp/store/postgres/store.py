"""TeamStore: a briefing book in a PostgreSQL database, shared by a team.

The same public methods, records, links, deletion rules and search
behaviour as the SQLite :class:`~desktopapp.store.book.BriefingStore`
(read its docstring and db/README.md for the rules); what a shared book
adds:

- every write says who made it (``changed_by``: the analyst name given at
  opening, else the database role) and when (``updated_at``);
- every write sends one ``NOTIFY briefing_desk`` on commit, naming the
  records it changed, so other windows refresh (:mod:`.listening`);
- optimistic versions as in SQLite: an update names the version it was
  read at and changes nothing when the row moved on (ConflictError with
  the current record). Under PostgreSQL's row locks a concurrent update
  waits for the other to commit, then finds the new version: no update is
  ever lost;
- a database role without UPDATE rights opens the book read-only.

Connections come from a small pool; each public call runs in one
transaction on one connection (a thread's nested calls share it).
"""

from __future__ import annotations

import functools
import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress

import psycopg
import psycopg.sql
import psycopg_pool
from psycopg.rows import dict_row

from ...domain import (
    Actor,
    ExportSettings,
    Record,
    now_iso,
)
from ...errors import (
    BookError,
    BookReadOnlyError,
    BriefingError,
    ConflictError,
    EmptyDatabaseError,
    NotFoundError,
    ServerUnreachableError,
    StoredRecordError,
    ValidationError,
)
from .. import record_rows, search, settings_rows
from ..book import SearchHit
from ..importing import ImportSummary
from ..record_rows import KIND_OF_CLASS, NAME_COLUMN, TABLES, WRITE_ORDER
from . import connection, importing, schema, text_search

CHANNEL = "briefing_desk"
POOL = search.POOL
SEARCH_CHUNK = 500  # hits made per round trip by iter_search
# How a search finds a kind's first matches in rowid order (see _kind_matches):
# it tests this many rows per match wanted (at most WALK_ROWS) in rowid order,
# then gathers at most GATHER matches through the kind's trigram index, then
# walks further.
WALK_ROWS_PER_MATCH = 8
WALK_ROWS = 1000
WALK_FURTHER = 8  # a second walk, this many times longer, where hits were frequent
GATHER = 1000
NOTIFY_MAX_RECORDS = 200  # more changes than this are announced as "everything"
POOL_TIMEOUT_SECONDS = 10
# Every write counts itself here (see change_stamp): the row is locked from the
# count to the commit, the last thing a write does, so writers queue only there.
STAMP_KEY = "changes"
STAMP_SQL = ("INSERT INTO book_meta (key, value) VALUES (%s, '1') ON CONFLICT (key) "
             "DO UPDATE SET value = (book_meta.value::bigint + 1)::text")
# Pipelines need libpq 14 or newer (psycopg's binary package brings its own);
# without them the same statements are sent one by one.
PIPELINES = psycopg.Pipeline.is_supported()

# Lists: sort expressions per kind, from each kind's description.
SORTS = {kind: record_rows.sorts(kind, record_rows.POSTGRESQL) for kind in TABLES}
ANY_ID = "= ANY(%s)"  # record_rows' {ids}: one array parameter


def _guard(fn):
    """Errors from the server become errors for people (see connection.storage_error)."""
    @functools.wraps(fn)
    def guarded(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except psycopg.Error as exc:
            raise connection.storage_error(exc, self.url) from None
        except psycopg_pool.PoolTimeout:
            raise ServerUnreachableError(
                f"no connection to {connection.describe(self.url)} within "
                f"{POOL_TIMEOUT_SECONDS} s: is the server running?") from None
    return guarded


def _public_methods_guarded(cls):
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and callable(member) and name not in ("write", "open"):
            setattr(cls, name, _guard(member))
    return cls


@_public_methods_guarded
class TeamStore:
    """One open team book. Use as a context manager, or call close()."""

    backend = "postgresql"
    records_who = True  #: list_summaries(changed_by=True) says who changed each record

    def __init__(self, url: str, pool: psycopg_pool.ConnectionPool, *, changed_by: str,
                 read_only: bool, read_only_reason: str = "", password: str | None = None):
        self.url = url
        self.path = connection.describe(url)  # what messages and titles show
        self.pool = pool
        self.changed_by = changed_by
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self._password = password  # typed into the window for this session; never stored
        # server processes that committed our own writes: their notifications are ours
        self._own_pids: set[int] = set()
        self._local = threading.local()
        # an empty database whose tables the first write makes (see open())
        self._schema_pending = False

    # --- opening ----------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, create: bool = False, exist_ok: bool = False,
             analyst: str = "", pool_size: int = 4, password: str | None = None,
             create_in_first_write: bool = False) -> TeamStore:
        """Open the team book at ``url``; with ``create``, make one in an empty database.

        With ``create_in_first_write`` the tables of a new book are made by the
        first write, in its transaction (PostgreSQL's DDL is transactional): a
        copy that fails or is killed leaves the database as empty as it was.

        Raises ServerUnreachableError, AuthenticationFailedError (PasswordNeededError
        when the server wants a password libpq did not find), EmptyDatabaseError,
        or BookError for a database that is not a briefing book or was made by a
        newer program (left untouched). ``password`` is one the user typed for
        this session; it is kept in memory only.
        """
        url = connection.conninfo(url)
        kwargs = connection.connect_kwargs(password)
        try:
            first = psycopg.connect(url, **kwargs)
        except psycopg.Error as exc:
            raise connection.connection_error(exc, url) from None
        try:
            with first:
                role = first.execute("SELECT current_user").fetchone()[0]
                pending = _prepare(first, url, create=create, exist_ok=exist_ok,
                                   defer=create_in_first_write)
                # the role making the tables is checked when it makes them
                may_write = pending or first.execute(
                    "SELECT has_table_privilege('actors', 'UPDATE')").fetchone()[0]
                # a role whose transactions are read-only (ALTER ROLE … SET
                # default_transaction_read_only), or a standby server
                read_only_by = first.execute(
                    "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' "
                    "WHEN current_setting('transaction_read_only') = 'on' THEN 'role' "
                    "END").fetchone()[0]
        except psycopg.errors.InsufficientPrivilege as exc:
            if create:
                raise connection.storage_error(exc, url) from None
            raise BookError(
                f"your database role may not read the team book at "
                f"{connection.describe(url)} ({connection.first_line(exc)}): ask the "
                "administrator for the readers' or the editors' rights "
                "(db/postgresql/README.md)") from None
        except psycopg.Error as exc:
            raise connection.storage_error(exc, url) from None
        pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=pool_size, kwargs=kwargs,
            timeout=POOL_TIMEOUT_SECONDS, open=True, name="briefing-team-book")
        # The first connection is made now, not by the pool's thread while the
        # store is in use: the book is ready (or unreachable) when open returns.
        try:
            pool.wait(timeout=POOL_TIMEOUT_SECONDS)
        except psycopg_pool.PoolTimeout:  # the pool closed itself
            raise ServerUnreachableError(
                f"no connection to {connection.describe(url)} within "
                f"{POOL_TIMEOUT_SECONDS} s: is the server running?") from None
        reason = "" if may_write else f"the database role {role!r} may only read this book"
        if read_only_by == "standby":
            may_write = False
            reason = "the server is a read-only standby; changes are made on its primary"
        elif read_only_by == "role":
            may_write = False
            reason = (f"the database role {role!r} may only read this book: its "
                      "transactions are read-only")
        store = cls(url, pool, changed_by=analyst.strip() or role, read_only=not may_write,
                    read_only_reason=reason, password=password)
        store._schema_pending = pending
        if may_write and not pending and store._index_stale():
            # an upgrade changed what the index holds (schema.MIGRATIONS)
            try:
                store.rebuild_search_index()
            except BaseException:
                store.close()
                raise
        return store

    def close(self):
        self.pool.close()

    def _index_stale(self) -> bool:
        with self._session():
            return self._x("SELECT 1 FROM book_meta WHERE key = %s",
                           [search.STALE_KEY]).fetchone() is not None

    def listen(self):
        """A ChangeListener that hears every write to the book as it commits (listening.py)."""
        from .listening import ChangeListener
        return ChangeListener(self)

    def _check_connections(self):
        """After the server came back: drop pooled connections it closed, so the next
        call does not fail on one of them (the listener calls this on reconnecting)."""
        self.pool.check()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def for_this_thread(self):
        """This book, for use on the calling thread (a worker's import or export):
        the store itself, as each thread takes its own pooled connection (_session)."""
        yield self

    # --- transactions -----------------------------------------------------

    @contextmanager
    def _session(self, *, pipelined: bool = False):
        """The thread's connection for one transaction (shared by nested calls).

        ``pipelined`` sends BEGIN (and any statement whose result is not
        read) with the next statement read, saving a round trip each; the
        body must not use server-side cursors.
        """
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.pool.connection() as conn:  # commits on success, rolls back otherwise
            self._local.conn = conn
            try:
                with conn.pipeline() if pipelined and PIPELINES else nullcontext():
                    yield conn
            finally:
                self._local.conn = None

    @contextmanager
    def write(self, *, pipelined: bool = False):
        """One all-or-nothing write; nested calls become savepoints.

        On commit one notification names what changed (kind and id), and
        the book's change stamp moves on (see change_stamp()).
        ``pipelined`` sends statements whose results are not read (BEGIN,
        link rows, the notification, the stamp, COMMIT) together with the
        next one that is read: a single save waits for two round trips (its
        link targets, then COMMIT), not one per statement. The body must
        read every result it depends on (``rowcount`` is not known until
        then).
        """
        if getattr(self._local, "changes", None) is not None:
            with self._local.conn.transaction():
                yield
            return
        if self.read_only:
            raise BookReadOnlyError(f"the team book {self.path} is open read-only "
                                    f"({self.read_only_reason}); nothing was changed")
        try:
            with self._session() as conn:
                self._local.changes = {}
                self._local.all_changed = False
                if self._schema_pending:
                    # begun first, so the migrations' own transaction is a savepoint in it
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", [schema.LOCK_KEY])
                    _upgrade(conn, self.url, applied=0)
                try:
                    # The transaction begins with the first statement. In a pipeline
                    # it ends with a COMMIT statement, answered at the pipeline's one
                    # Sync: psycopg's transaction() and commit() would each wait for
                    # an answer of their own (BEGIN's, then COMMIT's).
                    piped = pipelined and PIPELINES
                    with conn.pipeline() if piped else nullcontext():
                        try:
                            yield
                            self._notify(conn, self._local.changes, self._local.all_changed)
                            self._own_pids.add(conn.info.backend_pid)
                            conn.execute(STAMP_SQL, [STAMP_KEY])
                            if piped:
                                conn.execute("COMMIT")
                        except BaseException:
                            # In a pipeline a statement's error aborts the ones after it,
                            # and the rollback may fail on that too: the first error is
                            # the one to report (the pool rolls back what is left).
                            with suppress(psycopg.Error):
                                conn.rollback()
                            raise
                    conn.commit()  # without a pipeline; after one, nothing is left to commit
                    self._schema_pending = False
                finally:
                    self._local.changes = None
        except psycopg.Error as exc:
            raise connection.storage_error(exc, self.url) from None
        except psycopg_pool.PoolTimeout:
            raise ServerUnreachableError(
                f"no connection to {self.path} within {POOL_TIMEOUT_SECONDS} s") from None

    def _notify(self, conn, changes, everything: bool):
        payload = {"by": self.changed_by}
        if everything:
            payload["all"] = True
        else:
            payload["changes"] = [list(change) for change in changes]
        conn.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps(payload)])

    def _changed(self, kind, ids) -> bool:
        """Note records the write changed, for its notification; False once they are
        more than one notification names (it then says everything changed)."""
        changes = getattr(self._local, "changes", None)
        if changes is None:
            return True
        if self._local.all_changed:
            return False
        for record_id in ids:
            changes[(kind, record_id)] = None
            if len(changes) > NOTIFY_MAX_RECORDS:
                self._local.all_changed = True
                changes.clear()
                return False
        return True

    def _x(self, sql, params=None):
        return self._local.conn.execute(sql, params)

    def _d(self, sql, params=None) -> list[dict]:
        with self._local.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def _many(self, sql, rows):
        if rows:
            with self._local.conn.cursor() as cur:
                cur.executemany(sql, rows)

    # --- uid <-> id --------------------------------------------------------

    def _ids_by_uid(self, kind: str, uids) -> dict[str, int]:
        uids = list(set(uids))
        if not uids:
            return {}
        return dict(self._x(f"SELECT uid, id FROM {TABLES[kind]} WHERE uid = ANY(%s)",
                            [uids]).fetchall())

    def _refuse_uid_clashes(self, kind: str, records, section: str = "") -> None:
        """A uid names one record in the whole book, whatever its kind."""
        uids = list({r.uid for r in records})
        owners = {}
        for other, table in TABLES.items():
            if other != kind and uids:
                for uid, name in self._x(f"SELECT uid, {NAME_COLUMN[other]} FROM {table} "
                                         "WHERE uid = ANY(%s)", [uids]):
                    owners[uid] = (other, name)
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
        with self._session():
            rows = self._x(
                f"SELECT uid, string_agg(kind || ' ' || id || ' ' || quote_literal(name), ', ') "
                f"FROM ({union}) u GROUP BY uid HAVING count(*) > 1 ORDER BY uid").fetchall()
        return [f"uid {uid} is used by several records: {who}" for uid, who in rows]

    def id_for_uid(self, kind: str, uid: str) -> int | None:
        with self._session():
            return self._ids_by_uid(kind, [uid]).get(uid)

    def ids_for_uids(self, kind: str, uids) -> dict[str, int]:
        """uid -> id of the records of ``kind`` among ``uids`` (others left out), in one
        round trip."""
        with self._session():
            return self._ids_by_uid(kind, uids)

    def names_for_uids(self, uids) -> dict[str, str]:
        """Display names of actors by uid (for indexes and renderers)."""
        uids = list(set(uids))
        if not uids:
            return {}
        with self._session():
            return dict(self._x("SELECT uid, name FROM actors WHERE uid = ANY(%s)",
                                [uids]).fetchall())

    # --- reading ----------------------------------------------------------

    def get(self, kind: str, record_id: int) -> Record:
        records = self.get_many(kind, [record_id])
        if not records:
            raise NotFoundError(f"there is no {kind} with id {record_id}")
        return records[0]

    def get_by_uid(self, kind: str, uid: str) -> Record:
        with self._session():
            record_id = self._ids_by_uid(kind, [uid]).get(uid)
            if record_id is None:
                raise NotFoundError(f"there is no {kind} with uid {uid}")
            return self.get(kind, record_id)

    def get_actor(self, record_id: int) -> Actor:
        return self.get("actor", record_id)

    def get_meeting(self, record_id: int):
        return self.get("meeting", record_id)

    def get_recommendation(self, record_id: int):
        return self.get("recommendation", record_id)

    def get_source(self, record_id: int):
        return self.get("source", record_id)

    def get_memo(self, record_id: int):
        return self.get("memo", record_id)

    def get_many(self, kind: str, ids) -> list[Record]:
        """Records in the order of ``ids``; missing ids are skipped."""
        with self._session():
            return self._load(kind, [int(i) for i in ids])

    def changed_by_of(self, kind: str, record_id: int) -> tuple[str, str]:
        """(who, when) of the last change to a record."""
        with self._session():
            row = self._x(f"SELECT changed_by, updated_at FROM {TABLES[kind]} WHERE id = %s",
                          [record_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no {kind} with id {record_id}")
        return row[0], row[1]

    def _fetch_for(self, ids):
        """A fetch for record_rows: runs a query whose {ids} is ``ids``."""
        return lambda sql: self._x(sql.format(ids=ANY_ID), [list(ids)]).fetchall()

    def _load(self, kind: str, ids: list[int]) -> list[Record]:
        if not ids:
            return []
        by_id = {row["id"]: row for row in self._d(
            f"SELECT * FROM {TABLES[kind]} WHERE id = ANY(%s)", [ids])}
        ids = [i for i in ids if i in by_id]
        links = record_rows.read_links(kind, self._fetch_for(ids))
        out = []
        for i in ids:
            try:
                out.append(record_rows.build(kind, by_id[i], links.get(i, {})))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                row = by_id[i]
                field_name, problem = record_rows.diagnose_row(kind, row) or (
                    "a linked row", " ".join(str(exc).split())[:120])
                raise StoredRecordError(
                    f"{TABLES[kind]} row {row['id']} (uid {row.get('uid')}) is not a valid "
                    f"{kind}: {field_name}: {problem}. The book was changed outside "
                    "Briefing Desk; fix or delete this record") from None
        return out

    # --- lists ------------------------------------------------------------

    def count(self, kind: str) -> int:
        with self._session():
            return self._x(f"SELECT count(*) FROM {TABLES[kind]}").fetchone()[0]

    def list_summaries(self, kind: str, *, sort: str | None = None, descending=False,
                       limit: int | None = None, offset: int = 0,
                       ids: list[int] | None = None, changed_by: bool = False) -> list[dict]:
        """Rows for lists and tables: a few columns per record, one page at a time.

        ``changed_by`` adds who changed each record last and when.
        """
        sorts = SORTS[kind]
        sort = sort or next(iter(sorts))
        if sort not in sorts:
            raise ValueError(f"cannot sort {kind} lists by {sort!r}")
        direction = "DESC" if descending else "ASC"
        columns = record_rows.summary_columns(kind, record_rows.POSTGRESQL,
                                              changed_by=changed_by)
        sql = f"SELECT {columns} FROM {TABLES[kind]}"
        params: list = []
        if ids is not None:
            if not ids:
                return []
            sql += " WHERE id = ANY(%s)"
            params.append([int(i) for i in ids])
        sql += f" ORDER BY {sorts[sort]} {direction}, id {direction}"
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        with self._session():
            return self._d(sql, params)

    def iter_summaries(self, kind: str, *, sort: str | None = None, descending=False,
                       limit: int | None = None, offset: int = 0):
        """The rows of list_summaries one at a time, read from the server as they are used."""
        sorts = SORTS[kind]
        sort = sort or next(iter(sorts))
        if sort not in sorts:
            raise ValueError(f"cannot sort {kind} lists by {sort!r}")
        direction = "DESC" if descending else "ASC"
        sql = (f"SELECT {record_rows.summary_columns(kind, record_rows.POSTGRESQL)} "
               f"FROM {TABLES[kind]} "
               f"ORDER BY {sorts[sort]} {direction}, id {direction} LIMIT %s OFFSET %s")
        with self.pool.connection() as conn:
            # a server-side cursor: rows travel 500 at a time
            with conn.cursor(name="summaries", row_factory=dict_row) as cursor:
                cursor.itersize = 500
                cursor.execute(sql, [limit, offset])
                yield from cursor

    def change_stamp(self) -> tuple[int, int]:
        """Changes to the book by anyone: equal stamps, same contents.

        Every write counts itself in book_meta (STAMP_KEY) in its own
        transaction, so a reader that sees the new count sees the change.
        Programs before that moved the sequence book_changes after each
        commit instead; both are added, so their writes move the stamp too.
        """
        with self._session():
            return self._x(
                "SELECT (SELECT last_value FROM book_changes) + coalesce((SELECT "
                "value::bigint FROM book_meta WHERE key = %s), 0)", [STAMP_KEY]).fetchone()[0], 0

    def meetings_of_actor(self, actor_id: int) -> list[dict]:
        """Meetings an actor takes part in (as participant, host or mediator), newest first."""
        with self._session():
            return self._d(
                "SELECT m.id, m.uid, m.title, m.date, m.status, x.role, x.side FROM meetings m "
                "JOIN (SELECT meeting_id, role, side FROM participants WHERE actor_id = %s"
                " UNION ALL SELECT meeting_id, capacity, '' FROM meeting_hosts "
                "WHERE actor_id = %s) x ON x.meeting_id = m.id ORDER BY m.date DESC, m.id DESC",
                [actor_id, actor_id])

    def recommendations_linked_to(self, kind: str, record_id: int) -> list[dict]:
        """Recommendations that name an actor (as addressee or subject) or a meeting."""
        sql, links = record_rows.linked_from_query(
            "recommendation", kind, "r.id, r.uid, r.title, r.priority, r.status",
            record_rows.POSTGRESQL)
        with self._session():
            return self._d(sql, [record_id] * links)

    def members_of(self, actor_id: int) -> list[dict]:
        """Actors affiliated with this one (the E4's four states; a state's officials)."""
        with self._session():
            return self._d(
                "SELECT a.id, a.uid, a.name, a.kind FROM actor_affiliations l "
                "JOIN actors a ON a.id = l.actor_id WHERE l.affiliated_id = %s "
                f"ORDER BY {SORTS['actor']['name']}", [actor_id])

    # --- saving -----------------------------------------------------------

    def save(self, record: Record) -> Record:
        """Insert a new record (id None) or update one, checking its version.

        Updates ``record`` in place (id, version, timestamps) and returns it.
        Raises ValidationError, ConflictError (with ``current``) or NotFoundError.
        """
        record.check()
        kind = KIND_OF_CLASS[type(record)]
        # Every round trip to the server counts twice on a busy machine (the
        # server process must be scheduled too): the new version and stamps
        # come back with the write itself, the link and index writes travel
        # with the commit, and dependents are re-indexed only when the text
        # they show (an actor's name) changed.
        fresh = record.id is None
        with self.write(pipelined=True):
            if fresh:
                if self._ids_by_uid(kind, [record.uid]):
                    raise ValidationError([("uid", "is already used by another record")],
                                          record.label())
                self._refuse_uid_clashes(kind, [record])
                record_id, version, created_at, updated_at = self._insert_row(
                    kind, record, now_iso())
                old_name = None  # nothing can link to a record that did not exist
                links = self._link_rows(kind, record, record_id)
            else:
                record_id = record.id
                # the update travels with the link lookups; its outcome (a
                # conflict first of all) is read after them
                updated = self._update_row(kind, record, deferred=True)
                try:
                    links = self._link_rows(kind, record, record_id)
                except ValidationError:
                    updated()
                    raise
                version, created_at, updated_at, old_name = updated()
            index_row = self._index_row(kind, record, record_id)
            self._put_links(links, record_id, fresh=fresh)
            self._x(self._INDEX_INSERT, index_row)
            if (kind in record_rows.NAMED_IN_OTHERS and not fresh
                    and old_name != getattr(record, NAME_COLUMN[kind])):
                self._reindex_dependents(kind, [record_id])
            self._changed(kind, [record_id])
        record.id, record.version = record_id, version
        record.created_at, record.updated_at = created_at, updated_at
        record.changed_by = self.changed_by
        return record

    def _insert_row(self, kind, record, now) -> tuple:
        """Insert one record's row; returns (id, version, created_at, updated_at)."""
        values = record_rows.row_values(kind, record)
        values["uid"] = record.uid
        values["created_at"] = values["updated_at"] = now
        values["version"] = 1
        values["changed_by"] = self.changed_by
        columns = list(values)
        return self._x(
            f"INSERT INTO {TABLES[kind]} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            "RETURNING id, version, created_at, updated_at",
            list(values.values())).fetchone()

    def _update_row(self, kind, record, *, expected_version=True, stamps=None,
                    deferred=False):
        """Update one record's row; returns (version, created_at, updated_at, old name).

        With ``deferred`` the statement is only sent (see write(pipelined=True))
        and a function is returned that reads its outcome.

        The old name (or title, citation) is the one the row had before this
        update: a sub-select in RETURNING sees the row as the statement found it.
        """
        values = record_rows.row_values(kind, record)
        if stamps:
            values["created_at"], values["updated_at"] = stamps
        else:
            values["updated_at"] = now_iso()
        values["changed_by"] = self.changed_by
        table = TABLES[kind]
        assignments = ", ".join(f"{column} = %s" for column in values)
        sql = f"UPDATE {table} SET {assignments}, version = version + 1 WHERE id = %s"
        params = [*values.values(), record.id]
        if expected_version:
            sql += " AND version = %s"
            params.append(record.version)
        sql += (f" RETURNING version, created_at, updated_at, (SELECT o.{NAME_COLUMN[kind]} "
                f"FROM {table} o WHERE o.id = {table}.id)")
        cursor = self._x(sql, params)

        def outcome() -> tuple:
            row = cursor.fetchone()
            if row is not None:
                return row
            self._refuse_stale(kind, record)
        return outcome if deferred else outcome()

    def _refuse_stale(self, kind, record):
        """Raise why an update found no row at the version it was read at."""
        row = self._x(f"SELECT version, changed_by FROM {TABLES[kind]} WHERE id = %s",
                      [record.id]).fetchone()
        if row is None:
            raise NotFoundError(f"{record.label()} no longer exists: it was deleted, "
                                "perhaps by a colleague")
        raise ConflictError(record_rows.conflict_message(record, *row),
                            current=self._load(kind, [record.id])[0])

    def _write_links(self, kind, record, record_id, *, fresh=False):
        """Replace the record's links (ValidationError for a uid not in the book).

        ``fresh``: the record was just inserted and has no links to remove.
        """
        self._put_links(record_rows.link_rows(kind, record, record_id, self._ids_by_uid),
                        record_id, fresh=fresh)

    def _link_rows(self, kind, record, record_id) -> record_rows.LinkRows:
        """The record's link rows, every target looked up in one round trip."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for target, uids in record_rows.referenced_uids(kind, record):
            wanted[target].update(uids)
        found: dict[str, dict[str, int]] = {target: {} for target in wanted}
        wanted = {target: list(uids) for target, uids in wanted.items() if uids}
        if wanted:
            union = " UNION ALL ".join(
                f"SELECT %s::text, uid, id FROM {TABLES[target]} WHERE uid = ANY(%s)"
                for target in wanted)
            params = [value for target, uids in wanted.items() for value in (target, uids)]
            for target, uid, record_id_ in self._x(union, params):
                found[target][uid] = record_id_

        def ids_by_uid(target, uids):
            known = found.get(target, {})
            return {uid: known[uid] for uid in uids if uid in known}
        return record_rows.link_rows(kind, record, record_id, ids_by_uid)

    def _put_links(self, rows: record_rows.LinkRows, record_id, *, fresh=False):
        if not fresh:
            for table, owner in rows.tables:
                self._x(f"DELETE FROM {table} WHERE {owner} = %s", [record_id])
        for table, columns, values in rows.inserts:
            if not values:
                continue
            self._many(f"INSERT INTO {table} ({', '.join(columns)}) "
                       f"VALUES ({', '.join(['%s'] * len(columns))})", values)

    # --- the search index -------------------------------------------------

    def _index_row(self, kind, record, record_id):
        return (search.rowid_for(kind, record_id), search.KIND_CODES[kind],
                *text_search.document(record, self._names_text))

    _INDEX_INSERT = ("INSERT INTO search_index (rowid, kind, title, body, title_words, "
                     "all_words, name_keys) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                     "ON CONFLICT (rowid) DO UPDATE SET title = excluded.title, "
                     "body = excluded.body, title_words = excluded.title_words, "
                     "all_words = excluded.all_words, name_keys = excluded.name_keys")

    def _index(self, kind, record, record_id):
        self._x(self._INDEX_INSERT, self._index_row(kind, record, record_id))

    def _names_text(self, uids) -> str:
        uids = list(set(uids))
        if not uids:
            return ""
        names = dict(self._x("SELECT uid, name FROM actors WHERE uid = ANY(%s)",
                             [uids]).fetchall())
        return " ".join(names.values())

    def _reindex(self, kind, ids):
        self._many(self._INDEX_INSERT, [self._index_row(kind, record, record.id)
                                        for record in self._load(kind, list(ids))])

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
        """Index every record again (to repair the index)."""
        with self.write():
            self._x("DELETE FROM search_index")
            for kind, table in TABLES.items():
                ids = [r[0] for r in self._x(f"SELECT id FROM {table} ORDER BY id")]
                for start in range(0, len(ids), 500):
                    self._reindex(kind, ids[start:start + 500])
            self._x("DELETE FROM book_meta WHERE key = %s", [search.STALE_KEY])

    def search(self, text: str, *, kinds=None, limit: int = 50) -> list[SearchHit]:
        """Best matches for what a user typed, across record kinds (see text_search)."""
        return list(self.iter_search(text, kinds=kinds, limit=limit))

    def iter_search(self, text: str, *, kinds=None, limit: int = 50) -> Iterator[SearchHit]:
        """The hits of :meth:`search`, made SEARCH_CHUNK at a time as they are used
        (only the ranked ids are held, as in the SQLite book)."""
        codes = [search.KIND_CODES[k] for k in kinds] if kinds else None
        with self._session(pipelined=True):
            rowids = self._search_rowids(text, codes, limit)
        words = search.query_words(text)
        for start in range(0, len(rowids), SEARCH_CHUNK):
            chunk = rowids[start:start + SEARCH_CHUNK]
            with self._session(pipelined=True):
                rows = {r[0]: r[1:] for r in self._x(
                    "SELECT rowid, title, body FROM search_index WHERE rowid = ANY(%s)", [chunk])}
                hits = []
                for rowid in chunk:
                    kind, record_id = search.split_rowid(rowid)
                    title, body = rows.get(rowid, ("", ""))
                    hits.append(SearchHit(kind, record_id, "", search.extract(title, body, words)))
                self._fill_titles(hits)
            yield from hits

    def _search_rowids(self, text: str, codes, limit: int) -> list[int]:
        """Index rowids of the best ``limit`` matches, by the rule of the SQLite
        book (search.ranked_rowids): the same candidates, ranked by the same
        Python function, so both backends give the same hits in the same order."""
        def whole_names(count):
            key = text_search.name_key(text)
            if not key:
                return []
            # MATERIALIZED: otherwise the planner walks the whole primary key in
            # rowid order, testing every row, hoping to stop at ``count``;
            # whole-name hits are few and the name_keys index finds them at once
            where_kind, kind_params = ("", []) if not codes else (" AND kind = ANY(%s)",
                                                                  [list(codes)])
            return [row[0] for row in self._x(
                "WITH hits AS MATERIALIZED (SELECT rowid FROM search_index "
                f"WHERE name_keys @> ARRAY[%s]{where_kind}) "
                "SELECT rowid FROM hits ORDER BY rowid LIMIT %s", [key, *kind_params, count])]

        def pool(whole_words, groups, size):
            patterns = text_search.patterns(text, whole_words=whole_words)
            return [row for group_rows in self._first_matches(patterns, groups, size)
                    for row in group_rows]

        return search.ranked_rowids(text, codes, limit, whole_names=whole_names, pool=pool)

    def _first_matches(self, patterns: list[str], groups, size: int | None):
        """For each group of kind codes (None: all kinds), its first ``size``
        matches (None: all) as (rowid, title) rows in rowid (index) order.

        Each kind's rows are one block of rowids, so a group's first matches
        are its kinds' first matches, kind after kind (see _kinds_first).
        """
        codes = sorted({code for group in groups for code in (group or search.KIND_BY_CODE)})
        first = self._kinds_first(patterns, codes, size)
        found = []
        for group in groups:
            rows = [row for code in (group or search.KIND_BY_CODE) for row in first[code]]
            found.append(rows if size is None else rows[:size])
        return found

    def _kinds_first(self, patterns: list[str], codes: list[int],
                     size: int | None) -> dict[int, list]:
        """Each kind's first ``size`` matches (None: all), in rowid order.

        Walking a kind's block of the primary key in rowid order finds a
        common word's first matches at once, but reads every row for a rare
        word (0.14 s for a word no actor holds, among 100,000). The kind's
        trigram index (schema 4) finds a rare word's matches at once, but must
        read every match before they can be ordered (0.15 s for "a"); the
        planner cannot tell the two cases apart. So: a short walk (a common
        word is done), then up to GATHER matches through the index (fewer
        means that is all of them), and only for a word found more often than
        that, the walk to its ``size``-th match. Each step is one statement
        for all the kinds still open, planned once per connection (generic
        plans: planning a statement that could use a trigram index took longer
        than running it, 1.4 ms against 0.4, and the plan is the same whatever
        the words); no sequential scans (a wrong guess would read every row).
        """
        conditions = " AND ".join(["all_words LIKE %s"] * len(patterns))
        indexed = any(text_search.has_trigrams(p) for p in patterns)
        self._x("SET LOCAL plan_cache_mode = force_generic_plan")
        if indexed:
            self._x("SET LOCAL enable_seqscan = off")

        def block(code):
            low = code << search.KIND_SHIFT
            return f"rowid BETWEEN {low} AND {low | search.ID_MASK}"

        def union(parts, params_of, open_codes):
            sql = " UNION ALL ".join(f"({parts(code)})" for code in open_codes)
            params = [p for code in open_codes for p in params_of(code)]
            rows: dict[int, list] = {code: [] for code in open_codes}
            for code, *row in self._local.conn.execute(sql, params, prepare=True):
                rows[code].append(tuple(row))
            return rows

        found: dict[int, list] = {}
        open_codes = list(codes)
        if indexed and size is not None:
            # the first rows of each block, tested: the hits, and the last row tested
            # when the walk did not reach the end of the block; then, where the hits
            # were frequent enough to expect the rest soon, a longer walk on from there
            walk = min(WALK_ROWS_PER_MATCH * size, WALK_ROWS)
            start = {code: code << search.KIND_SHIFT for code in codes}
            partial: dict[int, list] = {code: [] for code in codes}
            for budget in (walk, WALK_FURTHER * walk):
                if not open_codes:
                    break
                tested = union(
                    lambda code: f"SELECT {int(code)}, rowid, title, hit, n = %s FROM (SELECT "
                                 f"rowid, title, {conditions} AS hit, row_number() OVER "
                                 "(ORDER BY rowid) AS n FROM (SELECT rowid, title, all_words "
                                 "FROM search_index WHERE rowid BETWEEN %s AND "
                                 f"{(code << search.KIND_SHIFT) | search.ID_MASK} ORDER BY rowid "
                                 "LIMIT %s) w) t WHERE hit OR n = %s LIMIT %s",
                    lambda code, budget=budget: [budget, *patterns, start[code], budget, budget,
                                                 size - len(partial[code]) + 1], open_codes)
                for code, rows in tested.items():
                    partial[code] += [(rowid, title) for rowid, title, hit, _ in rows if hit]
                    last = [rowid for rowid, _, _, is_last in rows if is_last]
                    if len(partial[code]) >= size or not last:
                        found[code] = partial[code][:size]  # enough, or the block ended
                    else:
                        start[code] = last[0] + 1
                # walk on only where the first walk found enough hits to expect the
                # rest within the longer one; elsewhere the words are rare: the index
                open_codes = [code for code in open_codes if code not in found
                              and WALK_FURTHER * len(partial[code]) >= size - len(partial[code])]
                if budget != walk:
                    break
            open_codes = [code for code in codes if code not in found]
        if indexed and open_codes:
            cap = None if size is None else max(GATHER, size)
            # MATERIALIZED: gathered by the index before they are ordered (a LIMIT on
            # ordered rows tempts the planner into the walk); the kind is written in
            # the query, so its plan uses the kind's index
            gathered = union(
                lambda code: f"SELECT {int(code)}, rowid, title FROM (WITH hits AS "
                             "MATERIALIZED (SELECT rowid, title FROM search_index WHERE "
                             f"kind = {int(code)} AND {conditions} LIMIT %s) SELECT rowid, "
                             "title FROM hits ORDER BY rowid) g",
                lambda code: [*patterns, cap], open_codes)
            for code, rows in gathered.items():
                if cap is None or len(rows) < cap:
                    found[code] = rows[:size]
            open_codes = [code for code in open_codes if code not in found]
        if open_codes:
            found.update(union(
                lambda code: f"SELECT {int(code)}, rowid, title FROM search_index WHERE "
                             f"{block(code)} AND {conditions} ORDER BY rowid LIMIT %s",
                lambda code: [*patterns, size], open_codes))
        self._x("RESET plan_cache_mode")
        if indexed:
            self._x("RESET enable_seqscan")
        return found

    def search_ids(self, text: str, kind: str, *, limit: int | None = None,
                   ranked: bool = True) -> list[int]:
        """Ids of matching records of one kind, best first unless ``ranked`` is False
        (as in the SQLite book: see BriefingStore.search_ids)."""
        code = search.KIND_CODES[kind]
        with self._session(pipelined=True):
            if ranked:
                rowids = self._search_rowids(text, [code], limit if limit is not None else POOL)
            else:
                rowids = search.first_rowids(text, limit, lambda whole_words, count: [
                    row[0] for row in self._first_matches(
                        text_search.patterns(text, whole_words=whole_words), [[code]],
                        count)[0]])
        return [rowid & search.ID_MASK for rowid in rowids]

    def _fill_titles(self, hits):
        by_kind = defaultdict(list)
        for hit in hits:
            by_kind[hit.kind].append(hit)
        for kind, kind_hits in by_kind.items():
            found = {row[0]: row[1:] for row in self._x(
                f"SELECT id, {NAME_COLUMN[kind]}, uid FROM {TABLES[kind]} WHERE id = ANY(%s)",
                [[h.id for h in kind_hits]])}
            for hit in kind_hits:
                hit.title, hit.uid = found.get(hit.id, ("", ""))

    # --- deleting ---------------------------------------------------------

    def delete(self, kind: str, record_id: int, *, force: bool = False) -> None:
        """Delete a record under the rules of the SQLite book (db/README.md)."""
        with self.write():
            record = self._load(kind, [record_id])
            if not record:
                raise NotFoundError(f"there is no {kind} with id {record_id}")
            record = record[0]
            record_rows.refuse_if_taking_part(record, record_rows.POSTGRESQL, self._d, force)
            touched = record_rows.unlink(kind, record_id, record_rows.POSTGRESQL, self._rows_of)
            self._x(f"DELETE FROM {TABLES[kind]} WHERE id = %s", [record_id])
            self._x("DELETE FROM search_index WHERE rowid = %s",
                    [search.rowid_for(kind, record_id)])
            for owner_kind, (ids, reindex) in touched.items():
                self._bump(owner_kind, sorted(ids), reindex=reindex)
            self._changed(kind, [record_id])

    def _rows_of(self, sql, params) -> list[tuple]:
        cursor = self._x(sql, params)
        return cursor.fetchall() if cursor.description else []

    def _bump(self, kind, ids, *, reindex=True):
        """Mark records changed by a cascade: new version, new timestamp, who."""
        if not ids:
            return
        self._x(f"UPDATE {TABLES[kind]} SET version = version + 1, updated_at = %s, "
                "changed_by = %s WHERE id = ANY(%s)", [now_iso(), self.changed_by, list(ids)])
        self._changed(kind, ids)
        if reindex:
            self._reindex(kind, ids)

    # --- whole book -------------------------------------------------------

    @contextmanager
    def snapshot(self):
        """Reads that all see one moment of the book (REPEATABLE READ, read only)."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self.pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None

    def all_records(self, kind: str) -> list[Record]:
        with self._session():
            ids = [r[0] for r in self._x(f"SELECT id FROM {TABLES[kind]} ORDER BY id")]
            out = []
            for start in range(0, len(ids), 500):
                out.extend(self._load(kind, ids[start:start + 500]))
            return out

    def export_sections(self) -> dict[str, list[Record]]:
        """Every record, by JSON section, in the order they were added (one snapshot)."""
        with self.snapshot():
            return {f"{kind}s": self.all_records(kind) for kind in TABLES}

    def export_book(self) -> dict:
        """The whole book as a briefing-book JSON document (a dict)."""
        from ... import bookformat
        with self.snapshot():
            return bookformat.book_to_dict(self.export_sections(),
                                           self.settings() if self.has_settings() else None)

    def iter_records(self, kind: str):
        """Every record of a kind in the order they were added, loaded 500 at a time."""
        last = 0
        while True:
            with self._session():
                ids = [r[0] for r in self._x(
                    f"SELECT id FROM {TABLES[kind]} WHERE id > %s ORDER BY id LIMIT 500",
                    [last])]
                if not ids:
                    return
                records = self._load(kind, ids)
            yield from records
            last = ids[-1]

    def export_to(self, out, progress=None) -> dict[str, int]:
        """Write the whole book as briefing-book JSON to ``out``, from one snapshot.
        ``progress``: see store/progress.py (False stops with OperationCancelledError)."""
        from ... import bookformat
        from ..progress import Tracker

        tracker = Tracker(progress, "the export was cancelled")
        with self.snapshot():
            settings = self.settings() if self.has_settings() else None
            total = sum(self.count(kind) for kind in TABLES) if tracker.active else None
            return bookformat.write_book(
                out, lambda section: tracker.counted(self.iter_records(section[:-1]),
                                                     "exporting", total), settings)

    def import_file(self, path, progress=None) -> ImportSummary:
        """Merge a briefing-book JSON file (see import_records). ``progress``: see
        store/progress.py; when it returns False the import stops and nothing is
        imported (OperationCancelledError)."""
        from ... import bookformat
        from ..progress import FilePosition, Tracker

        tracker = Tracker(progress, "the import was cancelled; nothing was imported")
        position = FilePosition.of(path)
        items = tracker.reading(bookformat.read_file(path, position), position)
        with self.write():
            return importing.run(self, items, now_iso(), checkpoint=tracker.finishing)

    def import_sections(self, sections: dict) -> ImportSummary:
        """Merge records given by JSON section (as bookformat.parse_book returns them)."""
        items = [(f"{kind}s", record.check()) for kind in WRITE_ORDER
                 for record in sections.get(f"{kind}s", [])]
        if sections.get("settings") is not None:
            items.append(("settings", sections["settings"]))
        return self.import_records(items)

    def import_records(self, items, *, keep_who: bool = False) -> ImportSummary:
        """Merge records by uid, all or nothing, as the SQLite book does.

        ``items`` yields ``(section, record)`` and ``("settings", settings)``
        pairs, and is read as it is used: memory holds one batch of records,
        never the file (see importing.py). A record whose uid is in the book
        replaces it (new version) unless its content is the same
        ("unchanged"); others are added. References may point to records
        later in the file. Who changed each record comes from the file (see
        BriefingStore.import_records for ``keep_who``).
        """
        with self.write():
            return importing.run(self, items, now_iso(), keep_who=keep_who)

    # --- export settings --------------------------------------------------

    def settings(self) -> ExportSettings:
        """The export settings, with the version they have in the book."""
        prefix = settings_rows.PREFIX
        with self._session():
            rows = dict(self._x(
                "SELECT substr(key, %s), value FROM book_meta WHERE key LIKE %s",
                [len(prefix) + 1, prefix + "%"]).fetchall())
            return settings_rows.from_rows(rows, self._settings_version())

    def _settings_version(self) -> int:
        row = self._x("SELECT value FROM book_meta WHERE key = %s",
                      [settings_rows.VERSION_KEY]).fetchone()
        return settings_rows.version_of(row[0] if row else None)

    def has_settings(self) -> bool:
        with self._session():
            return self._x("SELECT count(*) FROM book_meta WHERE key LIKE %s",
                           [settings_rows.PREFIX + "%"]).fetchone()[0] > 0

    def save_settings(self, settings: ExportSettings) -> ExportSettings:
        """Save all the settings (ConflictError when they changed since they were read)."""
        return self.update_settings(settings_rows.all_of(settings),
                                    expected_version=settings.version)

    def update_settings(self, changes: dict, *,
                        expected_version: int | None = None) -> ExportSettings:
        """Change only the settings named in ``changes``, in one write."""
        settings_rows.refuse_unknown(changes)
        with self.write():
            # the settings' version row is the lock two writers of settings queue on
            self._x("INSERT INTO book_meta (key, value) VALUES (%s, '0') "
                    "ON CONFLICT (key) DO NOTHING", [settings_rows.VERSION_KEY])
            self._x("SELECT value FROM book_meta WHERE key = %s FOR UPDATE",
                    [settings_rows.VERSION_KEY])
            updated = settings_rows.updated(self.settings(), changes, expected_version)
            stored = {r[0] for r in self._x("SELECT key FROM book_meta WHERE key LIKE %s",
                                            [settings_rows.PREFIX + "%"])}
            for name in settings_rows.SETTINGS_FIELDS:
                if name in changes or settings_rows.PREFIX + name not in stored:
                    self._put_meta(settings_rows.PREFIX + name, settings_rows.text(updated, name))
            self._put_meta(settings_rows.VERSION_KEY, str(updated.version))
            self._changed("settings", [0])
        return updated

    def _put_meta(self, key, value):
        self._x("INSERT INTO book_meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    def is_empty(self) -> bool:
        if self._schema_pending:
            return True  # not even the tables yet
        with self._session():
            return all(self.count(kind) == 0 for kind in TABLES)

    def backup(self, destination, progress=None):
        """A consistent snapshot (one REPEATABLE READ transaction) as a SQLite book file
        or as briefing-book JSON, by the name (copying.backup_format). ``progress``: see
        store/progress.py; when it returns False nothing is written."""
        from ..copying import snapshot_to_file
        snapshot_to_file(self, destination, progress)
        return destination

    def repair(self, backup_to_path=None):
        raise BookError(f"'repair' removes objects planted in a book file; a team book's "
                        f"tables are kept by its server ({self.path}): use 'briefing check'")

    def check_notes(self) -> list[str]:
        """What the last check() could not look at: nothing, the server answers every read."""
        return []

    def check(self, progress=None) -> list[str]:
        """Problems found in the team book; an empty list means it is sound. (A few counts:
        quick, so ``progress`` hears nothing.)"""
        problems = self.uid_clashes()
        with self._session():
            indexed = self._x("SELECT count(*) FROM search_index").fetchone()[0]
            records = sum(self.count(kind) for kind in TABLES)
        if indexed != records:
            problems.append(f"the search index holds {indexed} rows for {records} records "
                            "(copy the book into a new one with 'briefing copy' to index it anew)")
        return problems


# --- recognising and preparing the database ---------------------------------

def _tables(conn) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}


def _prepare(conn, url: str, *, create: bool, exist_ok: bool = False,
             defer: bool = False) -> bool:
    """Check that the database is a briefing book of a schema we know; create or upgrade it.

    True when the database is empty and ``defer`` leaves the creation to the
    caller (the store's first write)."""
    where = connection.describe(url)
    if conn.execute("SELECT current_schema()").fetchone()[0] is None:
        # No schema of the search path may be used by this role (no USAGE on
        # public): its tables are invisible, which must not read as "empty".
        role = conn.execute("SELECT current_user").fetchone()[0]
        raise BookError(
            f"the database role {role!r} may not use the schema of the database at {where} "
            "(no USAGE on schema public), so it cannot read a team book there: ask the "
            "administrator for the readers' or the editors' rights (db/postgresql/README.md). "
            "Nothing was changed")
    tables = _tables(conn)
    if "briefing_schema" not in tables:
        if tables - {"book_meta"} or not create:
            if create:
                raise BookError(f"the database at {where} already holds other tables; "
                                "a team book needs an empty database. It was left untouched")
            if tables:
                raise BookError(f"the database at {where} is not a briefing book; "
                                "it was left untouched")
            raise EmptyDatabaseError(
                f"the database at {where} is empty: create a team book in it "
                f"with 'briefing init --db {where}' or 'briefing copy'")
        if defer:
            return True
        _upgrade(conn, url, applied=0)
        return False
    if create and not exist_ok:
        raise BookError(f"there is already a briefing book at {where}; it was left untouched")
    applied = conn.execute("SELECT count(*) FROM briefing_schema").fetchone()[0]
    if applied > schema.known_version():
        raise BookError(
            f"the team book at {where} has schema {applied}, newer than this program "
            f"understands (schema {schema.known_version()}); update Briefing Desk. "
            "The book was left untouched")
    if applied < schema.known_version():
        if not conn.execute("SELECT has_table_privilege('briefing_schema', 'INSERT') AND "
                            "current_setting('transaction_read_only') = 'off'").fetchone()[0]:
            role = conn.execute("SELECT current_user").fetchone()[0]
            raise BookReadOnlyError(
                f"the team book at {where} has schema {applied} and this program needs "
                f"schema {schema.known_version()}; the database role {role!r} may only read "
                "it, so it cannot make the upgrade: ask an editor to open the book once "
                "with this version of Briefing Desk. The book was left untouched")
        _upgrade(conn, url, applied=applied)
    conn.commit()
    return False


def _upgrade(conn, url: str, *, applied: int) -> None:
    """Run the migrations not yet applied, in one transaction, one program at a time."""
    where = connection.describe(url)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [schema.LOCK_KEY])
        # Tables belong to the database's owner (the editors' role, see
        # db/postgresql/README.md), whichever editor creates or upgrades them.
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database "
            "WHERE datname = current_database()").fetchone()[0]
        if conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')",
                        [owner]).fetchone()[0]:
            conn.execute(psycopg.sql.SQL("SET LOCAL ROLE {}").format(
                psycopg.sql.Identifier(owner)))
        conn.execute("CREATE TABLE IF NOT EXISTS briefing_schema ("
                     "number integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)")
        # another program may have upgraded while we waited for the lock
        applied = conn.execute("SELECT count(*) FROM briefing_schema").fetchone()[0]
        if applied == 0:
            for extension in schema.EXTENSIONS:
                try:
                    with conn.transaction():
                        conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
                except psycopg.errors.InsufficientPrivilege:
                    raise BookError(
                        f"the database at {where} needs the {extension} extension and your "
                        f"role may not create it: ask the administrator to run "
                        f"'CREATE EXTENSION {extension};' in it (db/postgresql/README.md)"
                    ) from None
        for number, (name, script) in enumerate(schema.MIGRATIONS, start=1):
            if number <= applied:
                continue
            for statement in schema.statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO briefing_schema (number, name, applied_at) "
                         "VALUES (%s, %s, %s)", [number, name, now_iso()])
        conn.execute("INSERT INTO book_meta (key, value) VALUES (%s, %s), (%s, %s) "
                     "ON CONFLICT (key) DO NOTHING",
                     [schema.MARKER_KEY, "1", "created_at", now_iso()])


__all__ = ["TeamStore", "CHANNEL", "BriefingError"]
