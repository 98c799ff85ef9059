"""Handouts: the meeting card, then one actor card per participant in delegation order.

Every card is fitted to its own page. ``two_up`` prints A5 cards two to an
A4 landscape sheet with cut marks (imposition with pypdf).
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import PageBreak

from ..dossier import Handout
from . import actor_card, fonts, meeting_card
from .card import RenderResult, fit_card, page_info, shortened_warnings
from .fonts import TextPreparer
from .pages import build


def render(handout: Handout, settings, page_size=None, as_of=None, *, two_up=False,
           progress=None) -> RenderResult:
    """``progress(done, total)`` is called after each card is laid out; it may raise to cancel."""
    page_size = "a5" if two_up else (page_size or settings.page_size.value)
    prep = TextPreparer()
    plans = [meeting_card.plan(handout.meeting)] + [actor_card.plan(d) for d in handout.actors]
    story, warnings = [], []
    for done, plan_for in enumerate(plans, 1):
        plan, result = fit_card(plan_for, page_size, prep)
        if story:
            story.append(PageBreak())
        story.extend(result.flowables)
        warnings += shortened_warnings(result, plan.sections, f"{plan.kind_label} {plan.title!r}")
        if progress:
            progress(done, len(plans))
    info = page_info("Handout", handout.meeting.meeting.title, settings, page_size, as_of, prep)
    pdf, pages = build(story, info)
    if two_up:
        pdf = impose_two_up(pdf)
        pages = (pages + 1) // 2  # sheets of paper
    return RenderResult(pdf=pdf, pages=pages, warnings=prep.warnings() + warnings)


def _cut_marks(width: float, height: float) -> PageObject:
    buffer = io.BytesIO()
    # a canvas starts each page in Helvetica, which would name a font the
    # sheet does not embed: start it in the card family instead
    fonts.register()
    c = pdfcanvas.Canvas(buffer, pagesize=(width, height), initialFontName=fonts.REGULAR)
    c.setLineWidth(0.4)
    c.setStrokeGray(0.35)
    middle = width / 2
    length = 5 * mm
    c.line(middle, 0, middle, length)
    c.line(middle, height - length, middle, height)
    c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


def impose_two_up(pdf: bytes) -> bytes:
    """A5 portrait pages side by side on A4 landscape sheets, with cut marks at the fold."""
    reader = PdfReader(io.BytesIO(pdf))
    width, height = landscape(A4)
    marks = _cut_marks(width, height)
    writer = PdfWriter()
    pages = list(reader.pages)
    for start in range(0, len(pages), 2):
        sheet = PageObject.create_blank_page(width=width, height=height)
        for slot, page in enumerate(pages[start:start + 2]):
            page_width = float(page.mediabox.width)
            x = width / 2 - page_width if slot == 0 else width / 2
            sheet.merge_transformed_page(page, Transformation().translate(tx=x, ty=0))
        sheet.merge_page(marks)
        writer.add_page(sheet)
    writer.add_metadata(reader.metadata or {})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
