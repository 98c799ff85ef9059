"""Who changed what: every write records who and when, in a book file and in a team book."""

import datetime as dt
import getpass
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
