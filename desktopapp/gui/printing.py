"""Printing a PDF, and print preview, along one path.

Qt cannot send a PDF file to a printer, so each page is rasterised and
painted onto the printer, one page at a time, at the printer's resolution
but no finer than 300 dpi: a 1200 dpi page image is 16 times the pixels for
no visible gain, and it used to take 1 GB and 18 s for a 3-page memo.

``paint_pdf`` is that path. Print runs it on a worker thread behind a
cancellable progress dialog (Qt allows a QPainter on a QPrinter in another
thread); print preview runs it inside QPrintPreviewWidget's paintRequested, which
must paint before it returns, at 150 dpi: about 10-40 ms a page on the GUI
thread, where 300 dpi took 130-290 ms. The preview's Print button hands back
to the same print job as Ctrl+P.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QImageWriter, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressDialog,
    QToolBar,
    QVBoxLayout,
)

from .exporting import BackgroundExport, Cancelled, safe_filename
from .pdfpages import PdfPages

MAX_DPI = 300
PREVIEW_DPI = 150  # the preview shows pages at screen size; zooming in stays sharp enough


class PrintError(Exception):
    """The printer refused to start (offline, no permission, bad output file)."""


def make_printer(pdf: bytes) -> QPrinter:
    """A printer set up for the document: its paper size and orientation, no extra margins."""
    printer = QPrinter(QPrinter.HighResolution)
    printer.setFullPage(True)  # the PDF has its own margins
    with PdfPages(pdf) as pages:
        if len(pages):
            width, height = pages.size_points(0)
            size = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Point)
            printer.setPageSize(size)
            printer.setPageOrientation(QPageLayout.Landscape if width > height
                                       else QPageLayout.Portrait)
    return printer


def paint_pdf(pdf: bytes, printer: QPrinter, progress=None, max_dpi: int = MAX_DPI) -> int:
    """Paint every page of ``pdf`` onto ``printer``; return the number of pages.

    ``progress(done, total)`` is called before each page and at the end; it
    may raise ``Cancelled``, which aborts the print job (nothing is printed).
    Only one page image exists at a time.
    """
    dpi = max(1, min(printer.resolution(), max_dpi))
    with PdfPages(pdf) as pages:
        total = len(pages)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError("the printer could not be started")
        try:
            for index in range(total):
                if progress is not None:
                    progress(index, total)
                if index:
                    printer.newPage()
                image = pages.image(index, dpi)
                painter.drawImage(_fit(painter, pages.size_points(index), printer), image)
                del image  # before the next page is rendered
            if progress is not None:
                progress(total, total)
        except Cancelled:
            printer.abort()
            raise
        finally:
            painter.end()
    return total


def _fit(painter: QPainter, points: tuple[float, float], printer: QPrinter) -> QRectF:
    """Where a page of ``points`` goes: true size if it fits the paper, else scaled down;
    centred."""
    area = QRectF(painter.viewport())
    scale = printer.resolution() / 72
    width, height = points[0] * scale, points[1] * scale
    shrink = min(1.0, area.width() / width, area.height() / height)
    width, height = width * shrink, height * shrink
    return QRectF(area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2,
                  width, height)


def document_name(title: str) -> str:
    """The print job's name, which the print dialog also offers as the PDF file's name:
    "actor Alexander Fomin", not "actor 'Alexander Fomin'" (quotes in a file name)."""
    return safe_filename(title.replace("'", "").replace('"', ""), suffix="")


class PrintJob(QObject):
    """Print: the system print dialog, then ``paint_pdf`` on a worker thread with progress.

    ``finished`` carries the number of pages printed, ``failed`` a message
    for the user ("" when the user cancelled).
    """

    finished = Signal(int)
    failed = Signal(str)

    def __init__(self, pdf: bytes, title: str, parent):
        super().__init__(parent)
        self.pdf = pdf
        self.title = title
        self.printer = make_printer(pdf)
        self.printer.setDocName(document_name(title))
        self._background: BackgroundExport | None = None

    def ask(self) -> bool:
        """Show the system print dialog; True when the user chose to print."""
        dialog = QPrintDialog(self.printer, self.parent())
        dialog.setWindowTitle(f"Print {self.title}")
        return dialog.exec() == QPrintDialog.Accepted

    def start(self):
        # Qt's image plugins are loaded here, on the GUI thread, not by the first page
        # the worker paints: loading them there takes Qt's signal lock while the worker
        # holds Python's, and a GUI thread disconnecting a signal meanwhile (holding the
        # one, wanting the other) hung the window for good
        QImageWriter.supportedImageFormats()
        progress = QProgressDialog(f"Printing {self.title}…", "Cancel", 0, 0, self.parent())
        progress.setWindowTitle("Printing")
        progress.setWindowModality(Qt.WindowModal)
        progress.setMinimumDuration(300)
        pdf, printer = self.pdf, self.printer
        self._background = BackgroundExport(
            lambda report: paint_pdf(pdf, printer, report), progress, self)
        self._background.done.connect(self.finished.emit)
        self._background.failed.connect(self.failed.emit)
        self._background.start()

    def stop(self):
        """Cancel and wait (the window is closing)."""
        if self._background is not None:
            self._background.stop()


class PrintPreview(QDialog):
    """Print preview: the pages as they will print, zoom and page buttons, Print… and Close.

    ``exec()`` returns ``PrintPreview.PRINT`` when the user asked to print.
    """

    PRINT = 2

    def __init__(self, pdf: bytes, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Print preview — {title}")
        self.printer = make_printer(pdf)
        self.printer.setDocName(document_name(title))
        self.view = QPrintPreviewWidget(self.printer, self)
        self.view.setAccessibleName("Print preview pages")
        self.view.paintRequested.connect(
            lambda target: paint_pdf(pdf, target, max_dpi=PREVIEW_DPI))
        self.page_label = QLabel()
        self.view.previewChanged.connect(self._show_page_number)
        tools = QToolBar()
        tools.addAction("Fit &width", self.view.fitToWidth)
        tools.addAction("Fit &page", self.view.fitInView)
        tools.addAction("Zoom &in", lambda: self.view.zoomIn())
        tools.addAction("Zoom &out", lambda: self.view.zoomOut())
        tools.addSeparator()
        tools.addAction("P&revious page", lambda: self._go(-1))
        tools.addAction("&Next page", lambda: self._go(1))
        tools.addWidget(self.page_label)
        buttons = QDialogButtonBox()
        buttons.addButton("&Close", QDialogButtonBox.RejectRole)
        print_button = buttons.addButton("&Print…", QDialogButtonBox.AcceptRole)
        print_button.setDefault(True)
        buttons.accepted.connect(lambda: self.done(self.PRINT))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(760, 900)
        self.view.setFocus()  # Enter then presses Print…, the default, not Close

    def page_count(self) -> int:
        return self.view.pageCount()

    def _go(self, step: int):
        self.view.setCurrentPage(min(max(1, self.view.currentPage() + step),
                                     self.view.pageCount()))
        self._show_page_number()

    def _show_page_number(self):
        self.page_label.setText(f"  Page {self.view.currentPage()} of {self.view.pageCount()}")
