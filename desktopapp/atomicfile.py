"""Write files so that a failure never leaves a partial or broken file.

Content goes to a temporary file beside the target, is flushed to disk,
then renamed over the target in one step. The target is checked first
(``paths.check_output``): never an open book or its companions, never a
device, FIFO, socket or folder. A symlink is written through (the link
stays, the file it points to is replaced). A new file gets the usual
permissions (0666 less the umask); a replaced file keeps its mode.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path

from .errors import BriefingError
from .paths import check_output, describe_os_error


def current_umask() -> int:
    try:  # Linux: read it without changing it (os.umask is process-wide)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


@contextmanager
def replacing(target, *, books=(), backup_of_book=False, writes_book=False) -> Path:
    """Yield a temporary path to write; on success it replaces ``target``.

    ``books``: book files (besides the open ones) the target must not be.
    ``backup_of_book``: the store writes a book's own backup (``book.*.bak``).
    ``writes_book``: the output is a book file (a backup, a copy), so it may
    replace another book file; a PDF or JSON output never does.
    """
    shown = Path(target)
    guard = dict(books=books, backup_of_book=backup_of_book, writes_book=writes_book)
    target = check_output(shown, **guard)
    folder = target.parent
    if not folder.is_dir():
        raise BriefingError(f"cannot write {shown}: the folder {shown.parent} does not exist")
    import tempfile  # (with random): only commands that write a file need it

    try:
        fd, temp_name = tempfile.mkstemp(prefix=".briefing-", suffix=".part", dir=folder)
    except OSError as exc:
        raise BriefingError(f"cannot write {shown}: {describe_os_error(exc, folder)}") from None
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(temp, _mode_for(target))
        # checked again just before the rename: something may have appeared meanwhile
        check_output(shown, **guard)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise BriefingError(f"cannot write {shown}: {describe_os_error(exc, folder)}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(target, data: bytes) -> Path:
    with replacing(target) as temp:
        temp.write_bytes(data)
    return Path(target)


def write_text(target, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))
