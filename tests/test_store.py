import datetime as dt
import shutil
import sqlite3
import threading

import pytest
from conftest import FIXTURES, both_backends, file_bytes
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktopapp.domain import (
    Actor,
    ActorKind,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Position,
    Priority,
    Recommendation,
    Source,
)
from desktopapp.errors import (
    BookError,
    ConflictError,
    LinkedRecordError,
    NotFoundError,
    ValidationError,
)
from desktopapp.store import BriefingStore
from desktopapp.store import migrations as schema

D = dt.date.fromisoformat

# The store tests that use only the store interface run on both backends.
book = both_backends("store", "team_store")
# a real 2 × 2 PNG: photos are checked for damage and size when saved
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00"
       b"\x00\xfd\xd4\x9as\x00\x00\x00\x16IDATx\x9cc<!'\xc7\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0"
       b"\xc0\x00\x00\r\x04\x01\x08}q\xcaf\x00\x00\x00\x00IEND\xaeB`\x82")


def make_world(store):
    source = store.save(Source(citation="PISM Bulletin No. 58 (2559), 20 May 2025",
                               url="https://example.org/58", accessed=D("2025-05-21")))
    russia = store.save(Actor(kind=ActorKind.STATE, name="Russia", native_name="Россия"))
    medinsky = store.save(Actor(
        name="Vladimir Medinsky", native_name="Владимир Мединский", title="Presidential advisor",
        aliases=["Medinskiy"], affiliation_uids=[russia.uid], biography="Led the delegation.",
        positions=[Position("Ceasefire", "Only as part of a broader deal", D("2025-05-16"),
                            source.uid)],
        photo=PNG, tags=["russian-delegation"], source_uids=[source.uid]))
    fidan = store.save(Actor(name="Hakan Fidan", title="Foreign Minister"))
    talks = store.save(Meeting(
        title="Russian–Ukrainian talks in Istanbul", date=D("2025-05-16"),
        start_time=dt.time(13, 30), duration_minutes=115, place="Istanbul",
        mediator_uids=[fidan.uid], host_uids=[russia.uid], status=MeetingStatus.HELD,
        participants=[Participant(medinsky.uid, "Russia", ParticipantRole.HEAD)],
        outcomes='"1,000 for 1,000" prisoner exchange', source_uids=[source.uid]))
    rec = store.save(Recommendation(
        title="Increase the pressure on Russia", text="Signal readiness for sanctions.",
        addressee="European states", addressee_uids=[russia.uid], priority=Priority.HIGH,
        meeting_uids=[talks.uid], actor_uids=[medinsky.uid], date=D("2025-05-20"),
        source_uids=[source.uid]))
    return source, russia, medinsky, fidan, talks, rec


def test_every_record_type_round_trips_through_the_store(book):
    store = book  # a SQLite book, then a team book
    records = make_world(store)
    for record in records:
        loaded = store.get(type(record).kind_name, record.id)
        assert loaded == record
        assert loaded.version == 1
        assert loaded.created_at and loaded.updated_at


def test_update_bumps_version_and_keeps_links(book):
    store = book  # a SQLite book, then a team book
    _, russia, medinsky, *_ = make_world(store)
    medinsky.title = "Aide to the President"
    store.save(medinsky)
    loaded = store.get_actor(medinsky.id)
    assert loaded.version == 2
    assert loaded.title == "Aide to the President"
    assert loaded.affiliation_uids == [russia.uid]


def test_stale_save_from_second_instance_raises_conflict(book_path):
    with BriefingStore.open(book_path) as first, BriefingStore.open(book_path) as second:
        actor = first.save(Actor(name="Hakan Fidan"))
        mine = second.get_actor(actor.id)
        actor.title = "Foreign Minister"
        first.save(actor)
        mine.title = "Minister of Foreign Affairs"
        with pytest.raises(ConflictError, match="changed elsewhere") as caught:
            second.save(mine)
        assert caught.value.current.title == "Foreign Minister"  # what the editor shows
        assert caught.value.current.version == 2
        assert second.get_actor(actor.id).title == "Foreign Minister"


def test_save_hands_back_the_stored_version_and_stamps(book):
    store = book  # a SQLite book, then a team book
    _, _, medinsky, _, talks, _ = make_world(store)
    for record in (medinsky, talks):
        record.tags = ["changed"]
        store.save(record)
        stored = store.get(type(record).kind_name, record.id)
        assert record.version == stored.version == 2
        assert (record.created_at, record.updated_at) == (stored.created_at, stored.updated_at)
        assert stored == record


def test_a_renamed_actor_finds_the_records_naming_them_under_the_new_name(book):
    store = book  # a SQLite book, then a team book
    _, russia, medinsky, _, talks, rec = make_world(store)
    medinsky.title = "Aide to the President"  # not a rename: still found by name
    store.save(medinsky)
    assert ("meeting", talks.id) in {(h.kind, h.id) for h in store.search("Medinsky")}
    medinsky.name = "Vladimir Rostislavovich Medinsky"
    store.save(medinsky)
    assert {("actor", medinsky.id), ("meeting", talks.id)} <= {
        (h.kind, h.id) for h in store.search("Rostislavovich")}
    russia.name = "Russian Federation"  # the recommendation's addressee
    store.save(russia)
    assert ("recommendation", rec.id) in {(h.kind, h.id) for h in store.search("federation")}


def test_a_stale_save_reports_the_conflict_before_a_dangling_link(book):
    store = book  # a SQLite book, then a team book
    actor = store.save(Actor(name="Hakan Fidan"))
    mine = store.get_actor(actor.id)
    actor.title = "Foreign Minister"
    store.save(actor)
    mine.source_uids = [Source(citation="never saved").uid]
    with pytest.raises(ConflictError):
        store.save(mine)
    assert store.get_actor(actor.id).title == "Foreign Minister"


def test_save_of_deleted_record_raises_not_found(book):
    store = book  # a SQLite book, then a team book
    actor = store.save(Actor(name="Keith Kellogg"))
    store.delete("actor", actor.id)
    actor.title = "Envoy"
    with pytest.raises(NotFoundError):
        store.save(actor)


def test_dangling_reference_is_refused_and_nothing_written(book):
    store = book  # a SQLite book, then a team book
    ghost = Actor(name="Nobody")  # never saved
    meeting = Meeting(title="Call", date=D("2025-05-19"),
                      participants=[Participant(ghost.uid, "US")])
    with pytest.raises(ValidationError, match=r"participants\[1\]: no actor with uid"):
        store.save(meeting)
    assert store.count("meeting") == 0


def test_deleting_a_participant_is_refused_naming_the_meetings(book):
    store = book  # a SQLite book, then a team book
    _, russia, medinsky, fidan, talks, rec = make_world(store)
    with pytest.raises(LinkedRecordError) as caught:
        store.delete("actor", medinsky.id)
    assert "Russian–Ukrainian talks in Istanbul (2025-05-16)" in str(caught.value)
    assert store.get_actor(medinsky.id).name == "Vladimir Medinsky"
    with pytest.raises(LinkedRecordError):
        store.delete("actor", fidan.id)  # a mediator counts too


def test_forced_delete_removes_links_and_bumps_linked_records(book):
    store = book  # a SQLite book, then a team book
    _, russia, medinsky, fidan, talks, rec = make_world(store)
    store.delete("actor", medinsky.id, force=True)
    with pytest.raises(NotFoundError):
        store.get_actor(medinsky.id)
    meeting = store.get_meeting(talks.id)
    assert meeting.participants == []
    assert meeting.version == 2
    recommendation = store.get_recommendation(rec.id)
    assert recommendation.actor_uids == []
    assert recommendation.version == 2
    assert store.check() == []


def test_deleting_affiliation_target_and_source(book):
    store = book  # a SQLite book, then a team book
    source, russia, medinsky, fidan, talks, rec = make_world(store)
    store.delete("source", source.id)
    actor = store.get_actor(medinsky.id)
    assert actor.source_uids == []
    assert actor.positions[0].source_uid is None
    assert actor.version == 2
    store.delete("meeting", talks.id)
    assert store.get_recommendation(rec.id).meeting_uids == []
    store.delete("actor", russia.id, force=True)
    assert store.get_actor(medinsky.id).affiliation_uids == []
    assert store.check() == []


def test_lists_sort_and_page(book):
    store = book  # a SQLite book, then a team book
    for name in ["Zelensky", "Erdoğan", "Fidan", "Merz", "Stubb"]:
        store.save(Actor(name=name))
    page = store.list_summaries("actor", sort="name", limit=2, offset=1)
    assert [r["name"] for r in page] == ["Fidan", "Merz"]
    desc = store.list_summaries("actor", sort="name", descending=True, limit=1)
    assert desc[0]["name"] == "Zelensky"
    with pytest.raises(ValueError):
        store.list_summaries("actor", sort="name; DROP TABLE actors")


def test_meeting_list_has_participant_count_and_date_order(book):
    store = book  # a SQLite book, then a team book
    *_, talks, _ = make_world(store)
    store.save(Meeting(title="Earlier", date=D("2025-05-10")))
    rows = store.list_summaries("meeting", sort="date")
    assert [r["title"] for r in rows] == ["Earlier", talks.title]
    assert rows[1]["participant_count"] == 1


def test_meetings_of_actor_and_members(book):
    store = book  # a SQLite book, then a team book
    _, russia, medinsky, fidan, talks, _ = make_world(store)
    assert [m["role"] for m in store.meetings_of_actor(medinsky.id)] == ["head"]
    assert [m["role"] for m in store.meetings_of_actor(fidan.id)] == ["mediator"]
    assert [m["name"] for m in store.members_of(russia.id)] == ["Vladimir Medinsky"]


# --- files we refuse ----------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"",
    b"This is a text file, not a book.\n" * 10,
    b"%PDF-1.7\n" + bytes(300),
])
def test_foreign_files_are_refused_and_untouched(tmp_path, content):
    path = tmp_path / "foreign.sqlite"
    path.write_bytes(content)
    with pytest.raises(BookError, match="not a briefing book"):
        BriefingStore.open(path)
    assert path.read_bytes() == content


def test_other_sqlite_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    before = file_bytes(path)
    with pytest.raises(BookError, match="not a Briefing Desk book"):
        BriefingStore.open(path)
    assert file_bytes(path) == before
    assert not (tmp_path / "other.db-wal").exists()


def test_newer_schema_is_refused_and_untouched(book_path):
    conn = sqlite3.connect(book_path)
    conn.execute(f"PRAGMA user_version = {schema.known_version() + 1}")
    conn.close()
    before = file_bytes(book_path)
    with pytest.raises(BookError, match="newer Briefing Desk"):
        BriefingStore.open(book_path)
    assert file_bytes(book_path) == before


def test_missing_book_and_folder_are_clear_errors(tmp_path):
    with pytest.raises(BookError, match="no briefing book at"):
        BriefingStore.open(tmp_path / "nope.sqlite")
    with pytest.raises(BookError, match="is a folder"):
        BriefingStore.open(tmp_path)


# --- migrations ---------------------------------------------------------------

def test_new_book_is_at_the_newest_schema(store):
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == schema.known_version()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    applied = [m.name for m in schema.MIGRATIONS.applied(store.db.as_sqlite_utils())]
    assert applied == [m.name for m in schema.MIGRATIONS.pending(Database(memory=True))]


def test_the_newest_schema_digest_is_current():
    from desktopapp.store import opening
    digest = opening.schema_digest(opening.expected_objects(schema.known_version()))
    assert digest == opening.NEWEST_SCHEMA_DIGEST, (
        f"a migration changed the schema: set NEWEST_SCHEMA_DIGEST in "
        f"desktopapp/store/opening.py to {digest!r}")


def test_a_book_one_object_off_the_newest_schema_is_still_refused(book_path):
    from desktopapp.store import opening
    with BriefingStore.open(book_path) as store:
        store.save(Actor(name="Hakan Fidan"))
    conn = sqlite3.connect(book_path)
    conn.execute("DROP INDEX actors_by_name")
    conn.execute("CREATE INDEX actors_by_name ON actors (name DESC)")  # same name, other SQL
    conn.commit()
    conn.close()
    with pytest.raises(BookError, match="altered index 'actors_by_name'"):
        BriefingStore.open(book_path)
    assert opening.inspect_schema(book_path, schema.known_version()).altered


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("book-schema*.sqlite")),
                         ids=lambda p: p.name)
def test_fixture_books_of_every_schema_open_and_keep_their_records(tmp_path, fixture):
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    conn = sqlite3.connect(path)
    before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("actors", "meetings")}
    conn.close()
    assert before["actors"] >= 34 and before["meetings"] >= 7  # the sample book, any release
    with BriefingStore.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == schema.known_version()
        assert store.count("actor") == before["actors"]
        assert store.count("meeting") == before["meetings"]
        assert store.check() == []
        assert store.search("erdogan")[0].title == "Recep Tayyip Erdoğan"


def current_migrations() -> Migrations:
    """A copy of the program's migrations that a test can extend."""
    copy = Migrations("briefing-desk")
    for migration in schema.MIGRATIONS.pending(Database(memory=True)):
        copy(name=migration.name)(migration.fn)
    return copy


def schema1_copy(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", path)
    return path


def test_upgrade_backs_up_first_and_runs_in_order(tmp_path, monkeypatch):
    """An older book gains the new migration; a backup of the old file sits beside it."""
    path = schema1_copy(tmp_path)
    known = schema.known_version()
    newer = current_migrations()

    @newer(name="9999_test_add_column")
    def add_column(db):
        db.execute("ALTER TABLE actors ADD COLUMN test_note TEXT")

    monkeypatch.setattr(schema, "MIGRATIONS", newer)
    with BriefingStore.open(path) as store:
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
        assert version == schema.known_version(newer) == known + 1
        assert "test_note" in store.db.as_sqlite_utils()["actors"].columns_dict
    backups = list(tmp_path.glob("old.sqlite.schema1-*.bak"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM actors").fetchone()[0] == 34


def test_failed_migration_leaves_the_book_as_it_was(tmp_path, monkeypatch):
    path = schema1_copy(tmp_path)
    newer = current_migrations()

    @newer(name="9998_half_done")
    def half_done(db):
        db.execute("ALTER TABLE actors ADD COLUMN half TEXT")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", newer)
    with pytest.raises(RuntimeError):
        BriefingStore.open(path)
    conn = sqlite3.connect(path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(actors)")]
    assert "half" not in columns
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]
    assert "memos" not in tables
    conn.close()


# --- concurrency ----------------------------------------------------------------

def test_concurrent_writers_never_see_database_is_locked(book_path):
    errors = []

    def writer(prefix):
        try:
            with BriefingStore.open(book_path) as store:
                for i in range(60):
                    actor = store.save(Actor(name=f"{prefix} {i}"))
                    actor.title = "updated"
                    store.save(actor)
                    store.search(prefix)
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"writer{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with BriefingStore.open(book_path) as store:
        assert store.count("actor") == 180
        assert store.check() == []


def test_backup_is_a_complete_book(store, tmp_path):
    make_world(store)
    target = store.backup(tmp_path / "copy.sqlite")
    with BriefingStore.open(target) as copy:
        assert copy.count("actor") == 3
        assert copy.check() == []
    with pytest.raises(Exception, match="it is the open book"):
        store.backup(store.path)


def test_check_reports_a_broken_search_index(store):
    make_world(store)
    store.db.execute("DELETE FROM search_index WHERE rowid >> 40 = 1")
    problems = store.check()
    assert any("search index" in p for p in problems)
    store.rebuild_search_index()
    assert store.check() == []


def test_memo_round_trip_links_search_and_cascade(book):
    store = book  # a SQLite book, then a team book
    from desktopapp.domain import Memo, MemoSection
    source, russia, medinsky, fidan, talks, rec = make_world(store)
    memo = store.save(Memo(
        title="Istanbul talks", number="No. 58 (2559)", date=D("2025-05-20"),
        authors=["Anna Maria Dyner", "Maria Piechowska"], lead="No breakthrough in Istanbul.",
        sections=[MemoSection("The Meeting", "Two hours, **no** ceasefire.")],
        meeting_uids=[talks.uid], actor_uids=[russia.uid, medinsky.uid],
        recommendation_uids=[rec.uid], source_uids=[source.uid]))
    assert store.get_memo(memo.id) == memo
    assert [h.title for h in store.search("breakthrough")] == ["Istanbul talks"]
    store.delete("meeting", talks.id)
    after = store.get_memo(memo.id)
    assert after.meeting_uids == [] and after.version == 2
    assert after.actor_uids == [russia.uid, medinsky.uid]
    assert store.check() == []


def test_export_settings_are_stored_and_validated(book):
    store = book  # a SQLite book, then a team book
    from desktopapp.domain import ExportSettings, PageSize
    assert store.settings() == ExportSettings()
    store.save_settings(ExportSettings("Example Institute", "RESTRICTED", PageSize.A5, "Analyst"))
    assert store.settings().classification == "RESTRICTED"
    assert store.settings().page_size == PageSize.A5
    with pytest.raises(ValidationError, match="classification"):
        store.save_settings(ExportSettings(classification="X" * 41))
    opened = store.settings()
    store.update_settings({"author": "Someone else"})
    opened.classification = "SECRET"
    with pytest.raises(ConflictError) as caught:
        store.save_settings(opened)
    assert caught.value.current.author == "Someone else"
    assert store.settings().classification == "RESTRICTED"



def test_a_team_book_saves_and_searches_without_pipelines(team_store, monkeypatch):
    # libpq older than 14 has no pipeline mode: the same statements go one by one
    from desktopapp.store.postgres import store as team_module
    monkeypatch.setattr(team_module, "PIPELINES", False)
    _, _, medinsky, _, talks, _ = make_world(team_store)
    mine = team_store.get_actor(medinsky.id)
    medinsky.name = "Vladimir Rostislavovich Medinsky"
    team_store.save(medinsky)
    assert ("meeting", talks.id) in {(h.kind, h.id) for h in team_store.search("rostislavovich")}
    mine.title = "stale"
    with pytest.raises(ConflictError):
        team_store.save(mine)
