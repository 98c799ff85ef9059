"""What a caller sees of the book as a file: opening, copying, upgrading, backing up,
checking and repairing it (the files opening.py, copying.py, migrations.py and
maintenance.py of the store). In-process, so that the mutation tester can link each test
to the code it runs (tools/mutation.py, target "store").
"""

import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import FIXTURES

from desktopapp.domain import Actor, Source
from desktopapp.errors import (
    BookDamagedError,
    BookError,
    BookLockedError,
    BookReadOnlyError,
    BriefingError,
    UnknownSchemaError,
)
from desktopapp.store import BriefingStore, copying, opening
from desktopapp.store import migrations as schema


def test_a_backup_over_the_open_book_is_refused_and_the_book_keeps_its_records(book_path):
    with BriefingStore.open(book_path) as store:
        store.save(Actor(name="Hakan Fidan"))
        with pytest.raises(BriefingError) as caught:
            store.backup(book_path)
    assert str(caught.value) == (f"refusing to write {book_path}: it is the open book "
                                 "(book.sqlite); choose another file name")
    with BriefingStore.open(book_path) as store:
        assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]


KNOWN = schema.known_version()


def sqlite_error(code, text="some  text\n  more"):
    exc = sqlite3.OperationalError(text)
    if code is not None:
        exc.sqlite_errorname = code
    return exc


def refused(path, **options) -> str:
    with pytest.raises(BookError) as caught:
        BriefingStore.open(path, **options)
    return str(caught.value)


# --- what SQLite's errors become ---------------------------------------------------------

def test_storage_errors_are_told_in_a_persons_words_by_their_code(tmp_path):
    book = tmp_path / "b.sqlite"

    def told(code, text="some  text\n  more"):
        return opening.storage_error(sqlite_error(code, text), book)

    for code in ("SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"):
        error = told(code)
        assert isinstance(error, BookLockedError)
        assert str(error) == ("busy: another program is writing the book b.sqlite; nothing "
                              "was changed, try again in a moment")
    for code in ("SQLITE_READONLY", "SQLITE_READONLY_DIRECTORY"):
        error = told(code)
        assert isinstance(error, BookReadOnlyError)
        assert str(error) == f"the book {book} is read-only; nothing was changed"
    full = told("SQLITE_FULL")
    assert type(full) is BookError
    assert re.fullmatch(r"the disk is full \([\d,]+\.\d MB free\); nothing was changed",
                        str(full)), str(full)
    assert str(told("SQLITE_IOERR_WRITE", "disk I/O error")) == (
        f"the book {book} cannot be read or written (disk I/O error; SQLITE_IOERR_WRITE)")
    assert str(told("SQLITE_IOERR")) == (
        f"the book {book} cannot be read or written (some text more; SQLITE_IOERR)")
    assert str(told("SQLITE_CANTOPEN", "unable to open database file")) == (
        f"the book {book} cannot be opened (unable to open database file; SQLITE_CANTOPEN)")
    for code in ("SQLITE_CORRUPT", "SQLITE_CORRUPT_INDEX", "SQLITE_NOTADB"):
        error = told(code)
        assert isinstance(error, BookDamagedError)
        assert str(error) == opening.damaged_message(book, "some text more")
    constraint = told("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: actors.uid")
    assert type(constraint) is BookError
    assert str(constraint) == ("the book b.sqlite refused the change (UNIQUE constraint "
                               "failed: actors.uid); nothing was changed")
    assert str(told("SQLITE_MISMATCH")) == (
        f"the book {book} cannot be used (some text more; SQLITE_MISMATCH)")
    assert str(opening.storage_error(sqlite_error(None), book)) == (
        f"the book {book} cannot be used (some text more; unknown error)")


def test_a_damaged_book_points_to_its_newest_backup(tmp_path):
    book = tmp_path / "b.sqlite"
    advice = ("the book {} is damaged (bad page). This happens when a -wal file from another "
              "book or an old copy was put beside it, or the file was changed by another "
              "program. Restore it from a backup ({}); do not keep writing to it.")
    assert opening.damaged_message(book, "bad page") == advice.format(
        book, "use a copy made with 'briefing backup'")
    for name in ("b.sqlite.schema1-20250101-101010.bak", "b.sqlite.schema2-20260101-101010.bak",
                 "other.sqlite.schema9-20270101-101010.bak"):
        (tmp_path / name).write_bytes(b"")
    assert opening.damaged_message(book, "bad page") == advice.format(
        book, "the newest backup beside it is b.sqlite.schema2-20260101-101010.bak")


# --- files that are not books ------------------------------------------------------------

def test_files_that_are_not_books_are_refused_with_what_they_are(tmp_path):
    assert refused(tmp_path) == f"{tmp_path} is a folder, not a briefing book"
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert refused(empty) == f"{empty} is an empty file, not a briefing book"
    text = tmp_path / "notes.sqlite"
    text.write_text("minutes of the Istanbul talks\n" * 10)
    assert refused(text) == f"{text} is not a briefing book (it is not a SQLite database)"
    cut = tmp_path / "cut.sqlite"  # the first bytes of a book, cut short
    cut.write_bytes(opening.SQLITE_MAGIC + b"\x10\x00" * 20)
    assert refused(cut) == f"{cut} is not a briefing book (it is not a SQLite database)"
    for path in (empty, text, cut):
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [
            path.name]


def test_a_fifo_is_refused_before_anything_opens_it(tmp_path):
    fifo = tmp_path / "book.sqlite"
    shutil.os.mkfifo(fifo)
    # opening a FIFO for reading would wait for a writer forever
    assert refused(fifo) == (f"{fifo} is not a regular file (it is a FIFO, device or socket), "
                             "not a briefing book")


def test_another_programs_database_is_named_and_left_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert refused(other) == (f"{other} is a SQLite database but not a Briefing Desk book; "
                              "it was left untouched")
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_inspecting_a_path_that_cannot_be_read_says_why(tmp_path):
    blocked = tmp_path / "a-file" / "book.sqlite"  # a file where a folder should be
    (tmp_path / "a-file").write_text("")
    with pytest.raises(BookError) as caught:
        opening.inspect_file(blocked)
    assert str(caught.value) == f"{blocked} cannot be read: Not a directory"
    book = tmp_path / "book.sqlite"
    BriefingStore.open(book, create=True).close()
    assert opening.inspect_file(book)[68:72] == schema.APPLICATION_ID.to_bytes(4, "big")


# --- books from a newer program ----------------------------------------------------------

def newer_message(path, version):
    return (f"{path} was written by a newer Briefing Desk (schema {version}; this program "
            f"knows up to {KNOWN}); update the program to open it. The book was left "
            "untouched.")


def files_beside(path):
    return {p.name: p.read_bytes() for p in Path(path).parent.iterdir()}


def test_a_book_from_a_newer_program_is_refused_untouched(book_path):
    conn = sqlite3.connect(book_path)
    conn.execute(f"PRAGMA user_version = {KNOWN + 3}")
    conn.close()
    before = files_beside(book_path)
    assert refused(book_path) == newer_message(book_path, KNOWN + 3)
    assert files_beside(book_path) == before


def wal_copy(tmp_path, book_path, statements, name="copy.sqlite"):
    """A copy of the book whose last transactions sit in its -wal (not yet checkpointed),
    as another program that is still running leaves it."""
    writer = sqlite3.connect(book_path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    for statement in statements:
        writer.execute(statement)
    folder = tmp_path / "copy"
    folder.mkdir(exist_ok=True)
    copy = folder / name
    shutil.copy(book_path, copy)
    shutil.copy(f"{book_path}-wal", f"{copy}-wal")
    writer.close()
    return copy


def test_a_newer_schema_still_in_the_wal_is_refused_untouched(tmp_path, book_path):
    copy = wal_copy(tmp_path, book_path, [f"PRAGMA user_version = {KNOWN + 1}"])
    before = files_beside(copy)
    assert refused(copy) == newer_message(copy, KNOWN + 1)
    assert files_beside(copy) == before
    assert opening.stored_version(copy, opening.inspect_file(copy)) == KNOWN + 1


def test_the_newest_committed_version_in_the_wal_counts(tmp_path, book_path):
    copy = wal_copy(tmp_path, book_path, [f"PRAGMA user_version = {KNOWN + 1}",
                                          "CREATE TABLE padding (x)",
                                          f"PRAGMA user_version = {KNOWN + 2}"])
    assert refused(copy) == newer_message(copy, KNOWN + 2)


def test_a_half_written_transaction_in_the_wal_does_not_count(tmp_path, book_path):
    # page 1 (the version) is written first, the commit mark comes with the last page
    copy = wal_copy(tmp_path, book_path, [
        "BEGIN", f"PRAGMA user_version = {KNOWN + 1}",
        "CREATE TABLE padding (x)", "INSERT INTO padding VALUES (randomblob(20000))",
        "COMMIT"])
    wal = Path(f"{copy}-wal")
    page_size = int.from_bytes(wal.read_bytes()[8:12], "big")
    with open(wal, "r+b") as fh:  # the program writing it was killed after page 1
        fh.truncate(32 + 24 + page_size)
    assert opening.stored_version(copy, opening.inspect_file(copy)) == KNOWN
    with BriefingStore.open(copy) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN
        assert store.check() == []


def test_wal_frames_of_an_earlier_generation_do_not_count(tmp_path, book_path):
    copy = wal_copy(tmp_path, book_path, [f"PRAGMA user_version = {KNOWN + 1}"])
    wal = Path(f"{copy}-wal")
    data = bytearray(wal.read_bytes())
    data[16:24] = bytes(b ^ 0xFF for b in data[16:24])  # the header's salts moved on
    wal.write_bytes(bytes(data))
    assert opening.stored_version(copy, opening.inspect_file(copy)) == KNOWN


def write_wal(book, page_size, *, magic=0x377F0682, version=KNOWN + 5):
    """A -wal file by hand: its header, then one committed frame holding page 1."""
    salts = (0x1234, 0x5678)
    header = b"".join(n.to_bytes(4, "big") for n in (magic, 3007000, page_size, 0, *salts))
    page = bytearray(page_size)
    page[60:64] = version.to_bytes(4, "big")
    frame = b"".join(n.to_bytes(4, "big") for n in (1, 1, *salts)) + bytes(8)
    Path(f"{book}-wal").write_bytes(header + bytes(8) + frame + bytes(page))


@pytest.mark.parametrize(("magic", "page_size", "counts"), [
    (0x377F0682, 4096, True), (0x377F0683, 512, True), (0x377F0683, 65536, True),
    (0x377F0684, 4096, False),  # not a WAL file
    (0x377F0682, 256, False),  # smaller than any SQLite page
    (0x377F0682, 3072, False),  # not a power of two
])
def test_only_a_wellformed_wal_can_make_a_book_newer(book_path, magic, page_size, counts):
    write_wal(book_path, page_size, magic=magic)
    assert opening.stored_version(book_path, opening.inspect_file(book_path)) == (
        KNOWN + 5 if counts else KNOWN)


def test_a_wal_cut_short_does_not_count(book_path):
    write_wal(book_path, 4096)
    wal = Path(f"{book_path}-wal")
    whole = wal.read_bytes()
    # in the header, the frame header, page 1 (past its version too: SQLite ignores a
    # frame it did not finish writing, the crash of a program in the middle of a commit)
    for size in (20, 32 + 10, 32 + 24 + 50, 32 + 24 + 100, 32 + 24 + 4095):
        wal.write_bytes(whole[:size])
        assert opening.stored_version(book_path, opening.inspect_file(book_path)) == KNOWN


# --- creating -----------------------------------------------------------------------------

def test_a_new_book_is_marked_as_ours_in_wal_mode_with_its_creation_time(tmp_path):
    path = tmp_path / "new.sqlite"
    with BriefingStore.open(path, create=True) as store:
        created = store.db.execute(
            "SELECT value FROM book_meta WHERE key = 'created_at'").fetchone()[0]
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", created), created
    header = path.read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == schema.APPLICATION_ID
    assert int.from_bytes(header[60:64], "big") == KNOWN
    assert header[18:20] == b"\x02\x02"  # WAL mode, recorded in the file itself


def test_creating_over_a_file_or_in_a_missing_folder_is_refused(tmp_path):
    existing = tmp_path / "taken.sqlite"
    existing.write_text("someone's notes")
    assert refused(existing, create=True) == f"{existing} already exists; choose a new file name"
    assert existing.read_text() == "someone's notes"
    nowhere = tmp_path / "no-such-folder" / "book.sqlite"
    assert refused(nowhere, create=True) == (
        f"cannot create {nowhere}: No such file or directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.sqlite"]


# --- upgrading ----------------------------------------------------------------------------

def test_an_upgrade_keeps_a_self_contained_copy_of_the_old_book(tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    with BriefingStore.open(book) as store:
        actors = store.count("actor")
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    (backup,) = tmp_path.glob("*.bak")
    assert re.fullmatch(r"old\.sqlite\.schema1-\d{8}-\d{6}\.bak", backup.name), backup.name
    assert not Path(f"{backup}-wal").exists()
    copy = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT count(*) FROM actors").fetchone()[0] == actors
    copy.close()


def test_a_book_in_rollback_journal_mode_is_opened_in_wal_mode(book_path):
    conn = sqlite3.connect(book_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with BriefingStore.open(book_path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_upgrade_that_would_leave_broken_links_is_refused(tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    conn = sqlite3.connect(book)  # foreign keys are off outside the program
    conn.execute("INSERT INTO actor_sources (record_id, source_id, ord) VALUES (1, 9999, 0)")
    conn.execute("INSERT INTO actor_sources (record_id, source_id, ord) VALUES (2, 9998, 0)")
    conn.commit()
    conn.close()
    assert refused(book) == (f"{book} cannot be upgraded: 2 broken links (first in table "
                             "actor_sources); it was left as it was")
    conn = sqlite3.connect(book)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM actor_sources").fetchone()[0] > 2
    conn.close()


# --- objects we did not create -------------------------------------------------------------

def plant(path, sql):
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


def test_planted_objects_are_listed_by_kind_with_the_way_out(book_path):
    plant(book_path, "CREATE TRIGGER steal AFTER INSERT ON actors BEGIN SELECT 1; END;"
                     "CREATE VIEW peek AS SELECT name FROM actors;"
                     "DROP INDEX actors_by_kind;"
                     "DROP INDEX actors_by_name;"
                     "CREATE INDEX actors_by_name ON actors (name DESC);")
    before = files_beside(book_path)
    with pytest.raises(UnknownSchemaError) as caught:
        BriefingStore.open(book_path)
    assert str(caught.value) == (
        f"{book_path} contains database objects that Briefing Desk did not create or that "
        "were changed (unknown trigger 'steal' on actors (not created by Briefing Desk); "
        "unknown view 'peek' (not created by Briefing Desk); altered index 'actors_by_name' "
        "on actors (its definition differs from Briefing Desk's); missing index "
        "'actors_by_kind' on actors). They could change or copy your data, so the book was "
        "not opened and was left untouched. 'briefing check' lists them; 'briefing repair' "
        "removes them after a backup.")
    assert files_beside(book_path) == before


def test_planted_objects_after_the_first_eight_are_counted(book_path):
    plant(book_path, "".join(f"CREATE VIEW v{i} AS SELECT 1;" for i in range(11)))
    message = refused(book_path)
    names = "; ".join(f"unknown view 'v{i}' (not created by Briefing Desk)" for i in range(8))
    assert f"were changed ({names}; and 3 more). They could" in message


@pytest.mark.parametrize(("views", "more"), [(8, ""), (9, "; and 1 more")])
def test_eight_planted_objects_are_named_in_full(book_path, views, more):
    plant(book_path, "".join(f"CREATE VIEW v{i} AS SELECT 1;" for i in range(views)))
    names = "; ".join(f"unknown view 'v{i}' (not created by Briefing Desk)" for i in range(8))
    assert f"were changed ({names}{more}). They could" in refused(book_path)


def test_a_changed_table_is_met_with_the_way_to_save_the_records(book_path):
    plant(book_path, "ALTER TABLE actors ADD COLUMN loot TEXT;")
    message = refused(book_path)
    assert "(altered table 'actors' (its definition differs from Briefing Desk's))" in message
    assert message.endswith(
        "left untouched. A changed table cannot be repaired; 'briefing export -o FILE.json' "
        "still reads the book: export it, then 'briefing init --db NEW' and 'briefing import "
        "FILE.json --db NEW'.")


def test_an_old_book_with_planted_objects_must_be_repaired_before_its_upgrade(tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    plant(book, "CREATE TRIGGER steal AFTER INSERT ON actors BEGIN SELECT 1; END;")
    before = files_beside(book)
    assert "(unknown trigger 'steal' on actors (not created" in refused(book)
    with pytest.raises(UnknownSchemaError) as caught:
        BriefingStore.open(book, allow_unknown_objects=True)
    assert str(caught.value) == (f"{book} needs an upgrade but contains objects Briefing Desk "
                                 "did not create; run 'briefing repair' first")
    assert [o.name for o in caught.value.difference.unknown] == ["steal"]
    assert files_beside(book) == before


def test_rescue_reads_a_book_with_planted_objects_without_touching_it(book_path):
    with BriefingStore.open(book_path) as store:
        store.save(Actor(name="Hakan Fidan"))
    plant(book_path, "CREATE TRIGGER steal AFTER INSERT ON actors BEGIN SELECT 1; END;")
    before = files_beside(book_path)
    with BriefingStore.open(book_path, rescue=True) as store:
        assert store.read_only
        assert store.read_only_reason == (
            "it contains database objects Briefing Desk did not create, so it is only read, "
            "to save its records")
        assert [row["name"] for row in store.list_summaries("actor")] == ["Hakan Fidan"]
    assert files_beside(book_path) == before
    with BriefingStore.open(book_path, allow_unknown_objects=True) as store:
        assert not store.read_only and store.read_only_reason == ""


# --- waiting for another writer -----------------------------------------------------------

HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE book_meta SET value = value WHERE key = 'created_at'")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def start_writer(book_path, *extra):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(book_path), *extra],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"holding\n"
    return holder


@pytest.fixture
def other_writer(book_path):
    """Another program (its own process) in the middle of a write to the book."""
    holder = start_writer(book_path)
    yield holder
    holder.communicate(b"done\n", timeout=60)


def test_a_writer_names_the_program_it_waits_for_then_gives_up(book_path, other_writer):
    said = []
    with BriefingStore.open(book_path, wait_seconds=1.2, on_wait=said.append) as store:
        with pytest.raises(BookLockedError) as caught:
            store.update_settings({"author": "A. Analyst"})
        assert store.settings().author != "A. Analyst"
    # its command line, spaces and newlines as single spaces, cut at 120 characters
    command = " ".join(" ".join([sys.executable, "-c", HOLD, str(book_path)]).split())[:120]
    holder = f"process {other_writer.pid}: {command}"
    assert said == [f"waiting for another program that is writing the book ({holder})…"]
    assert str(caught.value) == (
        f"busy: another program has been writing the book book.sqlite for more than 1 s "
        f"({holder}); nothing was changed, try again later")


def test_a_program_whose_command_line_is_not_utf8_is_named_all_the_same(book_path,
                                                                        tmp_path):
    python = tmp_path / os.fsdecode(b"caf\xe9-python")  # a program name in Latin-1
    python.symlink_to(sys.executable)
    holder = subprocess.Popen([python, "-c", HOLD, str(book_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    said = []
    try:
        assert holder.stdout.readline() == b"holding\n"
        with BriefingStore.open(book_path, wait_seconds=0.6, on_wait=said.append) as store:
            with pytest.raises(BookLockedError):
                store.update_settings({"author": "A. Analyst"})
    finally:
        holder.communicate(b"done\n", timeout=60)
    assert said[0].startswith("waiting for another program that is writing the book "
                              f"(process {holder.pid}: {tmp_path}/caf\ufffd-python -c import ")


def test_a_book_whose_name_is_not_utf8_opens_checks_and_repairs(tmp_path):
    book = tmp_path / os.fsdecode(b"caf\xe9.sqlite")  # a file name in Latin-1
    BriefingStore.open(book, create=True).close()
    actors_book(book, ["Hakan Fidan"])
    plant(book, "CREATE VIEW peek AS SELECT 1;")
    with BriefingStore.open(book, allow_unknown_objects=True) as store:
        assert store.check() == ["schema: unknown view 'peek' (not created by Briefing Desk)"]
        backup, done = store.repair()
    assert done == ["removed view 'peek'"] and backup.parent == tmp_path
    with BriefingStore.open(book) as store:
        assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]


def test_a_person_can_stop_waiting_and_is_told_nothing_changed(book_path, other_writer):
    asked = []

    def keep_waiting(seconds):
        asked.append(seconds)
        return seconds is not None and len(asked) < 3

    with BriefingStore.open(book_path, wait_seconds=60) as store:
        store.keep_waiting = keep_waiting
        with pytest.raises(BookLockedError) as caught:
            store.update_settings({"author": "A. Analyst"})
    message = str(caught.value)
    assert message.startswith("stopped waiting for another program that is writing the book "
                              f"book.sqlite (process {other_writer.pid}: ")
    assert message.endswith("); nothing was changed")
    assert len(asked) == 4 and asked[-1] is None
    assert 0 <= asked[0] <= asked[1] <= asked[2]


def test_a_writer_waits_for_the_other_program_and_then_writes(book_path):
    holder = sqlite3.connect(book_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    said, asked = [], []

    def keep_waiting(seconds):
        asked.append(seconds)
        if len(asked) == 2:
            holder.execute("ROLLBACK")  # the other program finishes its write
        return True

    with BriefingStore.open(book_path, wait_seconds=60, on_wait=said.append) as store:
        store.keep_waiting = keep_waiting
        store.update_settings({"author": "A. Analyst"})
        assert store.settings().author == "A. Analyst"
        # the wait is over: the next write does not wait
        store.update_settings({"author": "B. Analyst"})
    holder.close()
    assert said == ["waiting for another program that is writing the book…"]
    assert asked[-1] is None and asked.count(None) == 1


# --- backups ------------------------------------------------------------------------------

def test_a_backup_is_one_file_that_opens_alone_and_may_replace_an_older_backup(tmp_path,
                                                                               book_path):
    with BriefingStore.open(book_path) as store:
        store.save(Actor(name="Hakan Fidan"))
        backup = tmp_path / "copies" / "monday.sqlite"
        backup.parent.mkdir()
        assert store.backup(backup) == backup
        store.save(Actor(name="Sergey Lavrov"))
        assert store.backup(backup) == backup  # the newer backup replaces the older one
    assert sorted(p.name for p in backup.parent.iterdir()) == ["monday.sqlite"]
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    with BriefingStore.open(backup) as copy:
        assert sorted(r["name"] for r in copy.list_summaries("actor")) == [
            "Hakan Fidan", "Sergey Lavrov"]


# --- checking -----------------------------------------------------------------------------

def actors_book(path, names):
    with BriefingStore.open(path) as store:
        for name in names:
            store.save(Actor(name=name))


def test_check_names_broken_links_a_stale_search_index_and_bad_records(book_path):
    actors_book(book_path, ["Hakan Fidan", "Sergey Lavrov", "Rustem Umerov"])
    conn = sqlite3.connect(book_path)  # hand edits, foreign keys off
    conn.execute("INSERT INTO actor_sources (record_id, source_id, ord) VALUES (2, 77, 0)")
    conn.execute("DELETE FROM search_index WHERE rowid IN (SELECT rowid FROM search_index "
                 "LIMIT 1)")
    conn.execute("UPDATE actors SET name = '' WHERE id = 3")
    uid = conn.execute("SELECT uid FROM actors WHERE id = 3").fetchone()[0]
    conn.commit()
    conn.close()
    with BriefingStore.open(book_path) as store:
        assert store.check() == [
            "broken link: row 1 of actor_sources points to a missing sources row",
            "search index: 2 actor entries for 3 actors ('briefing repair' re-creates it)",
            f"actors row 3 (uid {uid}): name: is required"]
        assert store.check_notes() == []


def uid(n):
    return f"00000000-0000-4000-8000-{n:012}"


def test_check_reads_every_record_in_chunks_and_stops_after_two_hundred_problems(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    conn = sqlite3.connect(book_path)
    conn.execute("INSERT INTO actors (uid, created_at, updated_at, kind, name) "
                 "SELECT printf('00000000-0000-4000-8000-%012d', value), "
                 "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', 'person', "
                 "'Delegate ' || value "
                 "FROM (WITH RECURSIVE n(value) AS (SELECT 2 UNION ALL SELECT value + 1 FROM n "
                 "WHERE value < 1300) SELECT value FROM n)")
    conn.execute("UPDATE actors SET name = '' WHERE id IN (1201, 1299)")
    conn.commit()
    conn.close()
    with BriefingStore.open(book_path) as store:
        store.rebuild_search_index()
        assert store.check() == [f"actors row {n} (uid {uid(n)}): name: is required"
                                 for n in (1201, 1299)]
    conn = sqlite3.connect(book_path)
    conn.execute("UPDATE actors SET name = '' WHERE id <= 300")
    conn.commit()
    conn.close()
    with BriefingStore.open(book_path) as store:
        problems = store.check()
    assert len(problems) == 201 and problems[-1] == "… and more; fix these first"
    assert problems[0].startswith("actors row 1 (uid ")
    assert problems[199] == f"actors row 200 (uid {uid(200)}): name: is required"


def test_check_skips_the_search_index_check_while_another_program_writes(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    holder = sqlite3.connect(book_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with BriefingStore.open(book_path) as store:
            assert store.check() == []
            assert store.check_notes() == [
                "busy: another program is writing the book, so the search index's own check "
                "was skipped; run 'briefing check' again later for it"]
            # the wait for the lock was short, and writes wait as long as ever afterwards
            assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == int(
                opening.BUSY_TIMEOUT_SECONDS * 1000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with BriefingStore.open(book_path) as store:
        assert store.check() == [] and store.check_notes() == []


def test_a_read_only_book_is_checked_without_the_search_index_check(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    plant(book_path, "CREATE VIEW peek AS SELECT name FROM actors;")
    with BriefingStore.open(book_path, rescue=True) as store:
        assert store.check() == ["schema: unknown view 'peek' (not created by Briefing Desk)"]
        assert store.check_notes() == [
            "the book is read-only, so the search index's own check was skipped"]


def test_a_damaged_search_index_is_reported_with_the_way_to_rebuild_it(book_path):
    actors_book(book_path, ["Hakan Fidan", "Sergey Lavrov"])
    conn = sqlite3.connect(book_path)
    # the index's own tables edited by hand: its integrity check fails
    conn.execute("DELETE FROM search_index_docsize WHERE id = (SELECT min(id) FROM "
                 "search_index_docsize)")
    conn.commit()
    conn.close()
    with BriefingStore.open(book_path) as store:
        problems = store.check()
    assert problems == ["search index: database disk image is malformed ('briefing repair' "
                        "re-creates it)"]


def test_a_damaged_file_lists_twenty_problems_and_points_to_a_backup(book_path):
    actors_book(book_path, [f"Delegate {i:02}" for i in range(40)])
    conn = sqlite3.connect(book_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'actors_by_kind'"
                        ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(book_path, "r+b") as fh:  # the index page loses its entries
        fh.seek((root - 1) * page_size)
        page = bytearray(fh.read(page_size))
        assert page[0] == 0x0A  # one leaf page of an index
        page[3:5] = b"\x00\x00"
        fh.seek((root - 1) * page_size)
        fh.write(page)
    conn = sqlite3.connect(f"file:{book_path}?mode=ro", uri=True)
    found = [m for (m,) in conn.execute("PRAGMA integrity_check").fetchall()]
    conn.close()
    with BriefingStore.open(book_path) as store:
        problems = store.check()
    assert len(found) > 20
    assert problems == [f"integrity: {m}" for m in found[:20]] + [
        f"integrity: and {len(found) - 20} more",
        opening.damaged_message(book_path, "SQLite's integrity check failed")]
    assert "integrity: row 1 missing from index actors_by_kind" in problems


# --- repairing ----------------------------------------------------------------------------

def test_repair_removes_what_we_did_not_create_after_a_backup_and_keeps_the_records(book_path):
    actors_book(book_path, ["Hakan Fidan", "Sergey Lavrov"])
    loot = '"loot ""box"""'  # a name that needs quoting
    plant(book_path, f"""
        CREATE TABLE counter (id INTEGER PRIMARY KEY AUTOINCREMENT, x);
        INSERT INTO counter (x) VALUES (1);
        CREATE TABLE {loot} (a UNIQUE);
        CREATE TRIGGER steal AFTER INSERT ON {loot} BEGIN SELECT 1; END;
        CREATE INDEX spy ON actors (title);
        CREATE VIEW peek AS SELECT name FROM actors;
        DROP INDEX actors_by_kind;
        DROP INDEX actors_by_name;
        CREATE INDEX actors_by_name ON actors (name DESC);
        CREATE TRIGGER wipe AFTER UPDATE ON actors BEGIN DELETE FROM search_index; END;
    """)
    with BriefingStore.open(book_path, allow_unknown_objects=True) as store:
        backup, done = store.repair()
        assert done == [
            "removed trigger 'steal' on loot \"box\"",
            "removed trigger 'wipe' on actors",
            "removed view 'peek'",
            "removed index 'spy' on actors",
            "removed index 'actors_by_name' on actors",
            "removed table 'counter'",
            "removed table 'loot \"box\"'",
            "re-created index 'actors_by_name' on actors",
            "re-created index 'actors_by_kind' on actors"]
        assert store.check() == [] and store.repair() == (None, [])
    assert re.fullmatch(r"book\.sqlite\.before-repair-\d{8}-\d{6}\.bak", backup.name)
    with BriefingStore.open(backup, allow_unknown_objects=True) as before:  # undoable
        assert "schema: unknown view 'peek' (not created by Briefing Desk)" in before.check()
    with BriefingStore.open(book_path) as store:  # the book opens again, records and all
        assert sorted(r["name"] for r in store.list_summaries("actor")) == [
            "Hakan Fidan", "Sergey Lavrov"]
        assert [hit.title for hit in store.search("lavrov")] == ["Sergey Lavrov"]


def test_repair_rebuilds_a_search_index_that_no_longer_matches_the_records(tmp_path,
                                                                          book_path):
    actors_book(book_path, ["Hakan Fidan", "Sergey Lavrov"])
    conn = sqlite3.connect(book_path)
    conn.execute("DELETE FROM search_index")
    conn.commit()
    conn.close()
    chosen = tmp_path / "before-repair.sqlite"
    with BriefingStore.open(book_path) as store:
        assert store.search("lavrov") == []
        assert store.repair(chosen) == (
            chosen, ["re-created the search index from the 2 records"])
        assert [hit.title for hit in store.search("lavrov")] == ["Sergey Lavrov"]
        assert store.repair() == (None, [])
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == []
    with BriefingStore.open(chosen) as before:
        assert before.search("lavrov") == []


def test_repair_rebuilds_the_index_a_planted_trigger_emptied(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    plant(book_path, "CREATE TRIGGER wipe AFTER UPDATE ON book_meta BEGIN "
                     "DELETE FROM search_index; END;"
                     "UPDATE book_meta SET value = value;")
    with BriefingStore.open(book_path, allow_unknown_objects=True) as store:
        assert store.repair()[1] == ["removed trigger 'wipe' on book_meta",
                                     "re-created the search index from the 1 records"]
        assert [hit.title for hit in store.search("fidan")] == ["Hakan Fidan"]


def test_repair_while_another_program_writes_finds_nothing_to_do_and_says_what_it_skipped(
        book_path):
    actors_book(book_path, ["Hakan Fidan"])
    holder = sqlite3.connect(book_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with BriefingStore.open(book_path) as store:
            assert store.repair() == (None, [])
            assert store.check_notes() == [
                "busy: another program is writing the book, so the search index's own check "
                "was skipped; run 'briefing check' again later for it"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_repair_does_not_rebuild_changed_tables_and_says_how_to_save_the_records(book_path):
    plant(book_path, "ALTER TABLE actors ADD COLUMN loot TEXT;"
                     "ALTER TABLE meetings ADD COLUMN spy TEXT;")
    before = files_beside(book_path)
    with BriefingStore.open(book_path, allow_unknown_objects=True) as store:
        with pytest.raises(BookError) as caught:
            store.repair()
    assert str(caught.value) == (
        f"the table(s) actors, meetings in {book_path} differ from Briefing Desk's and cannot "
        "be repaired safely; restore a backup, or save its records: 'briefing export -o "
        "FILE.json' still reads the book, then 'briefing init --db NEW' and 'briefing import "
        "FILE.json --db NEW'. Nothing was changed.")
    assert sorted(files_beside(book_path)) == sorted(before)  # no backup either


# --- copying a whole book -----------------------------------------------------------------

def run_cli(capsys, *argv):
    from desktopapp import cli
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_copying_a_book_to_a_new_file_says_what_it_copied(sample_path, tmp_path, capsys):
    with BriefingStore.open(sample_path) as store:
        store.update_settings({"author": "A. Analyst"})
        expected = copying.fingerprint(store)
        exported = store.export_book()
    target = tmp_path / "copies" / "copy.sqlite"
    target.parent.mkdir()
    code, out, err = run_cli(capsys, "copy", sample_path, target)
    assert code == 0, err
    counts = expected.counts
    assert out == (f"Copied {sample_path} to {target}: {counts['actors']} actors, "
                   f"{counts['meetings']} meetings, {counts['recommendations']} "
                   f"recommendations, {counts['memos']} memos, {counts['sources']} sources; "
                   f"content SHA-256 {expected.digest[:16]}…\n")
    assert counts["actors"] > 30 and counts["memos"] > 0 and counts["sources"] > 0
    # one finished, self-contained file, and nothing else left in the folder
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite"]
    with BriefingStore.open(target) as copy:
        assert copying.fingerprint(copy) == expected
        copied = copy.export_book()
    assert copied["settings"]["author"] == "A. Analyst"
    for section in copying.SECTIONS:
        assert copied[section] == exported[section]


def test_a_copy_never_replaces_a_file_and_needs_its_folder(book_path, tmp_path, capsys):
    taken = tmp_path / "taken.sqlite"
    taken.write_text("someone's notes")
    link = tmp_path / "dangling.sqlite"
    link.symlink_to(tmp_path / "nowhere.sqlite")
    for target in (taken, link):
        code, _, err = run_cli(capsys, "copy", book_path, target)
        assert code == 1
        assert err == f"error: {target} already exists; choose a new file name\n"
    assert taken.read_text() == "someone's notes"
    assert not (tmp_path / "nowhere.sqlite").exists()
    missing = tmp_path / "no-such-folder" / "copy.sqlite"
    code, _, err = run_cli(capsys, "copy", book_path, missing)
    assert code == 1 and err == (f"error: cannot create {missing}: the folder "
                                 f"{missing.parent} does not exist\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "book.sqlite", "dangling.sqlite", "taken.sqlite"]


def test_copying_into_a_book_that_holds_records_is_refused(book_path, tmp_path):
    actors_book(book_path, ["Hakan Fidan"])
    other = tmp_path / "other.sqlite"
    with BriefingStore.open(other, create=True) as destination:
        destination.save(Actor(name="Sergey Lavrov"))
        with BriefingStore.open(book_path) as source:
            with pytest.raises(BookError) as caught:
                copying.copy_into(source, destination)
        assert str(caught.value) == (f"{other} is not empty; copy into a new book (a new file, "
                                     "or an empty team book)")
        assert [r["name"] for r in destination.list_summaries("actor")] == ["Sergey Lavrov"]


class LosingBook:
    """A destination backend that loses or changes what it is given (a bug the copy's
    verification is there to catch)."""

    def __init__(self, store, change):
        self.store, self.change = store, change

    def __getattr__(self, name):
        return getattr(self.store, name)

    def import_records(self, items, **options):
        return self.store.import_records(self.change(list(items)), **options)


def without_last_actor(items):
    last = max(i for i, (section, _) in enumerate(items) if section == "actors")
    return items[:last] + items[last + 1:]


def without_last_actor_and_source(items):
    return [(section, record) for section, record in without_last_actor(items)
            if section != "sources"]


def renamed_first_actor(items):
    section, record = items[0]
    record.name = "Someone Else"
    return items


@pytest.mark.parametrize(("change", "said"), [
    (without_last_actor, "actors: 3 in the source, 2 copied"),
    (without_last_actor_and_source,
     "actors: 3 in the source, 2 copied; sources: 1 in the source, 0 copied"),
    (renamed_first_actor, "same counts, different content"),
])
def test_a_copy_that_does_not_match_its_source_is_rolled_back(book_path, tmp_path, change,
                                                               said):
    actors_book(book_path, ["Hakan Fidan", "Sergey Lavrov", "Rustem Umerov"])
    with BriefingStore.open(book_path) as source:
        source.save(Source(citation="PISM Bulletin 58"))
    with BriefingStore.open(book_path) as source, \
            BriefingStore.open(tmp_path / "new.sqlite", create=True) as destination:
        with pytest.raises(BookError) as caught:
            copying.copy_into(source, LosingBook(destination, change))
        assert str(caught.value) == (f"the copy does not match the source ({said}); nothing "
                                     "was written")
        assert destination.is_empty()


def test_the_content_hash_follows_the_records_and_settings_not_ids_or_versions(tmp_path,
                                                                              book_path):
    actors_book(book_path, ["Hakan Fidan", "Sergey Lavrov"])
    with BriefingStore.open(book_path) as store:
        first = copying.fingerprint(store)
        assert first.counts == {"actors": 2, "meetings": 0, "recommendations": 0, "memos": 0,
                                "sources": 0}
        copying.copy_to_new_file(store, tmp_path / "copy.sqlite")
        store.update_settings({"author": "A. Analyst"})
        with_settings = copying.fingerprint(store)
        store.update_settings({"author": "B. Analyst"})
        assert copying.fingerprint(store).digest != with_settings.digest
        store.update_settings({"author": "A. Analyst"})  # same settings, a later version
        assert copying.fingerprint(store) == with_settings
        assert with_settings.digest != first.digest
        lavrov = store.get("actor", store.list_summaries("actor")[1]["id"])
        lavrov.title = "Minister of Foreign Affairs"
        store.save(lavrov)
        assert copying.fingerprint(store).digest != with_settings.digest
    with BriefingStore.open(tmp_path / "copy.sqlite") as copy:
        assert copying.fingerprint(copy) == first
    assert str(first) == f"2 actors, 0 meetings, 0 recommendations, 0 memos, 0 sources; " \
                         f"content SHA-256 {first.digest[:16]}…"


def test_the_content_hash_is_the_documented_one_so_a_copy_can_be_checked_from_its_export(
        sample_path):
    """The digest a copy prints is SHA-256 over each section's name between record
    separators (0x1E), each record's briefing-book JSON (keys sorted, text as UTF-8) ended
    by a unit separator (0x1F), then the settings' JSON (keys sorted): anyone can recompute
    it from an export, and it does not change with the program that made it."""
    import hashlib
    with BriefingStore.open(sample_path) as store:
        store.update_settings({"author": "Łukasz Jasiński"})
        exported = store.export_book()
        summary = copying.fingerprint(store)
    names = [a["name"] for a in exported["actors"]]
    assert any(not name.isascii() for name in names), names  # e.g. Erdoğan
    digest = hashlib.sha256()
    for section in copying.SECTIONS:
        digest.update(b"\x1e" + section.encode() + b"\x1e")
        for record in exported[section]:
            digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
            digest.update(b"\x1f")
    digest.update(json.dumps(exported["settings"], sort_keys=True).encode())
    assert summary.digest == digest.hexdigest()
    assert summary.counts == {section: len(exported[section]) for section in copying.SECTIONS}


def test_the_content_hash_tells_the_sections_apart(tmp_path):
    with BriefingStore.open(tmp_path / "a.sqlite", create=True) as a, \
            BriefingStore.open(tmp_path / "b.sqlite", create=True) as b:
        a.save(Actor(name="Hakan Fidan"))
        b.save(Actor(name="Hakan Fidan"))
        b.save(Source(citation="PISM Bulletin 58"))
        assert copying.fingerprint(a).digest != copying.fingerprint(b).digest


def test_a_snapshot_is_written_as_json_or_as_a_book_by_its_name(book_path, tmp_path):
    actors_book(book_path, ["Hakan Fidan"])
    old = tmp_path / "snap.JSON"
    old.write_text("yesterday's snapshot")
    with BriefingStore.open(book_path) as store:
        assert copying.snapshot_to_file(store, old) == {
            "actors": 1, "meetings": 0, "recommendations": 0, "memos": 0, "sources": 0}
        summary = copying.snapshot_to_file(store, tmp_path / "snap.sqlite")
        assert summary == copying.fingerprint(store)
    assert [a["name"] for a in json.loads(old.read_text())["actors"]] == ["Hakan Fidan"]
    with BriefingStore.open(tmp_path / "snap.sqlite") as snap:
        assert [r["name"] for r in snap.list_summaries("actor")] == ["Hakan Fidan"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.sqlite", "snap.JSON",
                                                          "snap.sqlite"]


# --- more of opening ----------------------------------------------------------------------

def test_an_object_planted_by_a_transaction_still_in_the_wal_is_seen(tmp_path, book_path):
    copy = wal_copy(tmp_path, book_path, [
        "CREATE TRIGGER steal AFTER INSERT ON actors BEGIN SELECT 1; END"])
    before = files_beside(copy)
    assert "(unknown trigger 'steal' on actors (not created by Briefing Desk))" in refused(copy)
    # the book and its -wal are as they were (reading a -wal needs SQLite's -shm index)
    after = files_beside(copy)
    assert {name: after[name] for name in before} == before


def test_a_book_whose_path_has_uri_characters_opens(tmp_path):
    folder = tmp_path / "50% done #1? yes&no"
    folder.mkdir()
    book = folder / "book?.sqlite"
    with BriefingStore.open(book, create=True) as store:
        store.save(Actor(name="Hakan Fidan"))
    plant(book, "CREATE VIEW peek AS SELECT 1;")  # read through the inspection's URI
    assert "unknown view 'peek'" in refused(book)
    with BriefingStore.open(book, rescue=True) as store:
        assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]
    with BriefingStore.open(book, allow_unknown_objects=True) as store:
        backup, _ = store.repair()
    assert backup.parent == folder
    with BriefingStore.open(backup, rescue=True) as copy:
        assert copy.count("actor") == 1


def test_two_programs_upgrading_an_old_book_at_once_upgrade_it_once(tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    holder = sqlite3.connect(book, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the other program is about to upgrade it

    def other_program_upgrades(message):
        holder.execute("ROLLBACK")
        with BriefingStore.open(book) as other:
            assert other.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN

    with BriefingStore.open(book, wait_seconds=30, on_wait=other_program_upgrades) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN
        assert store.check() == []
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == int(
            opening.BUSY_TIMEOUT_SECONDS * 1000)
    holder.close()
    assert len(list(tmp_path.glob("old.sqlite.schema1-*.bak"))) == 1


class SlowSource:
    """A source book during whose copy another program puts a file at the destination."""

    def __init__(self, store, destination, content):
        self.store, self.destination, self.content = store, destination, content

    def __getattr__(self, name):
        return getattr(self.store, name)

    def iter_records(self, kind):
        if not self.destination.exists():
            self.destination.write_text(self.content)
        return self.store.iter_records(kind)


def test_a_file_that_appears_at_the_destination_during_a_copy_is_kept(book_path, tmp_path):
    actors_book(book_path, ["Hakan Fidan"])
    target = tmp_path / "out" / "copy.sqlite"
    target.parent.mkdir()
    with BriefingStore.open(book_path) as store:
        with pytest.raises(BookError) as caught:
            copying.copy_to_new_file(SlowSource(store, target, "another program's file"),
                                     target)
    assert str(caught.value) == f"{target} already exists; choose a new file name"
    assert target.read_text() == "another program's file"
    assert [p.name for p in target.parent.iterdir()] == ["copy.sqlite"]


def test_a_copy_is_put_in_place_where_hard_links_are_not_supported(book_path, tmp_path,
                                                                   monkeypatch):
    import errno

    def no_links(*_):
        raise OSError(errno.EPERM, "Operation not permitted")

    actors_book(book_path, ["Hakan Fidan"])
    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "out" / "copy.sqlite"
    target.parent.mkdir()
    with BriefingStore.open(book_path) as store:
        copying.copy_to_new_file(store, target)
        with pytest.raises(BookError) as caught:  # and still never over another file
            copying.copy_to_new_file(SlowSource(store, tmp_path / "out" / "late.sqlite",
                                                "another program's file"),
                                     tmp_path / "out" / "late.sqlite")
    assert str(caught.value) == (f"{tmp_path / 'out' / 'late.sqlite'} already exists; choose "
                                 "a new file name")
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite", "late.sqlite"]
    assert (tmp_path / "out" / "late.sqlite").read_text() == "another program's file"
    with BriefingStore.open(target) as copy:
        assert [r["name"] for r in copy.list_summaries("actor")] == ["Hakan Fidan"]


# --- a disk that fills up -----------------------------------------------------------------

@contextmanager
def disk_fills_after(limit):
    """Writes past ``limit`` bytes fail in this process (EFBIG), as on a full disk."""
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)


def test_a_book_that_cannot_be_created_leaves_no_file_behind(tmp_path):
    path = tmp_path / "new.sqlite"
    with disk_fills_after(4096), pytest.raises(BookError) as caught:
        BriefingStore.open(path, create=True)
    assert str(caught.value).startswith(f"the book {path} cannot be ")
    assert str(caught.value).endswith("; SQLITE_IOERR_WRITE)")
    assert list(tmp_path.iterdir()) == []
    BriefingStore.open(path, create=True).close()  # with room, the same name is free


def test_a_failed_open_leaves_no_wal_or_shm_it_made(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    before = files_beside(book_path)
    assert sorted(before) == ["book.sqlite"]
    with disk_fills_after(0), pytest.raises(BookError) as caught:
        BriefingStore.open(book_path)
    assert str(caught.value).startswith(f"the book {book_path} cannot be ")
    assert files_beside(book_path) == before


def test_a_failed_open_leaves_the_wal_and_shm_another_program_uses(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    reader = sqlite3.connect(book_path)
    reader.execute("SELECT count(*) FROM actors").fetchone()
    try:
        with disk_fills_after(0), pytest.raises(BookError):
            with BriefingStore.open(book_path) as store:
                store.save(Actor(name="Sergey Lavrov"))
        assert Path(f"{book_path}-shm").exists() and Path(f"{book_path}-wal").exists()
    finally:
        reader.close()
    with BriefingStore.open(book_path) as store:
        assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]


def test_a_backup_that_cannot_be_written_blames_the_backup_and_leaves_nothing(sample_path,
                                                                             tmp_path):
    target = tmp_path / "copies" / "copy.sqlite"
    target.parent.mkdir()
    with BriefingStore.open(sample_path) as store:
        with disk_fills_after(64 * 1024), pytest.raises(BookError) as caught:
            store.backup(target)
        assert store.count("actor") > 30  # the book itself is fine
    assert str(caught.value) == (f"cannot write the backup {target}: disk I/O error "
                                 "(SQLITE_IOERR_WRITE)")
    assert list(target.parent.iterdir()) == []


def test_a_book_snapshot_replaces_an_older_one_but_a_json_snapshot_never_a_book(book_path,
                                                                               tmp_path):
    actors_book(book_path, ["Hakan Fidan"])
    older = tmp_path / "snap.sqlite"
    with BriefingStore.open(book_path) as store:
        copying.snapshot_to_file(store, older)
        store.save(Actor(name="Sergey Lavrov"))
        copying.snapshot_to_file(store, older)  # a newer snapshot over the older one
        disguised = tmp_path / "snap.json"
        shutil.copy(older, disguised)  # a book under a JSON name
        before = disguised.read_bytes()
        with pytest.raises(BriefingError) as caught:
            copying.snapshot_to_file(store, disguised)
    assert str(caught.value) == (f"refusing to write {disguised}: it is a briefing book (a "
                                 "book or a backup of one); choose another file name")
    assert disguised.read_bytes() == before
    with BriefingStore.open(older) as snap:
        assert snap.count("actor") == 2


@pytest.mark.parametrize(("bad", "shown"), [(200, 200), (201, 200)])
def test_check_lists_two_hundred_problems_in_full_and_no_more(book_path, bad, shown):
    actors_book(book_path, ["Hakan Fidan"])
    conn = sqlite3.connect(book_path)
    conn.execute("INSERT INTO actors (uid, created_at, updated_at, kind, name) "
                 "SELECT printf('00000000-0000-4000-8000-%012d', value), "
                 "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', 'person', '' "
                 "FROM (WITH RECURSIVE n(value) AS (SELECT 2 UNION ALL SELECT value + 1 FROM n "
                 f"WHERE value < {bad + 1}) SELECT value FROM n)")
    conn.commit()
    conn.close()
    with BriefingStore.open(book_path) as store:
        store.rebuild_search_index()
        problems = store.check()
    more = ["… and more; fix these first"] if bad > shown else []
    assert problems == [f"actors row {n} (uid {uid(n)}): name: is required"
                        for n in range(2, shown + 2)] + more


@pytest.mark.parametrize(("actors", "lines"), [(18, 20), (19, 21)])
def test_check_lists_twenty_integrity_lines_in_full_and_no_more(book_path, actors, lines):
    actors_book(book_path, [f"Delegate {i:02}" for i in range(actors)])
    conn = sqlite3.connect(book_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'actors_by_kind'"
                        ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(book_path, "r+b") as fh:  # the index page loses its entries
        fh.seek((root - 1) * page_size + 3)
        fh.write(b"\x00\x00")
    conn = sqlite3.connect(f"file:{book_path}?mode=ro", uri=True)
    found = [m for (m,) in conn.execute("PRAGMA integrity_check").fetchall()]
    conn.close()
    assert len(found) == lines
    with BriefingStore.open(book_path) as store:
        problems = store.check()
    more = ["integrity: and 1 more"] if lines > 20 else []
    assert problems == [f"integrity: {m}" for m in found[:20]] + more + [
        opening.damaged_message(book_path, "SQLite's integrity check failed")]


# --- books that cannot be written -------------------------------------------------------
# chattr +i makes a file or folder unwritable even for root (the tests run as root), on
# this machine's file system; elsewhere the tests are skipped

@contextmanager
def unwritable(*paths):
    """The files or folders unwritable while the block runs (immutable, as chattr +i)."""
    done = []
    try:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip("chattr +i is not possible here")
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_book_that_cannot_be_written_is_read_and_every_write_refused_untouched(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    before = files_beside(book_path)
    with unwritable(book_path):
        with BriefingStore.open(book_path) as store:
            assert store.read_only
            assert store.read_only_reason == (
                "the file cannot be written (read-only or immutable)")
            assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]
            with pytest.raises(BookReadOnlyError) as caught:
                store.save(Actor(name="Sergey Lavrov"))
            assert store.check() == []
        # nothing can be writing it, so no -wal or -shm was made beside it
        assert files_beside(book_path) == before
    assert str(caught.value) == (
        f"the book {book_path} is open read-only (the file cannot be written (read-only or "
        "immutable)); nothing was changed")


def test_a_book_in_a_folder_that_cannot_be_written_is_read_through_its_wal(tmp_path,
                                                                          book_path):
    actors_book(book_path, ["Hakan Fidan"])
    # the last record is still in the -wal, as another program that is still open leaves it
    copy = wal_copy(tmp_path, book_path, [
        "UPDATE actors SET name = 'Sergey Lavrov' WHERE name = 'Hakan Fidan'"])
    Path(f"{copy}-shm").write_bytes(b"")  # a reader needs one; the folder takes none
    with unwritable(copy.parent):
        with BriefingStore.open(copy) as store:
            assert store.read_only
            assert store.read_only_reason == (
                "its folder cannot be written (read-only or immutable)")
            assert [r["name"] for r in store.list_summaries("actor")] == ["Sergey Lavrov"]


def test_an_old_book_that_cannot_be_written_is_not_upgraded_and_says_where_to_copy_it(
        tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    before = files_beside(book)
    with unwritable(book):
        with pytest.raises(BookReadOnlyError) as caught:
            BriefingStore.open(book)
        assert files_beside(book) == before  # no backup beside it either
    assert str(caught.value) == (
        f"{book} has an older schema (1; this program uses {KNOWN}) and needs an upgrade, "
        "but the file cannot be written (read-only or immutable); copy it to a writable "
        "folder and open the copy. The book was left untouched.")


def test_rescue_of_a_book_that_cannot_be_written_names_the_file_as_the_reason(book_path):
    plant(book_path, "CREATE VIEW peek AS SELECT 1;")
    with unwritable(book_path), BriefingStore.open(book_path, rescue=True) as store:
        assert store.read_only_reason == "the file cannot be written (read-only or immutable)"


# --- books cut short or damaged -----------------------------------------------------------

def test_a_book_whose_creation_was_cut_short_is_completed_when_opened(tmp_path):
    book = tmp_path / "new.sqlite"  # killed after marking the file as ours, before its tables
    conn = sqlite3.connect(book)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.close()
    with BriefingStore.open(book) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN
        assert store.db.execute(
            "SELECT count(*) FROM book_meta WHERE key = 'created_at'").fetchone()[0] == 1
        store.save(Actor(name="Hakan Fidan"))
        assert store.check() == []
    assert [p.name for p in tmp_path.iterdir()] == ["new.sqlite"]  # no backup of nothing


def test_a_book_damaged_behind_its_header_is_refused_as_damaged(book_path):
    actors_book(book_path, ["Hakan Fidan"])
    data = bytearray(book_path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)  # the header is intact, the pages are not
    book_path.write_bytes(bytes(data))
    with pytest.raises(BookDamagedError) as caught:
        BriefingStore.open(book_path)
    assert str(caught.value).startswith(f"the book {book_path} is damaged (")


def test_an_upgrade_whose_backup_cannot_be_written_says_so_and_changes_nothing(tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    before = book.read_bytes()
    with disk_fills_after(len(before) // 2), pytest.raises(BookError) as caught:
        BriefingStore.open(book)
    assert re.fullmatch(
        rf"cannot write the backup {re.escape(str(book))}\.schema1-\d{{8}}-\d{{6}}\.bak: "
        r"the disk is full \([\d,]+\.\d MB free\)", str(caught.value)), str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite"]
    assert book.read_bytes() == before
    with BriefingStore.open(book) as store:  # with room, the upgrade runs
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN


def test_no_installed_sqlite_utils_plugin_runs_on_a_books_connection(tmp_path):
    """A sqlite-utils plugin installed on the machine could run its own code on the
    connection (register functions, attach files): creating or upgrading a book, the
    only work that uses sqlite-utils, must not let it."""
    from sqlite_utils import hookimpl
    from sqlite_utils.plugins import pm

    touched = []

    class Plugin:
        @hookimpl
        def prepare_connection(self, conn):
            touched.append(conn)

    pm.register(Plugin(), name="spy")
    try:
        BriefingStore.open(tmp_path / "new.sqlite", create=True).close()
        shutil.copy(FIXTURES / "book-schema1.sqlite", tmp_path / "old.sqlite")
        with BriefingStore.open(tmp_path / "old.sqlite") as store:  # upgraded
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == KNOWN
    finally:
        pm.unregister(name="spy")
    assert touched == []


def test_a_book_whose_table_cannot_be_read_is_checked_as_damaged(book_path):
    with BriefingStore.open(book_path) as store:
        for i in range(40):
            store.save(Actor(name=f"Delegate {i:02}", biography="x" * 500))
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = store.db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'actors'").fetchone()[0]
        page_size = store.db.execute("PRAGMA page_size").fetchone()[0]
    with open(book_path, "r+b") as fh:  # the table's first page is no page at all
        fh.seek((root - 1) * page_size)
        fh.write(b"\x00")
    with BriefingStore.open(book_path) as store:
        assert store.check() == [
            opening.damaged_message(book_path, "database disk image is malformed")]


@pytest.mark.skipif(sys.flags.utf8_mode, reason="Python's UTF-8 mode ignores the locale")
def test_a_json_snapshot_is_utf8_whatever_the_locale(sample_path, tmp_path):
    import locale
    snapshot = tmp_path / "snap.json"
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # a machine whose locale is plain ASCII
    try:
        with BriefingStore.open(sample_path) as store:
            copying.snapshot_to_file(store, snapshot)
            names = [r["name"] for r in store.list_summaries("actor")]
    finally:
        locale.setlocale(locale.LC_CTYPE, old)
    assert any(not name.isascii() for name in names)  # e.g. Erdoğan
    written = json.loads(snapshot.read_bytes().decode("utf-8"))
    assert sorted(a["name"] for a in written["actors"]) == sorted(names)


def nearly_full(monkeypatch, folder, megabytes):
    """The file system of ``folder`` reports only ``megabytes`` free (others as they are)."""
    real = shutil.disk_usage

    def disk_usage(path):
        usage = real(path)
        if Path(path) == Path(folder):
            return usage._replace(free=int(megabytes * 1024 * 1024))
        return usage

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)


@pytest.mark.parametrize(("free", "told"), [
    (0.9, "the disk is full (0.9 MB free)"),
    (1.0, "disk I/O error (SQLITE_IOERR_WRITE)")])  # room enough: the write itself failed
def test_a_backup_to_a_nearly_full_disk_says_the_disk_is_full(sample_path, tmp_path,
                                                               monkeypatch, free, told):
    target = tmp_path / "copies" / "copy.sqlite"
    target.parent.mkdir()
    nearly_full(monkeypatch, target.parent, free)
    with BriefingStore.open(sample_path) as store:
        with disk_fills_after(64 * 1024), pytest.raises(BookError) as caught:
            store.backup(target)
    assert str(caught.value) == f"cannot write the backup {target}: {told}"
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize(("free", "told"), [
    (0.9, "the disk is full (0.9 MB free); book.sqlite cannot be used"),
    (1.0, "the book {book} cannot be read or written (")])
def test_a_book_that_cannot_be_opened_on_a_nearly_full_disk_says_the_disk_is_full(
        book_path, monkeypatch, free, told):
    actors_book(book_path, ["Hakan Fidan"])
    nearly_full(monkeypatch, book_path.parent, free)
    with disk_fills_after(0), pytest.raises(BookError) as caught:
        BriefingStore.open(book_path)
    assert str(caught.value).startswith(told.format(book=book_path)), str(caught.value)


def test_a_book_name_longer_than_the_file_system_takes_is_refused_with_why(tmp_path):
    path = tmp_path / ("b" * 300 + ".sqlite")
    assert refused(path) == (f"cannot open {path}: the file name is too long (at most 255 "
                             "bytes per name)")


def test_an_upgrade_waits_for_another_writer_as_long_as_the_caller_said(tmp_path):
    book = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema1.sqlite", book)
    holder = start_writer(book)
    said = []
    try:
        with pytest.raises(BookLockedError) as caught:
            BriefingStore.open(book, wait_seconds=0.6, on_wait=said.append)
    finally:
        holder.communicate(b"done\n", timeout=60)
    assert len(said) == 1
    assert str(caught.value).startswith(
        "busy: another program has been writing the book old.sqlite for more than 1 s (")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite"]  # nor a backup


def test_a_wal_that_cannot_be_read_is_named_with_why(book_path):
    wal = Path(f"{book_path}-wal")
    wal.mkdir()  # a folder where SQLite keeps a book's write-ahead log
    assert refused(book_path) == f"{wal} cannot be read: Is a directory"


def test_a_backup_is_what_its_name_says_and_another_name_is_refused_with_the_choices(
        book_path, tmp_path):
    with BriefingStore.open(book_path) as store:
        store.save(Actor(name="Hakan Fidan"))
        before = store.count("actor")
        for name in ("snap.json", "SNAP.JSON"):
            store.backup(tmp_path / name)
            actors = json.loads((tmp_path / name).read_text())["actors"]
            assert [a["name"] for a in actors] == ["Hakan Fidan"]
        for name in ("snap.sqlite", "snap.db", "snap.briefing"):
            store.backup(tmp_path / name)
            with BriefingStore.open(tmp_path / name) as copy:
                assert copy.count("actor") == before
        for name in ("snap.txt", "snap"):
            with pytest.raises(BookError) as refused:
                store.backup(tmp_path / name)
            assert str(refused.value) == (
                f"cannot tell what to write to {tmp_path / name}: a backup's name ends in "
                ".json (briefing-book JSON) or .sqlite, .db, .briefing (a book file)")
            assert not (tmp_path / name).exists()


def _another_program_reads(path) -> None:
    """A briefing command in another process: opens the book, reads, closes."""
    subprocess.run([sys.executable, "-c", "import sqlite3, sys\n"
                    "c = sqlite3.connect(sys.argv[1])\n"
                    "c.execute('SELECT count(*) FROM actors').fetchone()\nc.close()",
                    str(path)], check=True)


def _read_elsewhere(path, sql):
    done = subprocess.run([sys.executable, "-c", "import sqlite3, sys\n"
                           "c = sqlite3.connect(sys.argv[1])\n"
                           "print(c.execute(sys.argv[2]).fetchone()[0])",
                           str(path), sql], check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.parametrize("second_look", ["store", "is_book_file", "import_of_the_book"])
def test_a_second_look_at_an_open_book_keeps_it_in_use_for_other_programs(book_path,
                                                                         second_look):
    """POSIX drops a process's locks on a file when it closes any descriptor of it:
    a worker's second store of the window's book read its header and closed it, the
    next briefing command deleted the -wal and -shm, and the window's saves were lost."""
    from desktopapp import paths
    from desktopapp.errors import ImportFormatError

    with BriefingStore.open(book_path) as window:
        window.save(Actor(name="Before"))
        if second_look == "store":
            with BriefingStore.open(book_path) as worker:  # as for_this_thread() opens it
                assert worker.count("actor") == 1
        elif second_look == "is_book_file":
            assert paths.is_book_file(book_path)  # an output path checked against books
        else:
            with pytest.raises(ImportFormatError, match="is a briefing book file, not a "
                                                        "briefing-book JSON file"):
                window.import_file(book_path)
        _another_program_reads(book_path)
        assert os.path.exists(f"{book_path}-wal") and os.path.exists(f"{book_path}-shm")
        window.save(Actor(name="After"))
        assert _read_elsewhere(book_path, "SELECT count(*) FROM actors") == "2"
    with BriefingStore.open(book_path) as again:
        assert sorted(r["name"] for r in again.list_summaries("actor")) == ["After", "Before"]


def test_no_descriptor_of_the_book_is_left_after_its_last_store_closes(book_path):
    def descriptors():
        return {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                if os.path.exists(f"/proc/self/fd/{fd}")}

    book = os.path.realpath(book_path)
    first = BriefingStore.open(book_path)
    second = BriefingStore.open(book_path)
    first.close()
    assert book in descriptors()
    second.close()
    assert book not in descriptors()
