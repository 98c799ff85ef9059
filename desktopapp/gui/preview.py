"""Live card preview: the PDF the user would print, rendered off the GUI thread.

A card with a 50,000-character biography takes seconds to lay out, so the
pane never renders on the GUI thread: it hands a job to one worker thread
and shows "Rendering…" until the pages arrive. Only the newest job counts:
a job still waiting when a newer one comes is dropped, and a result that
arrives after a newer request is discarded, so the preview never shows a
record the user has already left.

A job starts once the GUI thread has handled the events already waiting,
not at once: the card is laid out in Python, and a worker started at once
took turns at the interpreter lock with the GUI thread while the list that
chose the record still had to paint, so a filter keystroke waited for the
card it had asked for.

Pages are PDFium images (``pdfpages``) as wide as the pane, re-rendered
when the pane is resized.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from .pdfpages import PdfPages

log = logging.getLogger(__name__)

EMPTY = "Select a record to see its card."
RESIZE_DELAY_MS = 150
PAGE_GAP = 8


@dataclass
class Rendered:
    """What the worker hands back: the document (None when only re-rasterised), its
    PDF and the page images, for request number ``ticket``."""

    ticket: int
    result: object | None
    pdf: bytes
    images: list
    width: int
    error: str = ""


class LatestJobWorker(QObject):
    """One thread that runs the newest job it was given; older waiting jobs are dropped.

    ``job()`` runs on the worker thread; its value (or the error) comes back
    through ``done`` on the thread that owns this object, i.e. the GUI.
    """

    done = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._wake = threading.Condition()
        self._job = None
        self._stopping = False
        self.busy = False
        self._thread = threading.Thread(target=self._run, name="preview-render", daemon=True)
        self._thread.start()

    def submit(self, job):
        with self._wake:
            self._job = job  # replaces a job that has not started: it is stale
            self._wake.notify()

    def stop(self, wait: float = 2.0):
        with self._wake:
            self._stopping = True
            self._job = None
            self._wake.notify()
        # A render cannot be interrupted half-way; the thread is a daemon, so
        # a long one left running does not hold up quitting.
        self._thread.join(wait)

    def _run(self):
        while True:
            with self._wake:
                while self._job is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                job, self._job = self._job, None
                self.busy = True
            value = job()
            with self._wake:
                self.busy = False
                if self._stopping:
                    return
            try:
                self.done.emit(value)
            except RuntimeError:  # the pane was deleted while the job ran
                return


class PreviewPane(QWidget):
    """The current record's document, page under page, as wide as the pane.

    ``pdf`` and ``page_count()`` describe what is shown; ``rendered`` is
    emitted when a requested document is shown (or failed: ``error``).
    """

    rendered = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel(EMPTY)
        self.caption.setWordWrap(True)
        self.caption.setAccessibleName("Preview caption")
        self.pages_box = QWidget()
        self.pages_box.setAccessibleName("Card preview")
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setContentsMargins(0, 0, 0, 0)
        self.pages_layout.setSpacing(PAGE_GAP)
        self.pages_layout.addStretch()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        # A scroll bar that comes and goes changes the width, hence the page
        # size, hence the scroll bar: keep it on so the layout settles.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.scroll.setBackgroundRole(self.backgroundRole())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.scroll, 1)
        self.worker = LatestJobWorker(self)
        self.worker.done.connect(self._arrived)
        self.resize_timer = QTimer(self)
        self.resize_timer.setSingleShot(True)
        self.resize_timer.setInterval(RESIZE_DELAY_MS)
        self.resize_timer.timeout.connect(self._rerender_for_width)
        # the newest requested job, handed to the worker when the GUI thread is idle
        self._waiting_job = None
        self.start_timer = QTimer(self)
        self.start_timer.setSingleShot(True)
        self.start_timer.setInterval(0)
        self.start_timer.timeout.connect(self._start_waiting_job)
        self.pdf: bytes = b""
        self.title = ""
        self.result = None  # the RenderResult shown (pages, warnings)
        self.error = ""
        self._ticket = 0
        self._caption_for = None
        self._shown_width = 0
        self._labels: list[QLabel] = []
        self.scroll.hide()

    # --- requests ----------------------------------------------------------------

    def render(self, job, caption_for, title: str = ""):
        """Show the document ``job()`` returns (a RenderResult), rendered on the worker.

        ``caption_for(result)`` gives the caption once it is there. Until then
        the old pages stay, greyed as being replaced. ``title`` names the
        document (for printing it).
        """
        self._ticket += 1
        self.title = title
        ticket, width = self._ticket, self._page_width()
        self._caption_for = caption_for
        self.pdf = b""
        self.result = None
        self.error = ""
        self.caption.setText("Rendering…")
        self.pages_box.setEnabled(False)  # greyed: what is shown is about to go

        def work():
            try:
                result = job()
                return Rendered(ticket, result, result.pdf, _page_images(result.pdf, width),
                                width)
            except Exception as exc:  # shown in the caption and logged by the GUI thread
                log.exception("preview rendering failed")
                return Rendered(ticket, None, b"", [], width,
                                f"{type(exc).__name__}: {exc}")

        self._waiting_job = work  # replaces one not handed over yet: it is stale
        self.start_timer.start()

    def _start_waiting_job(self):
        job, self._waiting_job = self._waiting_job, None
        if job is not None:
            self.worker.submit(job)

    def clear(self, caption: str = EMPTY):
        self._ticket += 1  # whatever is rendering now is stale
        self._waiting_job = None
        self.pdf = b""
        self.result = None
        self.error = ""
        self.caption.setText(caption)
        self._set_images([])
        self.scroll.hide()  # an empty pane would look like a blank page

    def is_rendering(self) -> bool:
        return self.caption.text() == "Rendering…"

    def page_count(self) -> int:
        return len(self._labels)

    def shutdown(self):
        self._ticket += 1
        self._waiting_job = None
        self.start_timer.stop()
        self.worker.stop()

    # --- results -----------------------------------------------------------------

    def _arrived(self, rendered: Rendered):
        if rendered.ticket != self._ticket:
            return  # the user has moved on: stale
        self.pages_box.setEnabled(True)
        if rendered.error:
            self.error = rendered.error
            self.caption.setText(f"The preview failed: {rendered.error}")
            self._set_images([])
            self.scroll.hide()
            self.rendered.emit()
            return
        if rendered.result is not None:
            self.result = rendered.result
            self.caption.setText(self._caption_for(rendered.result))
        self.pdf = rendered.pdf
        self._shown_width = rendered.width
        self._set_images(rendered.images)
        self.scroll.show()
        if abs(self._page_width() - rendered.width) > 4:  # the pane changed meanwhile
            self.resize_timer.start()
        self.rendered.emit()

    def _set_images(self, images):
        for label in self._labels:
            self.pages_layout.removeWidget(label)
            label.deleteLater()
        self._labels = []
        ratio = self.devicePixelRatioF()
        for number, image in enumerate(images, 1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label = QLabel()
            label.setPixmap(pixmap)
            label.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
            label.setAccessibleName(f"Page {number} of {len(images)}")
            self.pages_layout.insertWidget(self.pages_layout.count() - 1, label)
            self._labels.append(label)

    # --- width ---------------------------------------------------------------------

    def _page_width(self) -> int:
        """Device pixels a page may take: the scroll area's viewport, less the scroll bar."""
        width = self.scroll.viewport().width() if self.scroll.isVisible() else (
            self.width() - self.scroll.verticalScrollBar().sizeHint().width())
        return max(200, round((width - 2) * self.devicePixelRatioF()))

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.pdf and abs(self._page_width() - self._shown_width) > 4:
            self.resize_timer.start()

    def _rerender_for_width(self):
        if not self.pdf or self.is_rendering():
            return
        self._ticket += 1
        ticket, width, pdf = self._ticket, self._page_width(), self.pdf
        self.worker.submit(lambda: Rendered(ticket, None, pdf, _page_images(pdf, width), width))


def _page_images(pdf: bytes, width: int) -> list:
    with PdfPages(pdf) as pages:
        return [pages.image_width(index, width) for index in range(len(pages))]
