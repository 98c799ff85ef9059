"""Opening a SQLite book file: recognise it, refuse what is not ours, upgrade it.

Everything here is specific to SQLite (file header, WAL frames, PRAGMAs,
``sqlite_master``, error codes); the rest of the store speaks through it.

The order of opening keeps refused files byte-for-byte untouched:
1. the path must be a regular file (a FIFO would block ``open`` forever);
2. the first 100 bytes must be a SQLite header with our application id;
3. the schema version is read from the header and from committed frames
   of a ``-wal`` file beside it, without SQLite, so a book from a newer
   program is refused before anything could checkpoint its WAL;
4. the schema objects (``sqlite_master``) are compared with those our
   migrations create, on a connection that cannot write; a book with
   unknown or altered tables, indexes, triggers or views is refused
   (``briefing check`` lists them, ``briefing repair`` removes them);
5. only then is the book opened for work, read-only when the file or its
   folder cannot be written, and upgraded if its schema is older — after
   a backup, and only when the upgrade can run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import sqlite3
import stat
import struct
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from ..errors import (
    BookDamagedError,
    BookError,
    BookLockedError,
    BookReadOnlyError,
    BriefingError,
    UnknownSchemaError,
)
from ..paths import describe_os_error, disk_full_message, free_megabytes, read_start
from . import migrations as schema
from .connection import Connection

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0
# A writer that finds the book busy waits this long: longer than the
# largest import we measured (200,000 actors in ~17 s) by a wide margin.
WRITE_WAIT_SECONDS = 600.0
FIRST_WAIT_SECONDS = 0.5
WAL_MAGIC = (0x377F0682, 0x377F0683)


# --- looking at the file without SQLite -------------------------------------

def _read_header(path: Path) -> bytes:
    try:
        info = path.stat()
    except OSError as exc:
        raise BookError(f"{path} cannot be read: {describe_os_error(exc, path.parent)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BookError(f"{path} is a folder, not a briefing book")
    if not stat.S_ISREG(info.st_mode):
        # checked before open(): opening a FIFO blocks until someone writes to it
        raise BookError(f"{path} is not a regular file (it is a FIFO, device or socket), "
                        "not a briefing book")
    try:
        # not open() and close(): this process may have the book open (paths.hold_book_file)
        return read_start(path, 100)
    except PermissionError:
        raise BookError(f"{path} cannot be read: permission denied") from None
    except OSError as exc:
        raise BookError(f"{path} cannot be read: {describe_os_error(exc, path.parent)}") from None


def inspect_file(path: Path) -> bytes:
    """Raise BookError unless ``path`` looks like a Briefing Desk book; return its header."""
    header = _read_header(path)
    if not header:
        raise BookError(f"{path} is an empty file, not a briefing book")
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise BookError(f"{path} is not a briefing book (it is not a SQLite database)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != schema.APPLICATION_ID:
        raise BookError(
            f"{path} is a SQLite database but not a Briefing Desk book; it was left untouched")
    return header


def _wal_user_version(path: Path) -> int | None:
    """user_version from the newest committed copy of page 1 in the ``-wal`` file.

    Frames count only when their salts match the WAL header (older frames
    from before the last checkpoint reset carry other salts) and only up to
    the last commit frame. None when there is no such frame.
    """
    wal = Path(f"{path}-wal")
    try:
        with open(wal, "rb") as fh:
            header = fh.read(32)
            if len(header) < 32:
                return None
            magic, _, page_size, _, salt1, salt2 = struct.unpack(">6I", header[:24])
            if magic not in WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
                return None
            found = pending = None
            while True:
                frame = fh.read(24)
                if len(frame) < 24:
                    return found
                page_no, commit, f_salt1, f_salt2 = struct.unpack(">4I", frame[:16])
                if (f_salt1, f_salt2) != (salt1, salt2):
                    return found
                if page_no == 1:
                    page = fh.read(page_size)
                    if len(page) < page_size:  # a frame cut short was never committed
                        return found
                    pending = int.from_bytes(page[60:64], "big", signed=True)
                else:
                    fh.seek(page_size, os.SEEK_CUR)
                if commit and pending is not None:
                    found = pending
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BookError(f"{wal} cannot be read: {describe_os_error(exc, path.parent)}") from None


def stored_version(path: Path, header: bytes) -> int:
    """The book's schema version, read without SQLite (main file, then its WAL)."""
    version = int.from_bytes(header[60:64], "big", signed=True)
    in_wal = _wal_user_version(path)
    return version if in_wal is None else in_wal


def _refuse_newer(path: Path, version: int) -> None:
    known = schema.known_version()
    if version > known:
        raise BookError(
            f"{path} was written by a newer Briefing Desk (schema {version}; this "
            f"program knows up to {known}); update the program to open "
            "it. The book was left untouched.")


def writable_problem(path: Path) -> str | None:
    """Why the book cannot be written (read-only mount, immutable file...), or None."""
    for target, what in ((path, "the file"), (path.parent, "its folder")):
        if not os.access(target, os.W_OK):
            try:
                if os.statvfs(target).f_flag & os.ST_RDONLY:
                    return "it is on a read-only file system"
            except OSError:
                pass
            return f"{what} cannot be written (read-only or immutable)"
    return None


# --- connecting -------------------------------------------------------------

def _uri(path: Path, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    # the name's own bytes, percent-encoded: a file name that is not UTF-8 opens too
    return f"file:{quote(os.fsencode(path.absolute()))}?{query}"


def _configure(conn: sqlite3.Connection) -> Connection:
    # trusted_schema=OFF: functions with side effects and virtual tables
    # cannot be used from triggers and views someone put into the file.
    conn.execute("PRAGMA trusted_schema = OFF")
    db = Connection(conn)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def connect(path: Path, *, read_only: bool = False) -> Connection:
    # SQLite's same-thread check stays on: a store is used only by the thread
    # that opened it (the window gathers what an export needs on the GUI
    # thread; the background render never touches the store).
    if not read_only:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
        return _configure(conn)
    wal = Path(f"{path}-wal")
    # On a read-only mount without a -wal nobody can be writing, and SQLite
    # could not create the -wal and -shm a WAL reader needs: read the file
    # as immutable. Otherwise read through the WAL without writing.
    if not wal.exists() and writable_problem(path) is not None:
        uri = _uri(path, mode="ro", immutable=1)
    else:
        uri = _uri(path, mode="ro")
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    return _configure(conn)


def _inspection_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file or create -wal/-shm beside it."""
    wal = Path(f"{path}-wal")
    try:
        empty_wal = wal.stat().st_size == 0
    except FileNotFoundError:
        empty_wal = True
    # Without a WAL the main file is the whole book: read it as immutable so
    # SQLite creates no -wal/-shm. With one, a read-only connection reads
    # through it and never checkpoints.
    params = {"mode": "ro", "immutable": 1} if empty_wal else {"mode": "ro"}
    conn = sqlite3.connect(_uri(path, **params), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


# --- the schema the migrations create ----------------------------------------

@dataclass(frozen=True)
class SchemaObject:
    """One row of a book's ``sqlite_master``: a table, index, trigger or view."""

    type: str
    name: str
    table: str
    sql: str | None

    def describe(self) -> str:
        on = f" on {self.table}" if self.type in ("trigger", "index") else ""
        return f"{self.type} {self.name!r}{on}"


def _objects(conn) -> dict[str, SchemaObject]:
    # SQLite's own tables: statistics (ANALYZE) and the AUTOINCREMENT counters, which
    # any AUTOINCREMENT table creates and nothing can drop; they run no code
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\' "
        "AND name != 'sqlite_sequence'").fetchall()
    return {row[1]: SchemaObject(*row) for row in rows}


@cache
def expected_objects(version: int) -> dict[str, SchemaObject]:
    """The objects a book of schema ``version`` holds: built in memory by the migrations."""
    if version == 0:
        # a book whose creation stopped before its first migration committed holds
        # nothing (not even the migrations' own table); opening it completes it
        return {}
    db = Connection(sqlite3.connect(":memory:")).as_sqlite_utils()
    names = [m.name for m in schema.MIGRATIONS._migrations]
    schema.MIGRATIONS.apply(db, stop_before=names[version] if version < len(names) else None)
    objects = _objects(db.conn)
    db.close()
    return objects


@dataclass
class SchemaDifference:
    """How a book's schema objects differ from those its migrations create."""

    unknown: list[SchemaObject]  # objects the migrations never create
    altered: list[SchemaObject]  # ours by name, with other SQL or type
    missing: list[SchemaObject]  # ours, but absent

    def __bool__(self):
        return bool(self.unknown or self.altered or self.missing)

    def lines(self) -> list[str]:
        out = [f"unknown {o.describe()} (not created by Briefing Desk)" for o in self.unknown]
        out += [f"altered {o.describe()} (its definition differs from Briefing Desk's)"
                for o in self.altered]
        out += [f"missing {o.describe()}" for o in self.missing]
        return out


# The digest (schema_digest) of the objects a book of the newest schema holds. A book
# whose objects have this digest is ours without rebuilding the schema in memory,
# which costs a fresh process more than the rest of opening. Any other book is
# compared object by object, so a stale value only slows opening down; a test
# (tests/test_store.py) says when a new migration needs a new value.
NEWEST_SCHEMA_DIGEST = "fa4b12ca7c2ee8390546c5c84d10129236e926fa48a0652e8c160371f111ce0b"


def schema_digest(objects: dict[str, SchemaObject]) -> str:
    """SHA-256 over every object's type, name, table and SQL, in name order."""
    digest = hashlib.sha256()
    for name in sorted(objects):
        found = objects[name]
        digest.update(json.dumps([found.type, found.name, found.table, found.sql]).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def compare_schema(conn, version: int) -> SchemaDifference:
    found = _objects(conn)
    if version == schema.known_version() and schema_digest(found) == NEWEST_SCHEMA_DIGEST:
        return SchemaDifference([], [], [])
    expected = expected_objects(max(0, min(version, schema.known_version())))
    unknown = [o for name, o in found.items() if name not in expected]
    altered = [o for name, o in found.items()
               if name in expected and (o.type, o.table, o.sql) != (
                   expected[name].type, expected[name].table, expected[name].sql)]
    missing = [o for name, o in expected.items() if name not in found]
    return SchemaDifference(unknown, altered, missing)


def inspect_schema(path: Path, version: int) -> SchemaDifference:
    """Compare the book's schema objects with ours, without changing any file."""
    conn = _inspection_connection(path)
    try:
        return compare_schema(conn, version)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from None
    finally:
        conn.close()


def refuse_unknown_schema(path: Path, difference: SchemaDifference) -> None:
    names = "; ".join(difference.lines()[:8])
    more = len(difference.lines()) - 8
    if more > 0:
        names += f"; and {more} more"
    tables = [o for o in difference.altered + difference.missing if o.type == "table"]
    if tables:
        # repair cannot rebuild a table: the way out is to save the records
        advice = ("A changed table cannot be repaired; 'briefing export -o FILE.json' still "
                  "reads the book: export it, then 'briefing init --db NEW' and "
                  "'briefing import FILE.json --db NEW'.")
    else:
        advice = "'briefing check' lists them; 'briefing repair' removes them after a backup."
    raise UnknownSchemaError(
        f"{path} contains database objects that Briefing Desk did not create or that were "
        f"changed ({names}). They could change or copy your data, so the book was not opened "
        f"and was left untouched. {advice}", difference)


# --- errors -------------------------------------------------------------------

def storage_error(exc: sqlite3.Error, path: Path) -> BriefingError:
    """A person's error for a SQLite error, chosen by its code, not its text."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    detail = " ".join(str(exc).split())
    name = Path(path).name
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return BookLockedError(f"busy: another program is writing the book {name}; "
                               "nothing was changed, try again in a moment")
    if code.startswith("SQLITE_READONLY"):
        return BookReadOnlyError(f"the book {path} is read-only; nothing was changed")
    if code == "SQLITE_FULL":
        return BookError(f"{disk_full_message(Path(path).parent)}; nothing was changed")
    if code.startswith("SQLITE_IOERR") or code == "SQLITE_CANTOPEN":
        free = free_megabytes(Path(path).parent)
        if free is not None and free < 1:
            return BookError(f"{disk_full_message(Path(path).parent)}; {name} cannot be used")
        what = "cannot be opened" if code == "SQLITE_CANTOPEN" else "cannot be read or written"
        return BookError(f"the book {path} {what} ({detail}; {code})")
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return BookDamagedError(damaged_message(path, detail))
    if code.startswith("SQLITE_CONSTRAINT"):
        return BookError(f"the book {name} refused the change ({detail}); nothing was changed")
    return BookError(f"the book {path} cannot be used ({detail}; {code or 'unknown error'})")


def damaged_message(path: Path, detail: str) -> str:
    backups = sorted(Path(path).parent.glob(f"{Path(path).name}.*.bak"))
    hint = (f"the newest backup beside it is {backups[-1].name}" if backups
            else "use a copy made with 'briefing backup'")
    return (f"the book {path} is damaged ({detail}). This happens when a -wal file from "
            "another book or an old copy was put beside it, or the file was changed by another "
            f"program. Restore it from a backup ({hint}); do not keep writing to it.")


# --- writing ------------------------------------------------------------------

def _lock_holder(path: Path) -> str:
    """Which program holds the book's write lock, when Linux tells us (/proc/locks)."""
    try:
        shm_inode = os.stat(f"{path}-shm").st_ino
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    for line in lines:
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 120 120": WAL write lock = shm byte 120
        if len(parts) >= 8 and parts[1] == "POSIX" and parts[3] == "WRITE":
            try:
                inode = int(parts[5].rsplit(":", 1)[1])
                start, end = int(parts[6]), parts[7]
                pid = int(parts[4])
            except (ValueError, IndexError):
                continue
            if inode == shm_inode and start <= 120 and (end == "EOF" or int(end) >= 120):
                if pid == os.getpid():
                    continue
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as fh:
                        command = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
                except OSError:
                    command = ""
                command = " ".join(command.split())[:120]
                return f"process {pid}" + (f": {command}" if command else "")
    return ""


def begin_write(db: Connection, path: Path, *, wait_seconds: float = BUSY_TIMEOUT_SECONDS,
                on_wait=None, keep_waiting=None) -> None:
    """BEGIN IMMEDIATE; when another program writes, say so and wait up to ``wait_seconds``.

    ``on_wait(message)`` is called once when the wait starts (the CLI prints it).
    ``keep_waiting(seconds)`` (the window) is called about five times a second
    while waiting, with the seconds waited; False gives up (a Cancel button).
    It is called once more with None when the wait is over, either way.
    """
    conn = db.conn
    first = min(FIRST_WAIT_SECONDS, wait_seconds)
    conn.execute(f"PRAGMA busy_timeout = {int(first * 1000)}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as exc:
        if not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
            raise storage_error(exc, path) from None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    holder = _lock_holder(path)
    if on_wait is not None:
        on_wait(waiting_message(holder))
    started = time.monotonic()
    deadline = started + wait_seconds - first
    # with someone to ask (a window), short waits between questions keep it responsive
    step = 0.2 if keep_waiting is not None else 5.0
    try:
        while True:
            remaining = deadline - time.monotonic()
            conn.execute(f"PRAGMA busy_timeout = {max(1, int(min(remaining, step) * 1000))}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
                    raise storage_error(exc, path) from None
                if time.monotonic() >= deadline:
                    holder = _lock_holder(path) or holder
                    raise BookLockedError(
                        f"busy: another program has been writing the book {path.name} for "
                        f"more than {wait_seconds:.0f} s" + (f" ({holder})" if holder else "")
                        + "; nothing was changed, try again later") from None
                if keep_waiting is not None and not keep_waiting(time.monotonic() - started):
                    raise BookLockedError(
                        f"stopped waiting for another program that is writing the book "
                        f"{path.name}" + (f" ({holder})" if holder else "")
                        + "; nothing was changed") from None
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    finally:
        if keep_waiting is not None:
            keep_waiting(None)


def waiting_message(holder: str = "") -> str:
    return ("waiting for another program that is writing the book"
            + (f" ({holder})" if holder else "") + "…")


# --- creating and opening ------------------------------------------------------

def create_book(path: Path) -> Connection:
    """Create a new, empty book file at ``path`` (which must not exist)."""
    try:
        # "x" mode: refuse to overwrite anything that appeared meanwhile
        with open(path, "xb"):
            pass
    except FileExistsError:
        raise BookError(f"{path} already exists; choose a new file name") from None
    except OSError as exc:
        raise BookError(f"cannot create {path}: {describe_os_error(exc, path.parent)}") from None
    db = None
    try:
        db = connect(path)
        # application_id is written while the file is in rollback-journal
        # mode, so it sits in the main file's header from the first moment.
        db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        db.execute("PRAGMA journal_mode = WAL")
        migrate(db, path, is_new=True)
        return db
    except BaseException as exc:
        if db is not None:
            try:
                db.close()
            except Exception:
                pass
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise storage_error(exc, path) from None
        raise


@dataclass
class OpenedBook:
    """A book file opened (and upgraded) by ``open_existing``."""

    db: Connection
    read_only: bool
    read_only_reason: str = ""


def open_existing(path: Path, *, allow_unknown_objects: bool, rescue: bool,
                  wait_seconds: float, on_wait) -> OpenedBook:
    """Open an existing book; see the module docstring for the order of checks.

    A book that cannot be written (read-only mount, immutable file) opens
    read-only. ``allow_unknown_objects``: for check and repair, which must
    see such books. ``rescue``: for export and backup, which only read: a
    book with objects we did not create opens read-only (no statement of
    ours can set off its triggers), so its records can still be saved.
    """
    header = inspect_file(path)
    version = stored_version(path, header)
    _refuse_newer(path, version)
    difference = inspect_schema(path, version)
    if difference and not (allow_unknown_objects or rescue):
        refuse_unknown_schema(path, difference)
    problem = writable_problem(path)
    if rescue and difference and not problem:
        problem = ("it contains database objects Briefing Desk did not create, so it is only "
                   "read, to save its records")
    known = schema.known_version()
    if version < known and problem:
        raise BookReadOnlyError(
            f"{path} has an older schema ({version}; this program uses {known}) and needs an "
            f"upgrade, but {problem}; copy it to a writable folder and open the copy. "
            "The book was left untouched.")
    if version < known and difference:
        raise UnknownSchemaError(
            f"{path} needs an upgrade but contains objects Briefing Desk did not create; "
            "run 'briefing repair' first", difference)
    made = [suffix for suffix in ("-wal", "-shm") if not os.path.lexists(f"{path}{suffix}")]
    try:
        if rescue and difference:
            # read as inspected: no -wal/-shm created, the file left byte-identical
            db = _configure(_inspection_connection(path))
        else:
            db = connect(path, read_only=bool(problem))
    except sqlite3.Error as exc:
        _remove_unused_sidecars(path, made)
        raise storage_error(exc, path) from None
    try:
        if not problem:
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            if version < known:
                # schema 0: a creation cut short (empty, see expected_objects) is finished
                # as a new book, without a backup of nothing
                migrate(db, path, is_new=version == 0, wait_seconds=wait_seconds,
                        on_wait=on_wait)
        # the header could have changed between our look and SQLite's
        _refuse_newer(path, db.execute("PRAGMA user_version").fetchone()[0])
        return OpenedBook(db, bool(problem), problem or "")
    except sqlite3.Error as exc:
        db.close()
        _remove_unused_sidecars(path, made)
        raise storage_error(exc, path) from None
    except BaseException:
        db.close()
        raise


def _remove_unused_sidecars(path: Path, made: list[str]) -> None:
    """After a failed open (a full disk): remove the -wal/-shm this open created.

    Only files that did not exist before, and only while no other program
    uses the book: SQLite holds a lock on the -shm for as long as a
    connection is open, so if we can lock all of it, nobody reads through it.
    An empty -wal holds nothing; one with content is never removed.
    """
    if "-shm" in made:
        shm = Path(f"{path}-shm")
        try:
            fd = os.open(shm, os.O_RDWR)
        except OSError:
            return
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return  # another program opened the book meanwhile: leave its files alone
        try:
            shm.unlink()
        except OSError:
            pass
        finally:
            os.close(fd)
    if "-wal" in made:
        wal = Path(f"{path}-wal")
        try:
            if wal.stat().st_size == 0 and not Path(f"{path}-shm").exists():
                wal.unlink()
        except OSError:
            pass


def backup_path_for(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.schema{version}-{stamp}.bak")


def copy_book(source_path: Path, destination: Path) -> Path:
    """A consistent copy of the book by SQLite's online backup, written atomically.

    The copy goes to a temporary name beside the destination and is renamed
    only when complete, so a killed copy never sits under the backup's name.
    """
    from ..atomicfile import replacing
    source = sqlite3.connect(_uri(source_path, mode="ro"), uri=True,
                             timeout=BUSY_TIMEOUT_SECONDS)
    try:
        with replacing(destination, books=[source_path], backup_of_book=True) as temp:
            target = sqlite3.connect(str(temp))
            try:
                source.backup(target)
                # a backup should be one self-contained file
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_FULL", "SQLITE_IOERR_WRITE") or (
                (free := free_megabytes(destination.parent)) is not None and free < 1):
            raise BookError(f"cannot write the backup {destination}: "
                            f"{disk_full_message(destination.parent)}") from None
        raise storage_error(exc, source_path) from None
    finally:
        source.close()
    return destination


def migrate(db: Connection, path: Path, *, is_new: bool,
            wait_seconds: float = BUSY_TIMEOUT_SECONDS, on_wait=None) -> None:
    """Apply pending migrations in one write transaction.

    An existing book is copied beside itself first (SQLite online backup),
    so an upgrade can always be undone by hand. The copy is made only once
    the write lock is held, so the upgrade will run.
    """
    # Foreign keys off while tables are rebuilt (a DROP would otherwise
    # cascade into the rows that point at the table); checked before COMMIT.
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        begin_write(db, path, wait_seconds=wait_seconds, on_wait=on_wait)
    except BaseException:
        db.execute("PRAGMA foreign_keys = ON")
        raise
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        known = schema.known_version()
        if version >= known:
            db.execute("COMMIT")  # another instance upgraded it meanwhile
            return
        if not is_new:
            # A second connection reads the last committed state while this
            # one holds the write lock.
            copy_book(path, backup_path_for(path, version))
        schema.MIGRATIONS.apply(db.as_sqlite_utils())
        db.execute(f"PRAGMA user_version = {known}")
        if is_new:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            db.execute("INSERT INTO book_meta (key, value) VALUES ('created_at', ?)", [now])
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise BookError(f"{path} cannot be upgraded: {len(broken)} broken links "
                            f"(first in table {broken[0][0]}); it was left as it was")
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.execute("PRAGMA foreign_keys = ON")
