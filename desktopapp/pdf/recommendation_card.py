"""The recommendation card: what we advise, to whom, why, and what it concerns."""

from __future__ import annotations

from ..domain import label, priority_label, status_label
from ..dossier import RecommendationDossier
from . import blocks
from .blocks import CardContext
from .card import CardPlan, render_card
from .pages import format_date
from .scripts import Paragraph
from .text import line


def plan(dossier: RecommendationDossier):
    rec = dossier.recommendation

    def build(ctx: CardContext) -> CardPlan:
        prep = ctx.prep
        addressees = ", ".join(filter(None, [rec.addressee] + [
            dossier.actors[u].name for u in rec.addressee_uids if u in dossier.actors]))

        def header(styles):
            out = [line(rec.title, prep, styles.name, "Title", title=True)]
            rows = [("Addressee", addressees), ("Priority", priority_label(rec.priority)),
                    ("Status", status_label(rec.status)), ("Date", format_date(rec.date)),
                    ("Author", rec.author), ("Tags", ", ".join(rec.tags[:12]))]
            return out + blocks.facts(rows, ctx, styles)

        def meeting_row(m, styles):
            return [Paragraph(m.when(), styles.cell),
                    Paragraph(prep.inline(m.title), styles.cell),
                    Paragraph(prep.inline(m.place), styles.cell)]

        def actor_row(a, styles):
            return [Paragraph(prep.inline(a.name), styles.cell_bold),
                    Paragraph(prep.inline(a.native_name), styles.cell),
                    Paragraph(prep.inline(a.title or label(a.kind)), styles.cell)]

        concerned = [dossier.actors[u] for u in rec.actor_uids if u in dossier.actors]
        sections = [
            blocks.text_section("text", 90, "Recommendation", rec.text, ctx, keep=800,
                                style="subtitle"),
            blocks.text_section("rationale", 50, "Rationale", rec.rationale, ctx, keep=300),
            blocks.table_section("meetings", 30, "Meetings", ["Date", "Meeting", "Place"],
                                 [0.18, 0.6, 0.22], dossier.meetings, meeting_row, "meeting",
                                 "see the memo", ctx),
            blocks.table_section("actors", 25, "Actors concerned",
                                 ["Name", "Native name", "Title or kind"], [0.32, 0.32, 0.36],
                                 concerned, actor_row, "actor", "see the book", ctx),
            blocks.sources_section(ctx, len(dossier.sources)),
        ]
        return CardPlan("Recommendation card", rec.title, header, sections, dossier.sources)

    return build


def render(dossier: RecommendationDossier, settings, page_size=None, as_of=None):
    return render_card(plan(dossier), settings, page_size, as_of)
