"""What a path may be used for: files we read, files we (over)write.

Every output of the program (PDF, JSON export, backup) goes through
``check_output``, so no command and no window can write over an open book,
its ``-wal``/``-shm``/``-journal`` companions or its backups, nor replace a
device, FIFO or socket with a regular file. Inputs are checked with
``require_regular_file`` before they are opened, because opening a FIFO
blocks until someone writes to it.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import threading
from pathlib import Path

from .errors import BriefingError

BOOK_COMPANIONS = ("-wal", "-shm", "-journal")
# Who a book records as the author of a change ("changed by").
ANALYST_VARIABLE = "BRIEFING_ANALYST"

_open_books: dict[Path, int] = {}
# (device, inode) of each book file SQLite has open in this process -> [descriptors
# of ours, how many stores use it]; see hold_book_file
_held: dict[tuple[int, int], list] = {}
_lock = threading.Lock()


def named_analyst() -> str:
    """Who is making changes here if named: ``$BRIEFING_ANALYST`` ("" if not set; then
    the login name, ``login_name``)."""
    return os.environ.get(ANALYST_VARIABLE, "").strip()


def login_name() -> str:
    """The user's login name ("" if none)."""
    import getpass  # with termios: only when no name is given

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment or passwd
        return ""


def describe_os_error(exc: OSError, path=None) -> str:
    """A person's words for an OSError, with the free space when the disk is full."""
    if exc.errno == errno.ENOSPC:
        return disk_full_message(path)
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long (at most 255 bytes per name)"
    return exc.strerror or str(exc)


def disk_full_message(path=None) -> str:
    free = free_megabytes(path) if path is not None else None
    return "the disk is full" + (f" ({free:,.1f} MB free)" if free is not None else "")


def free_megabytes(path) -> float | None:
    folder = Path(path)
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free / 1024 / 1024
        except OSError:
            continue
    return None


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _stat(path: Path, what: str):
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BriefingError(f"cannot use {path} as {what}: {describe_os_error(exc, path)}") \
            from None


def regular_file_problem(path) -> str | None:
    """Why ``path`` is not an existing regular file ("is a FIFO ..."), without opening it."""
    try:
        info = Path(path).stat()
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be examined ({describe_os_error(exc, Path(path).parent)})"
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind_of(info.st_mode)}, not a regular file"
    return None


def require_regular_file(path, what: str = "input") -> Path:
    """Refuse a missing path or anything but a regular file (without opening it)."""
    if problem := regular_file_problem(path):
        raise BriefingError(f"cannot use {path} as {what}: it {problem}")
    return Path(path)


# --- open books ------------------------------------------------------------

def _key(path) -> Path:
    return Path(os.path.realpath(path))


def register_open_book(path) -> None:
    """Mark ``path`` as an open book of this process: outputs may not touch it."""
    with _lock:
        key = _key(path)
        _open_books[key] = _open_books.get(key, 0) + 1


def unregister_open_book(path) -> None:
    with _lock:
        key = _key(path)
        if _open_books.get(key, 0) <= 1:
            _open_books.pop(key, None)
        else:
            _open_books[key] -= 1


def _protected_reason(target: Path, book: Path, backup_of_book: bool) -> str | None:
    """Why writing ``target`` would destroy ``book`` or one of its files, if it would."""
    name = target.name
    if target.parent != book.parent:
        return None
    if name == book.name:
        return "it is the open book"
    for suffix in BOOK_COMPANIONS:
        if name == book.name + suffix:
            return f"it is the open book's {suffix} file"
    if name.startswith(book.name + ".") and name.endswith(".bak") and not backup_of_book:
        return "it is a backup of the open book"
    return None


def hold_book_file(path) -> tuple[int, int] | None:
    """Keep a descriptor of the book file at ``path`` while a store has it open.

    POSIX drops every lock a process holds on a file when the process closes
    *any* descriptor of it. SQLite's locks on an open book say "in use" to
    other programs: a second store of the same book in this process (the
    window's import or export worker) read the book's header and closed
    the file, and the next ``briefing`` command then took the book for
    unused and deleted its -wal and -shm under the window, whose later saves
    went to a deleted file. So reads of a held file go through the
    descriptor kept here (read_start), which is closed only after the last
    store of the file has closed its connection (release_book_file).

    None when ``path`` cannot be opened or is not a regular file: opening the
    book then fails and says why.
    """
    with _lock:
        try:
            info = os.stat(path)
        except OSError:
            return None
        key = (info.st_dev, info.st_ino)
        if key in _held:  # opened and closed again now, the descriptor would drop the locks
            _held[key][1] += 1
            return key
        if not stat.S_ISREG(info.st_mode):
            return None
        try:
            # O_NONBLOCK: should the file become a FIFO meanwhile, no wait for a writer
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        if key in _held:  # replaced by a held file meanwhile: keep this descriptor too
            _held[key][0].append(fd)
            _held[key][1] += 1
        else:
            _held[key] = [[fd], 1]
        return key


def release_book_file(key: tuple[int, int] | None) -> None:
    """A store of the held file closed its connection (see hold_book_file)."""
    if key is None:
        return
    with _lock:
        held = _held.get(key)
        if held is None:
            return
        held[1] -= 1
        if held[1] == 0:
            del _held[key]
            for fd in held[0]:
                os.close(fd)


def read_start(path, size: int) -> bytes:
    """The first ``size`` bytes of ``path``, without closing a descriptor of a book
    file this process has open (see hold_book_file)."""
    with _lock:  # a store holding this file meanwhile waits: its file is not closed under it
        info = os.stat(path)
        held = _held.get((info.st_dev, info.st_ino))
        if held is not None:
            return os.pread(held[0][0], size, 0)
        if not stat.S_ISREG(info.st_mode):
            return b""  # opening a FIFO would wait for a writer
        with open(path, "rb") as fh:
            return fh.read(size)


def is_book_file(path) -> bool:
    """Whether ``path`` is a briefing book file (any book or backup, open or not),
    by its SQLite header and application id: no SQLite needed."""
    from .store.migrations import APPLICATION_ID
    try:
        header = read_start(path, 72)
    except OSError:
        return False
    return (len(header) == 72 and header.startswith(b"SQLite format 3\x00")
            and int.from_bytes(header[68:72], "big") == APPLICATION_ID)


def check_output(target, *, books=(), backup_of_book=False, writes_book=False) -> Path:
    """Refuse an output path that would destroy a book or replace a special file.

    ``books`` adds book paths to the open books of this process. Paths are
    compared after resolving links and ``..``, and by device and inode, so
    a symlink or a hard link to the book counts as the book. An output that
    is not itself a book (PDF, JSON) never replaces a briefing book file,
    wherever it is and whatever its name: a backup made under any name
    (``briefing backup -o``, ``repair --backup``, the window's Backup) is safe.
    """
    target = Path(target)
    with _lock:
        candidates = set(_open_books) | {_key(b) for b in books}
    resolved = _key(target)
    info = _stat(target, "output")
    for book in candidates:
        reason = _protected_reason(resolved, book, backup_of_book)
        if reason is None and info is not None:
            for suffix in ("", *BOOK_COMPANIONS):
                try:
                    if os.path.samefile(target, f"{book}{suffix}"):
                        reason = ("it is the open book" if not suffix
                                  else f"it is the open book's {suffix} file")
                        break
                except OSError:
                    continue
        if reason:
            raise BriefingError(f"refusing to write {target}: {reason} ({book.name}); "
                                "choose another file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise BriefingError(f"refusing to write {target}: it is {_kind_of(info.st_mode)}, "
                            "not a regular file")
    if info is not None and not (writes_book or backup_of_book) and is_book_file(target):
        raise BriefingError(f"refusing to write {target}: it is a briefing book (a book or "
                            "a backup of one); choose another file name")
    return resolved
