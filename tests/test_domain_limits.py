"""Record rules at their edges: photos, lists, periods, characters, stamps.

Each problem is checked as the (field, message) pair the editors and the import
show, so a form can put it beside the right widget.
"""

import datetime as dt
import re

import pytest

from desktopapp import domain
from desktopapp.domain import (
    Actor,
    DatePrecision,
    ExportSettings,
    Meeting,
    Memo,
    MemoSection,
    Participant,
    Position,
    Recommendation,
)
from desktopapp.errors import ValidationError

UID = "3f2b6c1e-8a4d-4e1f-9b2a-5c6d7e8f9a0b"
JPEG = b"\xff\xd8\xff\xe0"
DAY = dt.date(2025, 5, 16)


def problems(record) -> list[tuple[str, str]]:
    try:
        record.check()
    except ValidationError as exc:
        return exc.problems
    return []


@pytest.mark.parametrize("photo, message", [
    (b"", "must be image data"),
    ("a photo", "must be image data"),
    (JPEG + bytes(30 * 1024 * 1024), "is too large (30 MB; at most 20 MB)"),
    # at the limit the size is accepted and the content judged
    (JPEG + bytes(domain.PHOTO_MAX_BYTES - len(JPEG)), "is damaged or not a readable image"),
    (b"hello, not an image", "is not a JPEG, PNG, GIF or WebP image"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "is damaged or not a readable image"),
])
def test_a_photo_is_image_data_of_a_printable_type_within_20_mb(photo, message):
    assert problems(Actor(name="Someone", photo=photo)) == [("photo", message)]


def test_an_actor_is_not_its_own_affiliation_and_has_at_most_the_list_limit_of_positions():
    assert problems(Actor(uid=UID, name="Someone", affiliation_uids=[UID])) == [
        ("affiliations", "an actor cannot be affiliated with itself")]
    full = [Position(f"Topic {i}", "Stance") for i in range(domain.LIST_MAX)]
    assert problems(Actor(name="Someone", positions=full)) == []
    over = full + [Position("One more", "Stance")]
    assert problems(Actor(name="Someone", positions=over)) == [
        ("positions", f"has too many entries ({domain.LIST_MAX + 1}; at most {domain.LIST_MAX})")]


def test_a_position_names_its_own_fields():
    bad = Position("Topic", "Stance", as_of="2024-05", source_uid="x" * 100,
                   as_of_precision="week")
    assert problems(Actor(name="Someone", positions=[bad])) == [
        ("positions[1].as_of", "must be a calendar date (YYYY-MM-DD)"),
        ("positions[1].as_of_precision",
         "unknown value 'week'; expected one of: day, month, year"),
        ("positions[1].source", "is not a record identifier (UUID): " + repr("x" * 60)),
    ]


@pytest.mark.parametrize("precision, first_day", [
    (DatePrecision.DAY, dt.date(2024, 5, 17)),
    (DatePrecision.MONTH, dt.date(2024, 5, 1)),
    (DatePrecision.YEAR, dt.date(2024, 1, 1)),
])
def test_an_approximate_date_is_kept_as_the_first_day_of_its_period(precision, first_day):
    actor = Actor(name="Someone", positions=[Position("Topic", "Stance", dt.date(2024, 5, 17),
                                                      None, precision)])
    actor.check()
    assert actor.positions[0].as_of == first_day
    assert domain.truncate_date(dt.date(2024, 5, 17), precision) == first_day


def test_a_participant_role_is_one_of_the_roles():
    meeting = Meeting(title="Talks", date=DAY, participants=[Participant(UID, "Side", "boss")])
    assert problems(meeting) == [
        ("participants[1].role", "unknown value 'boss'; expected one of: head, member, "
                                 "mediator, observer")]


def test_a_period_may_end_on_its_first_day_but_not_before():
    assert problems(Meeting(title="Talks", date=DAY, end_date=DAY)) == []
    assert problems(Meeting(title="Talks", date=DAY, end_date=DAY - dt.timedelta(days=1))) == [
        ("end_date", "is before the start date")]
    assert problems(Meeting(title="Talks", date=DAY, end_date="2025-05-20")) == [
        ("end_date", "must be a calendar date (YYYY-MM-DD)")]


def test_memo_authors_are_names_within_the_name_limit():
    memo = Memo(title="Memo", date=DAY, sections=[MemoSection("", "Body")],
                authors=["A" * domain.NAME_MAX])
    assert problems(memo) == []
    memo.authors = ["A" * (domain.NAME_MAX + 1)]
    assert problems(memo) == [
        ("authors[1]", f"is too long ({domain.NAME_MAX + 1} characters; at most "
                       f"{domain.NAME_MAX})")]


def test_an_addressee_is_a_single_line():
    recommendation = Recommendation(title="Act", text="Do", addressee="EU\x00states")
    assert problems(recommendation) == [("addressee", "contains a control character (U+0000)")]


@pytest.mark.parametrize("character", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_lone_surrogates_are_named_as_such(character):
    assert problems(Actor(name=f"Name{character}")) == [
        ("name", f"contains an invalid character (lone surrogate U+{ord(character):04X})")]


def test_list_entries_that_are_not_text_are_reported_not_a_crash():
    assert problems(Actor(name="Someone", aliases=["Alias", 5])) == [
        ("aliases[2]", "must be text")]


def test_problems_are_labelled_with_the_record_or_the_settings():
    with pytest.raises(ValidationError) as caught:
        Actor(name="Hakan Fidan", kind="persn").check()
    assert str(caught.value).startswith("actor 'Hakan Fidan': kind: unknown value 'persn'")
    with pytest.raises(ValidationError) as caught:
        ExportSettings(classification="C" * 41).check()
    assert str(caught.value) == (
        "export settings: classification: is too long (41 characters; at most 40)")


def test_empty_text_cleans_to_empty():
    assert domain.clean_text(None) == "" and domain.clean_text("") == ""
    assert domain.clean_line(None) == ""


@pytest.mark.parametrize("parse, text, message", [
    (domain.parse_date, "x" * 50, f"{'x' * 40!r} is not a real date in the form YYYY-MM-DD"),
    (domain.parse_time, "9" * 50, f"{'9' * 40!r} is not a time of day in the form HH:MM"),
    (domain.parse_time, 930, "'930' is not a time of day in the form HH:MM"),
    (domain.parse_approx_date, 20250516,
     "'20250516' is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY"),
])
def test_unreadable_dates_and_times_are_quoted_in_the_message(parse, text, message):
    with pytest.raises(ValueError) as caught:
        parse(text)
    assert str(caught.value) == message


def test_empty_dates_and_times_are_none():
    assert domain.parse_date("") is None and domain.parse_time("") is None
    assert domain.parse_date(None) is None and domain.parse_time(None) is None


def test_stamps_are_utc_to_the_second():
    stamp = domain.now_iso()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    moment = dt.datetime.fromisoformat(stamp)
    assert abs(moment - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
