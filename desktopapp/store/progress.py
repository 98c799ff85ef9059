"""How far a long job on a whole book has come: for a caller's progress display and Cancel.

Imports, exports and backups of a large book take seconds. The store reports
now and then to a plain function of the caller's, ``progress(report)``; when
it returns False the job stops with OperationCancelledError, and what it
did is undone: an import's write is rolled back, an export's or backup's
unfinished file removed (atomicfile.replacing). Without a function the job
runs as before (the CLI passes none).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import OperationCancelledError

# records between two reports: often enough for a moving display and a prompt
# Cancel, rarely enough to cost nothing (one call per thousand records)
EVERY_RECORDS = 1000


@dataclass(frozen=True)
class Progress:
    """One report.

    ``stage``: "reading" (an import: records written as the file is read),
    "finishing" (an import's links, search index and indexes, after the last
    record), "exporting" (records written out), "copying" (a backup: records,
    or a book file's pages), "checking" (a copy compared with its source; a book's records
    put through the rules by ``briefing check``).
    ``done`` and ``total`` count ``unit`` ("records" or "pages"); ``total`` is
    None where it is not known (an import's records, before the end of the
    file). ``bytes_done``/``bytes_total``: how much of an import's file is read.
    """

    stage: str
    done: int
    total: int | None = None
    unit: str = "records"
    bytes_done: int = 0
    bytes_total: int = 0


Reporter = Callable[[Progress], bool]


class Tracker:
    """Sends reports to a caller's ``progress`` function; raises when it says stop.

    ``cancelled``: what OperationCancelledError then says ("the import was
    cancelled; nothing was imported"). ``done`` counts the records passed
    through counted() so far, over all its calls.
    """

    def __init__(self, progress: Reporter | None, cancelled: str):
        self.progress = progress
        self.cancelled = cancelled
        self.done = 0
        self.position: FilePosition | None = None

    @property
    def active(self) -> bool:
        return self.progress is not None

    def report(self, stage: str, done: int | None = None, total: int | None = None,
               unit: str = "records") -> None:
        if self.progress is None:
            return
        position = self.position
        report = Progress(stage, self.done if done is None else done, total, unit,
                          position.bytes_done if position else 0,
                          position.bytes_total if position else 0)
        if self.progress(report) is False:
            raise OperationCancelledError(self.cancelled)

    def counted(self, items: Iterable, stage: str, total: int | None = None,
                records: Callable[[object], int] | None = None) -> Iterator:
        """``items`` as they are, with a report before the first and after every
        EVERY_RECORDS records. Each item is a record, unless ``records(item)`` says how
        many it stands for."""
        if self.progress is None:
            yield from items
            return
        self.report(stage, total=total)
        every = EVERY_RECORDS
        for item in items:
            yield item
            before = self.done
            self.done += 1 if records is None else records(item)
            if self.done // every != before // every:
                self.report(stage, total=total)

    def reading(self, items: Iterable, position: FilePosition,
                records: Callable[[object], int] | None = None) -> Iterator:
        """An import's items as its file is read (``position``); ``records``: see counted()."""
        self.position = position
        return self.counted(items, "reading", records=records)

    def finishing(self) -> None:
        """An import's step after the last record (importing.BulkImport.finish)."""
        self.report("finishing", total=self.done)


class FilePosition:
    """How much of a file a reader has read, in bytes (see bookformat.read_file)."""

    def __init__(self, bytes_total: int = 0):
        self.bytes_total = bytes_total
        self._read = 0
        self._file = None

    @classmethod
    def of(cls, path) -> FilePosition:
        """For the file at ``path``, its size known (0 when it cannot be read: the
        reader says why)."""
        try:
            return cls(os.stat(path).st_size)
        except (OSError, ValueError):
            return cls()

    def follow(self, fh, size: int) -> None:
        """Follow the open file ``fh`` of ``size`` bytes."""
        self._file, self.bytes_total = fh, size

    def set(self, bytes_done: int) -> None:
        """What another process says it has read."""
        self._read = bytes_done

    @property
    def bytes_done(self) -> int:
        fh = self._file
        if fh is not None and not fh.closed:
            self._read = fh.tell()
        return self._read
