"""``briefing-desk [--db PATH|URL]``: the desktop application.

Opens the user's own book (made from the sample on first run) or the one
given: a book file or a team book (``postgresql://user@host:port/dbname``).
A book that cannot be opened gets a dialog and the choice of another.
An unexpected error is logged with its traceback and shown in a dialog; the
window stays open. An error meant for people that reaches no handler (a team
book's server gone while the preview reads it) is shown as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from .. import __version__, books, buglog
from ..errors import BriefingError
from .main_window import MainWindow, remember_recent
from .shutdown import quit_on_signals
from .team_books import is_team_store, remember_team_book


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


def open_with_retry(path: Path | None):
    """Open the book, offering another file while it cannot be opened; None to give up."""
    while True:
        try:
            return books.open_book(path)
        except BriefingError as exc:
            box = QMessageBox(QMessageBox.Warning, "Briefing Desk",
                              f"The book cannot be opened.\n\n{exc}")
            other = box.addButton("&Open another book…", QMessageBox.AcceptRole)
            box.setEscapeButton(box.addButton("&Close", QMessageBox.RejectRole))
            box.exec()
            if box.clickedButton() is not other:
                return None
            chosen, _ = QFileDialog.getOpenFileName(
                None, "Open book", "", "Briefing books (*.sqlite *.db);;All files (*)")
            if not chosen:
                return None
            path = Path(chosen)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="briefing-desk", description="Open a briefing book.")
    parser.add_argument("--db", type=books.book_target, metavar="PATH|URL",
                        help="the book file, or a team book postgresql://user@host:port/dbname "
                             "(default: your own book, the sample on first run)")
    parser.add_argument("--version", action="version", version=f"briefing-desk {__version__}")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Briefing Desk")
    app.setApplicationName("briefing-desk")
    app.setApplicationVersion(__version__)
    install_exception_hook()
    quit_on_signals(app)
    store = open_with_retry(args.db)
    if store is None:
        return 1
    window = MainWindow(store)
    if is_team_store(store):
        remember_team_book(window.settings, store.url)
    else:
        remember_recent(window.settings, store.path)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
