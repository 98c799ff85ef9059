"""The actor card ("baseball card"): who they are, what they want, where we met them."""

from __future__ import annotations

from ..domain import ActorKind, label, priority_label, status_label
from ..dossier import ActorDossier
from . import blocks
from .blocks import CardContext, Table
from .card import CardPlan, render_card
from .pages import format_date
from .scripts import Paragraph
from .text import line

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
            stack = [line(actor.name, prep, styles.name, "Name", title=True)]
            if actor.native_name:
                stack.append(line(actor.native_name, prep, styles.native, "Native name",
                                  title=True))
            if actor.title:
                stack.append(line(actor.title, prep, styles.subtitle, "Title"))
            if actor.aliases:
                aliases = ", ".join(actor.aliases)
                if len(aliases) > ALIASES_MAX:
                    aliases = aliases[:ALIASES_MAX].rstrip() + " …"
                stack.append(Paragraph("<i>Also:</i> " + prep.inline(aliases, "Also known as"),
                                       styles.small))
            picture = blocks.photo(actor.photo, *blocks.PHOTO_SIZE, prep)
            if picture is None:
                top = stack
            else:
                gap = styles.size * 1.2
                photo_width = blocks.PHOTO_SIZE[0] + gap
                table = Table([[picture, stack]],
                              colWidths=[photo_width, ctx.width - photo_width], hAlign="LEFT")
                table.setStyle(blocks.table_style(0, 0))
                top = [table]
            members_label = "Members" if actor.kind == ActorKind.GROUP else "Affiliated"
            rows = [("Kind", label(actor.kind)),
                    ("Affiliation", blocks.name_list(dossier.affiliations, ctx)),
                    ("Side", _side(dossier)),
                    (members_label, blocks.name_list(dossier.members, ctx)),
                    ("Tags", ", ".join(actor.tags[:12]))]
            return top + blocks.facts(rows, ctx, styles)

        def position_row(p, styles):
            cite = ctx.cite(p.source_uid)
            return [Paragraph(prep.inline(p.topic), styles.cell_bold),
                    Paragraph(prep.inline(p.stance) + (f" {cite}" if cite else ""), styles.cell),
                    Paragraph(format_date(p.as_of, p.as_of_precision), styles.cell)]

        def meeting_row(m, styles):
            # every role the actor had, each with its own label: "head of
            # delegation (chair), host, Ukraine"
            role = ", ".join(_role_label(kind) + (f" ({words})" if words else "")
                             for kind, words in m.roles)
            role = ", ".join(filter(None, [role, m.side]))
            return [Paragraph(m.meeting.when(), styles.cell),
                    Paragraph(prep.inline(m.meeting.title), styles.cell),
                    Paragraph(prep.inline(role), styles.cell)]

        def recommendation_row(r, styles):
            return [Paragraph(priority_label(r.priority), styles.cell_bold),
                    Paragraph(prep.inline(r.title), styles.cell),
                    Paragraph(status_label(r.status), styles.cell)]

        # listed in reading order; the numbers say what is shortened first
        sections = [
            blocks.text_section("biography", 10, "Biography", actor.biography, ctx, keep=600),
            blocks.table_section("positions", 60, "Positions", ["Topic", "Stance", "As of"],
                                 [0.24, 0.58, 0.18], actor.positions, position_row,
                                 "position", "see the book", ctx),
            blocks.table_section("meetings", 30, "Recent meetings", ["Date", "Meeting", "Role"],
                                 [0.18, 0.54, 0.28], dossier.meetings, meeting_row, "meeting",
                                 "see the memo", ctx),
            blocks.table_section("recommendations", 20, "Recommendations",
                                 ["Priority", "Recommendation", "Status"], [0.14, 0.68, 0.18],
                                 dossier.recommendations, recommendation_row, "recommendation",
                                 "see the memo", ctx),
            blocks.sources_section(ctx, len(dossier.sources)),
        ]
        return CardPlan("Actor card", actor.name, header, sections, dossier.sources)

    return build


def render(dossier: ActorDossier, settings, page_size=None, as_of=None):
    return render_card(plan(dossier), settings, page_size, as_of)
