"""Who changed what: every write records who and when, in a book file and in a team book."""

import datetime as dt
import getpass
import json
import shutil
import sqlite3

import pytest
from conftest import FIXTURES, both_backends

from desktopapp import books, cli
from desktopapp.domain import Actor, Meeting, Participant, Source
from desktopapp.store import BriefingStore
from desktopapp.store import migrations as schema
from desktopapp.store.postgres import TeamStore

book = both_backends("sqlite_book_url", "created_team_book_url")


@pytest.fixture
def sqlite_book_url(tmp_path):
    path = tmp_path / "book.sqlite"
    BriefingStore.open(path, create=True).close()
    return path


@pytest.fixture
def created_team_book_url(team_book_url):
    TeamStore.open(team_book_url, create=True).close()
    return team_book_url


def open_as(target, analyst):
    if isinstance(target, str):
        return TeamStore.open(target, analyst=analyst)
    return BriefingStore.open(target, analyst=analyst)


def test_every_write_records_who_and_when(book):
    with open_as(book, "Anna Kowalska") as anna:
        source = anna.save(Source(citation="PISM Bulletin No. 58"))
        fidan = anna.save(Actor(name="Hakan Fidan", source_uids=[source.uid]))
        who, when = anna.changed_by_of("actor", fidan.id)
        assert (who, when) == ("Anna Kowalska", fidan.updated_at)
    with open_as(book, "Jan Nowak") as jan:
        fidan.title = "Foreign Minister"
        jan.save(fidan)
        assert jan.changed_by_of("actor", fidan.id)[0] == "Jan Nowak"
        assert jan.changed_by_of("source", source.id)[0] == "Anna Kowalska"
        rows = jan.list_summaries("actor", changed_by=True)
        assert [(r["name"], r["changed_by"], r["updated_at"]) for r in rows] == [
            ("Hakan Fidan", "Jan Nowak", fidan.updated_at)]
        assert "changed_by" not in jan.list_summaries("actor")[0]
    with open_as(book, "Ewa Lis") as ewa:
        # a cascade changes the actor too: the one who deleted the source changed it
        ewa.delete("source", source.id)
        assert ewa.changed_by_of("actor", fidan.id)[0] == "Ewa Lis"
        assert ewa.get("actor", fidan.id).version == 3


def test_imports_record_who(book, tmp_path):
    with open_as(book, "Anna Kowalska") as anna:
        anna.import_sections({"actors": [Actor(name="Hakan Fidan")]})
        (row,) = anna.list_summaries("actor", changed_by=True)
        assert row["changed_by"] == "Anna Kowalska"


def test_briefing_show_prints_who_changed_the_record(book, capsys, monkeypatch):
    monkeypatch.setenv("BRIEFING_ANALYST", "Anna Kowalska")
    with books.open_book(book) as store:  # as the commands open it: the analyst named
        actor = store.save(Actor(name="Hakan Fidan"))
    code = cli.main(["show", "actor", str(actor.id), "--db", str(book)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Changed:      {actor.updated_at} by Anna Kowalska" in out


def test_a_book_file_names_the_login_without_briefing_analyst(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFING_ANALYST", raising=False)
    with BriefingStore.open(tmp_path / "b.sqlite", create=True) as store:
        actor = store.save(Actor(name="Hakan Fidan"))
        assert store.changed_by_of("actor", actor.id)[0] == getpass.getuser()


def test_schema5_book_upgrades_and_keeps_its_records_with_no_one_named(tmp_path, capsys,
                                                                        monkeypatch):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema5.sqlite", path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    columns = {row[1] for row in conn.execute("PRAGMA table_info(actors)")}
    (erdogan_id, updated_at), = conn.execute(
        "SELECT id, updated_at FROM actors WHERE name = 'Recep Tayyip Erdoğan'")
    conn.close()
    assert "changed_by" not in columns
    monkeypatch.setenv("BRIEFING_ANALYST", "Anna Kowalska")
    with BriefingStore.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == schema.known_version()
        # changed before anyone was recorded: no name, the time kept
        assert store.changed_by_of("actor", erdogan_id) == ("", updated_at)
        meeting = store.all_records("meeting")[0]
        meeting.participants.append(Participant(store.get("actor", erdogan_id).uid, "Türkiye"))
        store.save(meeting)
        assert store.changed_by_of("meeting", meeting.id)[0] == "Anna Kowalska"
        assert store.check() == []
    code = cli.main(["show", "actor", str(erdogan_id), "--db", str(path)])
    out = capsys.readouterr().out
    assert code == 0 and f"Changed:      {updated_at}\n" in out


def test_the_newest_fixture_book_is_of_the_current_schema():
    newest = max(FIXTURES.glob("book-schema*.sqlite"),
                 key=lambda p: int(p.stem.removeprefix("book-schema")))
    conn = sqlite3.connect(newest)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.known_version()
        assert {"changed_by"} <= {row[1] for row in conn.execute("PRAGMA table_info(actors)")}
    finally:
        conn.close()


def test_a_meeting_records_who_when_a_participant_is_renamed(book):
    with open_as(book, "Anna Kowalska") as anna:
        fidan = anna.save(Actor(name="Hakan Fidan"))
        anna.save(Meeting(title="Talks", date=dt.date(2025, 5, 16),
                          participants=[Participant(fidan.uid, "Türkiye")]))
    with open_as(book, "Jan Nowak") as jan:
        fidan.name = "Hakan Fidan (FM)"
        jan.save(fidan)
        # the meeting's own row is not changed by renaming a participant
        (row,) = jan.list_summaries("meeting", changed_by=True)
        assert row["changed_by"] == "Anna Kowalska"


# --- who changed what, carried by copies, backups and the JSON format -------------

def run_cli(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def who_and_when(store) -> dict:
    return {r.uid: (r.changed_by, r.updated_at)
            for kind in ("actor", "meeting") for r in store.all_records(kind)}


def test_copies_backups_and_exports_keep_who_changed_what(book, tmp_path, capsys,
                                                          monkeypatch):
    with open_as(book, "Anna Kowalska") as anna:
        fidan = anna.save(Actor(name="Hakan Fidan"))
    with open_as(book, "Jan Nowak") as jan:
        jan.save(Meeting(title="Talks", date=dt.date(2025, 5, 16),
                         participants=[Participant(fidan.uid, "Türkiye")]))
        expected = who_and_when(jan)
        exported = jan.export_book()
    assert sorted(who for who, _ in expected.values()) == ["Anna Kowalska", "Jan Nowak"]
    assert [a["changed_by"] for a in exported["actors"]] == ["Anna Kowalska"]
    assert exported["version"] == 5
    # whoever copies, backs up or imports, the records keep who changed them
    monkeypatch.setenv("BRIEFING_ANALYST", "Ewa Lis")
    run_cli(capsys, "copy", book, tmp_path / "copy.sqlite")
    run_cli(capsys, "backup", "-o", tmp_path / "backup.sqlite", "--db", book)
    # a team book's backup may be JSON; any book exports it
    as_json = "backup" if isinstance(book, str) else "export"
    run_cli(capsys, as_json, "-o", tmp_path / "book.json", "--db", book)
    run_cli(capsys, "init", "--db", tmp_path / "imported.sqlite")
    run_cli(capsys, "import", tmp_path / "book.json", "--db", tmp_path / "imported.sqlite")
    for name in ("copy.sqlite", "backup.sqlite", "imported.sqlite"):
        with BriefingStore.open(tmp_path / name) as other:
            assert who_and_when(other) == expected, name
            fidan_id = other.id_for_uid("actor", fidan.uid)
            assert other.changed_by_of("actor", fidan_id) == expected[fidan.uid]
    # a change made in the copy is the copier's
    with books.open_book(tmp_path / "copy.sqlite") as copy:
        actor = copy.get_by_uid("actor", fidan.uid)
        actor.title = "Foreign Minister"
        assert copy.save(actor).changed_by == "Ewa Lis"


def test_a_team_book_copied_from_a_file_keeps_who_and_no_one(team_book_url, tmp_path, capsys,
                                                              monkeypatch):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema5.sqlite", path)  # changed before anyone was named
    with open_as(path, "Anna Kowalska") as anna:
        erdogan = next(a for a in anna.all_records("actor") if a.name == "Recep Tayyip Erdoğan")
        erdogan.title = "President of Türkiye"
        anna.save(erdogan)
        expected = who_and_when(anna)
    assert {who for who, _ in expected.values()} == {"", "Anna Kowalska"}
    monkeypatch.setenv("BRIEFING_ANALYST", "Ewa Lis")
    out = run_cli(capsys, "copy", path, team_book_url)
    with TeamStore.open(team_book_url) as team:
        assert who_and_when(team) == expected
    back = run_cli(capsys, "copy", team_book_url, tmp_path / "back.sqlite")
    assert out.split("SHA-256 ")[1] == back.split("SHA-256 ")[1]


def test_the_content_hash_covers_who_changed_each_record(book):
    from desktopapp.store import copying
    with open_as(book, "Anna Kowalska") as anna:
        anna.save(Actor(name="Hakan Fidan"))
        with anna.snapshot():
            before = copying.fingerprint(anna)
    with open_as(book, "Jan Nowak") as jan:
        with jan.write():  # the same content, changed by another at the same moment
            jan._x("UPDATE actors SET changed_by = 'Jan Nowak'") if isinstance(
                jan, TeamStore) else jan.db.execute("UPDATE actors SET changed_by = 'Jan Nowak'")
        with jan.snapshot():
            after = copying.fingerprint(jan)
    assert after.counts == before.counts and after.digest != before.digest


def test_an_import_that_names_no_one_names_the_importer_and_keeps_unchanged(book, tmp_path):
    with open_as(book, "Anna Kowalska") as anna:
        anna.save(Actor(name="Hakan Fidan"))
        document = anna.export_book()
    for record in document["actors"]:
        del record["changed_by"]  # as files before format 5
    path = tmp_path / "v4.json"
    path.write_text(json.dumps(dict(document, version=4)), encoding="utf-8")
    with open_as(book, "Jan Nowak") as jan:
        summary = jan.import_file(path)  # the same content: nothing changes, not even who
        assert summary.unchanged == {"actors": 1}
        assert [r.changed_by for r in jan.all_records("actor")] == ["Anna Kowalska"]
        document["actors"][0]["uid"] = "6f1c8c1e-5a4e-4c55-9a8a-2d1f3c4b5a6d"
        path.write_text(json.dumps(dict(document, version=4)), encoding="utf-8")
        jan.import_file(path)
        assert sorted(r.changed_by for r in jan.all_records("actor")) == [
            "Anna Kowalska", "Jan Nowak"]
