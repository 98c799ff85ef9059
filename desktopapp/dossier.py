"""Everything a card or memo shows about a record, gathered from the store.

The renderers take these plain objects (domain records and lists of them)
and never see the store, SQL or Qt. The CLI and the GUI build them here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .domain import (
    TEXT_MAX,
    Actor,
    DatePrecision,
    Meeting,
    Memo,
    MemoSection,
    Recommendation,
    Source,
    format_date,
    format_date_span,
    label,
)


@dataclass
class MeetingRole:
    """A meeting an actor took part in, once, with every role they had in it."""

    meeting: Meeting
    # (role, the analyst's words for it or ""): participant roles as stored
    # (head, member, mediator, observer), then host or mediator of the meeting
    roles: list[tuple[str, str]]
    side: str = ""


@dataclass
class ActorDossier:
    """What an actor's card prints: the actor and the records linked to it."""

    actor: Actor
    affiliations: list[Actor] = field(default_factory=list)
    members: list[Actor] = field(default_factory=list)
    meetings: list[MeetingRole] = field(default_factory=list)  # newest first
    recommendations: list[Recommendation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class MeetingDossier:
    """What a meeting's card prints: the meeting and the records linked to it."""

    meeting: Meeting
    actors: dict[str, Actor] = field(default_factory=dict)  # by uid: everyone named
    recommendations: list[Recommendation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class RecommendationDossier:
    """What a recommendation's card prints: it and the records linked to it."""

    recommendation: Recommendation
    meetings: list[Meeting] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)


@dataclass
class MemoDossier:
    """What a memo prints: the memo, its meetings, actors, recommendations and sources."""

    memo: Memo
    meetings: list[MeetingDossier] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    recommendations: list[RecommendationDossier] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class Handout:
    """What a handout prints: the meeting's card, then each participant's."""

    meeting: MeetingDossier
    actors: list[ActorDossier]  # in delegation order


def _by_uids(store, kind, uids):
    ids = store.ids_for_uids(kind, uids)
    return store.get_many(kind, [ids[uid] for uid in uids if uid in ids])


def _sources(store, uids):
    return _by_uids(store, "source", uids)


def _record(store, kind, record_or_id):
    """A record given as such (perhaps unsaved, for previews) or by id."""
    if isinstance(record_or_id, int):
        return store.get(kind, record_or_id)
    return record_or_id


def actor_dossier(store, actor_or_id, meetings_read: dict[int, Meeting] | None = None
                  ) -> ActorDossier:
    """``meetings_read``: meetings by id read already (a handout's), used instead of
    reading them again, and added to."""
    actor = _record(store, "actor", actor_or_id)
    actor_id = actor.id
    rows = store.meetings_of_actor(actor_id) if actor_id else []
    # one row per role the actor has in a meeting: one entry per meeting
    ids = list(dict.fromkeys(r["id"] for r in rows))
    by_id = {} if meetings_read is None else meetings_read
    by_id.update((m.id, m) for m in store.get_many("meeting", [i for i in ids
                                                             if i not in by_id]))
    meetings = [_meeting_role(by_id[i], actor.uid) for i in ids]
    recommendations = store.get_many(
        "recommendation",
        [r["id"] for r in store.recommendations_linked_to("actor", actor_id)] if actor_id else [])
    source_uids = list(dict.fromkeys(
        actor.source_uids + [p.source_uid for p in actor.positions if p.source_uid]))
    return ActorDossier(
        actor=actor,
        affiliations=_by_uids(store, "actor", actor.affiliation_uids),
        members=store.get_many("actor", [m["id"] for m in store.members_of(actor_id)]
                               if actor_id else []),
        meetings=meetings, recommendations=recommendations,
        sources=_sources(store, source_uids))


def _meeting_role(meeting: Meeting, actor_uid: str) -> MeetingRole:
    """The actor's roles in a meeting: each seat with its own label, then host or
    mediator of the meeting (unless a seat says so already)."""
    seats = [p for p in meeting.participants if p.actor_uid == actor_uid]
    roles = [(p.role.value, p.role_label) for p in seats]
    for role, uids in (("host", meeting.host_uids), ("mediator", meeting.mediator_uids)):
        if actor_uid in uids and all(kind != role for kind, _ in roles):
            roles.append((role, ""))
    side = next((p.side for p in seats if p.side), "")
    return MeetingRole(meeting, roles, side)


def meeting_dossier(store, meeting_or_id) -> MeetingDossier:
    meeting = _record(store, "meeting", meeting_or_id)
    uids = ([p.actor_uid for p in meeting.participants] + meeting.host_uids
            + meeting.mediator_uids)
    actors = {a.uid: a for a in _by_uids(store, "actor", list(dict.fromkeys(uids)))}
    return MeetingDossier(
        meeting=meeting, actors=actors,
        recommendations=store.get_many(
            "recommendation",
            [r["id"] for r in store.recommendations_linked_to("meeting", meeting.id)]
            if meeting.id else []),
        sources=_sources(store, meeting.source_uids))


def recommendation_dossier(store, recommendation_or_id) -> RecommendationDossier:
    rec = _record(store, "recommendation", recommendation_or_id)
    actor_uids = list(dict.fromkeys(rec.addressee_uids + rec.actor_uids))
    return RecommendationDossier(
        recommendation=rec, meetings=_by_uids(store, "meeting", rec.meeting_uids),
        actors={a.uid: a for a in _by_uids(store, "actor", actor_uids)},
        sources=_sources(store, rec.source_uids))


def memo_dossier(store, memo: Memo) -> MemoDossier:
    """For a saved memo or one composed on the fly (``memo.id`` may be None)."""
    meetings = [meeting_dossier(store, m.id) for m in _by_uids(store, "meeting",
                                                                memo.meeting_uids)]
    recommendations = [recommendation_dossier(store, r.id)
                       for r in _by_uids(store, "recommendation", memo.recommendation_uids)]
    source_uids = list(memo.source_uids)
    for item in [*meetings, *recommendations]:
        record = getattr(item, "meeting", None) or item.recommendation
        source_uids.extend(record.source_uids)
    return MemoDossier(memo=memo, meetings=meetings,
                       actors=_by_uids(store, "actor", memo.actor_uids),
                       recommendations=recommendations,
                       sources=_sources(store, list(dict.fromkeys(source_uids))))


def handout(store, meeting_id: int) -> Handout:
    meeting = meeting_dossier(store, meeting_id)
    order = [p.actor_uid for _, members in meeting.meeting.sides() for p in members]
    # Every participant took part in this meeting: read once, not once per card
    # (499 delegates read a 499-delegate meeting 499 times, 2 ms a card), and
    # so is any other meeting several of them attended. The actors were read
    # with the meeting.
    meetings_read = {meeting.meeting.id: meeting.meeting}
    return Handout(meeting, [actor_dossier(store, meeting.actors[uid], meetings_read)
                             for uid in order if uid in meeting.actors])




def _as_list(text: str) -> str:
    """Several lines of outcomes or follow-ups become a Markdown list (printed with bullets);
    items already marked "-", "*" or "•" keep their place in it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2 and not (lines and lines[0][:2] in ("- ", "* ", "• ")):
        return text.strip()
    items = [line[2:].strip() if line[:2] in ("- ", "* ", "• ") else line for line in lines]
    return "\n".join(f"- {item}" for item in items)


def _meeting_body(meeting: Meeting) -> str:
    """A meeting's part of a composed memo: labelled agenda, outcomes and follow-ups."""
    parts = []
    for heading, text in (("Agenda", meeting.agenda), ("Outcomes", meeting.outcomes),
                          ("Follow-ups", meeting.follow_ups)):
        if not text.strip():
            continue
        listed = _as_list(text) if heading != "Agenda" else text.strip()
        if listed.startswith("- "):
            parts.append(f"**{heading}:**\n\n{listed}")
        else:
            parts.append(f"**{heading}.** {listed}")
    return "\n\n".join(parts) or "No agenda, outcomes or follow-ups recorded yet."


def _span_of(meetings: list[Meeting]) -> str:
    """From the first meeting to the end of the last, each end as approximate as it is
    known: "10–19 May 2025", "2021 – 10 March 2023" (never "January 2021")."""
    first = min(meetings, key=lambda m: m.date)
    last = max(meetings, key=lambda m: m.end_date or m.date)
    start, end = first.date, last.end_date or last.date
    if first.date_precision == last.date_precision:
        return format_date_span(start, end, first.date_precision)
    coarse = max(first.date_precision, last.date_precision, key=_COARSENESS.index)
    if format_date(start, coarse) == format_date(end, coarse):
        return format_date(start, coarse)  # "March 2023" holds "6 March 2023"
    return f"{format_date(start, first.date_precision)} – {format_date(end, last.date_precision)}"


_COARSENESS = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]


def compose_memo(store, meeting_ids: list[int], author: str = "") -> Memo:
    """A memo on the fly, in the bulletin's shape: a title and a lead, then one section per
    meeting with its agenda, outcomes and follow-ups labelled, then the recommendations
    and the who's-who."""
    meetings = sorted((store.get_meeting(i) for i in meeting_ids), key=lambda m: m.date)
    recommendation_ids = []
    for meeting in meetings:
        for row in store.recommendations_linked_to("meeting", meeting.id):
            if row["id"] not in recommendation_ids:
                recommendation_ids.append(row["id"])
    recommendations = store.get_many("recommendation", recommendation_ids)
    sections = []
    for meeting in meetings:
        where = f", {meeting.place}" if meeting.place else ""
        sections.append(MemoSection(f"{meeting.title} ({meeting.when()}{where})",
                                    _meeting_body(meeting)))
    span = _span_of(meetings)
    places = list(dict.fromkeys(m.place for m in meetings if m.place))
    if len(meetings) == 1:
        title = meetings[0].title
        lead = (f"{label(meetings[0].kind).capitalize()} held {meetings[0].when()}"
                f"{' in ' + places[0] if places else ''}: what was on the table, what came "
                "of it and what follows.")
    else:
        title = f"{meetings[0].title} and {len(meetings) - 1} related " \
                f"meeting{'s' if len(meetings) > 2 else ''}, {span}"
        where = f" in {', '.join(places[:-1])} and {places[-1]}" if len(places) > 1 else (
            f" in {places[0]}" if places else "")
        placed = sum(1 for m in meetings if m.place)
        if places and placed < len(meetings):
            # a call or a meeting with no place recorded was not held in the others' places
            where = f", {placed} of them{where}"
        lead = (f"{len(meetings)} meetings held {span}{where}: for each, what was on the "
                "table, what came of it and what follows.")
    if recommendations:
        lead += f" {len(recommendations)} recommendation" \
                f"{'s' if len(recommendations) != 1 else ''} close the memo."
    return Memo(title=title[:500], date=dt.date.today(), lead=lead[:TEXT_MAX // 5],
                authors=[author] if author else [], sections=sections,
                meeting_uids=[m.uid for m in meetings],
                recommendation_uids=[r.uid for r in recommendations],
                source_uids=list(dict.fromkeys(u for m in meetings for u in m.source_uids)))
