"""Every field rule of every record, stated once in a table and checked at its limits.

A problem names the field exactly as the editors and the import report it, so a
form can show it next to the right widget; a limit admits its maximum and refuses
one more; single-line text is trimmed and NFC, multi-line text keeps its lines.
"""

import datetime as dt
import uuid
from enum import StrEnum

import pytest

from desktopapp import domain
from desktopapp.domain import (
    Actor,
    DatePrecision,
    ExportSettings,
    Meeting,
    MeetingKind,
    Memo,
    MemoSection,
    Participant,
    ParticipantRole,
    Position,
    Priority,
    Recommendation,
    Source,
)

UID = "3f2b6c1e-8a4d-4e1f-9b2a-5c6d7e8f9a0b"
OTHER_UID = "4a5b6c7d-8e9f-4a1b-8c2d-3e4f5a6b7c8d"
DAY = dt.date(2025, 5, 16)


def valid(kind):
    """A record of ``kind`` that breaks no rule."""
    return {
        "source": lambda: Source(citation="A bulletin"),
        "actor": lambda: Actor(name="Someone", positions=[Position("Topic", "Stance")]),
        "meeting": lambda: Meeting(title="Talks", date=DAY,
                                   participants=[Participant(UID, "Side")]),
        "recommendation": lambda: Recommendation(title="Act", text="Do it", addressee="All"),
        "memo": lambda: Memo(title="Memo", date=DAY, sections=[MemoSection("H", "Body")]),
    }[kind]()


def put(record, path, value):
    """Set a field by the path the problem names: 'positions[1].topic', 'sides'."""
    if "[1]." in path:
        listing, attribute = path.split("[1].")
        setattr(getattr(record, listing)[0], attribute, value)
    else:
        setattr(record, path, value)


# (record kind, problem name = field path, attribute path, limit, required)
LINES = [
    ("source", "citation", "citation", domain.LINE_MAX, True),
    ("actor", "name", "name", domain.NAME_MAX, True),
    ("actor", "native_name", "native_name", domain.NAME_MAX, False),
    ("actor", "title", "title", domain.LINE_MAX, False),
    ("actor", "positions[1].topic", "positions[1].topic", domain.NAME_MAX, True),
    ("meeting", "title", "title", domain.LINE_MAX, True),
    ("meeting", "place", "place", domain.LINE_MAX, False),
    ("meeting", "participants[1].side", "participants[1].side", domain.NAME_MAX, False),
    ("meeting", "participants[1].role_label", "participants[1].role_label", domain.NAME_MAX,
     False),
    ("recommendation", "title", "title", domain.LINE_MAX, True),
    ("recommendation", "author", "author", domain.NAME_MAX, False),
    ("memo", "title", "title", domain.LINE_MAX, True),
    ("memo", "number", "number", 60, False),
    ("memo", "sections[1].heading", "sections[1].heading", domain.NAME_MAX, False),
]
TEXTS = [
    ("actor", "biography", "biography", domain.TEXT_MAX, False),
    ("actor", "positions[1].stance", "positions[1].stance", domain.TEXT_MAX // 5, True),
    ("meeting", "agenda", "agenda", domain.TEXT_MAX, False),
    ("meeting", "outcomes", "outcomes", domain.TEXT_MAX, False),
    ("meeting", "follow_ups", "follow_ups", domain.TEXT_MAX, False),
    ("recommendation", "text", "text", domain.TEXT_MAX, True),
    ("recommendation", "rationale", "rationale", domain.TEXT_MAX, False),
    ("memo", "lead", "lead", domain.TEXT_MAX // 5, False),
    ("memo", "sections[1].body", "sections[1].body", domain.TEXT_MAX, True),
]
LISTS = [  # lists of names: each entry is a required line
    ("actor", "aliases", domain.NAME_MAX),
    ("actor", "tags", domain.TAG_MAX),
    ("meeting", "tags", domain.TAG_MAX),
    ("recommendation", "tags", domain.TAG_MAX),
    ("memo", "authors", domain.NAME_MAX),
    ("memo", "tags", domain.TAG_MAX),
]
UIDS = [
    ("actor", "affiliations", "affiliation_uids"), ("actor", "sources", "source_uids"),
    ("meeting", "hosts", "host_uids"), ("meeting", "mediators", "mediator_uids"),
    ("meeting", "sources", "source_uids"),
    ("recommendation", "addressee_actors", "addressee_uids"),
    ("recommendation", "meetings", "meeting_uids"), ("recommendation", "actors", "actor_uids"),
    ("recommendation", "sources", "source_uids"),
    ("memo", "meetings", "meeting_uids"), ("memo", "actors", "actor_uids"),
    ("memo", "recommendations", "recommendation_uids"), ("memo", "sources", "source_uids"),
]
DATES = [
    ("source", "accessed", False), ("meeting", "date", True),
    ("recommendation", "date", False), ("memo", "date", True),
]


def test_the_valid_records_are_valid():
    for kind in ("source", "actor", "meeting", "recommendation", "memo"):
        assert valid(kind).problems() == [], kind


def too_long(count, limit):
    return f"is too long ({count:,} characters; at most {limit:,})"


@pytest.mark.parametrize("kind, name, path, limit, required", LINES + TEXTS)
def test_a_text_field_takes_its_limit_and_refuses_one_more(kind, name, path, limit, required):
    record = valid(kind)
    put(record, path, "x" * limit)
    assert record.problems() == []
    put(record, path, "x" * (limit + 1))
    assert record.problems() == [(name, too_long(limit + 1, limit))]
    put(record, path, "")
    assert record.problems() == ([(name, "is required")] if required else [])
    put(record, path, 42)
    assert record.problems() == [(name, "must be text")]


@pytest.mark.parametrize("kind, name, path, limit, required", LINES)
def test_a_single_line_refuses_control_characters_and_is_cleaned(kind, name, path, limit,
                                                                 required):
    record = valid(kind)
    put(record, path, "a\nb")
    assert record.problems() == [(name, "contains a control character (U+000A)")]
    put(record, path, "  Cafe\u0301  ")
    record.check()
    value = record
    for part in path.split("[1]."):
        value = getattr(value, part)
        value = value[0] if isinstance(value, list) else value
    assert value == "Café"


@pytest.mark.parametrize("kind, name, path, limit, required", TEXTS)
def test_a_long_text_keeps_its_lines_in_one_form(kind, name, path, limit, required):
    record = valid(kind)
    put(record, path, "one\ttab\nline")
    assert record.problems() == []
    put(record, path, "a\x07b")
    assert record.problems() == [(name, "contains a control character (U+0007)")]
    put(record, path, "  e\u0301\r\nsecond\rthird  ")
    record.check()
    value = record
    for part in path.split("[1]."):
        value = getattr(value, part)
        value = value[0] if isinstance(value, list) else value
    assert value == "é\nsecond\nthird"


@pytest.mark.parametrize("kind, attribute, limit", LISTS)
def test_each_entry_of_a_list_is_a_line_within_its_limit(kind, attribute, limit):
    record = valid(kind)
    setattr(record, attribute, ["x" * limit])
    assert record.problems() == []
    setattr(record, attribute, ["ok", "x" * (limit + 1)])
    assert record.problems() == [(f"{attribute}[2]", too_long(limit + 1, limit))]
    setattr(record, attribute, ["ok", ""])
    assert record.problems() == [(f"{attribute}[2]", "is required")]
    setattr(record, attribute, ["same", "same"])
    assert record.problems() == [(attribute, "lists the same entry twice")]
    setattr(record, attribute, [str(i) for i in range(domain.LIST_MAX)])
    assert record.problems() == []
    setattr(record, attribute, [str(i) for i in range(domain.LIST_MAX + 1)])
    assert record.problems() == [
        (attribute, f"has too many entries ({domain.LIST_MAX + 1}; at most {domain.LIST_MAX})")]
    setattr(record, attribute, "not a list")
    assert record.problems() == [(attribute, "must be a list")]
    setattr(record, attribute, ["  spaced  "])
    record.check()
    assert getattr(record, attribute) == ["spaced"]


@pytest.mark.parametrize("kind, name, attribute", UIDS)
def test_links_are_uids_each_once(kind, name, attribute):
    record = valid(kind)
    setattr(record, attribute, [UID, OTHER_UID])
    assert record.problems() == []
    setattr(record, attribute, [UID, "not-a-uid"])
    assert record.problems() == [
        (f"{name}[2]", "is not a record identifier (UUID): 'not-a-uid'")]
    setattr(record, attribute, [UID, UID])
    assert record.problems() == [(name, "lists the same record twice")]
    setattr(record, attribute, UID)
    assert record.problems() == [(name, "must be a list")]


@pytest.mark.parametrize("kind, name, required", DATES)
def test_dates_are_calendar_dates(kind, name, required):
    record = valid(kind)
    setattr(record, name, None)
    assert record.problems() == ([(name, "is required")] if required else [])
    setattr(record, name, dt.datetime(2025, 5, 16, 12, 0))
    assert record.problems() == [(name, "must be a calendar date (YYYY-MM-DD)")]
    setattr(record, name, "2025-05-16")
    assert record.problems() == [(name, "must be a calendar date (YYYY-MM-DD)")]


def test_source_url_length_and_scheme():
    source = valid("source")
    for url in ["https://example.org/" + "x" * (2000 - 20), "http://a.b", "doi:10.1/x",
                "HTTPS://EXAMPLE.ORG"]:
        source.url = url
        assert source.problems() == [], url
    source.url = "https://example.org/" + "x" * (2000 - 19)
    assert source.problems() == [("url", too_long(2001, 2000))]
    source.url = "ftp://example.org"
    assert source.problems() == [("url", "must start with http://, https:// or doi:")]
    source.url = "  https://example.org  "
    source.check()
    assert source.url == "https://example.org"


def test_export_settings_limits_and_cleaning():
    assert ExportSettings(organisation="x" * 200, classification="x" * 40,
                          author="x" * 200).check()
    for field, limit in [("organisation", 200), ("classification", 40), ("author", 200)]:
        settings = ExportSettings(**{field: "x" * (limit + 1)})
        with pytest.raises(domain.ValidationError) as raised:
            settings.check()
        assert raised.value.problems == [(field, too_long(limit + 1, limit))]
    settings = ExportSettings(organisation="  Inst\u0131tute ", classification=" R ",
                              author=" A ").check()
    assert (settings.organisation, settings.classification, settings.author) == (
        "Inst\u0131tute", "R", "A")


def test_a_memo_has_at_most_the_list_limit_of_sections():
    memo = valid("memo")
    memo.sections = [MemoSection("", "b")] * domain.LIST_MAX
    assert memo.problems() == []
    memo.sections = [MemoSection("", "b")] * (domain.LIST_MAX + 1)
    assert memo.problems() == [
        ("sections", f"has too many entries ({domain.LIST_MAX + 1}; at most {domain.LIST_MAX})")]


# --- small helpers whose words people read ----------------------------------------------

def test_labels_people_read():
    class Sample(StrEnum):
        TWO_WORDS = "two_words"

    assert domain.label(Sample.TWO_WORDS) == "two words"
    assert domain.label(MeetingKind.PHONE_CALL) == "phone call"
    assert domain.label(ParticipantRole.HEAD) == "head of delegation"
    assert domain.priority_label(Priority.HIGH) == "high"
    assert domain.priority_label(None) == "no priority given"
    assert Participant(UID, "S", ParticipantRole.HEAD).role_text() == "head of delegation"
    assert Participant(UID, "S", ParticipantRole.MEDIATOR, "chair").role_text() == (
        "mediator (chair)")


def test_record_labels_name_the_record_or_say_it_is_new():
    assert Actor(name="Hakan Fidan").label() == "actor 'Hakan Fidan'"
    assert Actor().label() == "new actor"
    assert Source(citation="").label() == "new source"


def test_approximate_dates_parse_and_refuse_clearly():
    assert domain.parse_approx_date("") == (None, DatePrecision.DAY)
    assert domain.parse_approx_date(None) == (None, DatePrecision.DAY)
    assert domain.parse_approx_date("0001") == (dt.date(1, 1, 1), DatePrecision.YEAR)
    assert domain.parse_approx_date("2025") == (dt.date(2025, 1, 1), DatePrecision.YEAR)
    assert domain.parse_approx_date("2025-05") == (dt.date(2025, 5, 1), DatePrecision.MONTH)
    assert domain.parse_approx_date("2025-05-16") == (DAY, DatePrecision.DAY)
    for bad in ["0000", "2025-13", "20250516xx", "2025/05/16", "May 2025", "x" * 60]:
        with pytest.raises(ValueError) as raised:
            domain.parse_approx_date(bad)
        assert str(raised.value).startswith(repr(bad[:40])), bad


def test_dates_and_periods_in_words():
    assert domain.format_date(None) == ""
    assert domain.format_date_span(None, DAY) == ""
    assert domain.format_date_span(DAY, DAY) == "16 May 2025"
    assert domain.format_date_span(DAY, dt.date(2025, 5, 1)) == "16 May 2025"
    assert domain.format_date_span(dt.date(2024, 12, 30), dt.date(2025, 1, 2)) == (
        "30 December 2024 – 2 January 2025")
    assert domain.format_date_span(dt.date(2024, 12, 1), dt.date(2025, 1, 1),
                                   DatePrecision.MONTH) == "December 2024 – January 2025"
    assert domain.format_date_span(dt.date(2021, 1, 1), dt.date(2022, 1, 1),
                                   DatePrecision.YEAR) == "2021–2022"


def test_image_types_by_their_first_bytes():
    assert domain.image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert domain.image_type(b"RIFF\x00\x00\x00\x00AVI LIST") is None
    assert domain.image_type(b"JUNK\x00\x00\x00\x00WEBPVP8 ") is None
    assert domain.image_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert domain.image_type(b"GIF87a") == "image/gif"
    assert domain.image_type(b"") is None


CHOICES = [
    ("actor", "kind", domain.ActorKind), ("meeting", "kind", MeetingKind),
    ("meeting", "status", domain.MeetingStatus),
    ("meeting", "duration_approx", domain.DurationApprox),
    ("meeting", "date_precision", DatePrecision),
    ("recommendation", "priority", Priority),
    ("recommendation", "status", domain.RecommendationStatus),
]


@pytest.mark.parametrize("kind, name, enum", CHOICES)
def test_a_choice_names_the_values_it_takes(kind, name, enum):
    record = valid(kind)
    setattr(record, name, "bogus")
    allowed = ", ".join(member.value for member in enum)
    assert record.problems() == [(name, f"unknown value 'bogus'; expected one of: {allowed}")]


def test_meeting_duration_start_time_and_participants():
    meeting = valid("meeting")
    for minutes in (None, 1, domain.DURATION_MAX_MINUTES):
        meeting.duration_minutes = minutes
        assert meeting.problems() == [], minutes
    for minutes in (0, -5, domain.DURATION_MAX_MINUTES + 1):
        meeting.duration_minutes = minutes
        assert meeting.problems() == [
            ("duration_minutes",
             f"must be between 1 and {domain.DURATION_MAX_MINUTES} minutes")], minutes
    for minutes in (True, 1.5, "90"):
        meeting.duration_minutes = minutes
        assert meeting.problems() == [("duration_minutes", "must be a whole number of minutes")]
    meeting.duration_minutes = None
    meeting.start_time = "12:00"
    assert meeting.problems() == [("start_time", "must be a time of day (HH:MM)")]
    meeting.start_time = dt.time(12, 0)
    assert meeting.problems() == []
    meeting.date_precision = DatePrecision.MONTH
    assert meeting.problems() == [
        ("start_time", "needs an exact date (a day, not a month or year)")]
    meeting.start_time, meeting.date_precision = None, DatePrecision.DAY
    meeting.end_date = DAY - dt.timedelta(days=1)
    assert meeting.problems() == [("end_date", "is before the start date")]
    meeting.end_date = DAY + dt.timedelta(days=4)
    assert meeting.problems() == []
    meeting.participants = [Participant(str(uuid.UUID(int=i)), "S") for i in range(1000)]
    assert meeting.problems() == []
    meeting.participants.append(Participant(OTHER_UID, "S"))
    assert meeting.problems() == [("participants", "has too many entries (at most 1000)")]
    meeting.participants = [Participant(UID, "A"), Participant(UID, "B")]
    assert meeting.problems() == [("participants", "lists the same actor twice")]


def test_a_recommendation_needs_an_addressee_in_words_or_actors():
    rec = valid("recommendation")
    rec.addressee = ""
    assert rec.problems() == [("addressee", "is required (free text, actors, or both)")]
    rec.addressee_uids = [UID]
    assert rec.problems() == []
    rec.priority = None  # no priority given is a valid answer
    assert rec.problems() == []


def test_export_settings_page_size_is_a_choice():
    with pytest.raises(domain.ValidationError) as raised:
        ExportSettings(page_size="a3").check()
    assert raised.value.problems == [
        ("page_size", "unknown value 'a3'; expected one of: a4, letter, a5")]
