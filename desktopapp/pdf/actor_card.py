"""The actor card ("baseball card"): who they are, what they want, where we met them."""

from __future__ import annotations

from reportlab.platypus import Paragraph, Table, TableStyle

from ..domain import ActorKind, label
from ..dossier import ActorDossier
from . import blocks, fonts
from .blocks import CardContext
from .card import CardPlan, render_card
from .fitting import Section
from .pages import format_date
from .text import line, rich_text

ALIASES_MAX = 300  # characters of aliases printed under the name


def _role_label(role: str) -> str:
    return {"head": "head of delegation", "host": "host"}.get(role, role)


def _side(dossier: ActorDossier) -> str:
    """The side the actor sat on most recently, or else their first affiliation."""
    for entry in dossier.meetings:
        if entry.side:
            return entry.side
    return dossier.affiliations[0].name if dossier.affiliations else ""


def plan(dossier: ActorDossier):
    actor = dossier.actor

    def build(ctx: CardContext) -> CardPlan:
        prep = ctx.prep

        def header(styles):
            stack = [line(actor.name, prep, styles.name)]
            if actor.native_name:
                stack.append(line(actor.native_name, prep, styles.native))
            if actor.title:
                stack.append(line(actor.title, prep, styles.subtitle))
            if actor.aliases:
                aliases = ", ".join(actor.aliases)
                if len(aliases) > ALIASES_MAX:
                    aliases = aliases[:ALIASES_MAX].rstrip() + " …"
                stack.append(Paragraph("<i>Also:</i> " + prep.inline(aliases), styles.small))
            picture = blocks.photo(actor.photo, *blocks.PHOTO_SIZE)
            if picture is None:
                top = stack
            else:
                gap = styles.size * 1.2
                photo_width = blocks.PHOTO_SIZE[0] + gap
                table = Table([[picture, stack]],
                              colWidths=[photo_width, ctx.width - photo_width], hAlign="LEFT")
                table.setStyle(TableStyle([
                    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # not the default Helvetica
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
                top = [table]
            members_label = "Members" if actor.kind == ActorKind.GROUP else "Affiliated"
            rows = [("Kind", label(actor.kind)),
                    ("Affiliation", blocks.name_list(dossier.affiliations, ctx)),
                    ("Side", _side(dossier)),
                    (members_label, blocks.name_list(dossier.members, ctx)),
                    ("Tags", ", ".join(actor.tags[:12]))]
            return top + blocks.facts(rows, ctx, styles)

        def biography(styles, limit):
            if not actor.biography:
                return []
            out = blocks.heading("Biography", styles)
            out += rich_text(actor.biography, prep, styles.body, styles.bullet, limit)
            if limit < len(actor.biography):
                out.append(Paragraph("Biography shortened to fit the card — the full text is "
                                     "in the book.", styles.note))
            return out

        def positions(styles, limit):
            if not actor.positions:
                return []
            rows = []
            for p in actor.positions[:limit]:
                stance = prep.inline(p.stance)
                cite = ctx.cite(p.source_uid)
                rows.append([Paragraph(prep.inline(p.topic), styles.cell_bold),
                             Paragraph(stance + (f" {cite}" if cite else ""), styles.cell),
                             Paragraph(format_date(p.as_of), styles.cell)])
            out = blocks.heading("Positions", styles)
            out += blocks.items(["Topic", "Stance", "As of"], rows, [0.24, 0.58, 0.18], ctx,
                                styles) if rows else []
            if limit < len(actor.positions):
                out.append(blocks.more_note(len(actor.positions) - limit, "position",
                                            "see the book", styles))
            return out

        def meetings(styles, limit):
            if not dossier.meetings:
                return []
            rows = [[Paragraph(format_date(m.meeting.date), styles.cell),
                     Paragraph(prep.inline(m.meeting.title), styles.cell),
                     Paragraph(prep.inline(_role_label(m.role)
                                           + (f", {m.side}" if m.side else "")), styles.cell)]
                    for m in dossier.meetings[:limit]]
            out = blocks.heading("Recent meetings", styles)
            out += blocks.items(["Date", "Meeting", "Role"], rows, [0.18, 0.54, 0.28], ctx,
                                styles) if rows else []
            if limit < len(dossier.meetings):
                out.append(blocks.more_note(len(dossier.meetings) - limit, "meeting",
                                            "see the memo", styles))
            return out

        def recommendations(styles, limit):
            if not dossier.recommendations:
                return []
            rows = [[Paragraph(label(r.priority), styles.cell_bold),
                     Paragraph(prep.inline(r.title), styles.cell),
                     Paragraph(label(r.status), styles.cell)]
                    for r in dossier.recommendations[:limit]]
            out = blocks.heading("Recommendations", styles)
            out += blocks.items(["Priority", "Recommendation", "Status"], rows,
                                [0.14, 0.68, 0.18], ctx, styles) if rows else []
            if limit < len(dossier.recommendations):
                out.append(blocks.more_note(len(dossier.recommendations) - limit,
                                            "recommendation", "see the memo", styles))
            return out

        # listed in reading order; the numbers say what is shortened first
        sections = [
            Section("biography", 10, len(actor.biography), biography, minimum=min(
                len(actor.biography), 600)),
            Section("positions", 60, len(actor.positions), positions),
            Section("meetings", 30, len(dossier.meetings), meetings),
            Section("recommendations", 20, len(dossier.recommendations), recommendations),
            Section("sources", 80, len(dossier.sources),
                    lambda styles, limit: blocks.citations(ctx, styles, limit)),
        ]
        return CardPlan("Actor card", actor.name, header, sections, dossier.sources)

    return build


def render(dossier: ActorDossier, settings, page_size=None, as_of=None):
    return render_card(plan(dossier), settings, page_size, as_of)
