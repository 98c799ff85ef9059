"""A large book file read by a second process while this one writes the book.

An import is two jobs of about the same size: reading the file (decoding
the JSON, checking each record, making its rows and its search text: Python
work) and writing the book (SQLite's work). In one process they take turns;
with the reading in a second process they run on two cores at once. The
reader makes each record's rows (importing.record_rows_of: plain tuples, quick
to pickle), numbers the records and makes their link rows (importing.NewRows:
a book without records numbers each kind from 1), and sends that through a
pipe; the writer never holds the decoded records and mostly runs SQL.

Used for a file of PROCESS_MIN_BYTES or more going into a book without
records: into a book with records, each record of the file may replace a
stored one and is compared with it whole, which the rows alone cannot do.
Memory stays bounded on both sides: the reader streams the file and waits
while MESSAGES_AHEAD messages wait for the writer.

The reader's errors (the file's faults, written for people) are raised in
the writer as they were raised in the reader. A reader stopped by a signal
(killed, or out of memory) is told as such; one that fails otherwise is an
internal error (a bug), logged with what it printed.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PROCESS_MIN_BYTES = 4 << 20  # below this, starting a process costs more than it saves
# A message holds up to RECORDS_PER_MESSAGE records, fewer when their texts
# are long (a biography may have 50,000 characters): MESSAGES_AHEAD of them,
# waiting for the writer, take some 10-40 MB.
RECORDS_PER_MESSAGE = 500
MESSAGE_CHARACTERS = 250_000
MESSAGES_AHEAD = 32
# The reader is this very program: Python in isolated mode (no folder of the
# user's, no PYTHON* variable on its path) given the folder this package is
# in. With ``-m``, a "desktopapp" folder where the command was started would
# be read instead.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
READER = ("-I", "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
          "from desktopapp.store.import_reader import main; sys.exit(main())")


def worth_a_process(path) -> bool:
    """Whether reading ``path`` in a second process is worth starting one."""
    try:
        return bool(sys.executable) and Path(path).stat().st_size >= PROCESS_MIN_BYTES
    except OSError:
        return False  # bookformat.read_file says what is wrong with it


def read(path, position=None) -> Iterator[tuple[str, object]]:
    """("records", what to write for some records: see plan_message) and ("settings",
    settings), as the reader process sends them. Closing the iterator stops the reader.
    ``position`` (a store.progress.FilePosition) follows how much of the file the
    reader has read."""
    with tempfile.TemporaryFile() as printed:
        reader = subprocess.Popen([sys.executable, *READER, _PACKAGE_PARENT, os.fspath(path)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=printed)
        try:
            while True:
                try:
                    message = pickle.load(reader.stdout)
                except Exception:  # the stream ended, maybe in mid-message: the reader stopped
                    raise _stopped(reader, printed, path) from None
                if message[0] == "records":
                    if position is not None:
                        position.set(message[2])
                    yield message[:2]
                elif message[0] == "settings":
                    yield message
                elif message[0] == "end":
                    return
                else:
                    raise _error(*message[1:])
        finally:
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            reader.stdout.close()


def records_in(item) -> int:
    """How many records an item of read() stands for (for progress reports)."""
    return sum(len(new) for _, new, *_ in item[1]) if item[0] == "records" else 0


def _stopped(reader, printed, path) -> Exception:
    """Why the reader ended without a word: stopped by a signal, or failed (a bug)."""
    try:
        reader.wait(timeout=10)
    except subprocess.TimeoutExpired:  # alive, but what it sent makes no sense: a bug
        reader.kill()
        reader.wait()
        return RuntimeError(f"the import's reader process sent what cannot be read, "
                            f"reading {path}")
    if reader.returncode < 0:  # killed: by someone, or by the system for want of memory
        from ..errors import ImportStoppedError

        return ImportStoppedError(
            f"the import stopped: the process reading {path} was stopped by signal "
            f"{-reader.returncode} (killed, or out of memory); nothing was imported")
    printed.seek(0)
    said = printed.read()[-2000:].decode("utf-8", "replace")
    return RuntimeError(f"the import's reader process failed (exit code {reader.returncode}) "
                        f"before the end of {path}:\n{said}")


def _error(cls, args, attributes) -> BaseException:
    """The reader's error, as it was (its class, message and attributes)."""
    error = cls.__new__(cls)
    BaseException.__init__(error, *args)
    error.__dict__.update(attributes)
    return error


def main(argv=None) -> int:
    """The reader: sends what to write for the file's records on standard output,
    then "end"."""
    from .. import bookformat
    from ..errors import BriefingError
    from .importing import record_rows_of
    from .progress import FilePosition

    (path,) = sys.argv[1:] if argv is None else argv
    # the records are short-lived and acyclic (as in importing.run)
    gc.disable()
    sender = _Sender(sys.stdout.buffer)
    plan = _empty_book_plan()
    count = defaultdict(int)
    records = []
    characters = 0  # of the records' search text: most of what a message holds
    position = FilePosition()
    try:
        try:
            for section, item in bookformat.read_file(path, position):
                if section == "settings":
                    sender.send(("settings", item))
                    continue
                count[section] += 1
                rows = record_rows_of(section[:-1], item, count[section])
                records.append((section[:-1], rows))
                characters += len(rows[8][1])
                if len(records) >= RECORDS_PER_MESSAGE or characters >= MESSAGE_CHARACTERS:
                    # with how far the file is read, for the writer's progress reports
                    sender.send(("records", plan_message(plan, records), position.bytes_done))
                    records, characters = [], 0
            sender.send(("records", plan_message(plan, records), position.bytes_total))
            sender.send(("end",))
        except BriefingError as exc:
            sender.send(("error", type(exc), exc.args, vars(exc)))
        sender.close()
    except BrokenPipeError:  # the writer stopped reading: it has its own error
        return 1
    return 0


def _empty_book_plan():
    """The ids, links and index rows of records going into a book without records:
    the ids of each kind start at 1 (BulkImport.add_planned checks)."""
    from ..recordkinds import KINDS
    from .importing import NewRows

    return NewRows({kind: 1 for kind in KINDS})


def plan_message(plan, records) -> list:
    """What to write for ``records`` ((kind, rows) each, in file order): per kind, in the
    order the kinds come, (kind, new records as (id, None, rows), link rows per link).

    The rows keep the record's index text and, for kinds whose index text
    shows linked names, the links' items: the writer adds the names
    (NewRows.documents). That is the writer's share of the Python work:
    with it here, this process took about a second longer than the writer,
    which waited for it (the 100k book: 8.5-9.1 s instead of 8.0 s).
    """
    from .importing import NAMED_KINDS

    by_kind = defaultdict(list)
    for kind, rows in records:
        by_kind[kind].append((None, rows))
    out = []
    for kind, entries in by_kind.items():
        new, _ = plan.assign(kind, entries, {})
        links = plan.links(kind, new)
        named = kind in NAMED_KINDS
        out.append((kind, [(record_id, None, (*rows[:7], rows[7] if named else (), rows[8]))
                           for record_id, _, rows in new], links))
    return out


class _Sender:
    """Messages written to the pipe by a thread of their own.

    A pipe holds 64 KiB, less than one message: written directly, the reader
    would wait while the writer runs a batch's SQL, instead of reading on.
    Up to MESSAGES_AHEAD messages wait here (a few MB).
    """

    def __init__(self, out):
        self.out = out
        self.messages: queue.Queue = queue.Queue(maxsize=MESSAGES_AHEAD)
        self.error: BaseException | None = None
        # the thread waits for the pipe with the GIL released; when the pipe
        # has room it should get the GIL back soon, not after Python's 5 ms
        sys.setswitchinterval(0.001)
        self.thread = threading.Thread(target=self._run, name="import-sender", daemon=True)
        self.thread.start()

    def send(self, message) -> None:
        self._raise()
        self.messages.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        """Wait until every message is written."""
        self.messages.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (data := self.messages.get()) is not None:
            if self.error is None:
                try:
                    self.out.write(data)
                    self.out.flush()
                except BaseException as exc:  # raised again by the next send or close
                    self.error = exc

