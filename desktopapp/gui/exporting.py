"""Exports from the window: safe default file names and rendering off the GUI thread."""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QObject, QThread, Signal, Slot

UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(title: str, suffix: str = ".pdf", fallback: str = "briefing") -> str:
    """A file name from a record title that cannot leave the chosen folder.

    "../../x" becomes "x.pdf"; separators, reserved and control characters go.
    """
    name = unicodedata.normalize("NFC", title or "")
    name = UNSAFE.sub(" ", name)
    name = " ".join(name.split()).strip(" .")
    name = name[:80].rstrip(" .") or fallback
    if name.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                                      *(f"LPT{i}" for i in range(10))}:
        name = f"{name}-file"
    return name + suffix


class Cancelled(Exception):
    pass


class RenderWorker(QObject):
    """Runs ``job(progress)`` on a thread; ``progress(done, total)`` raises Cancelled once asked."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, job):
        super().__init__()
        self.job = job
        self.cancelled = False

    def progress(self, done, total):
        if self.cancelled:
            raise Cancelled
        self.progressed.emit(done, total)

    @Slot()
    def run(self):
        try:
            result = self.job(self.progress)
            if self.cancelled:  # asked while a step that cannot stop half-way ran
                raise Cancelled
            self.finished.emit(result)
        except Cancelled:
            self.failed.emit("")
        except Exception as exc:  # handed to the GUI thread, which shows and logs it
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class BackgroundExport(QObject):
    """A render job on its own thread, reporting to a progress dialog in the GUI thread.

    Its slots are methods of an object living in the GUI thread, so Qt queues
    the worker's signals to them: nothing touches widgets from the worker.
    """

    done = Signal(object)
    failed = Signal(str)
    finished_all = Signal()

    def __init__(self, job, dialog, parent):
        super().__init__(parent)
        self.dialog = dialog
        self.thread = QThread(self)
        self.worker = RenderWorker(job)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progressed)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        dialog.canceled.connect(self.cancel)

    def start(self):
        self.thread.start()

    def cancel(self):
        self.worker.cancelled = True

    def stop(self):
        self.cancel()
        self.thread.quit()
        self.thread.wait(10_000)

    @Slot(int, int)
    def _progressed(self, done, total):
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)

    @Slot(object)
    def _finished(self, result):
        self._end()
        self.done.emit(result)

    @Slot(str)
    def _failed(self, message):
        self._end()
        self.failed.emit(message)

    def _end(self):
        self.dialog.reset()
        self.thread.quit()
        self.thread.wait()
        self.finished_all.emit()
