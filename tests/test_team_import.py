"""Importing into a team book: streamed in batches, the same outcome as a book file."""

import json

import psycopg
import pytest
from test_import_memory import run_limited, write_big_book

from desktopapp import bench
from desktopapp.errors import ImportFormatError, ValidationError
from desktopapp.store.postgres import CHANNEL, TeamStore
from desktopapp.store.postgres import importing as team_importing


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of three records, so a small file crosses many batch boundaries."""
    # the class's batch size: the module's BATCH is read once, when the class is made
    monkeypatch.setattr(team_importing.TeamImport, "batch_size", 3)


def write(path, book):
    path.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    return path


def synthetic(order=("meetings", "recommendations", "actors", "sources")):
    """The bench's synthetic book with its sections in ``order``: links point forward."""
    book = bench.synthetic_book(40, 8, 4)
    return {"format": book["format"], "version": book["version"],
            **{section: book[section] for section in order}}


def test_streamed_batches_give_what_a_book_file_gets(small_batches, team_store, store, tmp_path):
    team_store.changed_by = store.changed_by = "Anna Kowalska"
    path = write(tmp_path / "book.json", synthetic())
    assert str(team_store.import_file(path)) == str(store.import_file(path))
    assert team_store.export_book() == store.export_book()
    name = store.get_actor(1).name
    assert ([(h.kind, h.uid) for h in team_store.search(name)]
            == [(h.kind, h.uid) for h in store.search(name)])
    assert team_store.check() == []


def test_a_second_import_updates_renames_and_counts_unchanged(small_batches, team_store, store,
                                                             tmp_path):
    team_store.changed_by = store.changed_by = "Anna Kowalska"
    book = synthetic()
    write(tmp_path / "first.json", book)
    team_store.import_file(tmp_path / "first.json")
    store.import_file(tmp_path / "first.json")
    actor = next(a for a in book["actors"]
                 if any(p["actor_uid"] == a["uid"] for m in book["meetings"]
                        for p in m["participants"]))
    actor["name"] = "Zbigniew Quorum"
    book["actors"] = [actor]  # the meetings it takes part in are not in the second file
    book["meetings"][0]["place"] = "Reykjavik"
    second = write(tmp_path / "second.json", book)
    summary = team_store.import_file(second)
    assert summary.updated == {"actors": 1, "meetings": 1}
    assert summary.unchanged["meetings"] == len(book["meetings"]) - 1
    assert str(summary) == str(store.import_file(second))
    assert team_store.export_book() == store.export_book()
    # the meetings outside the file are found by the actor's new name
    found = {h.uid for h in team_store.search("quorum", kinds=["meeting"])}
    assert found and found == {h.uid for h in store.search("quorum", kinds=["meeting"])}


def test_a_uid_twice_in_different_batches_is_refused_and_nothing_is_written(
        small_batches, team_store, tmp_path):
    book = synthetic(("sources", "actors"))
    book["actors"].append(dict(book["actors"][0], name="Someone else"))
    with pytest.raises(ImportFormatError, match=r"actors\[41\] .*is used twice in the file"):
        team_store.import_file(write(tmp_path / "twice.json", book))
    assert team_store.is_empty()


def test_a_missing_link_names_the_record_and_field(small_batches, team_store, tmp_path):
    book = synthetic()
    book["meetings"][5]["participants"][2]["actor_uid"] = "00000000-0000-4000-8000-00000000dead"
    with pytest.raises(ValidationError) as caught:
        team_store.import_file(write(tmp_path / "missing.json", book))
    assert caught.value.problems[0][0] == "participants[3]"
    assert "no actor with uid 00000000-0000-4000-8000-00000000dead" in str(caught.value)
    assert book["meetings"][5]["title"] in str(caught.value)
    assert team_store.is_empty()


def test_a_uid_of_another_kind_is_refused(small_batches, team_store, tmp_path):
    book = synthetic()
    book["recommendations"][1]["uid"] = book["actors"][30]["uid"]
    with pytest.raises(ValidationError, match="already used by"):
        team_store.import_file(write(tmp_path / "clash.json", book))
    assert team_store.is_empty()


def test_one_notification_names_what_an_import_changed_or_says_everything(team_store,
                                                                           tmp_path):
    import psycopg

    small = bench.synthetic_book(6, 2, 1)
    large = bench.synthetic_book(250, 10, 5)  # more records than a notification names
    with psycopg.connect(team_store.url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        for book in (small, large):
            team_store.import_file(write(tmp_path / "book.json", book))
            payload = json.loads(next(listener.notifies(timeout=5, stop_after=1)).payload)
            if book is small:
                assert sorted(kind for kind, _ in payload["changes"]) == sorted(
                    ["source"] + ["actor"] * 6 + ["meeting"] * 2 + ["recommendation"])
            else:
                assert payload["all"] is True and "changes" not in payload


@pytest.mark.slow
def test_file_larger_than_memory_imports_into_a_team_book(team_book_url, tmp_path):
    path = tmp_path / "big.json"
    write_big_book(path, 30_000)
    done = run_limited(
        "from desktopapp.cli import main; sys.exit(main(['init', '--db', sys.argv[2]]) or "
        "main(['import', sys.argv[1], '--db', sys.argv[2]]))", path, team_book_url)
    assert done.returncode == 0, done.stderr
    assert "30,000 actors added" in done.stdout
    with TeamStore.open(team_book_url) as team:
        assert team.count("actor") == 30_000


def schema_objects(store):
    """The search index's indexes and every foreign key, as the server describes them."""
    with store._session():
        return (sorted(store._x("SELECT indexdef FROM pg_indexes "
                                "WHERE tablename = 'search_index'").fetchall()),
                sorted(store._x("SELECT conrelid::regclass::text, pg_get_constraintdef(oid) "
                                "FROM pg_constraint WHERE contype = 'f'").fetchall()))


def test_an_empty_book_gets_its_indexes_and_keys_back_after_a_bulk_import(team_store,
                                                                          tmp_path):
    before = schema_objects(team_store)
    # the primary key, the whole-name keys, and one trigram index per kind (schema 4)
    assert len(before[0]) == 7 and len(before[1]) > 10
    book = synthetic()
    book["meetings"][3]["participants"][0]["actor_uid"] = "00000000-0000-4000-8000-00000000dead"
    with pytest.raises(ValidationError):  # fails after the rows went in: all rolled back
        team_store.import_file(write(tmp_path / "bad.json", book))
    assert schema_objects(team_store) == before and team_store.is_empty()
    team_store.import_file(write(tmp_path / "good.json", synthetic()))
    assert schema_objects(team_store) == before
    # the keys hold again: an actor at a meeting cannot simply go
    with team_store._session():
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            team_store._x("DELETE FROM actors")


def test_a_role_that_does_not_own_the_tables_imports_row_by_row(postgres_server, team_store,
                                                                tmp_path):
    """An editor the administrator granted rights to, instead of making a member of the
    owning role, may not drop indexes: the import still works, growing them as it goes."""
    dbname = team_store.url.rsplit("/", 1)[1]
    if not postgres_server.admin("SELECT 1 FROM pg_roles WHERE rolname = 'clerk'"):
        postgres_server.admin("CREATE ROLE clerk LOGIN PASSWORD 'clerk-secret'")
    for statement in (f"GRANT CONNECT ON DATABASE {dbname} TO clerk",):
        postgres_server.admin(statement)
    for statement in ("GRANT USAGE ON SCHEMA public TO clerk",
                      "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                      "TO clerk",
                      "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO clerk"):
        postgres_server.admin(statement, dbname=dbname)
    before = schema_objects(team_store)
    with TeamStore.open(team_store.url.replace("analyst@", "clerk@"),
                        password="clerk-secret") as clerk:
        assert not clerk.read_only
        summary = clerk.import_file(write(tmp_path / "book.json", synthetic()))
    assert summary.added["actors"] == 40
    assert schema_objects(team_store) == before
    assert team_store.search(team_store.get_actor(1).name)[0].kind == "actor"
    assert team_store.check() == []
