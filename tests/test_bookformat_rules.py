"""The JSON format's rules (docs/json-format.md), field by field.

Each malformed document is refused with the whole message a person reads: the
section, the record's position and name, the field and the problem. Written
against parse_book/load_file/export, not against how the decoder is built.
"""

import base64
import copy
import datetime as dt
import io
import json
import os

import pytest

from desktopapp import bookformat
from desktopapp.domain import (
    Actor,
    DatePrecision,
    ExportSettings,
    Meeting,
    MeetingStatus,
    PageSize,
    ParticipantRole,
    Position,
    Priority,
    Recommendation,
)
from desktopapp.errors import ImportFormatError

A = "00000000-0000-4000-8000-00000000000a"
B = "00000000-0000-4000-8000-00000000000b"
C = "00000000-0000-4000-8000-00000000000c"
M = "00000000-0000-4000-8000-0000000000aa"
VERSION = bookformat.FORMAT_VERSION


def book(**sections) -> dict:
    return {"format": "briefing-book", "version": VERSION, **sections}


def actor(**fields) -> dict:
    return {"uid": A, "name": "Hakan Fidan", **fields}


def meeting(**fields) -> dict:
    return {"uid": M, "title": "Istanbul talks", "date": "2025-05-16", **fields}


def participants(*entries) -> dict:
    """A meeting whose first participant is well formed and whose others are given."""
    return book(actors=[actor()], meetings=[meeting(participants=[{"actor_uid": A}, *entries])])


def positions(*entries) -> dict:
    return book(actors=[actor(positions=[{"topic": "Black Sea", "stance": "Open"}, *entries])])


def sections(*entries) -> dict:
    return book(memos=[{"uid": B, "title": "Memo", "date": "2025-05-20",
                        "sections": [{"body": "First."}, *entries]}])


def refusal(document) -> str:
    with pytest.raises(ImportFormatError) as caught:
        bookformat.parse_book(document)
    return str(caught.value)


# --- what a record may leave out ---------------------------------------------------

def test_a_record_may_leave_out_every_optional_field_in_any_order():
    parsed = bookformat.parse_book(book(
        actors=[{"uid": A, "name": "Hakan Fidan"},
                # created_at and most fields left out, a later field still read
                {"uid": B, "biography": "Foreign minister.", "name": "Second"}],
        meetings=[meeting()]))
    first, second = parsed["actors"]
    assert (first.name, first.kind.value, first.aliases, first.photo, first.created_at) == (
        "Hakan Fidan", "person", [], None, "")
    assert second.biography == "Foreign minister." and second.name == "Second"
    held = parsed["meetings"][0]
    assert held.status is MeetingStatus.PLANNED and held.start_time is None
    assert held.duration_minutes is None and held.end_date is None


def test_null_stands_for_an_empty_field():
    parsed = bookformat.parse_book(book(actors=[actor(
        title=None, aliases=None, tags=None, positions=None, photo=None, created_at=None,
        affiliations=None)]))
    got = parsed["actors"][0]
    assert (got.title, got.aliases, got.tags, got.positions, got.photo, got.created_at,
            got.affiliation_uids) == ("", [], [], [], None, "", [])
    meetings = bookformat.parse_book(book(meetings=[meeting(
        start_time=None, duration_minutes=None, end_date=None, participants=None)]))
    got = meetings["meetings"][0]
    assert (got.start_time, got.duration_minutes, got.end_date, got.participants) == (
        None, None, None, [])
    recommendation = bookformat.parse_book(book(recommendations=[{
        "uid": C, "title": "Keep talking", "text": "Do.", "addressee": "EU",
        "date": None, "priority": None}]))["recommendations"][0]
    assert recommendation.date is None and recommendation.priority is None


def test_entries_of_lists_take_their_defaults():
    got = bookformat.parse_book(participants())["meetings"][0].participants[0]
    assert (got.actor_uid, got.side, got.role, got.role_label) == (
        A, "", ParticipantRole.MEMBER, "")
    position = bookformat.parse_book(positions())["actors"][0].positions[0]
    assert (position.as_of, position.source_uid, position.as_of_precision) == (
        None, None, DatePrecision.DAY)
    section = bookformat.parse_book(sections())["memos"][0].sections[0]
    assert (section.heading, section.body) == ("", "First.")


def test_a_position_and_a_memo_section_cannot_be_empty():
    assert refusal(positions({"stance": "Closed"})) == (
        "actors[1] ('Hakan Fidan'): field 'positions[2].topic' is required")
    assert refusal(positions({"topic": "Grain"})) == (
        "actors[1] ('Hakan Fidan'): field 'positions[2].stance' is required")
    assert refusal(sections({"heading": "Heading only"})) == (
        "memos[1] ('Memo'): field 'sections[2].body' is required")


# --- the place of a problem ----------------------------------------------------------

@pytest.mark.parametrize("document, message", [
    (book(actors=[actor(), actor(uid=B, name="Şebnem", kind="persn")]),
     "actors[2] ('Şebnem'): field 'kind' unknown value 'persn'; "
     "expected one of: person, organisation, state, group"),
    (book(meetings=[meeting(kind="chat")]),
     "meetings[1] ('Istanbul talks'): field 'kind' unknown value 'chat'; expected one of: "
     "talks, summit, bilateral, multilateral, phone_call, video_call, consultation, other"),
    (book(sources=[{"uid": A, "citation": "PISM Bulletin", "accessed": "2025-02-30"}]),
     "sources[1] ('PISM Bulletin'): field 'accessed' '2025-02-30' is not a real date in "
     "the form YYYY-MM-DD"),
    (book(actors=[{"uid": A, "kind": "persn"}]),  # nothing to name it by
     "actors[1]: field 'kind' unknown value 'persn'; "
     "expected one of: person, organisation, state, group"),
    (book(actors=[actor(name=5)]), "actors[1]: field 'name' must be a string"),
    (book(actors=[actor(name="N" * 100, kind="persn")]),
     f"actors[1] ('{'N' * 80}'): field 'kind' unknown value 'persn'; "
     "expected one of: person, organisation, state, group"),
    (book(actors=["Hakan Fidan"]), "actors[1]: must be an object"),
    (book(actors=[actor(), {"name": "No uid"}]), "actors[2] ('No uid'): field 'uid' is missing"),
    (book(actors=[actor(colour="red", age=3)]),
     "actors[1] ('Hakan Fidan'): unknown field 'age'"),
])
def test_a_problem_names_section_position_record_and_field(document, message):
    assert refusal(document) == message


def test_a_uid_used_twice_names_both_places():
    assert refusal(book(actors=[actor(), actor(name="Other")])) == (
        f"actors[2]: uid {A} is used twice (also by actors[1])")
    assert refusal(book(actors=[actor()], meetings=[meeting(uid=A)])) == (
        f"meetings[1]: uid {A} is used twice (also by actors[1])")


# --- each kind of field ----------------------------------------------------------------

PLACE = "actors[1] ('Hakan Fidan'): "


@pytest.mark.parametrize("fields, message", [
    ({"uid": "x" * 100}, "field 'uid' is not a record identifier (UUID): " + repr("x" * 60)),
    ({"uid": A.upper()}, f"field 'uid' is not a record identifier (UUID): {A.upper()!r}"),
    ({"title": 5}, "field 'title' must be a string"),
    ({"biography": ["text"]}, "field 'biography' must be a string"),
    ({"aliases": "Fidan"}, "field 'aliases' must be a list of strings"),
    ({"aliases": ["Fidan", 5]}, "field 'aliases' must be a list of strings"),
    ({"affiliations": {"uid": B}}, "field 'affiliations' must be a list of strings"),
    ({"created_at": 20250520}, "field 'created_at' must be a timestamp string"),
    ({"updated_at": "y" * 50},
     f"field 'updated_at' {'y' * 40!r} is not an ISO 8601 timestamp"),
    ({"kind": "p" * 100},
     f"field 'kind' unknown value {'p' * 60!r}; expected one of: person, organisation, "
     "state, group"),
    ({"kind": None}, "field 'kind' unknown value 'None'; expected one of: person, "
     "organisation, state, group"),
    ({"photo": 5}, "field 'photo' must be base64 text or null"),
    ({"photo": "###"}, "field 'photo' is not valid base64"),
    ({"positions": {"topic": "x"}}, "field 'positions' must be a list"),
])
def test_actor_fields_are_checked(fields, message):
    assert refusal(book(actors=[actor(**fields)])) == (
        (PLACE if fields.get("name", "x") else "actors[1]: ") + message)


MEETING = "meetings[1] ('Istanbul talks'): "


@pytest.mark.parametrize("fields, message", [
    ({"date": 20250516},
     "field 'date' must be a date string (YYYY-MM-DD, YYYY-MM or YYYY) or null"),
    ({"date": "16 May"}, "field 'date' '16 May' is not a date in the form YYYY-MM-DD, "
                         "YYYY-MM or YYYY"),
    ({"date": "2023-03", "end_date": "2023-03-10"},
     "field 'end_date' is a day but 'date' is a month; write both ends of a period the "
     "same way"),
    ({"start_time": 930}, "field 'start_time' must be a time string HH:MM or null"),
    ({"start_time": "9.30"}, "field 'start_time' '9.30' is not a time of day in the form HH:MM"),
    ({"duration_minutes": 90.0}, "field 'duration_minutes' must be a whole number of "
                                 "minutes or null"),
    ({"duration_minutes": True}, "field 'duration_minutes' must be a whole number of "
                                 "minutes or null"),
    ({"status": "done"}, "field 'status' unknown value 'done'; expected one of: planned, "
                         "held, cancelled"),
    ({"participants": "everyone"}, "field 'participants' must be a list"),
])
def test_meeting_fields_are_checked(fields, message):
    assert refusal(book(meetings=[meeting(**fields)])) == MEETING + message


def test_a_period_written_the_same_way_at_both_ends_is_read_with_its_precision():
    got = bookformat.parse_book(book(meetings=[meeting(date="2021", end_date="2022")]))
    held = got["meetings"][0]
    assert (held.date.isoformat(), held.end_date.isoformat(), held.date_precision) == (
        "2021-01-01", "2022-01-01", DatePrecision.YEAR)
    assert refusal(book(meetings=[meeting(date="2021", end_date="2022-05")])) == MEETING + (
        "field 'end_date' is a month but 'date' is a year; write both ends of a period the "
        "same way")


@pytest.mark.parametrize("fields, message", [
    ({"date": 2025}, "field 'date' must be a date string YYYY-MM-DD or null"),
    ({"date": "2025-13-01"}, "field 'date' '2025-13-01' is not a real date in the form "
                             "YYYY-MM-DD"),
    ({"priority": "urgent"}, "field 'priority' unknown value 'urgent'; expected one of: "
                             "high, medium, low"),
])
def test_recommendation_fields_are_checked(fields, message):
    recommendation = {"uid": C, "title": "Keep talking", "text": "Do.", "addressee": "EU",
                      **fields}
    assert refusal(book(recommendations=[recommendation])) == (
        "recommendations[1] ('Keep talking'): " + message)


@pytest.mark.parametrize("entry, problem", [
    (5, "entry 2 must be an object"),
    ({"actor_uid": A, "seat": 1, "zone": 2}, "entry 2 has unknown field 'seat'"),
    ({"side": "Türkiye"}, "entry 2: actor_uid must be a string"),
    ({"actor_uid": A, "side": 1}, "entry 2: side must be a string"),
    ({"actor_uid": A, "role_label": ["chair"]}, "entry 2: role_label must be a string"),
    ({"actor_uid": A, "role": "boss"},
     "entry 2: unknown role 'boss'; expected one of: head, member, mediator, observer"),
    ({"actor_uid": A, "role": "r" * 60},
     f"entry 2: unknown role {'r' * 40!r}; expected one of: head, member, mediator, observer"),
])
def test_participants_are_checked_entry_by_entry(entry, problem):
    assert refusal(participants(entry)) == MEETING + "field 'participants' " + problem


@pytest.mark.parametrize("entry, problem", [
    ("Open", "entry 2 must be an object"),
    ({"topic": "Grain", "stance": "Open", "since": "2024"}, "entry 2 has unknown field 'since'"),
    ({"topic": 1, "stance": "Open"}, "entry 2: topic must be a string"),
    ({"topic": "Grain", "stance": 1}, "entry 2: stance must be a string"),
    ({"topic": "Grain", "stance": "Open", "source_uid": 1},
     "entry 2: source_uid must be a string"),
    ({"topic": "Grain", "stance": "Open", "as_of": "May"},
     "entry 2: as_of 'May' is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY"),
    ({"topic": "Grain", "stance": "Open", "as_of": 2024},
     "entry 2: as_of must be a date string (YYYY-MM-DD, YYYY-MM or YYYY) or null"),
])
def test_positions_are_checked_entry_by_entry(entry, problem):
    assert refusal(positions(entry)) == PLACE + "field 'positions' " + problem


def test_a_position_keeps_its_approximate_date_and_source():
    document = positions({"topic": "Grain", "stance": "Open", "as_of": "2024-05",
                          "source_uid": C})
    got = bookformat.parse_book(document)["actors"][0].positions[1]
    assert (got.as_of.isoformat(), got.as_of_precision, got.source_uid) == (
        "2024-05-01", DatePrecision.MONTH, C)


@pytest.mark.parametrize("entry, problem", [
    (["Heading", "Body"], "entry 2 must be an object"),
    ({"body": "x", "title": "y", "text": "z"}, "entry 2 has unknown field 'text'"),
    ({"heading": 1, "body": "x"}, "entry 2: heading must be a string"),
    ({"heading": "x", "body": 1}, "entry 2: body must be a string"),
])
def test_memo_sections_are_checked_entry_by_entry(entry, problem):
    assert refusal(sections(entry)) == "memos[1] ('Memo'): field 'sections' " + problem


# --- the top level ------------------------------------------------------------------

@pytest.mark.parametrize("document, message", [
    ({"version": VERSION}, "the file is not a briefing book: 'format' is 'None', "
                           "expected 'briefing-book'"),
    ({"format": "f" * 60, "version": VERSION},
     f"the file is not a briefing book: 'format' is {'f' * 40!r}, expected 'briefing-book'"),
    ({"format": "briefing-book"}, "'version' must be a whole number"),
    ({"format": "briefing-book", "version": True}, "'version' must be a whole number"),
    ({"format": "briefing-book", "version": 0}, "'version' 0 is not a known format version"),
    ({"format": "briefing-book", "version": VERSION + 1},
     f"the file uses format version {VERSION + 1}; this program reads up to version "
     f"{VERSION}: update Briefing Desk"),
    ([], "the file is not a briefing book: the top level must be an object"),
])
def test_the_header_is_checked(document, message):
    assert refusal(document) == message


@pytest.mark.parametrize("member", ["memos", "settings"])
def test_a_version_1_file_has_no_memos_or_settings_wherever_they_stand(member):
    value = [] if member == "memos" else {}
    assert refusal({"format": "briefing-book", "version": 1, member: value}) == (
        f"unknown top-level field {member!r}")
    # the same when the member comes before the version that rules it out
    assert refusal({"format": "briefing-book", member: value, "version": 1}) == (
        f"unknown top-level field {member!r}")
    assert bookformat.parse_book({"format": "briefing-book", member: value, "version": 2})


# --- export settings -------------------------------------------------------------------

def test_settings_are_read_with_their_defaults():
    full = {"organisation": "PISM", "classification": "RESTRICTED", "page_size": "letter",
            "author": "Jan Kowalski"}
    assert bookformat.parse_book(book(settings=full))["settings"] == ExportSettings(
        "PISM", "RESTRICTED", PageSize.LETTER, "Jan Kowalski")
    assert bookformat.parse_book(book(settings={}))["settings"] == ExportSettings(
        "", "", PageSize.A4, "")
    assert "settings" not in bookformat.parse_book(book())


@pytest.mark.parametrize("settings, message", [
    ([], "'settings' must be an object"),
    ({"colour": "red", "author": "x"}, "settings: unknown field 'colour'"),
    ({"organisation": 1}, "settings: field 'organisation' must be a string"),
    ({"classification": None}, "settings: field 'classification' must be a string"),
    ({"author": ["x"]}, "settings: field 'author' must be a string"),
    ({"page_size": "A3"},
     "settings: field 'page_size' unknown value 'A3'; expected one of: a4, letter, a5"),
    ({"page_size": "s" * 30},
     f"settings: field 'page_size' unknown value {'s' * 20!r}; expected one of: a4, letter, a5"),
    ({"classification": "C" * 41},
     "settings: field 'classification' is too long (41 characters; at most 40)"),
])
def test_settings_are_checked(settings, message):
    assert refusal(book(settings=settings)) == message


# --- files ---------------------------------------------------------------------------

def test_files_that_cannot_be_read_say_why(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(ImportFormatError) as caught:
        bookformat.load_file(missing)
    assert str(caught.value) == f"cannot read {missing}: No such file or directory"
    with pytest.raises(ImportFormatError) as caught:
        bookformat.load_file(tmp_path)
    assert str(caught.value) == f"cannot read {tmp_path}: it is not a regular file"


def test_a_file_over_2_gb_is_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:  # sparse: no disk space used
        fh.truncate(2 * 1024**3 + 1)
    with pytest.raises(ImportFormatError) as caught:
        bookformat.load_file(huge)
    assert str(caught.value) == f"{huge} is larger than 2 GB; not a briefing book"
    os.truncate(huge, 2 * 1024**3)  # exactly 2 GB is read (and found not to be JSON)
    with pytest.raises(ImportFormatError, match="is not valid JSON"):
        bookformat.load_file(huge)


@pytest.mark.parametrize("content, message", [
    (b'{"actors": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
     "{path} is nested too deeply to be a briefing book"),
    (b"[1, 2]", "the file is not a briefing book: the top level must be an object"),
    (b"\xff{}", "{path} is not UTF-8 text (byte 0)"),
])
def test_file_level_problems_are_whole_sentences(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError) as caught:
        bookformat.load_file(path)
    assert str(caught.value) == message.format(path=path)


def test_a_file_with_every_section_streams_in_file_order(tmp_path):
    document = book(sources=[{"uid": C, "citation": "Bulletin"}], actors=[actor()],
                    meetings=[meeting(participants=[{"actor_uid": A}])],
                    settings={"author": "Jan"})
    path = tmp_path / "book.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    items = list(bookformat.read_file(path))
    assert [(section, type(item).__name__) for section, item in items] == [
        ("sources", "Source"), ("actors", "Actor"), ("meetings", "Meeting"),
        ("settings", "ExportSettings")]


# --- writing -------------------------------------------------------------------------

def records():
    fidan = Actor(uid=A, name="Hakan Fidan", native_name="Hakan Fidan", aliases=["Фидан"])
    talks = Meeting(uid=M, title="Istanbul talks", date=dt.date(2025, 5, 16))
    return {"actors": [fidan, Actor(uid=B, name="Second")], "meetings": [talks]}


def test_an_export_writes_one_record_per_line_and_empty_sections_as_empty_lists():
    out = io.StringIO()
    sections_ = records()
    counts = bookformat.write_book(out, lambda name: sections_.get(name, []),
                                   ExportSettings("PISM", "", PageSize.A5, ""))
    text = out.getvalue()
    assert counts == {"actors": 2, "meetings": 1, "recommendations": 0, "memos": 0,
                      "sources": 0}
    assert json.loads(text) == bookformat.book_to_dict(
        sections_, ExportSettings("PISM", "", PageSize.A5, ""))
    lines = text.splitlines()
    assert lines[0] == f'{{"format": "briefing-book", "version": {VERSION},'
    record_lines = [line for line in lines if line.startswith("  {")]
    assert [json.loads(line.rstrip(","))["uid"] for line in record_lines] == [A, B, M]
    assert ' "recommendations": [],' in lines and ' "sources": [],' in lines
    assert "Фидан" in text  # names stay in their own script
    assert lines[-1] == ' "settings": {"organisation": "PISM", "classification": "", ' \
                        '"page_size": "a5", "author": ""}}'


def test_a_document_without_some_sections_exports_them_empty():
    sections_ = records()
    document = bookformat.book_to_dict({"meetings": sections_["meetings"]})
    assert list(document) == ["format", "version", "actors", "meetings", "recommendations",
                              "memos", "sources"]
    assert document["actors"] == [] and document["meetings"][0]["date"] == "2025-05-16"
    again = bookformat.parse_book(copy.deepcopy(document))
    assert again["meetings"][0] == sections_["meetings"][0]


def test_dumps_is_indented_and_keeps_names_in_their_own_script():
    text = bookformat.dumps(bookformat.book_to_dict(records()))
    lines = text.splitlines()
    assert lines[1] == '  "format": "briefing-book",'
    assert '        "Фидан"' in lines  # list entry three levels deep
    assert text.endswith("}\n")


def test_an_export_writes_each_kind_of_value_as_documented():
    # the sample book has no priority, start time, photo or dated position: an encoder
    # dropping them would still round-trip (null in, null out), so say what is written
    photo = b"\x89PNG\r\n\x1a\n-not-checked-here"
    fidan = Actor(uid=A, name="Hakan Fidan", photo=photo, positions=[
        Position("Grain", "Open", dt.date(2024, 5, 1), C, DatePrecision.MONTH)])
    talks = Meeting(uid=M, title="Talks", date=dt.date(2025, 5, 16), start_time=dt.time(13, 30),
                    duration_minutes=115, status=MeetingStatus.HELD)
    spring = Meeting(uid=B, title="Spring talks", date=dt.date(2023, 3, 1),
                     end_date=dt.date(2023, 4, 1), date_precision=DatePrecision.MONTH)
    advice = Recommendation(uid=C, title="Keep talking", text="Do.", addressee="EU",
                            priority=Priority.HIGH, date=dt.date(2025, 5, 20))
    actor = bookformat.record_to_dict(fidan)
    assert base64.b64decode(actor["photo"]) == photo
    assert actor["positions"] == [{"topic": "Grain", "stance": "Open", "as_of": "2024-05",
                                   "source_uid": C}]
    meeting = bookformat.record_to_dict(talks)
    assert (meeting["date"], meeting["start_time"], meeting["duration_minutes"],
            meeting["status"], meeting["end_date"]) == ("2025-05-16", "13:30", 115, "held", None)
    period = bookformat.record_to_dict(spring)
    assert (period["date"], period["end_date"], period["start_time"]) == ("2023-03", "2023-04",
                                                                          None)
    written = bookformat.record_to_dict(advice)
    assert (written["priority"], written["date"]) == ("high", "2025-05-20")
    advice.priority = None  # "no priority given" stays null, never "medium"
    assert bookformat.record_to_dict(advice)["priority"] is None
    assert bookformat.record_to_dict(Actor(uid=B, name="No photo"))["photo"] is None
