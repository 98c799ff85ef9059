"""The recommendation card: what we advise, to whom, why, and what it concerns."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from ..domain import label
from ..dossier import RecommendationDossier
from . import blocks
from .blocks import CardContext
from .card import CardPlan, render_card
from .fitting import Section
from .pages import format_date
from .text import line, rich_text


def plan(dossier: RecommendationDossier):
    rec = dossier.recommendation

    def build(ctx: CardContext) -> CardPlan:
        prep = ctx.prep
        addressees = ", ".join(filter(None, [rec.addressee] + [
            dossier.actors[u].name for u in rec.addressee_uids if u in dossier.actors]))

        def header(styles):
            out = [line(rec.title, prep, styles.name)]
            rows = [("Addressee", addressees), ("Priority", label(rec.priority)),
                    ("Status", label(rec.status)), ("Date", format_date(rec.date)),
                    ("Author", rec.author), ("Tags", ", ".join(rec.tags[:12]))]
            return out + blocks.facts(rows, ctx, styles)

        def text(title, value):
            def build_section(styles, limit):
                if not value:
                    return []
                out = blocks.heading(title, styles) + rich_text(
                    value, prep, styles.subtitle if title == "Recommendation" else styles.body,
                    styles.bullet, limit)
                if limit < len(value):
                    out.append(Paragraph(f"{title} shortened to fit the card — the full text "
                                         "is in the book.", styles.note))
                return out
            return build_section

        def meetings(styles, limit):
            if not dossier.meetings:
                return []
            rows = [[Paragraph(format_date(m.date), styles.cell),
                     Paragraph(prep.inline(m.title), styles.cell),
                     Paragraph(prep.inline(m.place), styles.cell)]
                    for m in dossier.meetings[:limit]]
            out = blocks.heading("Meetings", styles)
            out += blocks.items(["Date", "Meeting", "Place"], rows, [0.18, 0.6, 0.22], ctx,
                                styles) if rows else []
            if limit < len(dossier.meetings):
                out.append(blocks.more_note(len(dossier.meetings) - limit, "meeting",
                                            "see the memo", styles))
            return out

        concerned = [dossier.actors[u] for u in rec.actor_uids if u in dossier.actors]

        def actors(styles, limit):
            if not concerned:
                return []
            rows = [[Paragraph(prep.inline(a.name), styles.cell_bold),
                     Paragraph(prep.inline(a.native_name), styles.cell),
                     Paragraph(prep.inline(a.title or label(a.kind)), styles.cell)]
                    for a in concerned[:limit]]
            out = blocks.heading("Actors concerned", styles)
            out += blocks.items(["Name", "Native name", "Title or kind"], rows,
                                [0.32, 0.32, 0.36], ctx, styles) if rows else []
            if limit < len(concerned):
                out.append(blocks.more_note(len(concerned) - limit, "actor", "see the book",
                                            styles))
            return out

        sections = [
            Section("text", 90, len(rec.text), text("Recommendation", rec.text),
                    minimum=min(len(rec.text), 800)),
            Section("rationale", 50, len(rec.rationale), text("Rationale", rec.rationale),
                    minimum=min(len(rec.rationale), 300)),
            Section("meetings", 30, len(dossier.meetings), meetings),
            Section("actors", 25, len(concerned), actors),
            Section("sources", 80, len(dossier.sources),
                    lambda styles, limit: blocks.citations(ctx, styles, limit)),
        ]
        return CardPlan("Recommendation card", rec.title, header, sections, dossier.sources)

    return build


def render(dossier: RecommendationDossier, settings, page_size=None, as_of=None):
    return render_card(plan(dossier), settings, page_size, as_of)
