"""Creating and finding book files: what the CLI and the GUI share.

A new book is built under a temporary name and linked into place only
when complete, so a failure never leaves a half-made book behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import platformdirs

from .errors import BookError
from .resources import SAMPLE_BOOK, resource_path
from .store import BriefingStore

APP_NAME = "briefing-desk"


def default_book_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "book.sqlite"


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def load_sample(store: BriefingStore):
    """Merge the shipped sample book (PISM Bulletin No. 58) into ``store``."""
    return store.import_file(resource_path(SAMPLE_BOOK))


def create_book(path, *, sample: bool = False) -> Path:
    """Create a new book at ``path``; refuse if anything is already there."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise BookError(f"{path} already exists; choose a new file name")
    if not path.parent.is_dir():
        raise BookError(f"cannot create {path}: the folder {path.parent} does not exist")
    temp = path.with_name(f".{path.name}.{os.getpid()}.creating")
    try:
        with BriefingStore.open(temp, create=True) as store:
            if sample:
                load_sample(store)
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _put_in_place(temp, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{temp}{suffix}").unlink(missing_ok=True)
    return path


def _put_in_place(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)  # unlike rename, never replaces a file that appeared meanwhile
        return
    except FileExistsError:
        raise BookError(f"{path} already exists; choose a new file name") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EOPNOTSUPP):
            raise BookError(f"cannot create {path}: {exc.strerror or exc}") from None
    # a file system without hard links (FAT, some network shares): rename instead
    if path.exists():
        raise BookError(f"{path} already exists; choose a new file name")
    try:
        os.rename(temp, path)
    except OSError as exc:
        raise BookError(f"cannot create {path}: {exc.strerror or exc}") from None


def open_book(path=None, **options) -> BriefingStore:
    """Open ``path``; without one, the user's own book, made from the sample on first use.

    ``options`` go to ``BriefingStore.open``.
    """
    if path is not None:
        return BriefingStore.open(path, **options)
    path = default_book_path()
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BookError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
        try:
            create_book(path, sample=True)
        except BookError:
            if not path.exists():  # another instance may have created it meanwhile
                raise
    return BriefingStore.open(path, **options)
