"""Page furniture shared by every document: header, footer, page numbers, metadata.

Header: organisation (left; not on a memo's first page, under its masthead),
classification marking (centre), document kind (right). Footer: "As of" date
(left), marking (centre), "Page X of Y" (right). "Y" is known only at the
end, so the canvas defers each page's drawing until the document is complete.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .. import __version__
from ..domain import DatePrecision
from ..domain import format_date as domain_format_date
from . import fonts
from .styles import MARGINS, MARKING, MUTED, NAVY, PAGE_SIZES, RULE

HEADER_HEIGHT = 9 * mm
FOOTER_HEIGHT = 8 * mm


@dataclass
class PageInfo:
    """What every page of a document prints besides its content."""

    kind_label: str  # "Actor card", "Meeting card", "Memo" ...
    organisation: str = ""
    classification: str = ""
    as_of: dt.date = field(default_factory=dt.date.today)
    page_size: str = "a4"
    title: str = ""
    author: str = ""
    subject: str = ""
    # a memo's first page names the organisation in its masthead: not twice
    masthead_on_first_page: bool = False


# The furniture's lines, laid out once and drawn on every page (a 500-page
# handout drew the same organisation 500 times): (text, width, font, size,
# colour) -> (paragraph, its width). One set per thread: a paragraph is drawn
# on one canvas at a time (the preview and an export may render at once).
_lines_of_thread = threading.local()


def _line(text: str, width: float, font: str, size: float, color):
    lines = getattr(_lines_of_thread, "lines", None)
    if lines is None:
        lines = _lines_of_thread.lines = {}
    key = (text, width, font, size, color.hexval())
    found = lines.get(key)
    if found is None:
        from reportlab.lib.styles import ParagraphStyle

        from .scripts import one_line

        prep = fonts.TextPreparer()
        style = ParagraphStyle("furniture", fontName=font, fontSize=size,
                               leading=size * 1.2, textColor=color)
        words = [prep.inline(word) for word in text.split()]
        para, used, _shortened = one_line(words, style, width)
        para.wrap(used, 10_000)
        if len(lines) > 64:
            lines.clear()
        found = lines[key] = (para, used)
    return found


def _draw_line(canvas, text: str, x: float, baseline: float, width: float, font: str,
               size: float, color, align: str = "left"):
    """User text in the page furniture: any script, shortened between words to fit."""
    para, used = _line(text, width, font, size, color)
    left = {"left": x, "centre": x - used / 2, "right": x - used}[align]
    para.drawOn(canvas, left, baseline - (para.style.leading - size))


class NumberedCanvas(pdfcanvas.Canvas):
    """Draws header and footer on every page once the page count is known."""

    def __init__(self, *args, page_info: PageInfo, **kwargs):
        kwargs["initialFontName"] = fonts.REGULAR  # never the standard-14 Helvetica
        super().__init__(*args, **kwargs)
        self._info = page_info
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            draw_furniture(self, self._info, number, total)
            super().showPage()
        super().save()


def draw_furniture(canvas, info: PageInfo, number: int, total: int):
    width, height = canvas._pagesize
    margin = MARGINS[info.page_size]
    top = height - margin * 0.75
    bottom = margin * 0.6
    size = 7.5 if info.page_size == "a5" else 8
    third = (width - 2 * margin) / 3
    # the organisation keeps to its third beside a classification marking; with
    # none it may run up to the document kind on the right
    kind_width = pdfmetrics.stringWidth(info.kind_label.upper(), fonts.REGULAR, size)
    room = third if info.classification else width - 2 * margin - kind_width - 6 * mm
    canvas.saveState()
    if info.organisation and not (info.masthead_on_first_page and number == 1):
        _draw_line(canvas, info.organisation, margin, top, room, fonts.BOLD, size, NAVY)
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.REGULAR, size)
    canvas.drawRightString(width - margin, top, info.kind_label.upper())
    if info.classification:
        for baseline in (top, bottom):
            _draw_line(canvas, info.classification.upper(), width / 2, baseline, third,
                       fonts.BOLD, size + 1, MARKING, align="centre")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(margin, top - 2.2 * mm, width - margin, top - 2.2 * mm)
    canvas.line(margin, bottom + 3.4 * mm, width - margin, bottom + 3.4 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.REGULAR, size)
    canvas.drawString(margin, bottom, f"As of {format_date(info.as_of)}")
    canvas.drawRightString(width - margin, bottom, f"Page {number} of {total}")
    canvas.restoreState()


def format_date(value: dt.date | None, precision=DatePrecision.DAY) -> str:
    """16 May 2025 (or May 2025, 2025): unambiguous on both sides of the Atlantic."""
    return domain_format_date(value, precision)


def content_frame(page_size: str, x0=None, width=None, name="content") -> Frame:
    page_width, page_height = PAGE_SIZES[page_size]
    margin = MARGINS[page_size]
    x0 = margin if x0 is None else x0
    width = page_width - 2 * margin if width is None else width
    return Frame(x0, margin + FOOTER_HEIGHT, width,
                 page_height - 2 * margin - HEADER_HEIGHT - FOOTER_HEIGHT,
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)


def content_size(page_size: str) -> tuple[float, float]:
    frame = content_frame(page_size)
    # the width exactly as the frame hands it to each flowable (on A4 it is
    # one float step below _width): what the fitting measured at is then what
    # the page lays out at, so no paragraph or table is measured twice
    return frame._getAvailableWidth(), frame._height


class Document(BaseDocTemplate):
    def __init__(self, buffer, info: PageInfo, templates=None, **kwargs):
        super().__init__(
            buffer, pagesize=PAGE_SIZES[info.page_size], title=info.title,
            author=info.author or info.organisation, subject=info.subject or info.kind_label,
            creator=f"Briefing Desk {__version__}", leftMargin=MARGINS[info.page_size],
            rightMargin=MARGINS[info.page_size], topMargin=MARGINS[info.page_size],
            bottomMargin=MARGINS[info.page_size], **kwargs)
        self.addPageTemplates(templates or [
            PageTemplate(id="page", frames=[content_frame(info.page_size)])])


def build(story, info: PageInfo, *, templates=None, multi_build=False,
          doc_hook=None) -> tuple[bytes, int]:
    """Lay out ``story``; return the PDF bytes and the number of pages."""
    buffer = io.BytesIO()
    doc = Document(buffer, info, templates)
    if doc_hook:
        doc_hook(doc)

    def make_canvas(*args, **kwargs):
        return NumberedCanvas(*args, page_info=info, **kwargs)

    if multi_build:
        doc.multiBuild(story, canvasmaker=make_canvas)
    else:
        doc.build(story, canvasmaker=make_canvas)
    return buffer.getvalue(), doc.page
