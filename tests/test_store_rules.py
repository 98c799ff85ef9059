"""What the book's writer tells a person, word for word: conflicts, deleted records,
uids in use, links that point nowhere; and what a save leaves in the record.
"""

import datetime as dt

import pytest

from desktopapp import bookformat
from desktopapp.domain import Actor, Meeting, Participant, Source
from desktopapp.errors import (
    ConflictError,
    LinkedRecordError,
    NotFoundError,
    StoredRecordError,
    ValidationError,
)
from desktopapp.store import BriefingStore

DAY = dt.date(2025, 5, 16)
GHOST = "00000000-0000-4000-8000-00000000dead"
A = "00000000-0000-4000-8000-00000000000a"
M = "00000000-0000-4000-8000-0000000000aa"


def book(**sections) -> dict:
    return {"format": "briefing-book", "version": bookformat.FORMAT_VERSION, **sections}


def test_a_stale_copy_is_told_who_changed_what_and_which_versions(book_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_ANALYST", "Anna")
    with BriefingStore.open(book_path) as first, BriefingStore.open(book_path) as second:
        actor = first.save(Actor(name="Hakan Fidan"))
        stale = second.get_actor(actor.id)
        actor.title = "Foreign Minister"
        first.save(actor)
        stale.title = "Minister"
        with pytest.raises(ConflictError) as caught:
            second.save(stale)
    assert str(caught.value) == (
        "actor 'Hakan Fidan' was changed elsewhere since it was opened (changed by Anna; "
        "your copy is version 1, the book has version 2); reload it or overwrite the other "
        "change")


def test_a_save_stamps_the_record_and_counts_its_versions(store):
    actor = store.save(Actor(name="Hakan Fidan"))
    assert (actor.version, actor.id) == (1, 1)
    assert actor.created_at == actor.updated_at and actor.created_at.endswith("Z")
    first_stamp = actor.created_at
    actor.title = "Foreign Minister"
    store.save(actor)
    assert actor.version == 2 and actor.created_at == first_stamp
    assert store.get_actor(actor.id).title == "Foreign Minister"


def test_a_deleted_record_cannot_be_saved_back(store):
    actor = store.save(Actor(name="Keith Kellogg"))
    store.delete("actor", actor.id)
    actor.title = "Envoy"
    with pytest.raises(NotFoundError) as caught:
        store.save(actor)
    assert str(caught.value) == (
        "actor 'Keith Kellogg' no longer exists: it was deleted, perhaps in another window")
    assert store.count("actor") == 0


def test_a_uid_names_one_record(store):
    source = store.save(Source(citation="Bulletin"))
    with pytest.raises(ValidationError) as caught:
        store.save(Actor(name="Copy", uid=source.uid))
    assert str(caught.value) == (
        f"actor 'Copy': uid: {source.uid} is already used by source 'Bulletin' in this book "
        "(a uid names one record, whatever its kind)")
    actor = store.save(Actor(name="First"))
    with pytest.raises(ValidationError) as caught:
        store.save(Actor(name="Second", uid=actor.uid))
    assert str(caught.value) == "actor 'Second': uid: is already used by another record"
    assert store.count("actor") == 1 and store.count("source") == 1


def test_a_link_to_a_record_not_in_the_book_names_the_field_and_the_uid(store):
    meeting = Meeting(title="Call", date=DAY, participants=[Participant(GHOST, "US")])
    with pytest.raises(ValidationError) as caught:
        store.save(meeting)
    assert str(caught.value) == (
        f"meeting 'Call': participants[1]: no actor with uid {GHOST} in this book")
    assert store.count("meeting") == 0 and meeting.id is None


def test_a_hand_edited_row_is_named_by_table_row_uid_and_field(store):
    actor = store.save(Actor(name="Hakan Fidan"))
    store.db.execute("UPDATE actors SET aliases = 'not json' WHERE id = ?", [actor.id])
    store.db.conn.commit()
    with pytest.raises(StoredRecordError) as caught:
        store.get("actor", actor.id)
    assert str(caught.value).startswith(
        f"actors row {actor.id} (uid {actor.uid}) is not a valid actor: aliases: is not JSON")
    assert str(caught.value).endswith(
        "The book was changed outside Briefing Desk; fix or delete this record (or restore "
        "a backup)")


def test_lists_start_at_the_first_record_unless_asked_otherwise(store):
    for name in ("Ahmed", "Bella", "Chen"):
        store.save(Actor(name=name))
    assert [r["name"] for r in store.iter_summaries("actor", sort="name")] == [
        "Ahmed", "Bella", "Chen"]
    assert [r["name"] for r in store.iter_summaries("actor", sort="name", offset=1)] == [
        "Bella", "Chen"]
    assert [r["name"] for r in store.iter_summaries("actor", sort="name",
                                                    descending=True, limit=2)] == [
        "Chen", "Bella"]


def test_deleting_an_actor_at_one_meeting_names_that_meeting(store):
    fidan = store.save(Actor(name="Hakan Fidan"))
    store.save(Meeting(title="Istanbul talks", date=DAY, participants=[
        Participant(fidan.uid, "Türkiye")]))
    with pytest.raises(LinkedRecordError) as caught:
        store.delete("actor", fidan.id)
    assert str(caught.value) == (
        "actor 'Hakan Fidan' takes part in 1 meeting: Istanbul talks (2025-05-16). Remove them "
        "from these meetings first, or delete anyway to remove them from the meetings too.")
    store.save(Meeting(title="Ankara call", date=DAY + dt.timedelta(days=1), participants=[
        Participant(fidan.uid, "Türkiye")]))
    with pytest.raises(LinkedRecordError, match=r"takes part in 2 meetings: Ankara call "
                                                r"\(2025-05-17\); Istanbul talks \(2025-05-16\)\."):
        store.delete("actor", fidan.id)


def test_a_renamed_actor_is_found_through_the_meetings_it_took_part_in(store):
    fidan = store.save(Actor(name="Hakan Fidan"))
    talks = store.save(Meeting(title="Istanbul talks", date=DAY, participants=[
        Participant(fidan.uid, "Türkiye")]))
    fidan.name = "Hakan Fidanoglu"
    store.save(fidan)
    found = {(h.kind, h.id) for h in store.search("Fidanoglu")}
    assert ("meeting", talks.id) in found and ("actor", fidan.id) in found


def test_an_unknown_setting_is_refused_by_name(store):
    with pytest.raises(ValidationError) as caught:
        store.update_settings({"colour": "red", "author": "Jan"})
    assert str(caught.value) == "export settings: colour: is not an export setting"
    assert not store.has_settings()


def test_an_import_names_the_record_and_the_entry_that_points_nowhere(store):
    fidan = {"uid": A, "name": "Hakan Fidan", "positions": [
        {"topic": "Grain", "stance": "Open"},
        {"topic": "Black Sea", "stance": "Closed", "source_uid": GHOST}]}
    with pytest.raises(ValidationError) as caught:
        store.import_sections(bookformat.parse_book(book(actors=[fidan])))
    assert str(caught.value) == (
        f"actors: actor 'Hakan Fidan' (uid {A}): positions[2].source: no source with uid "
        f"{GHOST} in the file or the book")
    meeting = {"uid": M, "title": "Istanbul talks", "date": "2025-05-16",
               "participants": [{"actor_uid": GHOST}]}
    with pytest.raises(ValidationError) as caught:
        store.import_sections(bookformat.parse_book(book(meetings=[meeting])))
    assert str(caught.value) == (
        f"meetings: meeting 'Istanbul talks' (uid {M}): participants[1]: no actor with uid "
        f"{GHOST} in the file or the book")
    assert store.is_empty()


def test_an_import_counts_every_record_it_changes_and_reindexes_renamed_ones(store):
    actors = [{"uid": f"00000000-0000-4000-8000-{i:012d}", "name": f"Actor {i}"}
              for i in range(1, 2101)]  # more than one batch
    meeting = {"uid": M, "title": "Talks", "date": "2025-05-16",
               "participants": [{"actor_uid": actors[0]["uid"]}]}
    store.import_sections(bookformat.parse_book(book(actors=actors, meetings=[meeting])))
    for actor in actors:
        actor["title"] = "Envoy"
    actors[0]["name"] = "Renamed Envoy"
    summary = store.import_sections(bookformat.parse_book(book(actors=actors,
                                                               meetings=[meeting])))
    assert summary.updated == {"actors": 2100}
    assert summary.unchanged.get("meetings") == 1
    talks = store.id_for_uid("meeting", M)
    assert ("meeting", talks) in {(h.kind, h.id) for h in store.search("Renamed Envoy")}
