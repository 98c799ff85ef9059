"""Record kinds and their rows, written once for every dialect.

How a domain record becomes the values of its table row and back, the
table of each kind, the columns its lists show and sort by: the same for
the SQLite book and the PostgreSQL team book. Only SQL fragments that
differ between dialects (case-insensitive order, string aggregation) are
made by the dialect from the neutral forms here.
"""

from __future__ import annotations

import json

from ..domain import (
    Actor,
    ActorKind,
    DatePrecision,
    DurationApprox,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Memo,
    MemoSection,
    Participant,
    ParticipantRole,
    Position,
    Priority,
    Recommendation,
    RecommendationStatus,
    Record,
    Source,
    parse_date,
    parse_time,
)

TABLES = {"actor": "actors", "meeting": "meetings",
          "recommendation": "recommendations", "memo": "memos", "source": "sources"}
KIND_OF_CLASS = {Actor: "actor", Meeting: "meeting", Recommendation: "recommendation",
                 Memo: "memo", Source: "source"}
NAME_COLUMN = {"actor": "name", "meeting": "title", "recommendation": "title",
               "memo": "title", "source": "citation"}
# Order in which a whole book is written: a record's links point to earlier kinds
# (or to records later in the same kind, which links written last allow).
WRITE_ORDER = ("source", "actor", "meeting", "recommendation", "memo")
# Kinds whose records cite sources (table <kind>_sources).
CITING_KINDS = ("actor", "meeting", "recommendation", "memo")

# Columns a list can be sorted by, per kind; NOCASE(x) is a case-insensitive
# order of x (ASCII letters folded, as SQLite's NOCASE), made by each dialect.
SORTS = {
    "actor": {"name": "NOCASE(name)", "kind": "kind", "title": "NOCASE(title)",
              "native_name": "NOCASE(native_name)", "updated_at": "updated_at"},
    "meeting": {"date": "date", "title": "NOCASE(title)", "place": "NOCASE(place)",
                "status": "status", "kind": "kind", "updated_at": "updated_at"},
    "recommendation": {"title": "NOCASE(title)", "priority":
                       "CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 "
                       "WHEN 'low' THEN 2 ELSE 3 END",
                       "status": "status", "date": "date", "addressee": "NOCASE(addressee)",
                       "updated_at": "updated_at"},
    "memo": {"date": "date", "title": "NOCASE(title)", "number": "number",
             "updated_at": "updated_at"},
    "source": {"citation": "NOCASE(citation)", "accessed": "accessed",
               "updated_at": "updated_at"},
}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _date_text(value):
    return value.isoformat() if value else None


def row_values(kind: str, record: Record) -> dict:
    """The record's own columns (not id, uid, stamps or version) for its table row."""
    if kind == "actor":
        return {"kind": record.kind.value, "name": record.name,
                "native_name": record.native_name, "aliases": _json(record.aliases),
                "title": record.title, "biography": record.biography,
                "photo": record.photo, "tags": _json(record.tags)}
    if kind == "meeting":
        return {"title": record.title, "kind": record.kind.value,
                "date": _date_text(record.date),
                "start_time": (record.start_time.strftime("%H:%M")
                               if record.start_time else None),
                "duration_minutes": record.duration_minutes, "place": record.place,
                "agenda": record.agenda, "outcomes": record.outcomes,
                "follow_ups": record.follow_ups, "status": record.status.value,
                "tags": _json(record.tags), "end_date": _date_text(record.end_date),
                "date_precision": record.date_precision.value,
                "duration_approx": record.duration_approx.value}
    if kind == "recommendation":
        return {"title": record.title, "text": record.text, "addressee": record.addressee,
                "rationale": record.rationale,
                "priority": record.priority.value if record.priority else None,
                "status": record.status.value, "author": record.author,
                "date": _date_text(record.date), "tags": _json(record.tags)}
    if kind == "memo":
        return {"title": record.title, "number": record.number,
                "date": _date_text(record.date), "authors": _json(record.authors),
                "lead": record.lead,
                "sections": _json([{"heading": s.heading, "body": s.body}
                                   for s in record.sections]),
                "tags": _json(record.tags)}
    if kind == "source":
        return {"citation": record.citation, "url": record.url,
                "accessed": _date_text(record.accessed)}
    raise ValueError(f"unknown record kind {kind!r}")


def common(row) -> dict:
    return {"id": row["id"], "uid": row["uid"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "version": row["version"]}


def build(kind: str, row: dict, links: dict) -> Record:
    """A record from its row and its links (lists of uids and child rows by field).

    ``links`` keys: sources; actor: affiliations, positions (row dicts with
    topic, stance, as_of, as_of_precision, source_uid); meeting: hosts,
    mediators, participants (row dicts with uid, side, role, role_label);
    recommendation: addressees, concerns, meetings; memo: meetings, actors,
    recommendations.
    """
    r, get = row, links.get
    if kind == "source":
        return Source(citation=r["citation"], url=r["url"], accessed=parse_date(r["accessed"]),
                      **common(r))
    if kind == "actor":
        return Actor(
            kind=ActorKind(r["kind"]), name=r["name"], native_name=r["native_name"],
            aliases=json.loads(r["aliases"]), title=r["title"],
            affiliation_uids=get("affiliations", []), biography=r["biography"],
            positions=[Position(p["topic"], p["stance"], parse_date(p["as_of"]),
                                p["source_uid"], DatePrecision(p["as_of_precision"]))
                       for p in get("positions", [])],
            photo=bytes(r["photo"]) if r["photo"] is not None else None,
            tags=json.loads(r["tags"]), source_uids=get("sources", []), **common(r))
    if kind == "meeting":
        return Meeting(
            title=r["title"], kind=MeetingKind(r["kind"]), date=parse_date(r["date"]),
            start_time=parse_time(r["start_time"]), duration_minutes=r["duration_minutes"],
            place=r["place"], host_uids=get("hosts", []), mediator_uids=get("mediators", []),
            participants=[Participant(p["uid"], p["side"], ParticipantRole(p["role"]),
                                      p["role_label"]) for p in get("participants", [])],
            agenda=r["agenda"], outcomes=r["outcomes"], follow_ups=r["follow_ups"],
            status=MeetingStatus(r["status"]), tags=json.loads(r["tags"]),
            source_uids=get("sources", []), end_date=parse_date(r["end_date"]),
            date_precision=DatePrecision(r["date_precision"]),
            duration_approx=DurationApprox(r["duration_approx"]), **common(r))
    if kind == "recommendation":
        return Recommendation(
            title=r["title"], text=r["text"], addressee=r["addressee"],
            addressee_uids=get("addressees", []), rationale=r["rationale"],
            priority=Priority(r["priority"]) if r["priority"] else None,
            status=RecommendationStatus(r["status"]), meeting_uids=get("meetings", []),
            actor_uids=get("concerns", []), author=r["author"], date=parse_date(r["date"]),
            tags=json.loads(r["tags"]), source_uids=get("sources", []), **common(r))
    if kind == "memo":
        return Memo(
            title=r["title"], number=r["number"], date=parse_date(r["date"]),
            authors=json.loads(r["authors"]), lead=r["lead"],
            sections=[MemoSection(**section) for section in json.loads(r["sections"])],
            meeting_uids=get("meetings", []), actor_uids=get("actors", []),
            recommendation_uids=get("recommendations", []), tags=json.loads(r["tags"]),
            source_uids=get("sources", []), **common(r))
    raise ValueError(f"unknown record kind {kind!r}")
