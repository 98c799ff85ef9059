"""Creating and finding book files: what the CLI and the GUI share.

A new book is built under a temporary name and linked into place only
when complete, so a failure never leaves a half-made book behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from . import paths
from .errors import BookError
from .resources import SAMPLE_BOOK, resource_path
from .store import BriefingStore

APP_NAME = "briefing-desk"


# platformdirs is imported when a folder of the user's is needed: a command
# given --db never needs one


def default_book_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "book.sqlite"


def log_dir() -> Path:
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def load_sample(store: BriefingStore):
    """Merge the shipped sample book (PISM Bulletin No. 58) into ``store``."""
    return store.import_file(resource_path(SAMPLE_BOOK))


def create_book(path, *, sample: bool = False):
    """Create a new book at ``path`` (a file or a team-book URL); refuse if one is there."""
    if is_team_book(path):
        with open_team_book(path, create=True) as store:
            if sample:
                load_sample(store)
        return path
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


# A book named by the environment, for every command without --db: a file or a team-book URL.
BOOK_VARIABLE = "BRIEFING_DB"
# Who a book records as the author of a change (a team book's default: the
# database role; a book file's: the login name).
ANALYST_VARIABLE = paths.ANALYST_VARIABLE


def is_team_book(target) -> bool:
    """True when ``target`` names a team book (postgresql://…), not a book file."""
    return isinstance(target, str) and target.lower().startswith(("postgresql://",
                                                                   "postgres://"))


def book_target(text: str):
    """A team-book URL as it is, anything else as a file path (for --db and BRIEFING_DB)."""
    return text if is_team_book(text) else Path(text)


def open_team_book(url: str, *, create: bool = False, password: str | None = None):
    """Open a team book; ``password`` is one typed into the window (never stored)."""
    from .store.postgres import TeamStore  # psycopg loads only for team books
    return TeamStore.open(url, create=create, analyst=os.environ.get(ANALYST_VARIABLE, ""),
                          password=password)


def book_from_environment():
    """The book ``$BRIEFING_DB`` names (for commands without --db), or None."""
    value = os.environ.get(BOOK_VARIABLE, "")
    return book_target(value) if value else None


def open_book(path=None, **options):
    """Open ``path`` (a file or a team-book URL); without one, the user's own book, made
    from the sample on first use.

    ``options`` go to ``BriefingStore.open`` (they concern book files only).
    """
    if is_team_book(path):
        return open_team_book(path)
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


def copy_book(source, destination):
    """Copy the whole book ``source`` into ``destination`` (files or team-book URLs).

    A file destination must not exist yet; a team-book destination must be an
    empty database or an empty team book. One transaction, verified by record
    counts and a content hash (store/copying.py). Returns a CopySummary.
    """
    from .store import copying
    if source == destination:
        raise BookError("the source and the destination are the same book")
    with open_book(source) as store:
        if is_team_book(destination):
            from .store.postgres import TeamStore
            # the tables are made in the copy's own transaction: a copy that fails
            # or is killed leaves an empty database as it was
            with TeamStore.open(destination, create=True, exist_ok=True,
                                create_in_first_write=True,
                                analyst=os.environ.get(ANALYST_VARIABLE, "")) as target:
                return copying.copy_into(store, target)
        return copying.copy_to_new_file(store, destination)
