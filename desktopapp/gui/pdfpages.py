"""PDF pages as images, for the preview pane, print preview and printing.

PDFium (through pypdfium2) rasterises the pages. It does not pin a Qt
release, unlike the PySide6_Pdf wheel, whose only release requires exactly
PySide6-Essentials 6.12.0 (see ``compat.py`` for why we avoid that one).

PDFium is not thread-safe: no two threads may call into it at once, not even
on different documents. Every call here holds ``PDFIUM``, so the preview
worker and a print job can run side by side.
"""

from __future__ import annotations

import threading

import pypdfium2
from PySide6.QtGui import QImage

PDFIUM = threading.Lock()
WHITE = (255, 255, 255, 255)


class PdfPages:
    """An open PDF: its page count, page sizes in points, and pages as QImages.

    A QImage (unlike a QPixmap) may be made in any thread, so pages can be
    rendered off the GUI thread and shown or printed in it.
    """

    def __init__(self, pdf: bytes):
        with PDFIUM:
            self._document = pypdfium2.PdfDocument(pdf)
            self._sizes = [self._document.get_page_size(i) for i in range(len(self._document))]

    def __len__(self) -> int:
        return len(self._sizes)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def size_points(self, index: int) -> tuple[float, float]:
        return self._sizes[index]

    def image(self, index: int, dpi: float) -> QImage:
        """Page ``index`` rendered at ``dpi`` pixels per inch, on white."""
        with PDFIUM:
            page = self._document[index]
            try:
                bitmap = page.render(scale=dpi / 72, fill_color=WHITE, rev_byteorder=True,
                                     prefer_bgrx=True, may_draw_forms=False)
                try:
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format_RGBX8888)
                    # the QImage only borrows PDFium's buffer: copy before it is freed
                    return image.copy()
                finally:
                    bitmap.close()
            finally:
                page.close()

    def image_width(self, index: int, width_px: int) -> QImage:
        """Page ``index`` rendered ``width_px`` pixels wide."""
        points_wide = self._sizes[index][0] or 1
        return self.image(index, max(1.0, width_px / points_wide * 72))

    def close(self):
        with PDFIUM:
            self._document.close()
