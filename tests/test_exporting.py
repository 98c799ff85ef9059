"""The export's JSON objects made straight from rows (desktopapp/store/exporting.py).

They must be the objects bookformat.record_to_dict makes of the records the
store loads, for every field and link of every kind, across chunks; a row
changed outside the program is still named in the error.
"""

import json
import sqlite3
from pathlib import Path

import pytest
from test_store import make_world

from desktopapp import bookformat
from desktopapp.errors import StoredRecordError
from desktopapp.recordkinds import KINDS
from desktopapp.store import exporting

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2)


def objects_both_ways(store, kind):
    with store.snapshot():
        fast = list(exporting.iter_dicts(store, kind))
        loaded = [bookformat.record_to_dict(r) for r in store.iter_records(kind)]
    return fast, loaded


def fill(store):
    """Every field and link of every kind, approximate dates and no-value choices."""
    make_world(store)  # a photo, positions, times, every link kind
    store.import_file(DATA / "multi-script-book.json")
    actor, meeting = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-0000000000aa"
    store.import_sections(bookformat.parse_book({
        "format": "briefing-book", "version": bookformat.FORMAT_VERSION,
        "actors": [{"uid": actor, "name": "Ada", "positions": [
            {"topic": "Grain", "stance": "For", "as_of": "2023"},
            {"topic": "Ports", "stance": "Against", "as_of": "2024-05"}]}],
        "meetings": [{"uid": meeting, "title": "Talks", "date": "2021", "end_date": "2022",
                      "participants": [{"actor_uid": actor, "role_label": "chair"}]}],
        "recommendations": [{"uid": "00000000-0000-4000-8000-0000000000bb", "title": "Do",
                             "text": "Do it.", "addressee": "All", "priority": None,
                             "status": None}]}))


def test_every_field_and_link_of_every_kind_as_record_to_dict_writes_it(store, sample_store):
    fill(store)
    for book in (store, sample_store):
        for kind in KINDS:
            fast, loaded = objects_both_ways(book, kind)
            assert fast == loaded
            # the same text once written, key order included
            assert [json.dumps(o) for o in fast] == [json.dumps(o) for o in loaded]
    assert any(objects_both_ways(store, kind)[0] for kind in KINDS)
    meetings = objects_both_ways(store, "meeting")[0]
    assert any(m["participants"] for m in meetings)


def test_a_row_changed_outside_the_program_is_named(store, book_path):
    make_world(store)
    conn = sqlite3.connect(book_path)
    conn.execute("UPDATE meetings SET date = '2025-02-30'")
    conn.commit()
    conn.close()
    with pytest.raises(StoredRecordError, match=r"meetings row 1 .*'2025-02-30' is not a real"):
        with store.snapshot():
            list(exporting.iter_dicts(store, "meeting"))


def test_rows_as_the_program_writes_them_are_exported_without_loading_records(
        store, sample_store, monkeypatch):
    # loading a record to write it is the slow way, for rows changed outside the program
    fill(store)
    for book in (store, sample_store):
        def refuse(kind, ids):
            raise AssertionError(f"{kind} rows {ids} loaded as records")

        monkeypatch.setattr(book, "_load", refuse)
        with book.snapshot():
            assert all(list(exporting.iter_dicts(book, kind)) is not None for kind in KINDS)


@pytest.mark.parametrize("table, column, value", [
    ("memos", "sections", '[{"heading": "Context"}]'),  # a section without its body
    ("memos", "sections", '[{"body": "Talks resumed."}]'),  # or without its heading
    ("sources", "accessed", ""),  # an empty date
    ("meetings", "start_time", ""),  # an empty time
    ("actors", "photo", b""),  # an empty photo
])
def test_a_row_changed_outside_the_program_but_readable_is_written_as_loaded(
        sample_store, table, column, value):
    conn = sqlite3.connect(sample_store.path)
    conn.execute(f"UPDATE {table} SET {column} = ?", [value])
    conn.commit()
    conn.close()
    for kind in KINDS:
        fast, loaded = objects_both_ways(sample_store, kind)
        assert fast == loaded


@pytest.mark.parametrize("sections, problem", [
    ('[{"heading": "Context", "body": "Talks.", "note": "x"}]',  # a key the format lacks
     "is not a list of sections with heading and body"),
    ('["Context"]', "is not a list of sections with heading and body"),
    ('{"heading": "Context"}', "is not a JSON list"),
    ('[{"heading": "Context"}', "is not JSON"),
    ("null", "is not a JSON list")])
def test_a_memo_whose_sections_were_changed_outside_the_program_is_named(sample_store,
                                                                          sections, problem):
    conn = sqlite3.connect(sample_store.path)
    conn.execute("UPDATE memos SET sections = ?", [sections])
    conn.commit()
    conn.close()
    with pytest.raises(StoredRecordError, match=rf"memos row 1 .*sections: {problem}\. "):
        with sample_store.snapshot():
            list(exporting.iter_dicts(sample_store, "memo"))
