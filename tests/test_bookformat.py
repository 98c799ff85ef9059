import copy
import json

import jsonschema
import pytest
from conftest import both_backends
from test_store import make_world

from desktopapp import bookformat
from desktopapp.errors import ImportFormatError, ValidationError
from desktopapp.resources import BOOK_SCHEMA, SAMPLE_BOOK, resource_path
from desktopapp.store import BriefingStore

# The format's tests run on a SQLite book and on a team book: each backend
# writes and reads the same JSON.
book_store = both_backends("store", "team_store")
sample_book = both_backends("sample_store", "team_sample")


def export_json(store) -> str:
    return bookformat.dumps(store.export_book())


@pytest.fixture
def sample_json():
    return json.loads(resource_path(SAMPLE_BOOK).read_text(encoding="utf-8"))


def test_export_import_export_is_identical(book_store, tmp_path):
    store = book_store
    make_world(store)  # includes a photo, positions, times, every link kind
    first = export_json(store)
    # into a book file: the same document, whichever backend wrote it
    with BriefingStore.open(tmp_path / "copy.sqlite", create=True) as copy_store:
        copy_store.import_sections(bookformat.parse_book(json.loads(first)))
        assert export_json(copy_store) == first


def test_sample_round_trips_exactly(sample_book, sample_json):
    # the sample (format 4) names no one: whoever loaded it made each record's last change,
    # and the export (format 5) says so
    expected = dict(sample_json, version=bookformat.FORMAT_VERSION)
    for section in bookformat.SECTIONS:
        expected[section] = [dict(record, changed_by=sample_book.changed_by)
                             for record in sample_json.get(section, [])]
    assert sample_book.changed_by
    assert json.loads(export_json(sample_book)) == expected


def test_exports_and_sample_match_the_shipped_json_schema(book_store, sample_json):
    store = book_store
    make_world(store)
    schema = json.loads(resource_path(BOOK_SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(sample_json, schema)
    jsonschema.validate(json.loads(export_json(store)), schema)


def test_names_stay_in_their_own_script_in_the_file(sample_book):
    text = export_json(sample_book)
    assert "Владимир Мединский" in text
    assert "Recep Tayyip Erdoğan" in text


def test_import_merges_by_uid(sample_book, sample_json):
    book = copy.deepcopy(sample_json)
    book["actors"][0]["title"] = "Changed title"
    summary = sample_book.import_sections(bookformat.parse_book(book))
    assert summary.updated == {"actors": 1}
    assert summary.unchanged["actors"] == len(book["actors"]) - 1
    assert summary.unchanged["meetings"] == len(book["meetings"])
    assert summary.added == {}
    russia = sample_book.get_by_uid("actor", book["actors"][0]["uid"])
    assert russia.title == "Changed title"
    assert russia.version == 2
    assert sample_book.count("actor") == len(book["actors"])
    assert [h.title for h in sample_book.search("changed title")] == [russia.name]


def test_reimport_of_unchanged_records_keeps_version_and_stamps(sample_book, tmp_path):
    before = {r["uid"]: r for r in _stamps(sample_book)}
    path = tmp_path / "same.json"
    path.write_text(export_json(sample_book), encoding="utf-8")
    summary = sample_book.import_file(path)
    assert summary.added == {} and summary.updated == {}
    assert summary.unchanged["actors"] == sample_book.count("actor")
    actors = sample_book.count("actor")
    assert f"0 actors added, 0 updated, {actors} unchanged" in str(summary)
    assert {r["uid"]: r for r in _stamps(sample_book)} == before


def _stamps(store):
    return [{"uid": r.uid, "version": r.version, "updated_at": r.updated_at}
            for kind in ("actor", "meeting") for r in store.all_records(kind)]


def test_reimport_updates_links_and_index_of_changed_records(sample_book, sample_json):
    book = copy.deepcopy(sample_json)
    meeting = book["meetings"][0]
    meeting["participants"] = meeting["participants"][:1]
    meeting["title"] = "Renamed meeting"
    summary = sample_book.import_sections(bookformat.parse_book(book))
    assert summary.updated == {"meetings": 1}
    stored = sample_book.get_by_uid("meeting", meeting["uid"])
    assert [p.actor_uid for p in stored.participants] == [meeting["participants"][0]["actor_uid"]]
    assert [h.title for h in sample_book.search("renamed meeting")] == ["Renamed meeting"]
    assert sample_book.check() == []


@pytest.mark.parametrize("mutate, words", [
    (lambda b: b.update(format="something-else"), "'format' is 'something-else'"),
    (lambda b: b.update(version=99), "format version 99"),
    (lambda b: b.update(version="1"), "'version' must be a whole number"),
    (lambda b: b.update(extra=1), "unknown top-level field 'extra'"),
    (lambda b: b.update(actors={}), "'actors' must be a list"),
    (lambda b: b["actors"][3].update(kind="persn"),
     "actors[4] ('Türkiye'): field 'kind' unknown value 'persn'"),
    (lambda b: b["actors"][0].pop("uid"), "actors[1] ('Russia'): field 'uid' is missing"),
    (lambda b: b["actors"][0].update(uid="x"), "field 'uid' is not a record identifier"),
    (lambda b: b["actors"][1].update(uid=b["actors"][0]["uid"]), "is used twice"),
    (lambda b: b["actors"][0].update(colour="red"), "unknown field 'colour'"),
    (lambda b: b["actors"][0].update(photo="###"), "field 'photo' is not valid base64"),
    (lambda b: b["actors"][0].update(name=""), "field 'name' is required"),
    (lambda b: b["meetings"][0].update(date="2025-02-30"), "not a real date"),
    (lambda b: b["meetings"][0].update(duration_minutes="two hours"), "whole number of minutes"),
    (lambda b: b["meetings"][0]["participants"][0].update(role="boss"), "unknown role 'boss'"),
    (lambda b: b["recommendations"][0].update(priority="urgent"), "field 'priority'"),
    (lambda b: b["actors"][0]["positions"][0].update(as_of="May"), "as_of"),
])
def test_malformed_books_are_rejected_with_place_and_field(sample_json, mutate, words):
    book = copy.deepcopy(sample_json)
    mutate(book)
    with pytest.raises(ImportFormatError) as caught:
        bookformat.parse_book(book)
    assert words in str(caught.value)


def test_dangling_uid_fails_whole_import_naming_record_and_field(book_store, sample_json):
    book = copy.deepcopy(sample_json)
    book["meetings"][4]["participants"][0]["actor_uid"] = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(ValidationError) as caught:
        book_store.import_sections(bookformat.parse_book(book))
    message = str(caught.value)
    assert "Russian–Ukrainian talks in Istanbul" in message
    assert "participants" in message and "00000000-0000-4000-8000-000000000000" in message
    assert book_store.is_empty()  # all or nothing


def test_failure_late_in_import_leaves_existing_book_unchanged(sample_book, sample_json):
    before = export_json(sample_book)
    book = copy.deepcopy(sample_json)
    for actor in book["actors"]:
        actor["title"] = "overwritten"
    book["recommendations"][-1]["meetings"] = ["00000000-0000-4000-8000-000000000001"]
    with pytest.raises(ValidationError):
        sample_book.import_sections(bookformat.parse_book(book))
    assert export_json(sample_book) == before


@pytest.mark.parametrize("content, words", [
    (b"{not json", "is not valid JSON"),
    (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
    (b"[1, 2, 3]", "top level must be an object"),
    (b"[" * 100_000 + b"]" * 100_000, "top level must be an object"),
    (b'{"actors": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}", "nested too deeply"),
    (b'{"format": "briefing-book", "version": 1, "actors": []} x',
     "Extra data at line 1, column 57"),
    (b'{"format": "briefing-book",\n "version": 1,\n "actors": [ }',
     "Expecting value at line 3, column 14"),
    (b'{"format": "briefing-book", "format": "briefing-book"}', "appears twice"),
    (b'{"format": "briefing-book", "version": 1e999999}', "'version' must be a whole number"),
    (b'{"format": "briefing-book", "version": ' + b"9" * 5000 + b"}", "not valid JSON"),
    (b"", "not valid JSON"),
    (b"   \n", "not valid JSON"),
])
def test_unreadable_files_are_rejected(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=words):
        bookformat.load_file(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ImportFormatError, match="cannot read"):
        bookformat.load_file(tmp_path / "nope.json")


def test_import_refuses_a_uid_used_by_a_record_of_another_kind(sample_book, sample_json):
    book = copy.deepcopy(sample_json)
    before = export_json(sample_book)
    source = book["sources"][0]
    source["uid"] = book["actors"][2]["uid"]
    with pytest.raises(ValidationError, match="already used by actor"):
        sample_book.import_sections(bookformat.parse_book(
            {"format": "briefing-book", "version": 1, "sources": [
                {**source, "uid": sample_json["actors"][2]["uid"]}]}))
    assert export_json(sample_book) == before


def test_streamed_file_with_a_uid_twice_is_refused(book_store, tmp_path, sample_json):
    book = copy.deepcopy(sample_json)
    book["actors"][5]["uid"] = book["actors"][1]["uid"]
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(book), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"actors\[6\] .*is used twice"):
        book_store.import_file(path)
    assert book_store.is_empty()


def test_streamed_export_is_the_document_export(sample_book, tmp_path):
    import io

    out = io.StringIO()
    counts = sample_book.export_to(out)
    text = out.getvalue()
    assert json.loads(text) == json.loads(export_json(sample_book))
    assert list(json.loads(text)) == list(json.loads(export_json(sample_book)))  # key order
    assert counts["actors"] == sample_book.count("actor")
    assert len(text.splitlines()) > sample_book.count("actor")  # a record per line
    assert "Владимир Мединский" in text  # names in their own script
    empty = tmp_path / "empty.sqlite"
    from desktopapp.store import BriefingStore
    with BriefingStore.open(empty, create=True) as store:
        out = io.StringIO()
        store.export_to(out)
        assert json.loads(out.getvalue()) == json.loads(export_json(store))
