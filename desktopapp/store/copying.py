"""Copying a whole book between backends (file -> team book, team book -> file ...).

The source is read from one snapshot; the destination is written in one
transaction (a team book) or built under a temporary name and put in place
only when complete (a file), so a copy that fails or is killed leaves the
destination as it was. Before the destination commits, its record counts
and a content hash are compared with the source's: a copy that does not
hold exactly what the source holds is rolled back.

The content hash is SHA-256 over every record's briefing-book JSON (uids,
fields, links, timestamps and who made each record's last change; not the
ids, which each book assigns itself) in export order, then the export
settings (not their version).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import bookformat
from ..atomicfile import replacing
from ..errors import BookError

SECTIONS = bookformat.EXPORT_ORDER


@dataclass
class CopySummary:
    """What a copy holds: its records by section and the SHA-256 of their content."""

    counts: dict[str, int]
    digest: str

    def __str__(self):
        counts = ", ".join(f"{self.counts[s]} {s}" for s in SECTIONS)
        return f"{counts}; content SHA-256 {self.digest[:16]}…"


def _records(store, section):
    return store.iter_records(section[:-1])


def fingerprint(store) -> CopySummary:
    """Record counts and content hash of a book (call inside a snapshot or write)."""
    digest = hashlib.sha256()
    counts = {}
    for section in SECTIONS:
        digest.update(f"\x1e{section}\x1e".encode())
        n = 0
        for record in _records(store, section):
            digest.update(json.dumps(bookformat.record_to_dict(record), sort_keys=True,
                                     ensure_ascii=False).encode())
            digest.update(b"\x1f")
            n += 1
        counts[section] = n
    if store.has_settings():
        # settings_to_dict leaves the settings' version out
        settings = bookformat.settings_to_dict(store.settings())
        digest.update(json.dumps(settings, sort_keys=True).encode())
    return CopySummary(counts, digest.hexdigest())


def _items(store):
    for section in SECTIONS:
        for record in _records(store, section):
            yield section, record
    if store.has_settings():
        settings = store.settings()
        settings.version = None  # a new book's settings start their own versions
        yield "settings", settings


def copy_into(source, destination, tracker=None) -> CopySummary:
    """Copy every record of ``source`` into the empty book ``destination``, verified.

    Raises BookError when the destination is not empty or when the copy
    does not match the source (the destination is then left unchanged).
    ``tracker`` (a progress.Tracker) hears of the records copied, then of the
    check; it may stop the copy (nothing is written then).
    """
    if not destination.is_empty():
        raise BookError(f"{destination.path} is not empty; copy into a new book "
                        "(a new file, or an empty team book)")
    with source.snapshot():
        with destination.write():
            items = _items(source)
            if tracker is not None and tracker.active:
                total = sum(source.count(s[:-1]) for s in SECTIONS)
                items = tracker.counted(items, "copying", total)
            destination.import_records(items, keep_who=True)
            if tracker is not None:
                tracker.report("checking")
            expected = fingerprint(source)
            got = fingerprint(destination)
            if got != expected:
                differ = [f"{s}: {expected.counts[s]} in the source, {got.counts[s]} copied"
                          for s in SECTIONS if expected.counts[s] != got.counts[s]]
                raise BookError("the copy does not match the source ("
                                + ("; ".join(differ) or "same counts, different content")
                                + "); nothing was written")
    return expected


def _fill_file(source, path: Path, tracker=None) -> CopySummary:
    """Make a new book file at ``path`` holding a verified copy of ``source``."""
    from .book import BriefingStore
    with BriefingStore.open(path, create=True) as destination:
        summary = copy_into(source, destination, tracker)
        # one self-contained file: nothing left in a -wal beside it
        destination.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return summary


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_to_new_file(source, path) -> CopySummary:
    """Copy ``source`` into a new book file at ``path``, which must not exist yet.

    The book is built under a temporary name and linked into place only
    when complete and verified.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise BookError(f"{path} already exists; choose a new file name")
    if not path.parent.is_dir():
        raise BookError(f"cannot create {path}: the folder {path.parent} does not exist")
    temp = path.with_name(f".{path.name}.{os.getpid()}.copying")
    try:
        summary = _fill_file(source, temp)
        try:
            os.link(temp, path)  # unlike rename, never replaces a file that appeared meanwhile
        except FileExistsError:
            raise BookError(f"{path} already exists; choose a new file name") from None
        except OSError:
            if path.exists():
                raise BookError(f"{path} already exists; choose a new file name") from None
            os.rename(temp, path)  # a file system without hard links
    finally:
        temp.unlink(missing_ok=True)
        _remove_sidecars(temp)
    return summary


# What a backup is written as, by the output's extension (either backend).
BACKUP_FORMATS = {".json": "json", ".sqlite": "book", ".db": "book", ".briefing": "book"}


def backup_format(destination) -> str:
    """"json" (briefing-book JSON) or "book" (a SQLite book file) for a backup's
    file name; BookError names the accepted extensions for any other name."""
    suffix = Path(destination).suffix.lower()
    if suffix not in BACKUP_FORMATS:
        books = ", ".join(s for s, kind in BACKUP_FORMATS.items() if kind == "book")
        raise BookError(f"cannot tell what to write to {destination}: a backup's name ends "
                        f"in .json (briefing-book JSON) or {books} (a book file)")
    return BACKUP_FORMATS[suffix]


def snapshot_to_file(source, destination, progress=None) -> CopySummary | dict:
    """Write a consistent snapshot of ``source``: briefing-book JSON or a SQLite book
    file, by the name (backup_format). Replaces ``destination`` only when complete.
    ``progress``: see store/progress.py; when it returns False nothing is written
    (OperationCancelledError)."""
    from .progress import Tracker

    destination = Path(destination)
    as_json = backup_format(destination) == "json"
    with replacing(destination, writes_book=not as_json) as temp:
        if as_json:
            with source.snapshot(), open(temp, "w", encoding="utf-8") as out:
                return source.export_to(out, progress)
        Path(temp).unlink()
        try:
            return _fill_file(source, Path(temp),
                              Tracker(progress, "the backup was cancelled"))
        finally:
            _remove_sidecars(temp)


__all__ = ["BACKUP_FORMATS", "CopySummary", "backup_format", "copy_into", "copy_to_new_file",
           "fingerprint", "snapshot_to_file"]
