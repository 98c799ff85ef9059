"""Import JSON, Export JSON and Backup on a worker thread, behind a progress dialog with Cancel.

Importing the 100,000-actor book takes about nine seconds; on the GUI
thread the window froze for all of it. Here the job runs on a thread of its
own with a store of its own (store.for_this_thread(): a book file's
connection belongs to the thread that opened it; a team book hands each
thread its own pooled connection). The store reports how far it is and asks
whether to go on (store/progress.py); Cancel makes it stop and undo what it
did: an import is rolled back, an unfinished export or backup file removed.

The dialog is window-modal from the moment the job starts: the window keeps
painting, but nothing in it can write the book until the job is over.
Cancel keeps the dialog up ("Cancelling…") until the job has undone its
work, so the window is never usable while the book is half-written.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import SIGNAL, SLOT, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QPushButton

from .. import buglog
from ..errors import BookLockedError, BriefingError, OperationCancelledError
from .shutdown import quitting


def _count(n: int) -> str:
    return f"{n:,}"


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f}" if n < 10e6 else f"{n / 1e6:,.0f}"


def progress_text(what: str, report) -> tuple[str, int, int]:
    """(the dialog's words, the bar's value, its maximum; 0 and 0: busy) for a report.

    ``what``: the job in words ("Importing synthetic.json").
    """
    if report is None:
        return f"{what}…", 0, 0
    done, total, unit = report.done, report.total, report.unit
    if report.stage == "reading":
        # an import's records are counted as they come: the file's bytes say how far
        line = f"{_count(done)} records imported"
        if report.bytes_total:
            line += (f"; {_megabytes(report.bytes_done)} of "
                     f"{_megabytes(report.bytes_total)} MB read")
            return (f"{what}…\n{line}", report.bytes_done // 1024,
                    max(1, report.bytes_total // 1024))
        return f"{what}…\n{line}", 0, 0
    if report.stage == "finishing":
        return (f"{what}…\n{_count(done)} records read; finishing: links, search index",
                0, 0)
    if report.stage == "checking":
        return f"{what}…\nChecking the copy against the book", 0, 0
    if total:
        verb = "exported" if report.stage == "exporting" else "copied"
        return (f"{what}…\n{_count(done)} of {_count(total)} {unit} {verb}",
                min(done, total), total)
    return f"{what}…", 0, 0


class JobDialog(QProgressDialog):
    """The job's progress; Cancel (or Esc, or closing it) asks the job to stop, and the
    dialog stays, saying "Cancelling…", until the job has undone its work."""

    def __init__(self, title: str, text: str, parent):
        super().__init__(text, "&Cancel", 0, 0, parent)
        # QProgressDialog hides itself on Cancel: the job is not over yet
        QObject.disconnect(self, SIGNAL("canceled()"), self, SLOT("cancel()"))
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(0)
        # lines wrap: who else is writing the book comes with its whole command line
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignCenter)
        self.setLabel(label)
        self.setMinimumWidth(460)
        self.setMaximumWidth(640)
        self.cancel_asked = False
        self.quit_asked = False
        self._over = False
        self.canceled.connect(self._cancelling)

    def _cancelling(self):
        if self.cancel_asked:
            return
        self.cancel_asked = True
        self.setLabelText(f"{self.labelText().splitlines()[0]}\nCancelling…")
        for button in self.findChildren(QPushButton):
            button.setEnabled(False)

    def show_progress(self, text: str, value: int, maximum: int):
        if self.cancel_asked:
            return  # "Cancelling…" stays
        self.setLabelText(text)
        if self.maximum() != maximum:
            self.setRange(0, maximum)
        self.setValue(value)

    def reject(self):  # Esc
        self.canceled.emit()

    def closeEvent(self, event):
        if self._over:
            event.accept()
            return
        event.ignore()
        if quitting():  # the system asks the program to quit (logout, Ctrl+C)
            self.quit_asked = True
        self.canceled.emit()

    def finish(self):
        self._over = True
        self.hide()
        self.deleteLater()


class _Worker(QObject):
    """Runs ``work(store, progress)`` on its thread, with the book opened for that thread."""

    progressed = Signal(object)  # store.progress.Progress
    waiting = Signal(str)  # another program is writing the book
    succeeded = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, store, work):
        super().__init__()
        self.store = store
        self.work = work
        self.stop = threading.Event()

    def _progress(self, report) -> bool:
        self.progressed.emit(report)
        return not self.stop.is_set()

    def _keep_waiting(self, seconds) -> bool:
        return not self.stop.is_set()

    @Slot()
    def run(self):
        try:
            with self.store.for_this_thread() as store:
                if hasattr(store, "keep_waiting"):  # a book file: another program may write it
                    store.on_wait = self.waiting.emit
                    store.keep_waiting = self._keep_waiting
                result = self.work(store, self._progress)
        except OperationCancelledError:
            self.cancelled.emit()
        except BookLockedError as exc:  # Cancel while waiting for another writer
            self.cancelled.emit() if self.stop.is_set() else self.failed.emit(str(exc))
        except BriefingError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: logged with its traceback, shown in words
            where = buglog.record_bug("briefing-desk")
            self.failed.emit(f"Something went wrong: {type(exc).__name__}: {exc}\n\n{where}.")
        else:
            self.succeeded.emit(result)


class BookJob(QObject):
    """One import, export or backup of the window's book, on a worker thread.

    ``work(store, progress)`` runs on the worker with the book opened for it;
    ``what`` names the job in the dialog ("Importing synthetic.json"), ``undone``
    what stopping it leaves ("nothing is imported"). Ends with
    exactly one of ``succeeded(result)``, ``cancelled()``, ``failed(message)``,
    then ``ended()``; the slots live in the GUI thread, so Qt queues the
    worker's signals to them.
    """

    succeeded = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    ended = Signal()

    def __init__(self, store, work, title: str, what: str, parent, undone: str = ""):
        super().__init__(parent)
        self.what = what
        self.undone = undone  #: what stopping leaves, in words ("nothing is imported")
        #: the window closes once the job has ended (the program was asked to quit)
        self.close_window = False
        self.dialog = JobDialog(title, progress_text(what, None)[0], parent)
        self.thread = QThread(self)
        self.worker = _Worker(store, work)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progressed)
        self.worker.waiting.connect(self._waiting)
        # methods of this object, which lives in the GUI thread: Qt queues the calls
        # (a lambda would run in the worker's thread)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.failed.connect(self._failed)
        self.dialog.canceled.connect(self.cancel)
        self.running = False

    def start(self):
        self.running = True
        self.dialog.show()  # modal at once: nothing in the window writes the book meanwhile
        self.thread.start()

    def cancel(self):
        """Ask the job to stop; it ends with ``cancelled`` once its work is undone (or with
        ``succeeded`` when it was already complete)."""
        if not self.worker.stop.is_set():
            self.worker.stop.set()
            self.dialog.canceled.emit()  # "Cancelling…"

    @property
    def cancel_asked(self) -> bool:
        return self.worker.stop.is_set()

    @Slot(object)
    def _progressed(self, report):
        self.dialog.show_progress(*progress_text(self.what, report))

    @Slot(str)
    def _waiting(self, message: str):
        self.dialog.show_progress(f"{self.what}…\n{message[0].upper()}{message[1:]}", 0, 0)

    @Slot(object)
    def _succeeded(self, result):
        self._end(self.succeeded, result)

    @Slot()
    def _cancelled(self):
        self._end(self.cancelled)

    @Slot(str)
    def _failed(self, message: str):
        self._end(self.failed, message)

    def _end(self, signal, *args):
        self.running = False
        self.thread.quit()
        self.thread.wait()
        self.close_window = self.close_window or self.dialog.quit_asked
        self.dialog.finish()
        signal.emit(*args)
        self.ended.emit()
