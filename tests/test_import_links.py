"""How a bulk import finds the records a link names (desktopapp/store/importing.py).

A link to a record met earlier in the file, or already in the book, is
written with its batch; a link to a record later in the file (sources come
last in an exported file) waits for the end. Batches are made small here
so that every case crosses batches.
"""

import pytest

from desktopapp import bookformat, books
from desktopapp.errors import ImportFormatError, ValidationError
from desktopapp.store import BriefingStore, importing, search

S = "00000000-0000-4000-8000-0000000000{:02x}"


def uid(n: int) -> str:
    return S.format(n)


def book(**sections) -> dict:
    return {"format": "briefing-book", "version": bookformat.FORMAT_VERSION, **sections}


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    # the class's batch size: the module's BATCH is read once, when the class is made
    monkeypatch.setattr(importing.BulkImport, "batch_size", 3)


def actor(n, **more):
    return {"uid": uid(n), "name": f"Actor {n}", **more}


def exported(store) -> dict:
    """The book's records as JSON dicts by uid, without stamps (when, and who: the importer)."""
    out = {}
    for section, records in store.export_sections().items():
        for record in records:
            data = bookformat.record_to_dict(record)
            data.pop("created_at"), data.pop("updated_at"), data.pop("changed_by", None)
            out[data["uid"]] = (section, data)
    return out


def test_links_to_records_earlier_later_and_in_no_batch_of_their_own(store):
    actors = [actor(n, affiliations=[uid(n + 1)] if n < 9 else [uid(1)],
                    positions=[{"topic": "Grain", "stance": "For", "source_uid": uid(40)}],
                    sources=[uid(40), uid(41)])
              for n in range(1, 10)]
    meetings = [{"uid": uid(20 + n), "title": f"Talks {n}", "date": "2025-05-16",
                 "hosts": [uid(n)], "mediators": [uid(n + 1)],
                 "participants": [{"actor_uid": uid(n + 2), "side": "A", "role": "head"},
                                  {"actor_uid": uid(1), "side": "B"}]}
                for n in range(1, 6)]
    recs = [{"uid": uid(30), "title": "Advice", "text": "Do it.",
             "addressee_actors": [uid(3)], "meetings": [uid(21)], "actors": [uid(2)]}]
    sources = [{"uid": uid(40), "citation": "A source"}, {"uid": uid(41), "citation": "Another"}]
    # the order of an exported file: sources after the records citing them
    data = book(actors=actors, meetings=meetings, recommendations=recs, sources=sources)
    summary = store.import_sections(bookformat.parse_book(data))
    assert summary.added == {"actors": 9, "meetings": 5, "recommendations": 1, "sources": 2}
    stored = exported(store)
    for section in ("actors", "meetings", "recommendations", "sources"):
        for record in data[section]:
            expected = bookformat.record_to_dict(
                bookformat.parse_book(book(**{section: [record]}))[section][0])
            expected.pop("created_at"), expected.pop("updated_at")
            assert stored[record["uid"]] == (section, expected)
    # the meetings are found by the names of the people at the table
    talks = store.id_for_uid("meeting", uid(22))
    assert ("meeting", talks) in {(h.kind, h.id) for h in store.search("Actor 4")}


def test_links_to_records_already_in_the_book(store):
    store.import_sections(bookformat.parse_book(book(actors=[actor(n) for n in range(1, 8)])))
    meetings = [{"uid": uid(20 + n), "title": f"Talks {n}", "date": "2025-05-16",
                 "participants": [{"actor_uid": uid(n)}, {"actor_uid": uid(7)}]}
                for n in range(1, 6)]
    store.import_sections(bookformat.parse_book(book(meetings=meetings)))
    for n in range(1, 6):
        meeting = store.get("meeting", store.id_for_uid("meeting", uid(20 + n)))
        assert [p.actor_uid for p in meeting.participants] == [uid(n), uid(7)]


def test_an_updated_record_has_its_new_links_only(store):
    first = [actor(n) for n in range(1, 8)]
    meeting = {"uid": uid(20), "title": "Talks", "date": "2025-05-16",
               "participants": [{"actor_uid": uid(1)}, {"actor_uid": uid(2)}]}
    store.import_sections(bookformat.parse_book(book(actors=first, meetings=[meeting])))
    meeting["participants"] = [{"actor_uid": uid(3)}, {"actor_uid": uid(1)}]
    summary = store.import_sections(bookformat.parse_book(book(actors=first, meetings=[meeting])))
    assert summary.updated == {"meetings": 1}
    assert summary.unchanged == {"actors": 7}
    stored = store.get("meeting", store.id_for_uid("meeting", uid(20)))
    assert [p.actor_uid for p in stored.participants] == [uid(3), uid(1)]
    assert stored.version == 2


def test_a_link_to_nothing_fails_the_import_after_many_batches(store):
    actors = [actor(n, sources=[uid(40)]) for n in range(1, 8)]
    actors[5]["sources"] = [uid(40), uid(99)]
    data = book(actors=actors, sources=[{"uid": uid(40), "citation": "A source"}])
    with pytest.raises(ValidationError) as caught:
        store.import_sections(bookformat.parse_book(data))
    assert str(caught.value) == (f"actors: actor 'Actor 6' (uid {uid(6)}): sources[2]: no source "
                                 f"with uid {uid(99)} in the file or the book")
    assert store.is_empty()


def test_a_uid_twice_in_the_file_is_refused_across_batches_even_for_a_stored_record(store):
    store.import_sections(bookformat.parse_book(book(actors=[actor(1)])))
    actors = [actor(1, title="Envoy"), *[actor(n) for n in range(2, 7)],
              actor(1, title="Minister")]
    with pytest.raises(ImportFormatError, match=r"actors\[7\] \('Actor 1'\): uid .* is used "
                                                r"twice in the file"):
        store.import_records(list(bookformat.iter_book(
            bookformat._members_of(book(actors=actors)))))
    assert store.get("actor", store.id_for_uid("actor", uid(1))).title == ""


def schema_of(store) -> dict:
    return {name: sql for name, sql in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite%'")}


def test_an_empty_book_gets_its_indexes_back_after_an_import_that_worked_or_failed(store):
    before = schema_of(store)
    assert any(name == "participants_by_actor" for name in before)
    broken = book(actors=[actor(n) for n in range(1, 8)],
                  meetings=[{"uid": uid(20), "title": "Talks", "date": "2025-05-16",
                             "participants": [{"actor_uid": uid(99)}]}])
    with pytest.raises(ValidationError):
        store.import_sections(bookformat.parse_book(broken))
    assert schema_of(store) == before and store.is_empty()
    broken["meetings"][0]["participants"] = [{"actor_uid": uid(2)}]
    store.import_sections(bookformat.parse_book(broken))
    assert schema_of(store) == before
    assert store.check() == []
    # the index is there and used: the actor's meetings are found through it
    plan = " ".join(row[3] for row in store.db.execute(
        "EXPLAIN QUERY PLAN SELECT meeting_id FROM participants WHERE actor_id = 2"))
    assert "participants_by_actor" in plan
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def index_rows(store) -> dict:
    """Each record's search-index row (title, body, title_extra, body_extra), by uid."""
    out = {}
    for rowid, *row in store.db.execute(
            "SELECT rowid, title, body, title_extra, body_extra FROM search_index"):
        kind, record_id = search.split_rowid(rowid)
        out[store.get(kind, record_id).uid] = tuple(row)
    return out


NAMES = ["Recep Tayyip Erdoğan", "Hakan Fidan", "Сергей Лавров", "王毅", "Hakan Fidan",
         "عبد الله العيبان", "Marco Rubio", "Rubio"]


def test_linked_names_in_the_index_are_the_same_with_actors_first_last_or_in_the_book(tmp_path):
    # Actors earlier in the file: a meeting's index row gets its people's names
    # with its batch. Actors later in the file or already in the book: at the
    # end, from the link rows. Both must make the same rows.
    data = book(
        actors=[actor(n, name=name) for n, name in enumerate(NAMES, 1)],
        meetings=[{"uid": uid(20 + n), "title": f"Talks {n}", "date": "2025-05-16",
                   "hosts": [uid(n)], "mediators": [uid(8)],
                   # the host sits at the table too; two people share a name
                   "participants": [{"actor_uid": uid(a)} for a in dict.fromkeys([n, 2, 5, 9 - n])]}
                  for n in range(1, 8)],
        recommendations=[{"uid": uid(40 + n), "title": f"Advice {n}", "text": "Talk.",
                          "addressee_actors": [uid(n), uid(n + 1)]} for n in range(1, 6)])

    def imported(name, order, first=()):
        path = tmp_path / f"{name}.sqlite"
        books.create_book(path)
        parsed = bookformat.parse_book(data)
        with BriefingStore.open(path) as store:
            for sections in (first, order):
                if sections:
                    store.import_records([(section, record) for section in sections
                                          for record in parsed[section]])
            assert store.check() == []
            return index_rows(store), {hit.title for hit in store.search("лавров")}

    rows, found = imported("in-order", ["actors", "meetings", "recommendations"])
    assert imported("actors-last", ["meetings", "recommendations", "actors"]) == (rows, found)
    assert imported("actors-in-book", ["meetings", "recommendations"],
                    first=["actors"]) == (rows, found)
    assert found == {"Сергей Лавров", "Talks 3", "Talks 6", "Advice 2", "Advice 3"}
    # each name once, hosts first, then mediators and the people at the table
    _, body, _, body_extra = rows[uid(23)]
    assert body.endswith("\nСергей Лавров Rubio Hakan Fidan عبد الله العيبان")
    assert {"сергеи", "عيبان"} <= set(body_extra.split())


def fts_settings(store) -> list:
    return store.db.execute("SELECT k, v FROM search_index_config ORDER BY k").fetchall()


@pytest.mark.parametrize("own", [None, 8])
def test_into_an_empty_book_the_index_is_merged_once_and_its_settings_are_kept(store, own):
    # the import fills the index of an empty book without FTS5's merges on the
    # way (automerge 0), then merges it into one segment
    if own is not None:
        store.db.execute("INSERT INTO search_index (search_index, rank) "
                         "VALUES ('automerge', ?)", [own])
    before = fts_settings(store)
    assert (("automerge", own) in before) if own else all(k != "automerge" for k, _ in before)
    broken = book(actors=[actor(n, name=f"Ümit {n}") for n in range(1, 8)],
                  meetings=[{"uid": uid(20), "title": "Talks", "date": "2025-05-16",
                             "participants": [{"actor_uid": uid(99)}]}])
    with pytest.raises(ValidationError):
        store.import_sections(bookformat.parse_book(broken))
    assert fts_settings(store) == before and store.is_empty()
    broken["meetings"][0]["participants"] = [{"actor_uid": uid(2)}]
    store.import_sections(bookformat.parse_book(broken))
    assert fts_settings(store) == before
    segments = "SELECT count(DISTINCT segid) FROM search_index_idx"
    assert store.db.execute(segments).fetchone()[0] == 1
    assert store.check() == []
    assert [hit.title for hit in store.search("umit 2")] == ["Ümit 2", "Talks"]
    # into a book with records, the index is merged as FTS5 always does
    store.import_sections(bookformat.parse_book(book(actors=[actor(n) for n in range(8, 12)])))
    assert fts_settings(store) == before
    assert store.db.execute(segments).fetchone()[0] > 1


def test_the_summary_says_what_the_import_did_to_each_section(store):
    source, memo = {"uid": uid(40), "citation": "A source"}, {
        "uid": uid(50), "title": "Memo", "date": "2025-05-20"}
    first = book(actors=[actor(1), actor(2)], sources=[source])
    assert str(store.import_sections(bookformat.parse_book(first))) == (
        "2 actors added, 0 updated, 0 unchanged; 0 meetings added, 0 updated, 0 unchanged; "
        "0 recommendations added, 0 updated, 0 unchanged; "
        "1 source added, 0 updated, 0 unchanged")
    again = book(actors=[actor(1), actor(2, title="Minister")], memos=[memo],
                 sources=[source])
    assert str(store.import_sections(bookformat.parse_book(again))) == (
        "0 actors added, 1 updated, 1 unchanged; 0 meetings added, 0 updated, 0 unchanged; "
        "0 recommendations added, 0 updated, 0 unchanged; "
        "1 memo added, 0 updated, 0 unchanged; 0 sources added, 0 updated, 1 unchanged")
    # large counts are written as people read them
    assert str(importing.ImportSummary({"actors": 100000}, {"actors": 1}, {"actors": 2500})
               ).startswith("100,000 actors added, 1 updated, 2,500 unchanged; 0 meetings")
    # actors, meetings and recommendations are always named, even when none came
    assert str(store.import_sections(bookformat.parse_book(book(sources=[source])))) == (
        "0 actors added, 0 updated, 0 unchanged; 0 meetings added, 0 updated, 0 unchanged; "
        "0 recommendations added, 0 updated, 0 unchanged; "
        "0 sources added, 0 updated, 1 unchanged")


def test_an_imported_record_keeps_the_times_its_file_gives(store):
    made, changed = "2024-01-02T03:04:05Z", "2024-02-03T04:05:06Z"
    data = book(actors=[actor(1, created_at=made, updated_at=changed), actor(2)])
    store.import_sections(bookformat.parse_book(data))
    first = store.get("actor", store.id_for_uid("actor", uid(1)))
    assert (first.created_at, first.updated_at) == (made, changed)
    # a record whose file gives no times is stamped with the import's
    second = store.get("actor", store.id_for_uid("actor", uid(2)))
    assert second.created_at == second.updated_at > changed
    # and so when an import changes them
    later = "2024-03-04T05:06:07Z"
    data = book(actors=[actor(1, title="Minister", created_at=made, updated_at=later),
                        actor(2, title="Envoy")])
    assert store.import_sections(bookformat.parse_book(data)).updated == {"actors": 2}
    first = store.get("actor", store.id_for_uid("actor", uid(1)))
    assert (first.title, first.created_at, first.updated_at) == ("Minister", made, later)
    again = store.get("actor", store.id_for_uid("actor", uid(2)))
    assert again.title == "Envoy" and again.created_at == again.updated_at >= second.updated_at


def test_a_uid_another_kind_already_uses_refuses_the_import(store):
    store.import_sections(bookformat.parse_book(book(
        actors=[actor(1)], sources=[{"uid": uid(40), "citation": "A source"}])))
    # a new actor beside it: its uid clashes with nothing, the meeting's does
    data = book(actors=[actor(2)],
                meetings=[{"uid": uid(40), "title": "Talks", "date": "2025-05-16"}])
    with pytest.raises(ValidationError) as caught:
        store.import_sections(bookformat.parse_book(data))
    assert str(caught.value).endswith(
        f"uid: {uid(40)} is already used by source 'A source' (a uid names one record, "
        "whatever its kind)")
    assert store.id_for_uid("meeting", uid(40)) is None


def test_two_new_records_of_different_kinds_with_one_uid_are_refused(store):
    data = book(actors=[actor(1)],
                meetings=[{"uid": uid(1), "title": "Talks", "date": "2025-05-16"}])
    # records handed over one by one (a file read as a whole refuses them itself)
    records = [(section, bookformat.parse_book(book(**{section: data[section]}))[section][0])
               for section in ("actors", "meetings")]
    with pytest.raises(ValidationError) as caught:
        store.import_records(records)
    assert str(caught.value) == (
        f"actors: actor 'Actor 1': uid: {uid(1)} is already used by meeting 'Talks' "
        "(a uid names one record, whatever its kind)")
    assert store.is_empty()
