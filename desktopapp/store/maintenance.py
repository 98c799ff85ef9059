"""Backup, health check and repair of a book file.

The SQLite-specific parts (PRAGMAs, ``sqlite_master``) come from
``opening``; this module decides what a check reports and what a repair
may change.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from ..atomicfile import replacing
from ..errors import BookError, StoredRecordError
from ..paths import disk_full_message, free_megabytes
from . import migrations as schema
from . import opening, search

FTS_CHECK_WAIT_MS = 300
# pages a backup copies between two progress reports (16 MB of 4 KiB pages); without
# reports the whole book is copied in one step
BACKUP_STEP_PAGES = 4096
REBUILD_ADVICE = "'briefing repair' re-creates it"


def backup_to(store, destination: Path, progress=None) -> Path:
    """Copy the book through SQLite's online backup API.

    Safe while other programs write to the book; the copy is complete or
    absent, never half-written, and never written over the book itself.
    ``progress`` (store/progress.py) hears of the pages copied, BACKUP_STEP_PAGES
    at a time; when it returns False the copy is dropped (OperationCancelledError).
    """
    from .progress import Tracker

    tracker = Tracker(progress, "the backup was cancelled")
    steps = {}
    if tracker.active:
        # (a book another program writes meanwhile is copied again from its start)
        steps = dict(pages=BACKUP_STEP_PAGES, progress=lambda _, remaining, total:
                     tracker.report("copying", total - remaining, total, "pages"))
    try:
        with replacing(destination, books=[store.path], writes_book=True) as temp:
            target = sqlite3.connect(str(temp))
            try:
                tracker.report("copying", 0, None, "pages")
                store.db.conn.backup(target, **steps)
                # a backup should be one self-contained file
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
    except sqlite3.Error as exc:
        # the target's disk, not the book, is the usual culprit
        free = free_megabytes(destination.parent)
        if exc.sqlite_errorname == "SQLITE_FULL" or (free is not None and free < 1):
            raise BookError(f"cannot write the backup {destination}: "
                            f"{disk_full_message(destination.parent)}") from None
        if exc.sqlite_errorname.startswith("SQLITE_IOERR_WRITE"):
            # the book is only read: a failed write is the backup's
            raise BookError(f"cannot write the backup {destination}: "
                            f"{' '.join(str(exc).split())} ({exc.sqlite_errorname})") from None
        raise opening.storage_error(exc, store.path) from None
    return destination


def _version(db) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_book(store, progress=None) -> list[str]:
    """Run SQLite's checks, our schema comparison and every record through the domain rules.

    Reads only, so another program writing the book cannot make it fail;
    the search index's own check needs the write lock for a moment and is
    skipped (with a note in ``store._check_notes``) when another program holds it.
    ``progress`` (store/progress.py): "checking" reports of the records checked so far,
    the first before SQLite's own checks.
    """
    from .book import TABLES
    from .progress import Tracker

    db = store.db
    problems: list[str] = []
    store._check_notes = []
    tracker = Tracker(progress, "the check was stopped")
    total = sum(store.count(kind) for kind in TABLES) if tracker.active else None
    tracker.report("checking", 0, total)
    try:
        problems += [f"schema: {line}" for line in
                     opening.compare_schema(db.conn, _version(db)).lines()]
        integrity = [m for (m,) in db.execute("PRAGMA integrity_check").fetchall() if m != "ok"]
    except sqlite3.DatabaseError as exc:
        return problems + [opening.damaged_message(store.path, " ".join(str(exc).split()))]
    if integrity:
        problems += [f"integrity: {message}" for message in integrity[:20]]
        if len(integrity) > 20:
            problems.append(f"integrity: and {len(integrity) - 20} more")
        problems.append(opening.damaged_message(store.path, "SQLite's integrity check failed"))
        return problems
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"broken link: row {rowid} of {table} points to a missing {parent} row")
    problems += _check_search_index(store)
    problems += store.uid_clashes()
    problems += check_records(store, tracker=tracker, total=total)
    return problems


def _check_search_index(store) -> list[str]:
    db = store.db
    problems = []
    if not store.read_only:
        conn = db.conn
        conn.execute(f"PRAGMA busy_timeout = {FTS_CHECK_WAIT_MS}")
        try:
            conn.execute("SAVEPOINT fts_check")
            try:
                conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
            finally:
                conn.execute("ROLLBACK TO fts_check")
                conn.execute("RELEASE fts_check")
        except sqlite3.DatabaseError as exc:
            code = exc.sqlite_errorname
            if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                store._check_notes.append(
                    "busy: another program is writing the book, so the search index's own "
                    "check was skipped; run 'briefing check' again later for it")
            elif code.startswith("SQLITE_READONLY"):
                store._check_notes.append("the search index's own check needs a writable book "
                                          "and was skipped")
            else:
                problems.append(f"search index: {' '.join(str(exc).split())} "
                                f"({REBUILD_ADVICE})")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(opening.BUSY_TIMEOUT_SECONDS * 1000)}")
    else:
        store._check_notes.append("the book is read-only, so the search index's own check "
                                  "was skipped")
    for kind, code in search.KIND_CODES.items():
        indexed = db.execute(
            f"SELECT count(*) FROM search_index WHERE 1{search.kind_filter([code])}"
        ).fetchone()[0]
        if indexed != store.count(kind):
            problems.append(f"search index: {indexed} {kind} entries for "
                            f"{store.count(kind)} {kind}s ({REBUILD_ADVICE})")
    return problems


def check_records(store, chunk: int = 500, tracker=None, total=None) -> list[str]:
    """Every stored record read back and put through the domain rules, naming row and field.
    ``tracker`` (a progress.Tracker) hears how many records are checked, chunk by chunk."""
    from .book import TABLES
    problems = []
    done = 0
    for kind, table in TABLES.items():
        ids = [r[0] for r in store.db.execute(f"SELECT id FROM {table} ORDER BY id")]
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            if tracker is not None:
                tracker.report("checking", done, total)
            done += len(part)
            try:
                records = store._load(kind, part)
            except StoredRecordError:
                records = []
                for record_id in part:
                    try:
                        records += store._load(kind, [record_id])
                    except StoredRecordError as exc:
                        problems.append(str(exc))
            for record in records:
                for field_name, message in record.problems():
                    problems.append(f"{table} row {record.id} (uid {record.uid}): "
                                    f"{field_name}: {message}")
            if len(problems) > 200:
                return problems[:200] + ["… and more; fix these first"]
    return problems


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def repair_book(store, backup_path=None) -> tuple[Path | None, list[str]]:
    """Remove tables, indexes, triggers and views our migrations did not create.

    Altered indexes, triggers and views are replaced by ours, missing
    indexes re-created, and the search index re-created from the records
    when it does not match them (a planted trigger may have emptied it).
    A book copy is written first (``backup_path``, or
    ``book.sqlite.before-repair-<time>.bak`` beside it). An altered or
    missing table cannot be rebuilt safely: it is reported, not touched.
    """
    db = store.db
    store._check_notes = []
    version = _version(db)
    difference = opening.compare_schema(db.conn, version)
    stale_index = bool(_check_search_index(store)) if not difference else False
    if not difference and not stale_index:
        return None, []
    expected = opening.expected_objects(min(version, schema.known_version()))
    blocked = [o for o in difference.altered + difference.missing if o.type == "table"]
    if blocked:
        names = ", ".join(o.name for o in blocked)
        raise BookError(
            f"the table(s) {names} in {store.path} differ from Briefing Desk's and cannot be "
            "repaired safely; restore a backup, or save its records: 'briefing export -o "
            "FILE.json' still reads the book, then 'briefing init --db NEW' and 'briefing "
            "import FILE.json --db NEW'. Nothing was changed.")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = Path(backup_path) if backup_path else store.path.with_name(
        f"{store.path.name}.before-repair-{stamp}.bak")
    opening.copy_book(store.path, backup)
    done = []
    order = {"trigger": 0, "view": 1, "index": 2, "table": 3}
    with store.write():
        for obj in sorted(difference.unknown + difference.altered, key=lambda o: order[o.type]):
            exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                [obj.name]).fetchone()
            if exists and (obj.type != "index" or obj.sql is not None):
                db.execute(f"DROP {obj.type.upper()} IF EXISTS {_quote(obj.name)}")
                done.append(f"removed {obj.describe()}")
        for obj in difference.altered + difference.missing:
            mine = expected.get(obj.name)
            if mine is not None and mine.sql and mine.type in ("index", "trigger", "view"):
                db.execute(mine.sql)
                done.append(f"re-created {mine.describe()}")
    # what was removed may have kept the search index from matching the records
    if stale_index or _check_search_index(store):
        store.rebuild_search_index()
        records = sum(store.count(kind) for kind in search.KIND_CODES)
        done.append(f"re-created the search index from the {records} records")
    return backup, done
