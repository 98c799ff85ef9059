"""What the book's writer tells a person, word for word: conflicts, deleted records,
uids in use, links that point nowhere; and what a save leaves in the record.
"""

import datetime as dt

import pytest

from desktopapp.domain import Actor, Meeting, Participant, Source
from desktopapp.errors import ConflictError, NotFoundError, StoredRecordError, ValidationError
from desktopapp.store import BriefingStore

DAY = dt.date(2025, 5, 16)
GHOST = "00000000-0000-4000-8000-000000000001"


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
        f"meeting 'Call': participants: no actor with uid {GHOST} in this book")
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
