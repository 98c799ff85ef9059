"""Printing a PDF: Qt cannot send a PDF to a printer, so each page is rendered
with QtPdf at the printer's resolution and painted onto it."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument


def paint_pdf(pdf: bytes, printer) -> int:
    """Paint every page of ``pdf`` onto ``printer``; return the number of pages."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise OSError("the printer could not be started")
    try:
        dpi = printer.resolution()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            target = painter.viewport()
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            size = size.scaled(target.size(), Qt.KeepAspectRatio)
            image = document.render(page, size)
            painter.drawImage(QRect(target.topLeft(), size), image)
        return document.pageCount()
    finally:
        painter.end()
        document.close()
        buffer.close()
