"""The same actor and meeting card made with other PDF libraries, for the benchmark.

``python -m desktopapp.bench --suite peers`` times these beside our cards
(``pip install ".[bench]"`` brings fpdf2 and WeasyPrint). Each maker lays
out what our card shows — name, native name, title, biography, positions;
or title, date, place, delegations, outcomes — in the same embedded font
(Roboto), on one A4 page, and returns the PDF bytes. No fitting, no
shortening, no fallback fonts: the plain cost of each library.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from .domain import Actor


def _font(style: str = "Regular") -> str:
    import font_roboto

    return str(Path(font_roboto.font_directory) / f"Roboto-{style}.ttf")


def _content(store, record) -> tuple[str, str, list[tuple[str, str]], str]:
    """(heading, subheading, rows of (label, text), closing text) of a card."""
    if isinstance(record, Actor):
        rows = [(p.topic, p.stance) for p in record.positions]
        return (record.name, " — ".join(filter(None, [record.native_name, record.title])),
                rows, record.biography)
    names = store.names_for_uids([p.actor_uid for p in record.participants])
    rows = [(p.side or "—", f"{names.get(p.actor_uid, '')} ({p.role.value})")
            for p in record.participants]
    when = record.date.isoformat() if record.date else ""
    return record.title, f"{when}, {record.place}", rows, record.outcomes


def reportlab_card(store, record) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    if "PeerRoboto" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PeerRoboto", _font()))
        pdfmetrics.registerFont(TTFont("PeerRoboto-Bold", _font("Bold")))
    heading, sub, rows, closing = _content(store, record)
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("peer", fontName="PeerRoboto", fontSize=10)
    title = styles["Title"].clone("peer-title", fontName="PeerRoboto-Bold")
    story = [Paragraph(escape(heading), title), Paragraph(escape(sub), body),
             Table([[Paragraph(escape(a), body), Paragraph(escape(b), body)] for a, b in rows]
                   or [["", ""]], colWidths=[120, 350]),
             Paragraph(escape(closing), body)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def fpdf2_card(store, record) -> bytes:
    from fpdf import FPDF

    heading, sub, rows, closing = _content(store, record)
    pdf = FPDF(format="A4")
    pdf.add_font("Roboto", "", _font())
    pdf.add_font("Roboto", "B", _font("Bold"))
    pdf.add_page()

    def line(height, text):  # each paragraph starts on a new line at the margin
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("Roboto", "B", 18)
    line(9, heading)
    pdf.set_font("Roboto", "", 10)
    line(5, sub)
    for label, text in rows:
        line(5, f"{label}: {text}")
    line(5, closing)
    return bytes(pdf.output())


def weasyprint_card(store, record) -> bytes:
    from weasyprint import HTML

    heading, sub, rows, closing = _content(store, record)
    table = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for a, b in rows)
    html = (f"<style>@font-face {{font-family: R; src: url('file://{_font()}')}} "
            "body {font-family: R; font-size: 10pt} @page {size: A4}</style>"
            f"<h1>{escape(heading)}</h1><p>{escape(sub)}</p><table>{table}</table>"
            f"<p>{escape(closing)}</p>")
    return HTML(string=html).write_pdf()


def makers(store, record) -> dict:
    """Name -> function making the peer card of ``record`` (raises ImportError if missing)."""
    return {"plain ReportLab": lambda: reportlab_card(store, record),
            "fpdf2": lambda: fpdf2_card(store, record),
            "WeasyPrint": lambda: weasyprint_card(store, record)}
