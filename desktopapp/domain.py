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
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import ValidationError
from .lazypattern import CompiledOnFirstUse

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


class DatePrecision(StrEnum):
    """How much of a date is known: "16 May 2025", "May 2025" or "2025"."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class DurationApprox(StrEnum):
    """How exact a meeting's duration is: the talks lasted "almost two hours"."""

    EXACT = "exact"
    ABOUT = "about"
    ALMOST = "almost"
    OVER = "over"


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
    DurationApprox.OVER: "more than",
}

#: what a person reads when a recommendation has no priority
NO_PRIORITY = "no priority given"
#: what a person reads when a recommendation's status is not known (a source's
#: recommendation whose fate nobody has recorded)
NO_STATUS = "no status given"


def priority_label(priority: Priority | None) -> str:
    return label(priority) if priority is not None else NO_PRIORITY


def status_label(status: RecommendationStatus | None) -> str:
    return label(status) if status is not None else NO_STATUS


def label(value: StrEnum) -> str:
    """The words a person reads for an enum value."""
    return LABELS.get(value, str(value).replace("_", " "))


def new_uid() -> str:
    import uuid  # here: it imports platform (2 ms of every start) and only new records need it

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


# Control characters (Unicode category Cc) and lone surrogates, which no
# file or database can hold; one regular expression instead of a loop per
# character keeps a million-record import fast. These are compiled when first
# used: reading records and printing cards never validate (1 ms of every start).
_BAD_IN_LINE = CompiledOnFirstUse("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_TEXT = CompiledOnFirstUse("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UID = CompiledOnFirstUse("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _bad_control(text: str, multiline: bool) -> str | None:
    found = (_BAD_IN_TEXT if multiline else _BAD_IN_LINE).search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"contains an invalid character (lone surrogate U+{code:04X})"
    return f"contains a control character (U+{code:04X})"


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
    """True for a UUID in its canonical text form (lowercase, with hyphens)."""
    return isinstance(value, str) and _UID.fullmatch(value) is not None


_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH_FORM = CompiledOnFirstUse(r"[0-9]{4}-[0-9]{2}")
_TIME_FORM = CompiledOnFirstUse(r"[0-9]{2}:[0-9]{2}")


def parse_date(text: str | None) -> dt.date | None:
    """Parse ``YYYY-MM-DD``; raise ValueError with a readable message."""
    if text in (None, ""):
        return None
    try:
        # only the documented form: Python also reads ISO week dates (2025-W21-1)
        if not isinstance(text, str) or not _DATE_FORM.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{str(text)[:40]!r} is not a real date in the form YYYY-MM-DD") from None


def parse_approx_date(text: str | None) -> tuple[dt.date | None, DatePrecision]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into (first day, precision).

    An approximate date is stored as the first day of its month or year, so
    it sorts at the start of the period it names.
    """
    if text in (None, ""):
        return None, DatePrecision.DAY
    if isinstance(text, str) and len(text) == 4 and text.isascii() and text.isdigit():
        if int(text) >= 1:
            return dt.date(int(text), 1, 1), DatePrecision.YEAR
    elif isinstance(text, str) and _MONTH_FORM.fullmatch(text):
        try:
            return dt.date.fromisoformat(text + "-01"), DatePrecision.MONTH
        except ValueError:
            pass
    elif isinstance(text, str) and len(text) == 10:
        return parse_date(text), DatePrecision.DAY
    raise ValueError(f"{str(text)[:40]!r} is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY")


def approx_date_text(value: dt.date | None, precision: DatePrecision) -> str | None:
    """The stored form of an approximate date: ``2025``, ``2025-05`` or ``2025-05-16``."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def truncate_date(value: dt.date | None, precision: DatePrecision) -> dt.date | None:
    """The first day of the month or year a date falls in, as its precision says."""
    if not isinstance(value, dt.date) or precision == DatePrecision.DAY:
        return value
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value.replace(month=1, day=1)


def format_date(value: dt.date | None, precision: DatePrecision = DatePrecision.DAY) -> str:
    """16 May 2025, May 2025 or 2025: unambiguous on both sides of the Atlantic."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def format_date_span(start: dt.date | None, end: dt.date | None,
                     precision: DatePrecision = DatePrecision.DAY) -> str:
    """A period in words, sharing what both ends share: "6–10 March 2023",
    "30 April – 2 May 2023", "March–April 2023", "2021–2022"."""
    if start is None:
        return ""
    if end is None or end <= start:
        return format_date(start, precision)
    if precision == DatePrecision.YEAR:
        return f"{start.year}–{end.year}"
    if start.year != end.year:
        return f"{format_date(start, precision)} – {format_date(end, precision)}"
    if precision == DatePrecision.MONTH:
        return f"{start:%B}–{end:%B} {end.year}"
    if start.month != end.month:
        return f"{start.day} {start:%B} – {end.day} {end:%B} {end.year}"
    return f"{start.day}–{end.day} {end:%B} {end.year}"


def short_date_span(start: dt.date | None, end: dt.date | None,
                    precision: DatePrecision = DatePrecision.DAY) -> str:
    """A date or period as lists show it, ISO to the precision known: "2025-05-16",
    "2023-04", "2021–2022", "2023-03-06–10" (the end without what it shares)."""
    if start is None:
        return ""
    cut = {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7}.get(precision, 10)
    first = start.isoformat()[:cut]
    if end is None or end <= start:
        return first
    last = end.isoformat()[:cut]
    shared = 0
    for part in (5, 8):  # "YYYY-", then "MM-"
        if part < cut and first[:part] == last[:part]:
            shared = part
    return f"{first}–{last[shared:]}"


def summary_date(row: dict) -> str:
    """The date cell of a list row (a store summary): a meeting's as approximate
    as it is known and with its last day; other records' as stored."""
    if "date_precision" not in row:
        return row.get("date") or ""
    return short_date_span(parse_date(row.get("date")), parse_date(row.get("end_date")),
                           DatePrecision(row["date_precision"] or "day"))


def format_duration(minutes: int | None, approx: DurationApprox = DurationApprox.EXACT) -> str:
    """"2 h 30 min", "about 2 h", "almost 2 h"."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    text = " ".join(filter(None, [f"{hours} h" if hours else "", f"{rest} min" if rest else ""]))
    if approx not in (None, DurationApprox.EXACT):
        text = f"{label(approx)} {text}"
    return text


def parse_time(text: str | None) -> dt.time | None:
    """Parse ``HH:MM``; raise ValueError with a readable message."""
    if text in (None, ""):
        return None
    try:
        # only HH:MM: Python also reads "12.30" as 12:00:00.3
        if not isinstance(text, str) or not _TIME_FORM.fullmatch(text):
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
    #: who made the last change (an analyst's name or a database role); kept by
    #: copies, backups and imports, stamped by the store on every write
    changed_by: str = field(default="", kw_only=True)

    #: singular word for messages ("actor", "meeting", ...)
    kind_name = "record"

    def display_name(self) -> str:
        raise NotImplementedError

    def label(self) -> str:
        """How messages refer to this record: kind, then its name."""
        name = self.display_name()
        return f"{self.kind_name} {name!r}" if name else f"new {self.kind_name}"

    def normalise(self) -> None:
        """Bring text to NFC and trim single-line fields (in place).

        Each field's codec in its kind's description (recordkinds.py) says
        how; ``_normalise_more`` does what a codec cannot (dates by precision).
        """
        from . import recordkinds  # the description imports these classes
        recordkinds.normalise(self)
        self._normalise_more()

    def _normalise_more(self) -> None:
        pass

    def problems(self) -> list[tuple[str, str]]:
        """Every rule broken: each field's own rules from the kind's description
        (recordkinds.check), and the class's ``_check_<field>`` rules."""
        from . import recordkinds
        c = _Checker()
        c.uid("uid", self.uid)
        c.line("changed_by", self.changed_by, max_len=NAME_MAX)
        recordkinds.check(self, c)
        return c.problems

    def check(self):
        """Normalise, then raise ValidationError if any rule is broken."""
        self.normalise()
        problems = self.problems()
        if problems:
            raise ValidationError(problems, self.label())
        return self


def clean_lines(values):
    """Each entry of a list of single lines cleaned as clean_line does."""
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

    def _check_url(self, c):
        if (isinstance(self.url, str) and self.url
                and not self.url.lower().startswith(("http://", "https://", "doi:"))):
            c.add("url", "must start with http://, https:// or doi:")


@dataclass
class Position:
    """What an actor holds on a topic, as of a date, according to a source."""

    topic: str = ""
    stance: str = ""
    as_of: dt.date | None = None
    source_uid: str | None = None
    as_of_precision: DatePrecision = DatePrecision.DAY  # "as of 2024" or "as of May 2024"

    def normalise(self):
        self.topic = clean_line(self.topic)
        self.stance = clean_text(self.stance)
        self.as_of = truncate_date(self.as_of, self.as_of_precision)

    def check_into(self, c, prefix):
        c.line(f"{prefix}.topic", self.topic, required=True, max_len=NAME_MAX)
        c.text(f"{prefix}.stance", self.stance, required=True, max_len=TEXT_MAX // 5)
        c.date(f"{prefix}.as_of", self.as_of)
        c.choice(f"{prefix}.as_of_precision", self.as_of_precision, DatePrecision)
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

    def _normalise_more(self):
        for position in self.positions:
            position.normalise()

    def _check_affiliation_uids(self, c):
        if self.uid in self.affiliation_uids:
            c.add("affiliations", "an actor cannot be affiliated with itself")

    def _check_positions(self, c):
        if len(self.positions) > LIST_MAX:
            c.add("positions", f"has too many entries ({len(self.positions)}; at most {LIST_MAX})")
        for i, position in enumerate(self.positions):
            position.check_into(c, f"positions[{i + 1}]")

    def _check_photo(self, c):
        if self.photo is not None:
            if not isinstance(self.photo, bytes) or not self.photo:
                c.add("photo", "must be image data")
            elif len(self.photo) > PHOTO_MAX_BYTES:
                size_mb = len(self.photo) // 1024 // 1024
                c.add("photo", f"is too large ({size_mb} MB; at most 20 MB)")
            elif image_type(self.photo) is None:
                c.add("photo", "is not a JPEG, PNG, GIF or WebP image")
            else:
                from .photos import problem as photo_problem  # Pillow only when needed
                if message := photo_problem(self.photo):
                    c.add("photo", message)


@dataclass
class Participant:
    """One seat at the table: who, on which side, in what role.

    Order within a delegation is the order of the meeting's list.
    """

    actor_uid: str = ""
    side: str = ""
    role: ParticipantRole = ParticipantRole.MEMBER
    role_label: str = ""  # in the analyst's words: "chair", "led the talks for the host"

    def normalise(self):
        self.side = clean_line(self.side)
        self.role_label = clean_line(self.role_label)

    def check_into(self, c, prefix):
        c.uid(f"{prefix}.actor", self.actor_uid)
        c.line(f"{prefix}.side", self.side, max_len=NAME_MAX)
        c.choice(f"{prefix}.role", self.role, ParticipantRole)
        c.line(f"{prefix}.role_label", self.role_label, max_len=NAME_MAX)

    def role_text(self) -> str:
        """The role kind, with the analyst's own label beside it when there is one."""
        kind = label(self.role)
        return f"{kind} ({self.role_label})" if self.role_label else kind


@dataclass
class Meeting(Record):
    """Talks, a summit, a call: when, where, who sat at the table, what came of it."""

    title: str = ""
    kind: MeetingKind = MeetingKind.TALKS
    date: dt.date | None = None  # the first day; with end_date, a meeting of several days
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
    end_date: dt.date | None = None  # last day of a meeting over several days
    date_precision: DatePrecision = DatePrecision.DAY  # "March 2023", "2021–2022"
    duration_approx: DurationApprox = DurationApprox.EXACT  # "almost 2 h"

    kind_name = "meeting"

    def display_name(self):
        return self.title

    def when(self) -> str:
        """The meeting's date or period in words: "16 May 2025", "6–10 March 2023"."""
        return format_date_span(self.date, self.end_date, self.date_precision)

    def duration_text(self) -> str:
        return format_duration(self.duration_minutes, self.duration_approx)

    def _normalise_more(self):
        self.date = truncate_date(self.date, self.date_precision)
        self.end_date = truncate_date(self.end_date, self.date_precision)
        if self.end_date is not None and self.end_date == self.date:
            self.end_date = None  # a "period" of one day is that day
        for participant in self.participants:
            participant.normalise()

    def _check_end_date(self, c):
        if (isinstance(self.date, dt.date) and isinstance(self.end_date, dt.date)
                and self.end_date < self.date):
            c.add("end_date", "is before the start date")

    def _check_start_time(self, c):
        if self.start_time is not None and not isinstance(self.start_time, dt.time):
            c.add("start_time", "must be a time of day (HH:MM)")
        elif self.start_time is not None and self.date_precision != DatePrecision.DAY:
            c.add("start_time", "needs an exact date (a day, not a month or year)")

    def _check_duration_minutes(self, c):
        if self.duration_minutes is not None:
            minutes = self.duration_minutes
            if not isinstance(minutes, int) or isinstance(minutes, bool):
                c.add("duration_minutes", "must be a whole number of minutes")
            elif not 0 < self.duration_minutes <= DURATION_MAX_MINUTES:
                c.add("duration_minutes", f"must be between 1 and {DURATION_MAX_MINUTES} minutes")

    def _check_participants(self, c):
        if len(self.participants) > 1000:
            c.add("participants", "has too many entries (at most 1000)")
        for i, participant in enumerate(self.participants):
            participant.check_into(c, f"participants[{i + 1}]")
        seen = [p.actor_uid for p in self.participants]
        if len(set(seen)) != len(seen):
            c.add("participants", "lists the same actor twice")

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
    priority: Priority | None = None  # None: no priority given (never guessed)
    # None: no status given (advice taken from a source, whose fate nobody
    # recorded); a new recommendation of the analyst's own is proposed
    status: RecommendationStatus | None = RecommendationStatus.PROPOSED
    meeting_uids: list[str] = field(default_factory=list)
    actor_uids: list[str] = field(default_factory=list)
    author: str = ""
    date: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    source_uids: list[str] = field(default_factory=list)

    kind_name = "recommendation"

    def display_name(self):
        return self.title

    def _check_addressee_uids(self, c):
        if not self.addressee and not self.addressee_uids:
            c.add("addressee", "is required (free text, actors, or both)")


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

    def _normalise_more(self):
        for section in self.sections:
            section.heading = clean_line(section.heading)
            section.body = clean_text(section.body)

    def _check_sections(self, c):
        if len(self.sections) > LIST_MAX:
            c.add("sections", f"has too many entries ({len(self.sections)}; at most {LIST_MAX})")
        for i, section in enumerate(self.sections):
            c.line(f"sections[{i + 1}].heading", section.heading, max_len=NAME_MAX)
            c.text(f"sections[{i + 1}].body", section.body, required=True)


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
    # The book's settings version when these were read; saving them back is
    # refused if someone changed the settings meanwhile. None: do not check.
    version: int | None = field(default=None, compare=False, kw_only=True)

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
