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


def test_every_field_and_link_of_every_kind_as_record_to_dict_writes_it(store, sample_store):
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
