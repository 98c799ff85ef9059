"""Backup and health check of a book file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..atomicfile import replacing
from ..errors import BriefingError
from . import search


def backup_to(store, destination: Path) -> Path:
    """Copy the book through SQLite's online backup API.

    Safe while other programs write to the book; the copy is complete or
    absent, never half-written.
    """
    if destination.exists() and destination.resolve() == store.path.resolve():
        raise BriefingError("the backup file must not be the book itself")
    with replacing(destination) as temp:
        target = sqlite3.connect(str(temp))
        try:
            store.db.conn.backup(target)
            # a backup should be one self-contained file
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    return destination


def check_book(store) -> list[str]:
    """Run SQLite's integrity and foreign-key checks and our own consistency checks."""
    db = store.db
    problems = []
    for (message,) in db.execute("PRAGMA integrity_check").fetchall():
        if message != "ok":
            problems.append(f"integrity: {message}")
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"broken link: row {rowid} of {table} points to a missing {parent} row")
    try:
        db.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"search index: {exc}")
    indexed = {}
    for kind, code in search.KIND_CODES.items():
        indexed[kind] = db.execute(
            f"SELECT count(*) FROM search_index WHERE rowid % {search.KIND_SLOTS} = ?",
            [code]).fetchone()[0]
        if indexed[kind] != store.count(kind):
            problems.append(f"search index: {indexed[kind]} {kind} entries for "
                            f"{store.count(kind)} {kind}s (rebuild the index)")
    return problems
