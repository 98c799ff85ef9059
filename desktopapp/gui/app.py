"""``briefing-desk [--db PATH|URL]``: the desktop application.

Opens the user's own book (made from the sample on first run) or the one
given: a book file or a team book (``postgresql://user@host:port/dbname``).
A book that cannot be opened gets a dialog and the choice of another (a file
or a team book), or of trying again when a team book's server cannot be
reached.
An unexpected error is logged with its traceback and shown in a dialog; the
window stays open. An error meant for people that reaches no handler (a team
book's server gone while the preview reads it) is shown as it is.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from .. import __version__, books, buglog
from ..errors import BriefingError, ServerUnreachableError
from .main_window import MainWindow, remember_recent
from .shutdown import quit_on_signals
from .team_books import is_team_store, recent_team_books, remember_team_book


def install_exception_hook():
    """Unexpected errors: log the traceback, tell the user, keep the window."""

    def hook(kind, value, traceback):
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, traceback)
            return
        sys.last_exc = value
        if issubclass(kind, BriefingError):
            buglog.record_message("briefing-desk", " ".join(str(value).split()))
            QMessageBox.warning(None, "Briefing Desk", str(value))
            return
        try:
            raise value.with_traceback(traceback)
        except BaseException:
            where = buglog.record_bug("briefing-desk")
        QMessageBox.critical(None, "Briefing Desk",
                             f"Something went wrong: {kind.__name__}: {value}\n\n"
                             f"Nothing was lost; {where}.")

    sys.excepthook = hook


def open_with_retry(path: Path | str | None):
    """Open the book, offering to try again (a team book's server that cannot be
    reached), another book file or a team book while it cannot be opened; None to
    give up."""
    while True:
        try:
            return books.open_book(path)
        except BriefingError as exc:
            choice = _ask_what_next(exc)
        if choice == "retry":
            continue
        if choice == "team":
            store = _connect_dialog(path if books.is_team_book(path) else None)
            if store is not None:
                return store
            continue  # the Connect dialog cancelled: the same question again
        if choice != "file":
            return None
        chosen, _ = QFileDialog.getOpenFileName(
            None, "Open book", "", "Briefing books (*.sqlite *.db);;All files (*)")
        if not chosen:
            continue  # the file dialog cancelled: the same question again (Close quits)
        path = Path(chosen)


def _ask_what_next(exc: BriefingError) -> str:
    """"retry", "file", "team" or "close", as the user answers the book's error."""
    unreachable = isinstance(exc, ServerUnreachableError)
    box = QMessageBox(QMessageBox.Warning, "Briefing Desk",
                      f"The book cannot be opened.\n\n{exc}"
                      + ("\n\nTry again once the server is back, or open another book."
                         if unreachable else ""))
    answers = {}
    if unreachable:  # a server that is restarting, a network that comes back
        answers[box.addButton("&Retry", QMessageBox.AcceptRole)] = "retry"
    answers[box.addButton("&Open another book…", QMessageBox.AcceptRole)] = "file"
    answers[box.addButton("Connect to &team book…", QMessageBox.AcceptRole)] = "team"
    close = box.addButton("&Close", QMessageBox.RejectRole)
    box.setEscapeButton(close)
    box.setDefaultButton(next(iter(answers)))
    box.exec()
    return answers.get(box.clickedButton(), "close")


def _connect_dialog(url: str | None):
    """File > Connect to team book…'s dialog, before any window: the store, or None."""
    from PySide6.QtCore import QSettings

    from .connect_dialog import ConnectDialog
    dialog = ConnectDialog(recent_team_books(QSettings()), url)
    if not dialog.exec():
        return None
    return dialog.store


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="briefing-desk", description="Open a briefing book.")
    parser.add_argument("--db", type=books.book_target, metavar="PATH|URL",
                        help="the book file, or a team book postgresql://user@host:port/dbname "
                             "(default: your own book, the sample on first run)")
    parser.add_argument("--version", action="version", version=f"briefing-desk {__version__}")
    return parser.parse_args(argv)


def start(book) -> MainWindow | None:
    """Open ``book`` (a file, a team book's URL, None: the user's own) and show its
    window; None when the user gave up."""
    store = open_with_retry(book)
    if store is None:
        return None
    window = MainWindow(store)
    if is_team_store(store):
        remember_team_book(window.settings, store.url)
    else:
        remember_recent(window.settings, store.path)
    window.show()
    return window


def freeze_imported_objects():
    """Leave what the program has imported out of the garbage collector's full passes.

    The modules' objects (46,000 once the window's modules are imported) live as long
    as the process, yet each full collection walked them all: 23 ms on the 1M book,
    once while the window was being built and again whenever enough new objects had
    piled up, in whatever keystroke or click made the last of them. Frozen, a full
    pass walks only what came after (1 ms once the window has started).
    """
    gc.freeze()


def main(argv=None) -> int:
    freeze_imported_objects()
    args = parse_arguments(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Briefing Desk")
    app.setApplicationName("briefing-desk")
    app.setApplicationVersion(__version__)
    install_exception_hook()
    quit_on_signals(app)
    window = start(args.db)
    if window is None:
        return 1
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
