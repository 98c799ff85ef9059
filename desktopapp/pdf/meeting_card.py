"""The meeting card: when and where, and the delegations side by side — the who's-who."""

from __future__ import annotations

from ..domain import ParticipantRole, label, priority_label
from ..dossier import MeetingDossier
from . import blocks
from .blocks import CardContext, Table
from .card import CardPlan, render_card
from .fitting import Section
from .scripts import Paragraph
from .styles import MIN_BODY, NAVY, RULE, TINT, card_styles
from .text import line

MAX_COLUMNS = 3  # delegations per row; more sides wrap onto further rows


def when(meeting) -> str:
    """"6–10 March 2023", "16 May 2025 · 10:00 · almost 2 h"."""
    parts = [meeting.when()]
    if meeting.start_time:
        parts.append(meeting.start_time.strftime("%H:%M"))
    parts.append(meeting.duration_text())
    return " · ".join(filter(None, parts))


def delegation_table(dossier: MeetingDossier, ctx: CardContext, styles, limit: int,
                     splittable: bool = False):
    """One column per side, head of delegation first; at most ``limit`` people per side.

    ``splittable`` (the memo's who's-who): one table row per rank, so a large
    delegation breaks across pages between people, with the side names repeated.
    """
    prep = ctx.prep
    sides = dossier.meeting.sides()
    if not sides:
        return []
    def person(participant):
        actor = dossier.actors.get(participant.actor_uid)
        name = actor.name if actor else participant.actor_uid
        text = f"<b>{prep.inline(name)}</b>"
        if actor and actor.native_name:
            text += f"<br/>{prep.inline(actor.native_name)}"
        lines = [prep.inline(actor.title)] if actor and actor.title else []
        if participant.role != ParticipantRole.MEMBER or participant.role_label:
            lines.append(f"<i>{prep.inline(participant.role_text())}</i>")
        if lines:
            text += f'<br/><font size="{styles.size * 0.84}">{"<br/>".join(lines)}</font>'
        return Paragraph(text, styles.person)

    out = []
    for start in range(0, len(sides), MAX_COLUMNS):
        group = sides[start:start + MAX_COLUMNS]
        columns = len(group)
        header = [Paragraph(prep.inline(side or "Participants"), styles.cell_bold)
                  for side, _ in group]
        cells = []
        for _side, members in group:
            entries = []
            for participant in members[:limit]:
                # one entry per person and role: the memo's who's-who shows a person
                # in several meetings, in a different role in each
                key = ("person", participant.actor_uid, participant.role,
                       participant.role_label, styles.size)
                entries.append(ctx.once(key, lambda p=participant: person(p)))
            if len(members) > limit:
                entries.append(blocks.more_note(len(members) - limit, "member",
                                                "see the handout", styles))
            cells.append(entries)
        if splittable:
            depth = max(len(entries) for entries in cells)
            rows = [[entries[i] if i < len(entries) else "" for entries in cells]
                    for i in range(depth)]
        else:
            rows = [cells]
        table = Table([header, *rows], colWidths=[ctx.width / columns] * columns,
                      hAlign="LEFT", repeatRows=1)
        table.setStyle(blocks.table_style(5, 3, ("BACKGROUND", (0, 0), (-1, 0), TINT),
                                          ("TEXTCOLOR", (0, 0), (-1, 0), NAVY),
                                          ("LINEBEFORE", (1, 0), (-1, -1), 0.5, RULE)))
        table.spaceAfter = styles.size * 0.5
        out.append(table)
    return out


def _lines(dossier: MeetingDossier, participant) -> int:
    """Lines a delegate's entry takes at least: name, native name, title, role."""
    actor = dossier.actors.get(participant.actor_uid)
    lines = 1 + bool(actor and actor.native_name) + bool(actor and actor.title)
    return lines + bool(participant.role != ParticipantRole.MEMBER or participant.role_label)


def least_delegations_height(dossier: MeetingDossier):
    """The least height of the delegations at the smallest type with at most n people a
    side: each entry's lines (a line may wrap, never fewer) and the gaps between
    entries, the tallest side of each row of sides (they stack)."""
    person = card_styles(MIN_BODY).person
    groups = []
    sides = dossier.meeting.sides()
    for start in range(0, len(sides), MAX_COLUMNS):
        heights = []
        for _side, members in sides[start:start + MAX_COLUMNS]:
            running = [0.0]
            for participant in members:
                gap = person.spaceAfter if len(running) > 1 else 0.0
                running.append(running[-1] + gap + _lines(dossier, participant) * person.leading)
            heights.append(running)
        groups.append(heights)

    def least(limit: int) -> float:
        return sum(max(side[min(limit, len(side) - 1)] for side in heights)
                   for heights in groups)

    return least


def plan(dossier: MeetingDossier):
    meeting = dossier.meeting

    def names(uids):
        return ", ".join(dossier.actors[u].name for u in uids if u in dossier.actors)

    def build(ctx: CardContext) -> CardPlan:
        prep = ctx.prep

        def header(styles):
            out = [line(meeting.title, prep, styles.name, "Title", title=True)]
            rows = [("When", when(meeting)), ("Place", meeting.place),
                    ("Format", label(meeting.kind)), ("Status", label(meeting.status)),
                    ("Host", names(meeting.host_uids)),
                    ("Mediator", names(meeting.mediator_uids)),
                    ("Tags", ", ".join(meeting.tags[:12]))]
            return out + blocks.facts(rows, ctx, styles)

        def delegations(styles, limit):
            if not meeting.participants:
                return []
            return blocks.heading("Delegations", styles) + delegation_table(
                dossier, ctx, styles, limit)

        def recommendation_row(r, styles):
            return [Paragraph(priority_label(r.priority), styles.cell_bold),
                    Paragraph(prep.inline(r.title), styles.cell),
                    Paragraph(prep.inline(r.addressee), styles.cell)]

        longest_side = max((len(m) for _, m in meeting.sides()), default=0)
        sections = [
            # a delegate is at least their lines at the 7.5 pt floor
            Section("delegations", 90, longest_side, delegations, minimum=min(longest_side, 1),
                    least_height=least_delegations_height(dossier)),
            blocks.text_section("agenda", 40, "Agenda", meeting.agenda, ctx, keep=300),
            blocks.text_section("outcomes", 60, "Outcomes", meeting.outcomes, ctx, keep=400),
            blocks.text_section("follow_ups", 35, "Follow-ups", meeting.follow_ups, ctx,
                                keep=200),
            blocks.table_section("recommendations", 20, "Recommendations",
                                 ["Priority", "Recommendation", "Addressee"],
                                 [0.14, 0.58, 0.28], dossier.recommendations,
                                 recommendation_row, "recommendation", "see the memo", ctx),
            blocks.sources_section(ctx, len(dossier.sources)),
        ]
        return CardPlan("Meeting card", meeting.title, header, sections, dossier.sources)

    return build


def render(dossier: MeetingDossier, settings, page_size=None, as_of=None):
    return render_card(plan(dossier), settings, page_size, as_of)
