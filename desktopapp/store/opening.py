"""Opening a book file: recognise it, refuse what is not ours, upgrade it.

A file is inspected by reading its first 100 bytes before SQLite touches
it, so a foreign file is refused byte-for-byte untouched. A book with a
newer schema is read but never written.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ..errors import BookError, BookLockedError
from . import migrations as schema

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0


def _read_header(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(100)
    except IsADirectoryError:
        raise BookError(f"{path} is a folder, not a briefing book") from None
    except PermissionError:
        raise BookError(f"{path} cannot be read: permission denied") from None
    except OSError as exc:
        raise BookError(f"{path} cannot be read: {exc.strerror or exc}") from None


def inspect_file(path: Path) -> None:
    """Raise BookError unless ``path`` looks like a Briefing Desk book."""
    header = _read_header(path)
    if not header:
        raise BookError(f"{path} is an empty file, not a briefing book")
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise BookError(f"{path} is not a briefing book (it is not a SQLite database)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != schema.APPLICATION_ID:
        raise BookError(
            f"{path} is a SQLite database but not a Briefing Desk book; it was left untouched")


def connect(path: Path) -> Database:
    # check_same_thread=False: a store instance is used by one thread at a
    # time, but the GUI may hand it from the thread that opened it to a worker.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def create_book(path: Path) -> Database:
    """Create a new, empty book file at ``path`` (which must not exist)."""
    try:
        # "x" mode: refuse to overwrite anything that appeared meanwhile
        with open(path, "xb"):
            pass
    except FileExistsError:
        raise BookError(f"{path} already exists; choose a new file name") from None
    except OSError as exc:
        raise BookError(f"cannot create {path}: {exc.strerror or exc}") from None
    try:
        db = connect(path)
        # application_id is written while the file is in rollback-journal
        # mode, so it sits in the main file's header from the first moment.
        db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        db.execute("PRAGMA journal_mode = WAL")
        migrate(db, path, is_new=True)
        return db
    except BaseException:
        try:
            db.close()
        except Exception:
            pass
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise


def open_existing(path: Path) -> Database:
    inspect_file(path)
    db = connect(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        known = schema.known_version()
        if version > known:
            raise BookError(
                f"{path} was written by a newer Briefing Desk (schema {version}; this "
                f"program knows up to {known}); update the program to open "
                "it. The book was left untouched.")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        if version < known:
            migrate(db, path, is_new=False)
        return db
    except sqlite3.DatabaseError as exc:
        db.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise BookLockedError(f"{path} is locked by another program; try again") from None
        raise BookError(f"{path} cannot be opened: {exc}") from None
    except BaseException:
        db.close()
        raise


def backup_path_for(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.schema{version}-{stamp}.bak")


def _backup_before_upgrade(path: Path, version: int) -> None:
    # A second connection reads the last committed state while this one
    # holds the write lock; backing up through the locked connection itself
    # would wait forever (SQLITE_LOCKED).
    source = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    target = sqlite3.connect(str(backup_path_for(path, version)))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def migrate(db: Database, path: Path, *, is_new: bool) -> None:
    """Apply pending migrations in one write transaction.

    An existing book is copied beside itself first (SQLite online backup),
    so an upgrade can always be undone by hand.
    """
    # Foreign keys off while tables are rebuilt (a DROP would otherwise
    # cascade into the rows that point at the table); checked before COMMIT.
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        known = schema.known_version()
        if version >= known:
            db.execute("COMMIT")  # another instance upgraded it meanwhile
            return
        if not is_new:
            _backup_before_upgrade(path, version)
        schema.MIGRATIONS.apply(db)
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
