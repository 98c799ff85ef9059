"""The memo: a multi-page PDF in the style of a policy bulletin.

Organisation masthead, series number and date, title, authors, lead
paragraph, body sections with run-in headings, a Recommendations section,
and an annex with the who's-who of the meetings covered. Running header
and footer with "Page X of Y", PDF bookmarks for the sections, metadata.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
)
from reportlab.platypus.flowables import HRFlowable

from ..domain import RecommendationStatus, label
from ..dossier import MemoDossier
from . import blocks, meeting_card
from .blocks import CardContext
from .card import RenderResult, page_info
from .fonts import TextPreparer
from .pages import build, content_size, format_date
from .scripts import Paragraph
from .styles import NAVY, RULE, card_styles
from .text import rich_text


class Bookmark(Flowable):
    """An invisible mark that adds a PDF outline entry where it lands."""

    def __init__(self, title: str, key: str, level: int = 0):
        super().__init__()
        self.title, self.key, self.level = title, key, level
        self.width = self.height = 0

    def wrap(self, *args):
        return 0, 0

    def draw(self):
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def _masthead(memo, settings, styles, prep) -> list:
    organisation = (settings.organisation or "Briefing Desk").upper()
    series = " · ".join(filter(None, [memo.number, format_date(memo.date)]))
    out = [Paragraph(prep.inline(organisation), styles.heading),
           HRFlowable(width="100%", thickness=2, color=NAVY, spaceBefore=1, spaceAfter=3),
           Paragraph("MEMO" + (f" · {prep.inline(series)}" if series else ""), styles.label),
           Spacer(1, 6 * mm),
           Paragraph(prep.inline(memo.title), styles.name)]
    if memo.authors:
        out.append(Paragraph(f"<i>{prep.inline(', '.join(memo.authors))}</i>", styles.subtitle))
    out.append(Spacer(1, 4 * mm))
    return out


def recommendation_note(item, memo) -> str:
    """To whom, and whose advice it is when not the memo's authors', in a sentence.

    A bulletin prints who a recommendation is for and who makes it, not a
    record's fields; priority and status are the book's own bookkeeping, so
    the memo names them only when they say something (a priority given, a
    recommendation no longer merely proposed).
    """
    rec = item.recommendation
    addressees = [rec.addressee] + [item.actors[u].name for u in rec.addressee_uids
                                    if u in item.actors and item.actors[u].name != rec.addressee]
    parts = []
    if addressees := [a for a in addressees if a]:
        parts.append("Addressed to " + ", ".join(addressees))
    if rec.author and rec.author not in (", ".join(memo.authors), *memo.authors):
        parts.append(f"recommended by {rec.author}")
    if rec.priority:
        parts.append(f"priority {label(rec.priority)}")
    if rec.status and rec.status != RecommendationStatus.PROPOSED:
        parts.append(label(rec.status))
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "." if sentence else ""


def story(dossier: MemoDossier, settings, page_size: str, prep: TextPreparer) -> list:
    memo = dossier.memo
    styles = card_styles(10.0)
    width, _ = content_size(page_size)
    ctx = CardContext(prep=prep, width=width, sources=dossier.sources)
    lead_style = styles.subtitle.clone("lead", fontName="CardSans-Bold", textColor=NAVY)
    # the lead is a paragraph, not a header line: right to left it aligns right
    lead_style.keep_start = False
    out = [Bookmark(memo.title, "top")] + _masthead(memo, settings, styles, prep)
    if memo.lead:
        out += rich_text(memo.lead, prep, lead_style, styles.bullet)
        out.append(HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=4,
                              spaceAfter=8))
    for number, section in enumerate(memo.sections):
        body = rich_text(section.body, prep, styles.body, styles.bullet)
        if section.heading:
            out.append(Bookmark(section.heading, f"section{number}", 0))
            if body and isinstance(body[0], Paragraph) and not body[0].bulletText:
                # run-in heading, as in the bulletin: bold heading, text on the same line
                run_in = f"<b>{prep.inline(section.heading)}.</b> " + body[0].text
                body[0] = Paragraph(run_in, styles.body)
            else:
                body.insert(0, Paragraph(f"<b>{prep.inline(section.heading)}</b>", styles.body))
        out += body
    if dossier.recommendations:
        out += [CondPageBreak(40 * mm), Bookmark("Recommendations", "recommendations")]
        out += blocks.heading("Recommendations", styles)
        for number, item in enumerate(dossier.recommendations, 1):
            rec = item.recommendation
            out.append(Paragraph(f"<b>{prep.inline(rec.title)}</b>", styles.bullet,
                                 bulletText=f"{number}."))
            out += rich_text(rec.text, prep, styles.bullet, styles.bullet)
            if note := recommendation_note(item, memo):
                out.append(Paragraph(f"<i>{prep.inline(note)}</i>", styles.bullet))
    if dossier.meetings:
        out += [PageBreak(), Bookmark("Annex: who's who", "annex")]
        out.append(Paragraph("Annex: who's who at the table", styles.native))
        for number, item in enumerate(dossier.meetings):
            meeting = item.meeting
            details = " · ".join(filter(None, [meeting_card.when(meeting), meeting.place,
                                               label(meeting.kind)]))
            block = [Bookmark(meeting.title, f"annex{number}", 1),
                     *blocks.heading(meeting.title, styles),
                     Paragraph(prep.inline(details), styles.small), Spacer(1, 2 * mm)]
            tables = meeting_card.delegation_table(item, ctx, styles, limit=10_000,
                                                   splittable=True)
            # a meeting's heading stays with its first delegates; a who's-who that
            # fits on one page stays on one page, a longer one breaks between people
            out.append(KeepTogether(block + tables[:1]) if tables else KeepTogether(block))
            out += tables[1:]
    if dossier.sources:
        out += [Bookmark("Sources", "sources")] + blocks.citations(ctx, styles, len(ctx.sources))
    return out


def render(dossier: MemoDossier, settings, page_size=None, as_of=None) -> RenderResult:
    page_size = page_size or settings.page_size.value
    prep = TextPreparer()
    memo = dossier.memo
    info = page_info("Memo", memo.title, settings, page_size, as_of or memo.date or dt.date.today(),
                     prep)
    info.author = ", ".join(memo.authors) or settings.author or settings.organisation
    info.subject = " ".join(filter(None, ["Memo", memo.number, format_date(memo.date)]))
    info.masthead_on_first_page = True
    pdf, pages = build(story(dossier, settings, page_size, prep), info,
                       doc_hook=lambda doc: setattr(doc, "showOutline", True))
    return RenderResult(pdf=pdf, pages=pages, warnings=prep.warnings(), body_size=10.0)
