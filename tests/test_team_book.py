"""Team books on a real PostgreSQL server (tests/pg_server.py starts one)."""

import json
import select
import threading
import time

import psycopg
import pytest
from test_store import D, make_world

from desktopapp import bookformat
from desktopapp.domain import Actor, ActorKind, ExportSettings, Memo, PageSize
from desktopapp.errors import (
    AuthenticationFailedError,
    BookError,
    BookReadOnlyError,
    ConflictError,
    LinkedRecordError,
    NotFoundError,
    ServerUnreachableError,
    StoredRecordError,
    ValidationError,
)
from desktopapp.store.postgres import CHANNEL, TeamStore, schema

READ_ONLY_GRANTS = """
    GRANT USAGE ON SCHEMA public TO reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
    GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO reader
"""


def grant_reader(server, url):
    dbname = url.rsplit("/", 1)[1]
    for statement in READ_ONLY_GRANTS.split(";"):
        server.admin(statement, dbname=dbname)


# --- opening: errors people understand ----------------------------------------

def test_unreachable_server_is_named(postgres_server):
    port = postgres_server.port + 1 if postgres_server.port < 65535 else 1
    with pytest.raises(ServerUnreachableError, match="cannot reach the database server"):
        TeamStore.open(f"postgresql://analyst@127.0.0.1:{port}/nothing")


def test_wrong_password_is_an_authentication_error(team_book_url, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not-the-password")  # libpq prefers it to the passfile
    with pytest.raises(AuthenticationFailedError, match="refused the login.*pgpass"):
        TeamStore.open(team_book_url, create=True)


def test_password_in_the_url_is_refused_before_use(postgres_server):
    url = f"postgresql://analyst:analyst-secret@127.0.0.1:{postgres_server.port}/x"
    with pytest.raises(BookError, match="contains a password") as caught:
        TeamStore.open(url)
    assert "analyst-secret" not in str(caught.value)


@pytest.mark.parametrize("url, message", [
    ("postgresql://analyst@127.0.0.1:notaport/x", "cannot be read"),
    ("postgresql://analyst@127.0.0.1", "names no database"),
    ("/tmp/book.sqlite", "not a team-book URL"),
])
def test_malformed_urls_are_refused(url, message):
    with pytest.raises(BookError, match=message):
        TeamStore.open(url)


def test_missing_database_is_named(postgres_server):
    with pytest.raises(BookError, match="there is no database"):
        TeamStore.open(postgres_server.url("no_such_book"))


def test_empty_database_needs_init(team_book_url):
    with pytest.raises(BookError, match="is empty: create a team book"):
        TeamStore.open(team_book_url)


def test_foreign_database_is_refused_untouched(postgres_server, team_book_url):
    dbname = team_book_url.rsplit("/", 1)[1]
    postgres_server.admin("CREATE TABLE invoices (id int)", dbname=dbname)
    for create in (False, True):
        with pytest.raises(BookError, match="left untouched"):
            TeamStore.open(team_book_url, create=create)
    tables = postgres_server.admin(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", dbname=dbname)
    assert tables == [("invoices",)]


def test_newer_schema_is_refused_untouched(postgres_server, team_book_url):
    TeamStore.open(team_book_url, create=True).close()
    dbname = team_book_url.rsplit("/", 1)[1]
    postgres_server.admin("INSERT INTO briefing_schema VALUES (%s, 'from the future', 'x')",
                          schema.known_version() + 1, dbname=dbname)
    before = postgres_server.admin("SELECT * FROM briefing_schema ORDER BY number",
                                   dbname=dbname)
    with pytest.raises(BookError, match="newer than this program"):
        TeamStore.open(team_book_url)
    assert postgres_server.admin("SELECT * FROM briefing_schema ORDER BY number",
                                 dbname=dbname) == before


def test_init_refuses_an_existing_book(team_store):
    team_book_url = team_store.url  # the test book's own database
    with pytest.raises(BookError, match="already a briefing book"):
        TeamStore.open(team_book_url, create=True)


def test_schema_version_is_recorded(postgres_server, team_store):
    team_book_url = team_store.url  # the test book's own database
    rows = postgres_server.admin("SELECT number, name FROM briefing_schema",
                                 dbname=team_book_url.rsplit("/", 1)[1])
    assert rows == [(i + 1, name) for i, (name, _) in enumerate(schema.MIGRATIONS)]


def back_to_schema_2(server, dbname):
    """The database as the second schema left it (before migrations 3 and 4)."""
    for code in range(1, 6):
        server.admin(f"DROP INDEX search_words_{code}", dbname=dbname)
    server.admin("CREATE INDEX search_title_words ON search_index "
                 "USING gin (title_words gin_trgm_ops)", dbname=dbname)
    server.admin("CREATE INDEX search_all_words ON search_index "
                 "USING gin (all_words gin_trgm_ops)", dbname=dbname)
    server.admin("DELETE FROM briefing_schema WHERE number > 2", dbname=dbname)


def test_an_upgrade_that_changes_the_words_indexes_the_book_again(postgres_server, team_store):
    team_store.save(Actor(name="Musāʿid al-ʿAybān"))
    dbname = team_store.url.rsplit("/", 1)[1]
    team_store.close()
    # the book as the second schema left it: the name split at ʿ ("id")
    postgres_server.admin("UPDATE search_index SET all_words = all_words || 'musa id '",
                          dbname=dbname)
    back_to_schema_2(postgres_server, dbname)
    with TeamStore.open(team_store.url) as store:
        assert store.search("id") == []  # as the SQLite book, which keeps ʿ inside the word
        assert [h.title for h in store.search("musaid")] == ["Musāʿid al-ʿAybān"]
    assert postgres_server.admin("SELECT count(*) FROM book_meta WHERE key = "
                                 "'search_index_stale'", dbname=dbname) == [(0,)]


def test_a_reader_cannot_upgrade_and_is_told_to_ask_an_editor(postgres_server, team_sample):
    grant_reader(postgres_server, team_sample.url)
    dbname = team_sample.url.rsplit("/", 1)[1]
    back_to_schema_2(postgres_server, dbname)
    reader_url = team_sample.url.replace("analyst@", "reader@")
    with pytest.raises(BookReadOnlyError, match="may only read it, so it cannot make the "
                                                "upgrade: ask an editor to open the book once"):
        TeamStore.open(reader_url)
    with TeamStore.open(team_sample.url):  # an editor opens it: upgraded
        pass
    with TeamStore.open(reader_url) as reader:
        assert reader.read_only and reader.count("actor") == 38
        assert reader.search("erdogan")[0].title == "Recep Tayyip Erdoğan"
    indexes = {row[0] for row in postgres_server.admin(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'search_index'", dbname=dbname)}
    assert indexes == {"search_index_pkey", "search_name_keys",
                       *(f"search_words_{code}" for code in range(1, 6))}


# --- the same records as the SQLite book ---------------------------------------

def without_who(book: dict, who: str) -> dict:
    """A briefing-book document with every record's changed_by checked to be ``who``
    and left out, to compare books that different people loaded."""
    out = dict(book)
    for section in bookformat.SECTIONS:
        assert all(record["changed_by"] == who for record in book.get(section, []))
        out[section] = [{k: v for k, v in record.items() if k != "changed_by"}
                        for record in book.get(section, [])]
    return out


def test_sample_book_exports_exactly_as_from_sqlite(team_sample, sample_store):
    assert team_sample.changed_by != sample_store.changed_by  # a role, a login name
    assert (without_who(team_sample.export_book(), team_sample.changed_by)
            == without_who(sample_store.export_book(), sample_store.changed_by))


def test_records_and_links_round_trip(team_store, store):
    team_store.changed_by = store.changed_by = "Anna Kowalska"
    make_world(store)
    team_store.import_sections(store.export_sections())
    assert team_store.export_book() == store.export_book()
    medinsky = team_store.get_by_uid("actor", store.all_records("actor")[1].uid)
    assert medinsky.photo.startswith(b"\x89PNG")
    assert medinsky.positions[0].source_uid == store.all_records("source")[0].uid
    # and saved one by one through the team store itself
    world = make_world(team_store)
    assert team_store.get_meeting(world[4].id).participants[0].actor_uid == world[2].uid
    assert team_store.ids_for_uids("actor", [world[2].uid, world[4].uid, "nobody"]) == {
        world[2].uid: world[2].id}
    assert team_store.ids_for_uids("meeting", [world[4].uid]) == {world[4].uid: world[4].id}


def test_lists_sort_and_page_like_sqlite(team_sample, sample_store):
    for kind, sorts in (("actor", ["name", "kind", "title"]), ("meeting", ["date", "title"]),
                        ("recommendation", ["priority", "title"]), ("source", ["citation"])):
        for sort in sorts:
            for descending in (False, True):
                team = team_sample.list_summaries(kind, sort=sort, descending=descending,
                                                  limit=10, offset=2)
                lite = sample_store.list_summaries(kind, sort=sort, descending=descending,
                                                   limit=10, offset=2)
                assert [r["uid"] for r in team] == [r["uid"] for r in lite], (kind, sort)
    with pytest.raises(ValueError, match="cannot sort"):
        team_sample.list_summaries("actor", sort="name; DROP TABLE actors")


def test_invalid_links_name_the_field(team_store):
    missing = "0b0a6c0e-8a43-4c3e-9d55-4f7a3c1e2b90"
    with pytest.raises(ValidationError, match=rf"affiliations\[1\]: no actor with uid {missing}"):
        team_store.save(Actor(name="X", affiliation_uids=[missing]))
    assert team_store.count("actor") == 0


def test_uid_names_one_record_whatever_its_kind(team_store):
    actor = team_store.save(Actor(name="Russia", kind=ActorKind.STATE))
    with pytest.raises(ValidationError, match="already used by actor 'Russia'"):
        team_store.import_sections(
            {"memos": [Memo(title="M", date=D("2025-05-20"), uid=actor.uid)]})


# --- concurrency ------------------------------------------------------------------

def test_stale_copy_gets_a_conflict_with_the_current_record(team_store):
    actor = team_store.save(Actor(name="Hakan Fidan"))
    mine, theirs = team_store.get_actor(actor.id), team_store.get_actor(actor.id)
    theirs.title = "Foreign Minister"
    team_store.save(theirs)
    mine.title = "Minister"
    with pytest.raises(ConflictError, match="changed by analyst") as caught:
        team_store.save(mine)
    assert caught.value.current.title == "Foreign Minister"
    assert team_store.get_actor(actor.id).version == 2


def test_twenty_concurrent_writers_lose_no_update(team_store):
    team_book_url = team_store.url  # the test book's own database
    actor = team_store.save(Actor(name="Contested"))
    writers, conflicts, errors = 20, [], []
    start = threading.Barrier(writers)

    def writer(n):
        try:
            with TeamStore.open(team_book_url, analyst=f"writer {n}", pool_size=1) as mine:
                start.wait()
                while True:  # what the editor's conflict flow does: reload, re-apply, save
                    record = mine.get_actor(actor.id)
                    record.tags = [*record.tags, f"w{n}"]
                    try:
                        mine.save(record)
                        return
                    except ConflictError:
                        conflicts.append(n)
        except Exception as exc:  # reported below, with the writer's number
            errors.append((n, exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    final = team_store.get_actor(actor.id)
    assert sorted(final.tags) == sorted(f"w{n}" for n in range(writers))
    assert final.version == 1 + writers
    assert conflicts  # the race really happened: stale saves were refused


def test_settings_are_versioned(team_store):
    first = team_store.settings()
    assert first.version == 0
    saved = team_store.save_settings(ExportSettings(organisation="PISM", version=0))
    assert saved.version == 1
    with pytest.raises(ConflictError, match="organisation is now 'PISM'"):
        team_store.save_settings(ExportSettings(organisation="Other", version=0))
    team_store.update_settings({"page_size": PageSize.LETTER})
    assert team_store.settings().organisation == "PISM"
    assert team_store.settings().version == 2


# --- deletion rules as in the SQLite book --------------------------------------------

def test_deletion_rules_and_cascades(team_store):
    source, russia, medinsky, fidan, talks, rec = make_world(team_store)
    with pytest.raises(LinkedRecordError, match="takes part in 1 meeting"):
        team_store.delete("actor", medinsky.id)
    team_store.delete("actor", medinsky.id, force=True)
    meeting = team_store.get_meeting(talks.id)
    assert meeting.participants == [] and meeting.version == talks.version + 1
    assert team_store.get_recommendation(rec.id).actor_uids == []
    team_store.delete("source", source.id)
    assert team_store.get_actor(russia.id).source_uids == []
    assert team_store.get_meeting(talks.id).source_uids == []
    team_store.delete("meeting", talks.id)
    assert team_store.get_recommendation(rec.id).meeting_uids == []
    with pytest.raises(NotFoundError):
        team_store.get_meeting(talks.id)
    assert team_store.search("Istanbul") == []
    with pytest.raises(NotFoundError):
        team_store.delete("meeting", talks.id)


# --- who changed what, and telling others ------------------------------------------

def test_every_write_records_who(team_store):
    team_book_url = team_store.url  # the test book's own database
    actor = team_store.save(Actor(name="Wang Yi"))
    assert team_store.changed_by_of("actor", actor.id)[0] == "analyst"  # the database role
    with TeamStore.open(team_book_url, analyst="Anna Kowalska") as anna:
        anna.save(anna.get_actor(actor.id))
        who, when = anna.changed_by_of("actor", actor.id)
        assert who == "Anna Kowalska" and when == anna.get_actor(actor.id).updated_at
        row = anna.list_summaries("actor", changed_by=True)[0]
        assert row["changed_by"] == "Anna Kowalska"


def test_every_write_notifies_listeners_on_commit(team_store):
    team_book_url = team_store.url  # the test book's own database
    with psycopg.connect(team_book_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        actor = team_store.save(Actor(name="Ali Shamkhani"))
        team_store.delete("actor", actor.id)
        with pytest.raises(ValidationError):
            team_store.save(Actor(name=""))  # refused: nothing committed, nothing sent
        started = time.monotonic()
        payloads = []
        while len(payloads) < 2 and time.monotonic() - started < 1.0:
            select.select([listener.fileno()], [], [], 0.2)
            payloads += [json.loads(n.payload) for n in listener.notifies(timeout=0, stop_after=2)]
    assert payloads == [{"by": "analyst", "changes": [["actor", actor.id]]}] * 2


# --- read-only role ----------------------------------------------------------------

def test_read_only_role_browses_searches_but_cannot_edit(postgres_server, team_sample):
    team_book_url = team_sample.url
    grant_reader(postgres_server, team_book_url)
    reader_url = team_book_url.replace("analyst@", "reader@")
    with TeamStore.open(reader_url) as reader:
        assert reader.read_only and "may only read" in reader.read_only_reason
        assert reader.count("actor") == 38
        stamp = reader.change_stamp()
        team_sample.save(team_sample.get_actor(1))
        assert reader.change_stamp() != stamp  # a colleague's save is seen
        assert reader.search("erdogan")[0].title == "Recep Tayyip Erdoğan"
        actor = reader.get_actor(reader.search_ids("erdogan", "actor")[0])
        with pytest.raises(BookReadOnlyError, match="read-only"):
            reader.save(actor)
        with pytest.raises(BookReadOnlyError):
            reader.delete("actor", actor.id)
        reader.read_only = False  # even past the store's own check, the server refuses
        with pytest.raises(BookReadOnlyError, match="may not change"):
            reader.save(actor)
    assert team_sample.get_actor(actor.id).version == actor.version


def test_administrators_setup_from_the_readme_works(postgres_server, monkeypatch):
    """db/postgresql/README.md's SQL, run as written: editors share, readers only read."""
    from conftest import REPO
    text = (REPO / "db/postgresql/README.md").read_text()
    setup = text.split("```sql\n", 1)[1].split("```", 1)[0]
    server_part, database_part = setup.split("\\connect briefing\n")
    for dbname, part in (("postgres", server_part), ("briefing", database_part)):
        for statement in part.split(";"):
            lines = [ln for ln in statement.splitlines() if not ln.strip().startswith("--")]
            if "".join(lines).strip():
                postgres_server.admin("\n".join(lines), dbname=dbname)
    url = postgres_server.url("briefing", user="{}")
    passwords = {"anna": "choose-one", "boris": "choose-two", "piotr": "choose-three"}

    def open_as(user, **options):
        monkeypatch.setenv("PGPASSWORD", passwords[user])
        return TeamStore.open(url.format(user), **options)

    with open_as("anna", create=True) as anna:
        actor = anna.save(Actor(name="Hakan Fidan"))
    with open_as("boris") as boris:
        assert not boris.read_only
        boris.save(boris.get_actor(actor.id))
        assert boris.changed_by_of("actor", actor.id)[0] == "boris"
    with open_as("piotr") as piotr:
        assert piotr.read_only
        assert piotr.search("fidan")[0].title == "Hakan Fidan"
        with pytest.raises(BookReadOnlyError):
            piotr.save(piotr.get_actor(actor.id))


def test_streamed_export_and_import_as_sqlite(team_sample, sample_store, tmp_path):
    import io
    team_text, lite_text = io.StringIO(), io.StringIO()
    team_sample.export_to(team_text)
    sample_store.export_to(lite_text)
    assert json.loads(team_text.getvalue()) == team_sample.export_book()
    assert (without_who(json.loads(team_text.getvalue()), team_sample.changed_by)
            == without_who(json.loads(lite_text.getvalue()), sample_store.changed_by))
    path = tmp_path / "book.json"
    path.write_text(team_text.getvalue())
    summary = team_sample.import_file(path)
    assert summary.added == {} and summary.updated == {}
    assert summary.unchanged["actors"] == 38
    assert (list(team_sample.iter_summaries("actor", sort="name", limit=5, offset=3))
            == team_sample.list_summaries("actor", sort="name", limit=5, offset=3))
    twice = json.loads(path.read_text())
    twice["sources"].append(twice["sources"][0])
    path.write_text(json.dumps(twice))
    from desktopapp.errors import ImportFormatError
    with pytest.raises(ImportFormatError, match="used twice in the file"):
        team_sample.import_file(path)


def test_a_hand_edited_row_is_named_by_row_and_field(postgres_server, team_store):
    actor = team_store.save(Actor(name="Wang Yi"))
    postgres_server.admin("UPDATE actors SET tags = 'not a list' WHERE id = %s", actor.id,
                          dbname=team_store.url.rsplit("/", 1)[1])
    with pytest.raises(StoredRecordError, match=r"actors row \d+ .* tags: is not JSON"):
        team_store.get_actor(actor.id)
