"""Nothing lost, no one in: outputs, special files, settings versions, uids,
untrusted books, WAL files, locks, read-only and full disks, kills."""

import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from test_hostile import PLANTS, _plant, fingerprint, png_header_only

from desktopapp import atomicfile, cli, dossier
from desktopapp.domain import Actor, ExportSettings, Source, parse_date, parse_time
from desktopapp.errors import (
    BookError,
    BookReadOnlyError,
    BriefingError,
    ConflictError,
    StoredRecordError,
    UnknownSchemaError,
    ValidationError,
)
from desktopapp.photos import MAX_PIXELS
from desktopapp.store import BriefingStore, opening

BRIEFING = [sys.executable, "-m", "desktopapp.cli"]


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def briefing(*argv, timeout=60, **kwargs):
    return subprocess.run([*BRIEFING, *map(str, argv)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, **kwargs)


# --- 1, 2: outputs -------------------------------------------------------------------

def test_every_output_refuses_the_open_book_and_its_files(sample_store, tmp_path):
    book = sample_store.path
    link = tmp_path / "link.pdf"
    link.symlink_to(book)
    before = fingerprint(book)
    for target in (book, Path(f"{book}-wal"), Path(f"{book}-shm"), Path(f"{book}-journal"),
                   link, tmp_path / "x" / ".." / book.name):
        (tmp_path / "x").mkdir(exist_ok=True)
        with pytest.raises(BriefingError, match="refusing to write .*open book"):
            atomicfile.write_bytes(target, b"%PDF-")
    assert fingerprint(book) == before
    assert link.is_symlink()


def test_the_window_export_path_is_guarded_too(sample_store):
    """The GUI writes PDFs and JSON through pdf.write_pdf / atomicfile: same guard."""
    from desktopapp.pdf import write_pdf
    from desktopapp.pdf.card import RenderResult
    with pytest.raises(BriefingError, match="open book"):
        write_pdf(RenderResult(pdf=b"%PDF-", pages=1), sample_store.path)
    assert sample_store.count("actor") > 0


def test_special_files_are_not_replaced(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path):
        with pytest.raises(BriefingError, match="not a regular file|it is a folder"):
            atomicfile.write_bytes(target, b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    old = os.umask(0o022)
    try:
        fresh = atomicfile.write_bytes(tmp_path / "fresh.pdf", b"x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        private = tmp_path / "private.pdf"
        private.write_bytes(b"old")
        private.chmod(0o600)
        atomicfile.write_bytes(private, b"new")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        assert private.read_bytes() == b"new"
        # a symlink to another file: the link stays, the file it points to is replaced
        link = tmp_path / "link.pdf"
        link.symlink_to(private)
        atomicfile.write_bytes(link, b"through the link")
        assert link.is_symlink() and private.read_bytes() == b"through the link"
    finally:
        os.umask(old)


def test_dev_full_as_output_and_as_standard_output(sample_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = briefing("export", "--db", sample_path, "-o", "/dev/full")
    assert done.returncode == 1 and "not a regular file" in done.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    with open("/dev/full", "w") as full:
        done = subprocess.run([*BRIEFING, "list", "actors", "--db", str(sample_path)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
                              cwd=REPO)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "disk is full" in done.stderr
    assert done.stderr.count("\n") == 1 and "internal error" not in done.stderr


# --- 12: FIFOs ---------------------------------------------------------------------------

def test_fifos_are_refused_without_hanging(tmp_path, sample_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    for argv in (["list", "actors", "--db", fifo], ["import", fifo, "--db", sample_path]):
        started = time.monotonic()
        done = briefing(*argv, timeout=30)  # raises TimeoutExpired if it hangs
        assert done.returncode == 1 and "not a regular file" in done.stderr, done.stderr
        assert time.monotonic() - started < 30


# --- 3: settings -------------------------------------------------------------------------

def test_settings_change_only_the_named_fields(store):
    store.update_settings({"classification": "SECRET"})
    store.update_settings({"author": "A. Analyst"})
    settings = store.settings()
    assert (settings.classification, settings.author) == ("SECRET", "A. Analyst")
    assert settings.version == 2


def test_saving_settings_read_before_a_change_is_a_conflict(book_path):
    with BriefingStore.open(book_path) as window, BriefingStore.open(book_path) as cli_store:
        shown = window.settings()  # the dialog opens
        cli_store.update_settings({"classification": "SECRET"})  # the CLI changes one field
        edited = ExportSettings(organisation="Institute", classification=shown.classification,
                                page_size=shown.page_size, author=shown.author,
                                version=shown.version)
        with pytest.raises(ConflictError, match="classification is now 'SECRET'"):
            window.save_settings(edited)
        assert window.settings().classification == "SECRET"  # never dropped silently


def test_two_cli_writers_keep_both_edits(sample_path):
    """briefing settings --classification & briefing settings --author, many rounds."""
    rounds = 12
    for i in range(rounds):
        a = subprocess.Popen([*BRIEFING, "settings", "--db", str(sample_path),
                              "--classification", f"C{i}"], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        b = subprocess.Popen([*BRIEFING, "settings", "--db", str(sample_path),
                              "--author", f"A{i}"], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for writer in (a, b):
            _, err = writer.communicate(timeout=60)
            assert writer.returncode == 0, err
        with BriefingStore.open(sample_path) as store:
            settings = store.settings()
        assert (settings.classification, settings.author) == (f"C{i}", f"A{i}"), i


def test_many_rounds_of_two_writers_in_threads(book_path):
    """Both edits of every round are kept: 2 × 100 updates through separate connections."""
    errors = []

    def writer(field_name):
        try:
            with BriefingStore.open(book_path) as store:
                for i in range(100):
                    store.update_settings({field_name: f"{field_name[:1].upper()}{i}"})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,))
               for name in ("classification", "author")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with BriefingStore.open(book_path) as store:
        settings = store.settings()
    assert (settings.classification, settings.author, settings.version) == ("C99", "A99", 200)


def test_cli_settings_expect_version(sample_path, capsys):
    code, out, _ = run(capsys, "settings", "--db", sample_path, "--json")
    version = json.loads(out)["version"]
    code, _, _ = run(capsys, "settings", "--db", sample_path, "--author", "X",
                     "--expect-version", version)
    assert code == 0
    code, _, err = run(capsys, "settings", "--db", sample_path, "--author", "Y",
                       "--expect-version", version)
    assert code == 1 and "changed elsewhere" in err and "author is now 'X'" in err


# --- 4: uids -----------------------------------------------------------------------------

def test_a_uid_names_one_record_whatever_its_kind(sample_store, capsys):
    actor = sample_store.get("actor", 1)
    with pytest.raises(ValidationError, match=f"{actor.uid} is already used by actor"):
        sample_store.save(Source(citation="Same uid", uid=actor.uid))
    with pytest.raises(ValidationError, match="sources: .*already used by actor"):
        sample_store.import_sections({"sources": [Source(citation="x", uid=actor.uid)]})
    # a book where it happened anyway (an older program): check names both records
    sample_store.db.execute(
        "INSERT INTO sources (uid, created_at, updated_at, citation) VALUES (?, '', '', 'x')",
        [actor.uid])
    sample_store.db.conn.commit()
    assert any(actor.uid in p and "actor 1" in p and "source" in p
               for p in sample_store.check())


# --- 5: planted objects ------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PLANTS))
def test_a_book_with_planted_objects_is_refused_then_repaired(tmp_path, sample_path, capsys,
                                                             name):
    book = tmp_path / "planted.sqlite"
    shutil.copy(sample_path, book)
    _plant(book, PLANTS[name])
    before = fingerprint(book)
    with pytest.raises(UnknownSchemaError, match="did not create"):
        BriefingStore.open(book)
    assert fingerprint(book) == before
    code, out, err = run(capsys, "check", "--db", book)
    assert code == 1 and "schema: " in out
    code, out, _ = run(capsys, "repair", "--db", book)
    assert code == 0 and "Backed up" in out
    backups = list(tmp_path.glob("planted.sqlite.before-repair-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:  # the backup keeps what was there
        assert copy.execute("SELECT count(*) FROM actors").fetchone()[0] > 0
    code, out, _ = run(capsys, "check", "--db", book)
    assert code == 0, out
    with BriefingStore.open(book) as store:
        added = store.save(Actor(name="After repair"))
        assert store.get("actor", added.id).name == "After repair"


def test_trusted_schema_is_off(store):
    assert store.db.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_an_altered_table_is_reported_not_rebuilt(tmp_path, sample_path, capsys):
    book = tmp_path / "altered.sqlite"
    shutil.copy(sample_path, book)
    _plant(book, "ALTER TABLE actors ADD COLUMN secret TEXT")
    code, out, _ = run(capsys, "check", "--db", book)
    assert code == 1 and "altered table 'actors'" in out
    before = fingerprint(book)
    code, _, err = run(capsys, "repair", "--db", book)
    assert code == 1 and "cannot be repaired safely" in err
    assert fingerprint(book) == before


def test_messages_from_the_book_are_one_clean_line(tmp_path, sample_path, capsys):
    book = tmp_path / "loud.sqlite"
    shutil.copy(sample_path, book)
    with BriefingStore.open(book) as store:
        store.update_settings({"organisation": "Evil"})
    conn = sqlite3.connect(book)
    conn.execute("UPDATE actors SET name = 'Mal' || char(27) || '[2J' || char(10) || 'x'"
                 " WHERE id = 1")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "list", "actors", "--db", book)
    assert code == 0 and "\x1b" not in out and "Mal[2J" not in out
    assert cli.one_line("a\n\x1b[31mb\x07c\x1b]0;title\x07d") == "a bcd"


# --- 6, 7: WAL files ---------------------------------------------------------------------

def _pending_wal_book(tmp_path, sample_path, user_version):
    """A book whose last commits (user_version among them) sit in its -wal, as after a crash."""
    book = tmp_path / "pending.sqlite"
    shutil.copy(sample_path, book)
    holder = sqlite3.connect(book)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE actors SET name = name || ' (edited)' WHERE id = 1")
    holder.execute(f"PRAGMA user_version = {user_version}")
    holder.commit()
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal", "-shm"):  # copied while open: the WAL is pending
        shutil.copy(f"{book}{suffix}", copy / f"pending.sqlite{suffix}")
    holder.close()
    return copy / "pending.sqlite"


def test_newer_book_with_pending_wal_is_left_byte_identical(tmp_path, sample_path, capsys):
    book = _pending_wal_book(tmp_path, sample_path, opening.schema.known_version() + 1)
    before = fingerprint(book)
    assert before["-wal"] is not None and before["-shm"] is not None
    for argv in (["list", "actors"], ["check"], ["import", tmp_path / "x.json"]):
        code, _, err = run(capsys, *argv, "--db", book)
        assert code == 1 and "newer Briefing Desk" in err
        assert fingerprint(book) == before


def test_a_wal_from_another_book_is_explained(tmp_path, sample_path, capsys):
    other = tmp_path / "other.sqlite"
    shutil.copy(sample_path, other)
    holder = sqlite3.connect(other)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.executescript("UPDATE actors SET biography = hex(randomblob(3000)); "
                         "UPDATE meetings SET agenda = hex(randomblob(3000));")
    book = tmp_path / "book.sqlite"
    shutil.copy(sample_path, book)
    # the target book has other page contents: shuffle it a little
    with BriefingStore.open(book) as store:
        store.save(Actor(name="Only in this book", biography="x" * 20000))
    shutil.copy(f"{other}-wal", f"{book}-wal")
    holder.close()
    codes = [run(capsys, "check", "--db", book) for _ in range(2)]
    code, out, err = codes[-1]
    text = out + err
    if code == 0:
        pytest.skip("SQLite applied this foreign WAL without visible damage")
    assert code == 1
    assert "damaged" in text and "backup" in text and "run 'briefing check'" not in text


# --- 8: locks ----------------------------------------------------------------------------

def _hold_write_lock(path):
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE book_meta SET value = value WHERE key = 'created_at'")
    return holder


def test_reading_commands_work_while_another_program_writes(sample_path, capsys):
    holder = _hold_write_lock(sample_path)
    try:
        for argv in (["list", "actors"], ["show", "actor", 1], ["search", "erdogan"],
                     ["settings"]):
            code, _, err = run(capsys, *argv, "--db", sample_path)
            assert code == 0, (argv, err)
        code, out, err = run(capsys, "check", "--db", sample_path)
        assert code == cli.EXIT_BUSY, (out, err)
        assert "busy: " in err
        assert "damaged" not in err + out
        assert "problem(s)" not in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    code, out, _ = run(capsys, "check", "--db", sample_path)
    assert code == 0 and out.strip().endswith(": ok")


def test_a_writer_waits_with_a_message_then_writes(sample_path, capsys):
    holder = _hold_write_lock(sample_path)
    threading.Timer(1.5, lambda: (holder.execute("ROLLBACK"), holder.close())).start()
    code, out, err = run(capsys, "settings", "--db", sample_path, "--author", "Patient")
    assert code == 0, err
    assert err.startswith("waiting for another program that is writing the book")
    assert "Patient" in out


def test_the_lock_holder_is_named(sample_path):
    script = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
              "c.execute('BEGIN IMMEDIATE'); c.execute(\"UPDATE book_meta SET value = value\");"
              "print('locked', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", script, str(sample_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        if not Path("/proc/locks").exists():
            pytest.skip("no /proc/locks")
        assert f"process {holder.pid}" in opening._lock_holder(sample_path)
    finally:
        holder.kill()
        holder.communicate()


# --- 9: bad text and numbers -------------------------------------------------------------

@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"}])
def test_terminals_that_are_not_utf8(sample_path, env):
    done = briefing("list", "actors", "--db", sample_path, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    assert "Erdo" in done.stdout
    done = briefing("show", "actor", 2**63, "--db", sample_path, env={**os.environ, **env})
    assert done.returncode == 1 and done.stderr.startswith("error: there is no actor")


def test_command_line_bytes_that_are_not_utf8(sample_path):
    done = subprocess.run([*map(os.fsencode, BRIEFING), b"settings", b"--db",
                           os.fsencode(sample_path), b"--author", b"\xff"],
                          capture_output=True, timeout=60, cwd=REPO)
    assert done.returncode == 1
    assert done.stderr.startswith(b"error: --author: the text is not valid UTF-8 (byte 0xff)")


def test_a_search_limit_larger_than_a_sqlite_integer_is_taken(sample_path, capsys):
    code, out, _ = run(capsys, "search", "erdogan", "--limit", 2**70, "--db", sample_path)
    assert code == 0 and "Erdoğan" in out


# --- 10: hand-edited books ---------------------------------------------------------------

def test_check_names_row_and_field_of_hand_edited_records(sample_path, capsys):
    conn = sqlite3.connect(sample_path)
    conn.execute("UPDATE actors SET aliases = 'not json' WHERE id = 1")
    conn.execute("UPDATE actors SET tags = '{}' WHERE id = 2")
    conn.execute("UPDATE meetings SET date = '2025-02-30' WHERE id = 1")
    conn.execute("UPDATE actors SET name = '' WHERE id = 3")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "check", "--db", sample_path)
    assert code == 1
    assert "actors row 1" in out and "aliases: is not JSON" in out
    assert "actors row 2" in out and "tags" in out
    assert "meetings row 1" in out and "'2025-02-30' is not a real date" in out
    assert "actors row 3" in out and "name: is required" in out
    with BriefingStore.open(sample_path) as store:
        with pytest.raises(StoredRecordError, match="actors row 1 .*aliases: is not JSON"):
            store.get("actor", 1)


@pytest.mark.parametrize("kind, edit, command", [
    ("actor", "UPDATE actors SET name = x'ff00' WHERE id = 1", ("export", "-o", "{out}.json")),
    ("actor", "UPDATE actors SET name = x'ff00' WHERE id = 1", ("card", "actor", "1", "-o",
                                                                "{out}.pdf")),
    ("meeting", "UPDATE meetings SET duration_minutes = 'abc' WHERE id = 1",
     ("show", "meeting", "1")),
    ("meeting", "UPDATE meetings SET duration_minutes = 1.5 WHERE id = 1",
     ("card", "meeting", "1", "-o", "{out}.pdf")),
])
def test_a_value_of_the_wrong_type_in_a_row_is_reported_not_a_crash(
        tmp_path, sample_path, capsys, kind, edit, command):
    # A hand edit can store bytes or a number where text belongs (SQLite lets it):
    # reading commands name the row and field instead of an "internal error".
    conn = sqlite3.connect(sample_path)
    conn.execute(edit)
    conn.commit()
    conn.close()
    before = fingerprint(sample_path)
    argv = [a.format(out=tmp_path / "out") for a in command]
    code, _, err = run(capsys, *argv, "--db", sample_path)
    assert code == 1 and "internal error" not in err, err
    assert "row 1 " in err and f"is not a valid {kind}" in err and "stored as" in err, err
    assert err.count("\n") == 1
    assert fingerprint(sample_path) == before


# --- 14: photos --------------------------------------------------------------------------

def test_photos_over_the_pixel_limit_are_refused_with_the_limit(store):
    with pytest.raises(ValidationError, match=f"at most {MAX_PIXELS // 1_000_000} megapixels"):
        store.save(Actor(name="Huge", photo=png_header_only(12000, 12000)))


def test_a_huge_photo_already_in_the_book_prints_a_note_and_no_raw_warning(store):
    from pypdf import PdfReader

    from desktopapp.pdf import actor_card
    actor = store.save(Actor(name="Huge"))
    store.db.execute("UPDATE actors SET photo = ? WHERE id = ?",
                     [png_header_only(12000, 12000), actor.id])
    store.db.conn.commit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = actor_card.render(dossier.actor_dossier(store, actor.id), ExportSettings())
    text = PdfReader(io.BytesIO(result.pdf)).pages[0].extract_text()
    assert "Photo not printed" in text and "megapixels" in text
    assert result.warnings == ["the photo was not printed: it is 12,000 × 12,000 pixels (144 "
                               "megapixels); at most 40 megapixels are accepted — scale it "
                               "down first"]


# --- 15: read-only books, full disks, backups --------------------------------------------

def _can_unshare():
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_unshare(), reason="needs root and mount namespaces")


def _in_mount(tmp_path, setup, command, size="20m"):
    """Run shell ``command`` with ``tmp_path/mnt`` a private tmpfs; ``setup`` runs first."""
    mnt = tmp_path / "mnt"
    mnt.mkdir(exist_ok=True)
    script = f"mount -t tmpfs -o size={size} tmpfs {mnt} && {setup} && {command}"
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=120, cwd=REPO)


@needs_mounts
def test_read_only_mount(tmp_path, sample_path):
    mnt = tmp_path / "mnt"
    cmd = " ".join(BRIEFING)
    old = FIXTURES / "book-schema1.sqlite"
    setup = (f"cp {sample_path} {mnt}/book.sqlite && cp {old} {mnt}/old.sqlite && "
             f"mount -o remount,ro {mnt}")
    done = _in_mount(tmp_path, setup,
                     f"{cmd} list actors --db {mnt}/book.sqlite && "
                     f"{cmd} check --db {mnt}/book.sqlite; echo check=$?; "
                     f"{cmd} settings --author X --db {mnt}/book.sqlite; echo settings=$?; "
                     f"{cmd} list actors --db {mnt}/old.sqlite; echo old=$?; ls {mnt}")
    assert "Erdoğan" in done.stdout, done.stderr
    assert "check=0" in done.stdout
    assert "settings=1" in done.stdout and "read-only" in done.stderr
    assert "old=1" in done.stdout and "older schema" in done.stderr
    assert ".bak" not in done.stdout  # no backup attempted for a migration that cannot run
    assert "unable to open" not in done.stderr


@needs_mounts
def test_backup_to_a_full_disk_says_so(tmp_path, sample_path):
    mnt = tmp_path / "mnt"
    cmd = " ".join(BRIEFING)
    done = _in_mount(tmp_path, f"dd if=/dev/zero of={mnt}/filler bs=1k count=1900 2>/dev/null",
                     f"{cmd} backup --db {sample_path} -o {mnt}/copy.sqlite; echo code=$?; "
                     f"ls -a {mnt}", size="2m")
    assert "code=1" in done.stdout
    assert "disk is full" in done.stderr and "MB free" in done.stderr, done.stderr
    assert "copy.sqlite" not in done.stdout and ".part" not in done.stdout


def test_immutable_book_is_checked_read_only(tmp_path, sample_path, capsys):
    book = tmp_path / "fixed.sqlite"
    shutil.copy(sample_path, book)
    if subprocess.run(["chattr", "+i", str(book)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not possible here")
    try:
        code, out, err = run(capsys, "check", "--db", book)
        assert code == 0, out + err
        code, _, err = run(capsys, "settings", "--db", book, "--author", "X")
        assert code == 1 and "read-only" in err
    finally:
        subprocess.run(["chattr", "-i", str(book)])


def test_backup_before_upgrade_only_when_it_runs(tmp_path, capsys, monkeypatch):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    holder = _hold_write_lock(book)
    monkeypatch.setattr(opening, "BUSY_TIMEOUT_SECONDS", 0.3)
    try:
        for _ in range(3):
            with pytest.raises(BookError, match="busy"):
                BriefingStore.open(book, wait_seconds=0.3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert list(tmp_path.glob("*.bak")) == []  # three failed opens, no backups
    with BriefingStore.open(book):
        pass
    assert len(list(tmp_path.glob("old.sqlite.schema1-*.bak"))) == 1


# --- kill -9 -----------------------------------------------------------------------------

KILL_SETTINGS = """
import sys
from desktopapp.store import BriefingStore
with BriefingStore.open(sys.argv[1]) as store:
    i = 0
    while True:
        i += 1
        store.update_settings({"classification": f"C{i}", "author": f"A{i}"})
"""


def test_kill_9_during_settings_writes(sample_path):
    with BriefingStore.open(sample_path) as store:  # a pair, as the writer writes them
        store.update_settings({"classification": "C0", "author": "A0"})
    for _ in range(6):
        worker = subprocess.Popen([sys.executable, "-c", KILL_SETTINGS, str(sample_path)],
                                  cwd=REPO)
        time.sleep(random.uniform(0.6, 1.5))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        with BriefingStore.open(sample_path) as store:
            settings = store.settings()
            assert store.check() == []
        # classification and author were always written together: never half a change
        assert settings.classification[1:] == settings.author[1:]


KILL_BACKUP = """
import sys
from desktopapp.store import BriefingStore
with BriefingStore.open(sys.argv[1]) as store:
    for i in range(10_000):
        store.backup(sys.argv[2])
"""


def test_kill_9_during_backups(tmp_path, sample_path):
    with BriefingStore.open(sample_path) as store:  # a bigger book: longer backups
        for i in range(300):
            store.save(Actor(name=f"Padding {i}", biography="text " * 2000))
    target = tmp_path / "out" / "backup.sqlite"
    target.parent.mkdir()
    for _ in range(6):
        worker = subprocess.Popen([sys.executable, "-c", KILL_BACKUP, str(sample_path),
                                   str(target)], cwd=REPO)
        time.sleep(random.uniform(0.5, 1.5))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        if target.exists():  # whatever sits under the real name is a complete book
            with BriefingStore.open(target) as copy:
                assert copy.count("actor") > 300
        leftovers = [p for p in target.parent.iterdir() if p.name != "backup.sqlite"]
        for p in leftovers:  # a killed copy may leave its temporary file, never the name
            assert p.name.startswith(".briefing-") and ".part" in p.name


# --- 16, 17 ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2025-W21-1", "2025-137", "20250516", "2025-5-16",
                                  "２０２５-05-16", "2025-02-30"])
def test_only_documented_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)
    assert parse_date("2025-05-16") == dt.date(2025, 5, 16)


@pytest.mark.parametrize("text", ["12.30", "1230", "12:30:00", "24:00", "１２:３０"])
def test_only_documented_times(text):
    with pytest.raises(ValueError):
        parse_time(text)
    assert parse_time("12:30") == dt.time(12, 30)


def test_import_summary_names_memos_and_sources(sample_store, tmp_path):
    exported = sample_store.export_sections()
    with BriefingStore.open(tmp_path / "fresh.sqlite", create=True) as fresh:
        summary = str(fresh.import_sections(exported))
    for section in ("memos", "sources"):
        count = len(exported[section])
        assert f"{count} {section if count != 1 else section[:-1]} added" in summary


def test_storage_errors_are_classified_by_code(tmp_path):
    def error(code):
        exc = sqlite3.OperationalError("some text")
        exc.sqlite_errorname = code
        return exc
    book = tmp_path / "b.sqlite"
    assert "busy: " in str(opening.storage_error(error("SQLITE_BUSY"), book))
    assert isinstance(opening.storage_error(error("SQLITE_READONLY_DIRECTORY"), book),
                      BookReadOnlyError)
    assert "disk is full" in str(opening.storage_error(error("SQLITE_FULL"), book))
    assert "damaged" in str(opening.storage_error(error("SQLITE_CORRUPT"), book))


def test_the_cli_leaves_storage_errors_to_the_store():
    source = (REPO / "desktopapp" / "cli.py").read_text(encoding="utf-8")
    assert "sqlite3" not in source


def test_hashes_helper_sees_changes(tmp_path):
    """The corpus's fingerprint must notice a change, or its checks mean nothing."""
    book = tmp_path / "b"
    book.write_bytes(b"1")
    before = fingerprint(book)
    book.write_bytes(b"2")
    assert fingerprint(book) != before
    assert hashlib.sha256(b"2").hexdigest() == fingerprint(book)[""]


def test_kill_9_during_an_upgrade_leaves_no_broken_backup(tmp_path):
    """A killed upgrade leaves at most a temporary file, never a broken .bak under its name."""
    template = tmp_path / "template.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", template)
    conn = sqlite3.connect(template)
    conn.executemany(  # a large old book: its backup takes long enough to be interrupted
        "INSERT INTO actors (uid, created_at, updated_at, kind, name, biography) "
        "VALUES (?, '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', 'person', ?, ?)",
        [(f"00000000-0000-4000-8000-{i:012d}", f"Padding {i}", "text " * 4000)
         for i in range(2500)])
    conn.commit()
    conn.close()
    folder = tmp_path / "books"
    folder.mkdir()
    book = folder / "old.sqlite"
    killed = 0
    for _ in range(3):
        shutil.copy(template, book)
        for suffix in ("-wal", "-shm"):
            Path(f"{book}{suffix}").unlink(missing_ok=True)
        worker = subprocess.Popen([*BRIEFING, "list", "actors", "--db", str(book),
                                   "--limit", "1"], cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0.3, 1.2))
        if worker.poll() is None:
            killed += 1
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        for backup in folder.glob("old.sqlite.schema1-*.bak"):
            with sqlite3.connect(backup) as copy:  # complete: SQLite reads all of it
                assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert copy.execute("SELECT count(*) FROM actors").fetchone()[0] >= 2500
            backup.unlink()
        for leftover in folder.iterdir():
            assert leftover.name.startswith(("old.sqlite", ".briefing-")), leftover.name
        with BriefingStore.open(book) as store:  # the book itself upgrades afterwards
            assert store.count("actor") >= 2500
        for backup in folder.glob("old.sqlite.schema1-*.bak"):
            backup.unlink()
    assert killed >= 1  # at least one kill landed while the upgrade ran
