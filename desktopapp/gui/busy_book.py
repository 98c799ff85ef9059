"""Waiting for another program that is writing the book, with a message and Cancel.

SQLite lets one program write at a time. A save while the CLI imports used to
freeze the window for 10 s and then fail; now the store asks this object, about
five times a second, whether to keep waiting: it shows who holds the book, lets
the user cancel (nothing is changed then), and keeps the window painted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

# The first half second of waiting passes silently: most writes end within it.
QUIET_SECONDS = 0.5


class WriterWait:
    """The store's ``on_wait``/``keep_waiting`` for one window (see opening.begin_write)."""

    def __init__(self, window):
        self.window = window
        self.message = ""
        self.dialog: QProgressDialog | None = None

    def on_wait(self, message: str) -> None:
        self.message = message

    def keep_waiting(self, seconds: float | None) -> bool:
        if seconds is None:  # the wait is over, one way or the other
            self._close()
            return True
        if self.dialog is None and seconds >= QUIET_SECONDS:
            self._open()
        if self.dialog is not None:
            self.dialog.setLabelText(self._text(seconds))
            QApplication.processEvents()  # paint, and let Cancel be clicked
            return not self.dialog.wasCanceled()
        return True

    def _text(self, seconds: float) -> str:
        what = self.message or "waiting for another program that is writing the book…"
        return (f"{what[0].upper()}{what[1:]}\n\nWaited {seconds:.0f} s. Your change is saved "
                "as soon as the other program is done; Cancel keeps it unsaved in the form.")

    def _open(self):
        self.window.book_poll.stop()  # no refresh from the book in the middle of a save
        dialog = QProgressDialog(self._text(0), "&Cancel", 0, 0, self.window)
        dialog.setWindowTitle("The book is busy")
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.show()
        self.dialog = dialog

    def _close(self):
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
            self.window.book_poll.start()
        self.message = ""
