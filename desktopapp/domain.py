"""The briefing book's records as plain dataclasses, with their validation.

No Qt and no SQL here. Records refer to each other by ``uid`` (the stable
UUID text every record carries), never by database id, so a record means
the same thing in any book and in the JSON format.

``check()`` normalises text (Unicode NFC, trimmed single-line fields) and
raises :class:`ValidationError` naming every field that breaks a rule;
``problems()`` returns the same findings without raising, for forms that
show them next to each field.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import ValidationError

# Limits generous enough for real work, small enough that a runaway paste
# or a hostile file cannot bloat the book or hang a renderer.
NAME_MAX = 200
LINE_MAX = 500
TEXT_MAX = 50_000
LIST_MAX = 200
TAG_MAX = 60
PHOTO_MAX_BYTES = 20 * 1024 * 1024
DURATION_MAX_MINUTES = 14 * 24 * 60


class ActorKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    STATE = "state"
    GROUP = "group"  # a group of states, such as the E4


class MeetingKind(StrEnum):
    TALKS = "talks"
    SUMMIT = "summit"
    BILATERAL = "bilateral"
    MULTILATERAL = "multilateral"
    PHONE_CALL = "phone_call"
    VIDEO_CALL = "video_call"
    CONSULTATION = "consultation"
    OTHER = "other"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class ParticipantRole(StrEnum):
    HEAD = "head"  # head of delegation
    MEMBER = "member"
    MEDIATOR = "mediator"
    OBSERVER = "observer"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RecommendationStatus(StrEnum):
    PROPOSED = "proposed"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


LABELS = {
    ActorKind.GROUP: "group of states",
    MeetingKind.PHONE_CALL: "phone call",
    MeetingKind.VIDEO_CALL: "video call",
    ParticipantRole.HEAD: "head of delegation",
}


def label(value: StrEnum) -> str:
    """The words a person reads for an enum value."""
    return LABELS.get(value, str(value).replace("_", " "))


def new_uid() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    """UTC timestamp with second precision, as stored in the book."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- text rules -----------------------------------------------------------

def clean_line(text: str | None) -> str:
    """NFC-normalised single-line text with the ends trimmed."""
    return unicodedata.normalize("NFC", text or "").strip()


def clean_text(text: str | None) -> str:
    """NFC-normalised multi-line text; Windows line ends become ``\\n``."""
    text = unicodedata.normalize("NFC", text or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _bad_control(text: str, multiline: bool) -> str | None:
    allowed = {"\n", "\t"} if multiline else set()
    for ch in text:
        if ch not in allowed and unicodedata.category(ch) == "Cc":
            return f"contains a control character (U+{ord(ch):04X})"
    return None


class _Checker:
    """Collects (field, message) problems while a record is inspected."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []

    def add(self, name, message):
        self.problems.append((name, message))

    def line(self, name, value, *, required=False, max_len=LINE_MAX):
        if not isinstance(value, str):
            self.add(name, "must be text")
            return
        if required and not value:
            self.add(name, "is required")
        elif len(value) > max_len:
            self.add(name, f"is too long ({len(value):,} characters; at most {max_len:,})")
        elif problem := _bad_control(value, multiline=False):
            self.add(name, problem)

    def text(self, name, value, *, required=False, max_len=TEXT_MAX):
        if not isinstance(value, str):
            self.add(name, "must be text")
            return
        if required and not value:
            self.add(name, "is required")
        elif len(value) > max_len:
            self.add(name, f"is too long ({len(value):,} characters; at most {max_len:,})")
        elif problem := _bad_control(value, multiline=True):
            self.add(name, problem)

    def choice(self, name, value, enum):
        if not isinstance(value, enum):
            allowed = ", ".join(member.value for member in enum)
            self.add(name, f"unknown value {value!r}; expected one of: {allowed}")

    def date(self, name, value, *, required=False):
        if value is None:
            if required:
                self.add(name, "is required")
        elif not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.add(name, "must be a calendar date (YYYY-MM-DD)")

    def lines(self, name, values, *, max_len=NAME_MAX):
        if not isinstance(values, list):
            self.add(name, "must be a list")
            return
        if len(values) > LIST_MAX:
            self.add(name, f"has too many entries ({len(values)}; at most {LIST_MAX})")
        for i, value in enumerate(values):
            self.line(f"{name}[{i + 1}]", value, required=True, max_len=max_len)
        if len(set(values)) != len(values):
            self.add(name, "lists the same entry twice")

    def uids(self, name, values):
        if not isinstance(values, list):
            self.add(name, "must be a list")
            return
        for i, value in enumerate(values):
            self.uid(f"{name}[{i + 1}]", value)
        if len(set(values)) != len(values):
            self.add(name, "lists the same record twice")

    def uid(self, name, value):
        if not is_uid(value):
            self.add(name, f"is not a record identifier (UUID): {str(value)[:60]!r}")


def is_uid(value) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def parse_date(text: str | None) -> dt.date | None:
    """Parse ``YYYY-MM-DD``; raise ValueError with a readable message."""
    if text in (None, ""):
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{str(text)[:40]!r} is not a real date in the form YYYY-MM-DD") from None


def parse_time(text: str | None) -> dt.time | None:
    """Parse ``HH:MM``; raise ValueError with a readable message."""
    if text in (None, ""):
        return None
    try:
        if len(text) != 5:
            raise ValueError
        return dt.time.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{str(text)[:40]!r} is not a time of day in the form HH:MM") from None


IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def image_type(data: bytes) -> str | None:
    """The MIME type of a photo we can print, judged by its first bytes."""
    for signature, mime in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


# --- records ----------------------------------------------------------------

@dataclass
class Record:
    """Fields every record carries. ``id`` is None until the store saves it."""

    uid: str = field(default_factory=new_uid, kw_only=True)
    id: int | None = field(default=None, kw_only=True)
    created_at: str = field(default="", kw_only=True)
    updated_at: str = field(default="", kw_only=True)
    version: int = field(default=0, kw_only=True)

    #: singular word for messages ("actor", "meeting", ...)
    kind_name = "record"

    def display_name(self) -> str:
        raise NotImplementedError

    def label(self) -> str:
        """How messages refer to this record: kind, then its name."""
        name = self.display_name()
        return f"{self.kind_name} {name!r}" if name else f"new {self.kind_name}"

    def normalise(self) -> None:
        """Bring text to NFC and trim single-line fields (in place)."""

    def _check_fields(self, c: _Checker) -> None:
        raise NotImplementedError

    def problems(self) -> list[tuple[str, str]]:
        c = _Checker()
        c.uid("uid", self.uid)
        self._check_fields(c)
        return c.problems

    def check(self):
        """Normalise, then raise ValidationError if any rule is broken."""
        self.normalise()
        problems = self.problems()
        if problems:
            raise ValidationError(problems, self.label())
        return self


def _clean_lines(values):
    if not isinstance(values, list):
        return values
    return [clean_line(v) if isinstance(v, str) else v for v in values]


@dataclass
class Source(Record):
    """A citation that records point to as their evidence."""

    citation: str = ""
    url: str = ""
    accessed: dt.date | None = None

    kind_name = "source"

    def display_name(self):
        return self.citation

    def normalise(self):
        self.citation = clean_line(self.citation)
        self.url = clean_line(self.url)

    def _check_fields(self, c):
        c.line("citation", self.citation, required=True)
        c.line("url", self.url, max_len=2000)
        if self.url and not self.url.lower().startswith(("http://", "https://", "doi:")):
            c.add("url", "must start with http://, https:// or doi:")
        c.date("accessed", self.accessed)


@dataclass
class Position:
    """What an actor holds on a topic, as of a date, according to a source."""

    topic: str = ""
    stance: str = ""
    as_of: dt.date | None = None
    source_uid: str | None = None

    def normalise(self):
        self.topic = clean_line(self.topic)
        self.stance = clean_text(self.stance)

    def check_into(self, c, prefix):
        c.line(f"{prefix}.topic", self.topic, required=True, max_len=NAME_MAX)
        c.text(f"{prefix}.stance", self.stance, required=True, max_len=TEXT_MAX // 5)
        c.date(f"{prefix}.as_of", self.as_of)
        if self.source_uid is not None:
            c.uid(f"{prefix}.source", self.source_uid)


@dataclass
class Actor(Record):
    """A person, organisation, state or group of states."""

    kind: ActorKind = ActorKind.PERSON
    name: str = ""
    native_name: str = ""
    aliases: list[str] = field(default_factory=list)
    title: str = ""
    affiliation_uids: list[str] = field(default_factory=list)
    biography: str = ""
    positions: list[Position] = field(default_factory=list)
    photo: bytes | None = None
    tags: list[str] = field(default_factory=list)
    source_uids: list[str] = field(default_factory=list)

    kind_name = "actor"

    def display_name(self):
        return self.name

    def normalise(self):
        self.name = clean_line(self.name)
        self.native_name = clean_line(self.native_name)
        self.title = clean_line(self.title)
        self.biography = clean_text(self.biography)
        self.aliases = _clean_lines(self.aliases)
        self.tags = _clean_lines(self.tags)
        for position in self.positions:
            position.normalise()

    def _check_fields(self, c):
        c.choice("kind", self.kind, ActorKind)
        c.line("name", self.name, required=True, max_len=NAME_MAX)
        c.line("native_name", self.native_name, max_len=NAME_MAX)
        c.lines("aliases", self.aliases)
        c.line("title", self.title)
        c.uids("affiliations", self.affiliation_uids)
        if self.uid in self.affiliation_uids:
            c.add("affiliations", "an actor cannot be affiliated with itself")
        c.text("biography", self.biography)
        if len(self.positions) > LIST_MAX:
            c.add("positions", f"has too many entries ({len(self.positions)}; at most {LIST_MAX})")
        for i, position in enumerate(self.positions):
            position.check_into(c, f"positions[{i + 1}]")
        if self.photo is not None:
            if not isinstance(self.photo, bytes) or not self.photo:
                c.add("photo", "must be image data")
            elif len(self.photo) > PHOTO_MAX_BYTES:
                size_mb = len(self.photo) // 1024 // 1024
                c.add("photo", f"is too large ({size_mb} MB; at most 20 MB)")
            elif image_type(self.photo) is None:
                c.add("photo", "is not a JPEG, PNG, GIF or WebP image")
        c.lines("tags", self.tags, max_len=TAG_MAX)
        c.uids("sources", self.source_uids)


@dataclass
class Participant:
    """One seat at the table: who, on which side, in what role.

    Order within a delegation is the order of the meeting's list.
    """

    actor_uid: str = ""
    side: str = ""
    role: ParticipantRole = ParticipantRole.MEMBER

    def normalise(self):
        self.side = clean_line(self.side)

    def check_into(self, c, prefix):
        c.uid(f"{prefix}.actor", self.actor_uid)
        c.line(f"{prefix}.side", self.side, max_len=NAME_MAX)
        c.choice(f"{prefix}.role", self.role, ParticipantRole)


@dataclass
class Meeting(Record):
    """Talks, a summit, a call: when, where, who sat at the table, what came of it."""

    title: str = ""
    kind: MeetingKind = MeetingKind.TALKS
    date: dt.date | None = None
    start_time: dt.time | None = None
    duration_minutes: int | None = None
    place: str = ""
    host_uids: list[str] = field(default_factory=list)
    mediator_uids: list[str] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    agenda: str = ""
    outcomes: str = ""
    follow_ups: str = ""
    status: MeetingStatus = MeetingStatus.PLANNED
    tags: list[str] = field(default_factory=list)
    source_uids: list[str] = field(default_factory=list)

    kind_name = "meeting"

    def display_name(self):
        return self.title

    def normalise(self):
        self.title = clean_line(self.title)
        self.place = clean_line(self.place)
        self.agenda = clean_text(self.agenda)
        self.outcomes = clean_text(self.outcomes)
        self.follow_ups = clean_text(self.follow_ups)
        self.tags = _clean_lines(self.tags)
        for participant in self.participants:
            participant.normalise()

    def _check_fields(self, c):
        c.line("title", self.title, required=True)
        c.choice("kind", self.kind, MeetingKind)
        c.date("date", self.date, required=True)
        if self.start_time is not None and not isinstance(self.start_time, dt.time):
            c.add("start_time", "must be a time of day (HH:MM)")
        if self.duration_minutes is not None:
            minutes = self.duration_minutes
            if not isinstance(minutes, int) or isinstance(minutes, bool):
                c.add("duration_minutes", "must be a whole number of minutes")
            elif not 0 < self.duration_minutes <= DURATION_MAX_MINUTES:
                c.add("duration_minutes", f"must be between 1 and {DURATION_MAX_MINUTES} minutes")
        c.line("place", self.place)
        c.uids("hosts", self.host_uids)
        c.uids("mediators", self.mediator_uids)
        c.choice("status", self.status, MeetingStatus)
        if len(self.participants) > 1000:
            c.add("participants", "has too many entries (at most 1000)")
        for i, participant in enumerate(self.participants):
            participant.check_into(c, f"participants[{i + 1}]")
        seen = [p.actor_uid for p in self.participants]
        if len(set(seen)) != len(seen):
            c.add("participants", "lists the same actor twice")
        c.text("agenda", self.agenda)
        c.text("outcomes", self.outcomes)
        c.text("follow_ups", self.follow_ups)
        c.lines("tags", self.tags, max_len=TAG_MAX)
        c.uids("sources", self.source_uids)

    def sides(self) -> list[tuple[str, list[Participant]]]:
        """Delegations in order of first appearance, heads of delegation first."""
        order: dict[str, list[Participant]] = {}
        for participant in self.participants:
            order.setdefault(participant.side, []).append(participant)
        return [
            (side, sorted(members, key=lambda p: p.role != ParticipantRole.HEAD))
            for side, members in order.items()
        ]


@dataclass
class Recommendation(Record):
    """Advice to an addressee, with its rationale and what it concerns."""

    title: str = ""
    text: str = ""
    addressee: str = ""
    addressee_uids: list[str] = field(default_factory=list)
    rationale: str = ""
    priority: Priority = Priority.MEDIUM
    status: RecommendationStatus = RecommendationStatus.PROPOSED
    meeting_uids: list[str] = field(default_factory=list)
    actor_uids: list[str] = field(default_factory=list)
    author: str = ""
    date: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    source_uids: list[str] = field(default_factory=list)

    kind_name = "recommendation"

    def display_name(self):
        return self.title

    def normalise(self):
        self.title = clean_line(self.title)
        self.text = clean_text(self.text)
        self.addressee = clean_line(self.addressee)
        self.rationale = clean_text(self.rationale)
        self.author = clean_line(self.author)
        self.tags = _clean_lines(self.tags)

    def _check_fields(self, c):
        c.line("title", self.title, required=True)
        c.text("text", self.text, required=True)
        c.line("addressee", self.addressee)
        c.uids("addressee_actors", self.addressee_uids)
        if not self.addressee and not self.addressee_uids:
            c.add("addressee", "is required (free text, actors, or both)")
        c.text("rationale", self.rationale)
        c.choice("priority", self.priority, Priority)
        c.choice("status", self.status, RecommendationStatus)
        c.uids("meetings", self.meeting_uids)
        c.uids("actors", self.actor_uids)
        c.line("author", self.author, max_len=NAME_MAX)
        c.date("date", self.date)
        c.lines("tags", self.tags, max_len=TAG_MAX)
        c.uids("sources", self.source_uids)


@dataclass
class MemoSection:
    """One body section of a memo: a run-in heading and its text."""

    heading: str = ""
    body: str = ""


@dataclass
class Memo(Record):
    """A policy memo in the style of a bulletin, composed from the book's records."""

    title: str = ""
    number: str = ""  # series number as printed, e.g. "No. 58 (2559)"
    date: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    lead: str = ""
    sections: list[MemoSection] = field(default_factory=list)
    meeting_uids: list[str] = field(default_factory=list)
    actor_uids: list[str] = field(default_factory=list)
    recommendation_uids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source_uids: list[str] = field(default_factory=list)

    kind_name = "memo"

    def display_name(self):
        return self.title

    def normalise(self):
        self.title = clean_line(self.title)
        self.number = clean_line(self.number)
        self.authors = _clean_lines(self.authors)
        self.lead = clean_text(self.lead)
        self.tags = _clean_lines(self.tags)
        for section in self.sections:
            section.heading = clean_line(section.heading)
            section.body = clean_text(section.body)

    def _check_fields(self, c):
        c.line("title", self.title, required=True)
        c.line("number", self.number, max_len=60)
        c.date("date", self.date, required=True)
        c.lines("authors", self.authors, max_len=NAME_MAX)
        c.text("lead", self.lead, max_len=TEXT_MAX // 5)
        if len(self.sections) > LIST_MAX:
            c.add("sections", f"has too many entries ({len(self.sections)}; at most {LIST_MAX})")
        for i, section in enumerate(self.sections):
            c.line(f"sections[{i + 1}].heading", section.heading, max_len=NAME_MAX)
            c.text(f"sections[{i + 1}].body", section.body, required=True)
        c.uids("meetings", self.meeting_uids)
        c.uids("actors", self.actor_uids)
        c.uids("recommendations", self.recommendation_uids)
        c.lines("tags", self.tags, max_len=TAG_MAX)
        c.uids("sources", self.source_uids)


RECORD_TYPES: dict[str, type[Record]] = {
    "actor": Actor,
    "meeting": Meeting,
    "recommendation": Recommendation,
    "memo": Memo,
    "source": Source,
}


class PageSize(StrEnum):
    A4 = "a4"
    LETTER = "letter"
    A5 = "a5"


@dataclass
class ExportSettings:
    """How cards and memos print; stored in the book."""

    organisation: str = ""
    classification: str = ""  # e.g. RESTRICTED; printed on every page; empty for none
    page_size: PageSize = PageSize.A4
    author: str = ""  # default author of new memos

    def check(self):
        self.organisation = clean_line(self.organisation)
        self.classification = clean_line(self.classification)
        self.author = clean_line(self.author)
        c = _Checker()
        c.line("organisation", self.organisation, max_len=NAME_MAX)
        c.line("classification", self.classification, max_len=40)
        c.choice("page_size", self.page_size, PageSize)
        c.line("author", self.author, max_len=NAME_MAX)
        if c.problems:
            raise ValidationError(c.problems, "export settings")
        return self
