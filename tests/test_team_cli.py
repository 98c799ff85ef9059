"""The briefing command on team books: --db URL, BRIEFING_DB, copy, backup, crashes."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO

from desktopapp import bookformat, cli
from desktopapp.domain import Actor
from desktopapp.errors import BookReadOnlyError, EmptyDatabaseError
from desktopapp.store import BriefingStore
from desktopapp.store.postgres import TeamStore


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def team_url(team_book_url, capsys):
    code, out, err = run(capsys, "init", "--db", team_book_url, "--sample")
    assert code == 0, err
    assert out.startswith("Created the sample book at postgresql://analyst@127.0.0.1")
    return team_book_url


def test_every_command_takes_a_team_book(team_url, capsys, tmp_path):
    code, out, _ = run(capsys, "list", "actors", "--db", team_url)
    assert code == 0 and "Recep Tayyip Erdoğan" in out
    code, out, _ = run(capsys, "search", "мединский", "--db", team_url, "--json")
    hit = json.loads(out)[0]
    assert hit["title"] == "Vladimir Medinsky"
    code, out, _ = run(capsys, "show", "actor", hit["id"], "--db", team_url)
    assert code == 0 and "Changed:" in out and "by analyst" in out
    code, out, _ = run(capsys, "settings", "--organisation", "PISM", "--db", team_url)
    assert code == 0 and "PISM" in out
    code, _, err = run(capsys, "card", "actor", hit["id"], "-o", tmp_path / "c.pdf",
                       "--db", team_url)
    assert code == 0, err
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run(capsys, "export", "-o", tmp_path / "b.json", "--db", team_url)
    assert code == 0 and "38 actors" in out
    code, out, _ = run(capsys, "import", tmp_path / "b.json", "--db", team_url)
    assert code == 0 and "38 unchanged" in out
    code, out, _ = run(capsys, "check", "--db", team_url)
    assert code == 0 and out.strip().endswith(": ok")


def test_briefing_db_names_the_book(team_url, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFING_DB", team_url)
    monkeypatch.setenv("BRIEFING_ANALYST", "Anna Kowalska")
    code, out, _ = run(capsys, "list", "meetings")
    assert code == 0 and "Istanbul" in out
    with TeamStore.open(team_url) as store:
        actor = store.save(Actor(name="Hakan Fidan"))
        fidan = bookformat.record_to_dict(actor) | {"title": "Foreign Minister"}
        del fidan["changed_by"]  # a file that names no one: the import names its importer
    (tmp_path / "fidan.json").write_text(json.dumps(
        {"format": "briefing-book", "version": bookformat.FORMAT_VERSION, "actors": [fidan]}))
    code, out, _ = run(capsys, "show", "actor", actor.id)
    assert "by analyst" in out
    code, out, _ = run(capsys, "settings", "--author", "A. K.")
    with TeamStore.open(team_url) as store:
        assert store.settings().author == "A. K."
    code, out, _ = run(capsys, "import", tmp_path / "fidan.json")
    assert code == 0
    with TeamStore.open(team_url) as store:
        assert store.changed_by_of("actor", actor.id)[0] == "Anna Kowalska"
    # the window does not follow BRIEFING_DB: it opens book files (your own book here)
    from desktopapp import books
    with books.open_book() as store:
        assert store.path == books.default_book_path()


def test_errors_people_understand(postgres_server, team_book_url, capsys, monkeypatch):
    code, _, err = run(capsys, "list", "actors", "--db", team_book_url)
    assert code == 1 and "is empty: create a team book" in err
    code, _, err = run(capsys, "list", "actors", "--db",
                       f"postgresql://analyst@127.0.0.1:{postgres_server.port}/none")
    assert code == 1 and "there is no database" in err
    monkeypatch.setenv("PGPASSWORD", "wrong")
    code, _, err = run(capsys, "list", "actors", "--db", team_book_url)
    assert code == 1 and "refused the login" in err and "wrong" not in err


@pytest.mark.parametrize("options, message", [
    ("?sslmode=bogus", "the connection option sslmode has an invalid value 'bogus'"),
    ("?target_session_attrs=any-old", "the connection option target_session_attrs has an "
                                       "invalid value 'any-old'"),
    ("?sslmode=require", "does not offer SSL, but the connection option sslmode asks for it"),
])
def test_a_wrong_connection_option_is_named(team_url, capsys, options, message):
    code, _, err = run(capsys, "list", "actors", "--db", team_url + options)
    assert code == 1 and message in err
    assert "cannot reach" not in err


def test_a_service_not_in_the_service_file_is_named(team_url, postgres_server, capsys,
                                                    monkeypatch, tmp_path):
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[briefing]\nhost=127.0.0.1\nport={postgres_server.port}\n"
                        f"dbname={team_url.rsplit('/', 1)[1]}\nuser=analyst\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    code, out, err = run(capsys, "list", "actors", "--db", "postgresql://?service=briefing")
    assert code == 0 and "Recep Tayyip Erdoğan" in out, err
    code, _, err = run(capsys, "list", "actors", "--db", "postgresql://?service=x")
    assert code == 1 and "service 'x' is not defined in the service file" in err
    assert "postgresql://?service=x" in err and "cannot reach" not in err
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "gone.conf"))
    code, _, err = run(capsys, "list", "actors", "--db", "postgresql://?service=briefing")
    assert code == 1 and f"service file {tmp_path / 'gone.conf'} (named by PGSERVICEFILE) " \
        "does not exist" in err


def test_every_write_as_a_reader_says_the_role_may_only_read(team_url, postgres_server,
                                                             capsys, tmp_path, sample_path):
    from test_team_book import grant_reader
    grant_reader(postgres_server, team_url)
    reader = team_url.replace("analyst@", "reader@")
    with TeamStore.open(team_url) as team:
        before = team.export_book()
    changed = dict(before, actors=[dict(before["actors"][0], name="Someone Else"),
                                   *before["actors"][1:]])
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    book = reader.replace("postgresql://", "")
    for argv, said in [
        (["import", tmp_path / "changed.json"], "may only read this book"),
        (["settings", "--organisation", "PISM"], "may only read this book"),
        (["settings", "--author", "x", "--expect-version", "1"], "may only read this book"),
        (["init"], "there is already a briefing book"),
        (["init", "--sample"], "there is already a briefing book"),
        (["repair"], "use 'briefing check'"),
    ]:
        code, out, err = run(capsys, *argv, "--db", reader)
        assert code == 1 and out == "", argv
        assert err.startswith("error: ") and said in err and book in err, (argv, err)
        assert "unexpected" not in err
    code, _, err = run(capsys, "copy", sample_path, reader)
    assert code == 1 and "is not empty" in err
    # reading is allowed: search, a snapshot
    code, out, _ = run(capsys, "search", "erdogan", "--db", reader)
    assert code == 0 and "Erdoğan" in out
    code, _, err = run(capsys, "backup", "-o", tmp_path / "snap.sqlite", "--db", reader)
    assert code == 0, err
    with TeamStore.open(team_url) as team:
        assert team.export_book() == before  # nothing lost, nothing changed


def test_a_role_whose_transactions_are_read_only_is_a_reader(team_url, postgres_server,
                                                             capsys, monkeypatch, tmp_path):
    """A reader made with ALTER ROLE … SET default_transaction_read_only: the writes
    failed with an unexpected internal error (ReadOnlySqlTransaction)."""
    role = f"readonly_{os.getpid()}"
    if not postgres_server.admin("SELECT 1 FROM pg_roles WHERE rolname = %s", role):
        postgres_server.admin(f"CREATE ROLE {role} LOGIN PASSWORD 'ro-secret' IN ROLE analyst")
        postgres_server.admin(f"ALTER ROLE {role} SET default_transaction_read_only = on")
    book = team_url.replace("analyst@", f"{role}@")
    with TeamStore.open(team_url) as team:
        before = team.export_book()
    (tmp_path / "b.json").write_text(json.dumps(dict(before, actors=[
        dict(before["actors"][0], name="Someone Else"), *before["actors"][1:]])))
    monkeypatch.setenv("PGPASSWORD", "ro-secret")  # preferred to the test's password file
    for argv in (["import", tmp_path / "b.json"], ["settings", "--author", "x"]):
        code, _, err = run(capsys, *argv, "--db", book)
        assert code == 1 and "unexpected" not in err, err
        assert f"the database role '{role}' may only read this book" in err
    code, out, _ = run(capsys, "search", "erdogan", "--db", book)
    assert code == 0 and "Erdoğan" in out
    with TeamStore.open(book) as store:
        assert store.read_only
        store.read_only = False  # past the store's own check, the server refuses
        with pytest.raises(BookReadOnlyError, match="may only read"):
            store.save(store.get_actor(1))
    monkeypatch.delenv("PGPASSWORD")
    with TeamStore.open(team_url) as team:
        assert team.export_book() == before


def test_a_role_that_may_not_read_is_told_so(team_url, capsys):
    reader = team_url.replace("analyst@", "reader@")  # may connect, but has no grants
    code, _, err = run(capsys, "list", "actors", "--db", reader)
    assert code == 1 and "your database role may not read the team book at" in err
    assert "readers' or the editors' rights" in err and "may not change" not in err


def test_a_role_without_the_schema_is_not_told_the_book_is_empty(team_url, postgres_server,
                                                                  capsys):
    """Without USAGE on the schema the tables are invisible: the book read as empty,
    and 'briefing init' then failed with an internal error (InvalidSchemaName)."""
    from test_team_book import grant_reader
    grant_reader(postgres_server, team_url)
    postgres_server.admin("REVOKE USAGE ON SCHEMA public FROM PUBLIC, reader",
                          dbname=team_url.rsplit("/", 1)[1])
    reader = team_url.replace("analyst@", "reader@")
    for argv in (["list", "actors"], ["init"], ["init", "--sample"]):
        code, out, err = run(capsys, *argv, "--db", reader)
        assert code == 1 and out == "", argv
        assert "the database role 'reader' may not use the schema of the database at" in err
        assert "is empty" not in err and "unexpected" not in err, err
    code, out, _ = run(capsys, "list", "actors", "--db", team_url)  # the book is intact
    assert code == 0 and "Recep Tayyip Erdoğan" in out


def test_copy_between_backends_round_trips(team_book_url, sample_path, tmp_path, capsys):
    code, out, err = run(capsys, "copy", sample_path, team_book_url)
    assert code == 0, err
    assert "38 actors" in out and "content SHA-256" in out
    back = tmp_path / "back.sqlite"
    code, out2, err = run(capsys, "copy", team_book_url, back)
    assert code == 0, err
    # the same content hash both ways
    assert out.split("SHA-256 ")[1] == out2.split("SHA-256 ")[1]
    with BriefingStore.open(sample_path) as a, BriefingStore.open(back) as b:
        assert a.export_book() == b.export_book()
    code, _, err = run(capsys, "copy", sample_path, team_book_url)
    assert code == 1 and "is not empty" in err
    code, _, err = run(capsys, "copy", team_book_url, back)
    assert code == 1 and "already exists" in err


def test_backup_of_a_team_book_is_a_snapshot(team_url, tmp_path, capsys):
    code, _, err = run(capsys, "backup", "-o", tmp_path / "b.sqlite", "--db", team_url)
    assert code == 0, err
    code, _, err = run(capsys, "backup", "-o", tmp_path / "b.json", "--db", team_url)
    assert code == 0, err
    with TeamStore.open(team_url) as team, BriefingStore.open(tmp_path / "b.sqlite") as copy:
        assert copy.export_book() == team.export_book()
        assert json.loads((tmp_path / "b.json").read_text()) == team.export_book()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_backup_writes_what_its_name_says(backend, sample_path, team_url, tmp_path, capsys):
    book = str(sample_path) if backend == "sqlite" else team_url
    with (BriefingStore.open(sample_path) if backend == "sqlite"
          else TeamStore.open(team_url)) as store:
        expected = store.export_book()
    for name in ("b.json", "b.JSON"):
        code, _, err = run(capsys, "backup", "--db", book, "-o", tmp_path / name)
        assert code == 0, err
        assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == expected
    for name in ("b.sqlite", "b.db", "b.briefing"):
        code, _, err = run(capsys, "backup", "--db", book, "-o", tmp_path / name)
        assert code == 0, err
        assert (tmp_path / name).read_bytes().startswith(b"SQLite format 3\0")
        with BriefingStore.open(tmp_path / name) as copy:
            assert copy.export_book() == expected
    for name in ("b.txt", "b", "b.json.part"):
        code, out, err = run(capsys, "backup", "--db", book, "-o", tmp_path / name)
        assert code == 2 and out == ""
        assert err.startswith("error: -o/--output: ") and str(tmp_path / name) in err
        assert ".json" in err and ".sqlite, .db, .briefing" in err
        assert not (tmp_path / name).exists()


# --- all or nothing when the client is killed -----------------------------------------

def _big_book(path, actors):
    book = {"format": "briefing-book", "version": bookformat.FORMAT_VERSION,
            "actors": [{"uid": f"00000000-0000-4000-8000-{i:012d}", "name": f"Actor {i}",
                        "kind": "person", "biography": "word " * 50} for i in range(actors)]}
    path.write_text(json.dumps(book))
    return path


def _kill_when_writing(argv, postgres_server, dbname):
    """Start the CLI, SIGKILL it while its transaction is writing, wait for the server."""
    process = subprocess.Popen([sys.executable, "-m", "desktopapp.cli", *map(str, argv)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 120
    writer = None
    while time.monotonic() < deadline and process.poll() is None:
        # a backend whose transaction has written rows (it has a transaction id)
        rows = postgres_server.admin(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s "
            "AND backend_xid IS NOT NULL", dbname)
        if rows:
            writer = rows[0][0]
            time.sleep(0.3)
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)  # closes the pipes too
    assert writer is not None, "the copy or import never started writing"
    while postgres_server.admin("SELECT 1 FROM pg_stat_activity WHERE pid = %s", writer):
        time.sleep(0.05)  # the server rolls back when it sees the client gone
    return process


@pytest.mark.slow
def test_killed_import_leaves_nothing(team_store, postgres_server, tmp_path):
    team_book_url = team_store.url  # the test book's own database
    path = _big_book(tmp_path / "big.json", 30000)
    dbname = team_book_url.rsplit("/", 1)[1]
    process = _kill_when_writing(["import", path, "--db", team_book_url], postgres_server,
                                 dbname)
    assert process.returncode == -signal.SIGKILL
    assert team_store.count("actor") == 0
    assert team_store.search("actor") == []


@pytest.mark.slow
def test_killed_copy_leaves_nothing(team_book_url, postgres_server, tmp_path):
    source = tmp_path / "big.sqlite"
    with BriefingStore.open(source, create=True) as store:
        store.import_file(_big_book(tmp_path / "big.json", 30000))
    dbname = team_book_url.rsplit("/", 1)[1]
    process = _kill_when_writing(["copy", source, team_book_url], postgres_server, dbname)
    assert process.returncode == -signal.SIGKILL
    # the tables were made in the copy's transaction: the database is as empty as it was
    assert postgres_server.admin("SELECT relname FROM pg_class c JOIN pg_namespace n "
                                 "ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
                                 dbname=dbname) == []
    with pytest.raises(EmptyDatabaseError):
        TeamStore.open(team_book_url)
    # and the copy can simply be run again
    done = subprocess.run([sys.executable, "-m", "desktopapp.cli", "copy", str(source),
                           team_book_url], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    with TeamStore.open(team_book_url) as team:
        assert team.count("actor") == 30000
