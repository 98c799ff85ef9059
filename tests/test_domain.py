import datetime as dt

import pytest

from desktopapp import domain
from desktopapp.domain import (
    Actor,
    ActorKind,
    Meeting,
    Participant,
    ParticipantRole,
    Position,
    Recommendation,
    RecommendationStatus,
    Source,
    image_type,
    parse_date,
    parse_time,
)
from desktopapp.errors import ValidationError

# a real 2 × 2 PNG: photos are checked for damage and size when saved
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00"
       b"\x00\xfd\xd4\x9as\x00\x00\x00\x16IDATx\x9cc<!'\xc7\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0"
       b"\xc0\x00\x00\r\x04\x01\x08}q\xcaf\x00\x00\x00\x00IEND\xaeB`\x82")


def fields(problems):
    return {field for field, _ in problems}


def test_valid_actor_passes_and_is_normalised():
    # "Erdoğan" typed with a combining breve becomes the composed letter (NFC)
    actor = Actor(name="  Recep Tayyip Erdog\u0306an ", native_name="", aliases=[" Erdogan "])
    actor.check()
    assert actor.name == "Recep Tayyip Erdoğan"
    assert actor.aliases == ["Erdogan"]


@pytest.mark.parametrize("changes, field, words", [
    ({"name": ""}, "name", "is required"),
    ({"name": "x" * 201}, "name", "too long"),
    ({"name": "a\x00b"}, "name", "control character"),
    ({"kind": "persn"}, "kind", "unknown value 'persn'"),
    ({"aliases": ["A", "A"]}, "aliases", "same entry twice"),
    ({"affiliation_uids": ["not-a-uid"]}, "affiliations[1]", "not a record identifier"),
    ({"photo": b"GIF-but-not-really"}, "photo", "not a JPEG, PNG, GIF or WebP"),
    ({"biography": "x" * 50_001}, "biography", "too long"),
    ({"positions": [Position("", "stance")]}, "positions[1].topic", "is required"),
    ({"uid": "123"}, "uid", "not a record identifier"),
])
def test_actor_rules_name_the_field(changes, field, words):
    actor = Actor(name="Hakan Fidan")
    for key, value in changes.items():
        setattr(actor, key, value)
    with pytest.raises(ValidationError) as caught:
        actor.check()
    problems = dict(caught.value.problems)
    assert field in problems
    assert words in problems[field]
    assert field in str(caught.value)


def test_actor_cannot_be_its_own_affiliation():
    actor = Actor(name="E4", kind=ActorKind.GROUP)
    actor.affiliation_uids = [actor.uid]
    assert "affiliations" in fields(actor.problems())


def test_photo_accepts_real_image_signatures():
    assert image_type(PNG) == "image/png"
    assert image_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"%PDF-1.7") is None
    Actor(name="A", photo=PNG).check()


def test_meeting_rules():
    meeting = Meeting(title="Talks", date=None, duration_minutes=0,
                      participants=[Participant("bad", "Russia", ParticipantRole.HEAD)])
    problems = dict(meeting.problems())
    assert problems["date"] == "is required"
    assert "between 1 and" in problems["duration_minutes"]
    assert "participants[1].actor" in problems


def test_meeting_lists_same_actor_once():
    uid = Actor(name="A").uid
    meeting = Meeting(title="T", date=dt.date(2025, 5, 16),
                      participants=[Participant(uid, "A"), Participant(uid, "B")])
    assert "participants" in fields(meeting.problems())


def test_sides_put_heads_first_and_keep_order():
    a, b, c = (Actor(name=n).uid for n in "abc")
    meeting = Meeting(title="T", date=dt.date(2025, 5, 16), participants=[
        Participant(a, "Russia"), Participant(b, "Ukraine", ParticipantRole.HEAD),
        Participant(c, "Russia", ParticipantRole.HEAD)])
    sides = meeting.sides()
    assert [side for side, _ in sides] == ["Russia", "Ukraine"]
    assert [p.actor_uid for p in sides[0][1]] == [c, a]


def test_recommendation_needs_an_addressee():
    rec = Recommendation(title="Increase pressure", text="Do it")
    assert "addressee" in fields(rec.problems())
    rec.addressee = "European states"
    rec.check()


def test_source_url_must_be_a_web_address():
    source = Source(citation="PISM Bulletin", url="javascript:alert(1)")
    assert "url" in fields(source.problems())


@pytest.mark.parametrize("text", ["2025-02-30", "2025-5-1", "16 May 2025", "x"])
def test_parse_date_rejects_unreal_dates(text):
    with pytest.raises(ValueError, match="not a real date"):
        parse_date(text)


def test_parse_date_and_time_accept_iso():
    assert parse_date("2025-05-16") == dt.date(2025, 5, 16)
    assert parse_time("14:30") == dt.time(14, 30)
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time("25:00")
    # forms Python reads as times, but not the documented one
    for other in ("14:30:00", "1430", "14:30+01:00", "T14:30"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_time(other)


def test_a_recommendation_status_reads_as_words_and_none_as_not_given():
    assert domain.status_label(RecommendationStatus.ADOPTED) == "adopted"
    assert domain.status_label(None) == "no status given"


def test_a_meeting_ending_the_day_it_starts_breaks_no_rule():
    day = dt.date(2025, 5, 16)
    assert Meeting(title="t", date=day, end_date=day).problems() == []
    assert Meeting(title="t", date=day, end_date=day - dt.timedelta(days=1)).problems() == [
        ("end_date", "is before the start date")]


def test_who_changed_a_record_is_a_name_of_at_most_200_characters():
    assert Source(citation="c", changed_by="A" * 200).problems() == []
    assert Source(citation="c", changed_by="A" * 201).problems() == [
        ("changed_by", "is too long (201 characters; at most 200)")]
