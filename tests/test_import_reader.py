"""A large file imported into a book without records is read by a second process
(desktopapp/store/import_reader.py): the same book, the same messages, nothing
written when the reader fails.

Here every file is "large" (PROCESS_MIN_BYTES = 0) and the writer's batches
are small; the synthetic book's 1,560 records cross the reader's messages.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_store import make_world

from desktopapp import bookformat
from desktopapp.bench import write_synthetic_book
from desktopapp.errors import ImportFormatError, ImportStoppedError, ValidationError
from desktopapp.resources import SAMPLE_BOOK, resource_path
from desktopapp.store import BriefingStore, import_reader, importing


@pytest.fixture
def reader_calls(monkeypatch):
    """Paths read by a second process (every file counts as large); small batches."""
    monkeypatch.setattr(import_reader, "PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(importing.BulkImport, "batch_size", 3)
    calls = []
    read = import_reader.read

    def spy(path, *rest):
        calls.append(path)
        return read(path, *rest)
    monkeypatch.setattr(import_reader, "read", spy)
    return calls


def in_one_process(monkeypatch):
    monkeypatch.setattr(import_reader, "PROCESS_MIN_BYTES", 1 << 62)


def contents(path) -> dict:
    """Every table of the book, the search index's rows included, in a fixed order."""
    conn = sqlite3.connect(path)
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_index_%' "
        "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations' ORDER BY name")]
    out = {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
           for table in tables if table != "search_index"}
    # when each book was made differs, of course
    out["book_meta"] = [row for row in out["book_meta"] if row[0] != "created_at"]
    out["search_index"] = conn.execute(
        "SELECT rowid, * FROM search_index ORDER BY rowid").fetchall()
    conn.close()
    return out


def import_both_ways(folder, monkeypatch, reader_calls, source) -> tuple:
    """(book read by a second process, book read here, their two summaries) of ``source``."""
    monkeypatch.setattr(import_reader, "PROCESS_MIN_BYTES", 0)
    reader_calls.clear()
    results = []
    for name in ("reader", "here"):
        if name == "here":
            in_one_process(monkeypatch)
        book = folder / f"{name}.sqlite"
        with BriefingStore.open(book, create=True) as store:
            summary = store.import_file(source)
        results.append((contents(book), str(summary)))
    assert reader_calls == [source]
    (there, summary_there), (here, summary_here) = results
    return there, here, summary_there, summary_here


def test_the_sample_and_a_book_with_every_kind_of_link_make_the_same_book(
        tmp_path, monkeypatch, reader_calls, store):
    make_world(store)  # a photo (bytes), positions, times, every link kind
    world = tmp_path / "world.json"
    world.write_text(bookformat.dumps(store.export_book()), encoding="utf-8")
    for source in (resource_path(SAMPLE_BOOK), world):
        folder = tmp_path / source.stem
        folder.mkdir()
        there, here, summary_there, summary_here = import_both_ways(
            folder, monkeypatch, reader_calls, source)
        assert there == here
        assert summary_there == summary_here
        assert there["actors"] and there["search_index"]
    # the photo went through the pipe as bytes
    assert any(isinstance(value, bytes) for row in there["actors"] for value in row)


def test_a_synthetic_book_with_sources_after_the_records_citing_them(
        tmp_path, monkeypatch, reader_calls):
    source = tmp_path / "synthetic.json"
    write_synthetic_book(source, 1200, 240, 120)
    there, here, summary_there, summary_here = import_both_ways(
        tmp_path, monkeypatch, reader_calls, source)
    assert there == here and summary_there == summary_here
    assert len(there["actors"]) == 1200 and len(there["participants"]) > 240
    # meetings are found by their delegates' names
    meeting_rows = [row for row in there["search_index"] if row[0] >> 40 == 2]
    assert meeting_rows and all(row[3] for row in meeting_rows)


def _broken_books(tmp_path) -> list:
    actors = [{"uid": f"00000000-0000-4000-8000-{n:012x}", "name": f"Actor {n}"}
              for n in range(1, 9)]
    bad_field = json.loads(json.dumps(actors))
    bad_field[5]["kind"] = "dragon"
    twice = json.loads(json.dumps(actors))
    twice[6]["uid"] = twice[1]["uid"]
    broken_link = json.loads(json.dumps(actors))
    broken_link[4]["affiliations"] = ["00000000-0000-4000-8000-00000000ffff"]
    out = []
    for name, sections in (("field", bad_field), ("twice", twice), ("link", broken_link)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"format": "briefing-book", "version": 1,
                                    "actors": sections}), encoding="utf-8")
        out.append(path)
    cut = tmp_path / "cut.json"
    whole = json.dumps({"format": "briefing-book", "version": 1, "actors": actors})
    cut.write_text(whole[:len(whole) * 2 // 3], encoding="utf-8")
    return [*out, cut]


def test_a_broken_file_gives_the_same_message_and_writes_nothing(
        tmp_path, monkeypatch, reader_calls):
    messages = {}
    for mode in ("reader", "here"):
        if mode == "here":
            in_one_process(monkeypatch)
        for source in _broken_books(tmp_path):
            book = tmp_path / f"{mode}-{source.stem}.sqlite"
            with BriefingStore.open(book, create=True) as store:
                with pytest.raises((ImportFormatError, ValidationError)) as raised:
                    store.import_file(source)
                assert store.is_empty()
            messages[mode, source.stem] = (type(raised.value), str(raised.value),
                                           getattr(raised.value, "problems", None))
    assert len(reader_calls) == 4
    for stem in ("field", "twice", "link", "cut"):
        assert messages["reader", stem] == messages["here", stem]
    assert "actors[6]" in messages["reader", "field"][1]
    assert "kind" in messages["reader", "field"][1]
    assert messages["reader", "field"][0] is ImportFormatError  # raised by the reader
    # a link to no record is found by the writer, with the field
    assert messages["reader", "link"][0] is ValidationError
    assert messages["reader", "link"][2][0][0] == "affiliations[1]"
    assert "used twice" in messages["reader", "twice"][1]


def test_a_reader_that_fails_is_reported_and_the_book_is_left_as_it_was(
        tmp_path, monkeypatch, reader_calls, store):
    source = tmp_path / "synthetic.json"
    write_synthetic_book(source, 20, 4, 2)
    # not a Python: the "reader" fails at once with a message of its own, as a
    # reader with a bug would
    monkeypatch.setattr(import_reader, "sys", SimpleNamespace(executable="/bin/sh"))
    with pytest.raises(RuntimeError, match=r"reader process failed \(exit code [1-9]"):
        store.import_file(source)
    assert store.is_empty()
    monkeypatch.setattr(import_reader, "sys", sys)
    # the book is usable afterwards
    assert "20 actors added" in str(store.import_file(source))
    assert len(reader_calls) == 2


def test_a_reader_killed_halfway_is_told_as_such_and_nothing_is_imported(
        tmp_path, monkeypatch, reader_calls, store):
    source = tmp_path / "synthetic.json"
    write_synthetic_book(source, 20, 4, 2)
    # a reader that sends two messages of records, then is killed (as by the
    # system when memory runs out)
    killed = tmp_path / "killed-reader"
    killed.write_text(f"#!/bin/sh\n{sys.executable} \"$@\" | head -c 3000\nkill -9 $$\n")
    killed.chmod(0o755)
    monkeypatch.setattr(import_reader, "sys", SimpleNamespace(executable=str(killed)))
    with pytest.raises(ImportStoppedError) as stopped:
        store.import_file(source)
    assert str(stopped.value) == (
        f"the import stopped: the process reading {source} was stopped by signal 9 "
        "(killed, or out of memory); nothing was imported")
    assert store.is_empty()


def test_the_reader_is_this_program_whatever_folder_the_import_starts_in(
        tmp_path, monkeypatch, reader_calls, store):
    source = tmp_path / "synthetic.json"
    write_synthetic_book(source, 20, 4, 2)
    # a folder holding another "desktopapp", as a checkout of another version would
    decoy = tmp_path / "checkout" / "desktopapp" / "store"
    decoy.mkdir(parents=True)
    for package in (decoy.parent, decoy):
        (package / "__init__.py").write_text("")
    marker = tmp_path / "the decoy ran"
    (decoy / "import_reader.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef main(): raise SystemExit(3)\n")
    monkeypatch.chdir(tmp_path / "checkout")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "checkout"))
    assert "20 actors added" in str(store.import_file(source))
    assert reader_calls == [source] and not marker.exists()


def test_a_book_with_records_reads_the_file_here_and_merges(tmp_path, reader_calls, store):
    source = tmp_path / "synthetic.json"
    write_synthetic_book(source, 20, 4, 2)
    assert "20 actors added" in str(store.import_file(source))
    assert len(reader_calls) == 1
    # again: every record is compared with the stored one, which needs the records here
    summary = store.import_file(source)
    assert len(reader_calls) == 1
    assert "0 actors added, 0 updated, 20 unchanged" in str(summary)


def test_sigterm_during_an_import_says_so_and_imports_nothing(tmp_path):
    source = tmp_path / "big.json"
    write_synthetic_book(source, 8000, 1600, 800)  # over 4 MiB: read by a second process
    book = tmp_path / "book.sqlite"
    briefing = [sys.executable, "-m", "desktopapp.cli"]
    subprocess.run([*briefing, "init", "--db", book], check=True, capture_output=True)
    importing_now = subprocess.Popen([*briefing, "import", source, "--db", book],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # once the reader has started, the import's transaction is open
    children = Path(f"/proc/{importing_now.pid}/task/{importing_now.pid}/children")
    while importing_now.poll() is None and not children.read_text().strip():
        time.sleep(0.005)
    importing_now.send_signal(signal.SIGTERM)
    out, err = importing_now.communicate(timeout=60)
    assert importing_now.returncode == 143, (out, err)
    assert err == "error: terminated; nothing was changed\n"
    with BriefingStore.open(book) as store:
        assert store.is_empty()


def _schema(path) -> dict:
    conn = sqlite3.connect(path)
    out = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"))
    conn.close()
    return out


def test_each_section_gets_its_indexes_once_it_ends_and_a_failure_puts_them_back(
        tmp_path, reader_calls):
    # A kind's indexes are made again as soon as the file moves on to the next
    # section: here the actors' and positions' indexes exist before a link of
    # the last meeting is found to point nowhere, and the failed import must
    # leave the book's schema as it was.
    actors = [{"uid": f"00000000-0000-4000-8000-{n:012x}", "name": f"Actor {n}",
               "positions": [{"topic": "trade", "stance": "for"}]} for n in range(1, 9)]
    meetings = [{"uid": f"00000000-0000-4000-9000-{n:012x}", "title": f"Talks {n}",
                 "date": "2025-05-16", "participants": [
                     {"actor_uid": actors[n % 8]["uid"], "side": "A", "role": "head"}]}
                for n in range(1, 5)]
    meetings[-1]["participants"][0]["actor_uid"] = "00000000-0000-4000-8000-00000000ffff"
    source = tmp_path / "broken.json"
    source.write_text(json.dumps({"format": "briefing-book", "version": 1, "actors": actors,
                                  "meetings": meetings}), encoding="utf-8")
    book = tmp_path / "book.sqlite"
    with BriefingStore.open(book, create=True) as store:
        before = _schema(book)
        with pytest.raises(ValidationError, match="Talks 4"):
            store.import_file(source)
        assert store.is_empty()
    assert _schema(book) == before and "positions_by_actor" in before
    # mended, it imports, with every index the book had
    meetings[-1]["participants"][0]["actor_uid"] = actors[0]["uid"]
    source.write_text(json.dumps({"format": "briefing-book", "version": 1, "actors": actors,
                                  "meetings": meetings}), encoding="utf-8")
    with BriefingStore.open(book) as store:
        assert "8 actors added" in str(store.import_file(source))
        assert store.check() == []
    assert _schema(book) == before
    assert reader_calls == [source, source]
