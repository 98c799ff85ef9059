"""Live card preview: the PDF the user would print, shown with QtPdf.

The QPdfDocument, its QBuffer and the QPdfView live as long as this widget,
owned by it on the Qt side. The view is created first, so Qt deletes it
before the document: a view outliving its document crashes.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PreviewPane(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = QPdfView(self)
        self.document = QPdfDocument(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # A scroll bar that comes and goes changes the width, hence the zoom,
        # hence the scroll bar: keep it on so the layout settles.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.view.setAccessibleName("Card preview")
        self.caption = QLabel("Select a record to see its card.")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        layout.addStretch()
        self._buffer: QBuffer | None = None
        self.pdf: bytes = b""

    def show_pdf(self, pdf: bytes, caption: str):
        self.document.close()
        old = self._buffer
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.ReadOnly)
        self.document.load(self._buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        self.pdf = pdf
        self.caption.setText(caption)
        self.view.show()

    def clear(self, caption: str = "Select a record to see its card."):
        self.document.close()
        self.pdf = b""
        self.caption.setText(caption)
        self.view.hide()  # an empty view would look like a blank page

    def page_count(self) -> int:
        return self.document.pageCount()

    def shutdown(self):
        self.document.close()
