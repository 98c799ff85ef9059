"""The store's progress reports and Cancel (store/progress.py), on both backends: what the
window's Import JSON, Export JSON and Backup show, and what stopping them leaves."""

from __future__ import annotations

import functools
import io

import pytest
from conftest import both_backends

from desktopapp import bench
from desktopapp.errors import OperationCancelledError
from desktopapp.store import BriefingStore, import_reader, maintenance, progress

book_store = both_backends("store", "team_store")
sample_book = both_backends("sample_store", "team_sample")


@pytest.fixture(scope="module")
def synthetic_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.json"
    bench.write_synthetic_book(path, 300, 60, 30)  # 391 records
    return path


@pytest.fixture(autouse=True)
def often(monkeypatch):
    monkeypatch.setattr(progress, "EVERY_RECORDS", 50)


def exported(store) -> str:
    out = io.StringIO()
    store.export_to(out)
    return out.getvalue()


def stop_at(done: int, seen: list):
    """A progress function that keeps what it hears and says stop once ``done`` records
    are done."""
    def hear(report):
        seen.append(report)
        return report.done < done
    return hear


def test_an_import_reports_records_and_bytes_then_its_finishing_steps(book_store,
                                                                      synthetic_json):
    seen = []
    book_store.import_file(synthetic_json, progress=lambda r: seen.append(r) or True)
    reading = [r for r in seen if r.stage == "reading"]
    size = synthetic_json.stat().st_size
    assert [r.done for r in reading] == list(range(0, 391, 50))
    assert all(r.total is None and r.bytes_total == size for r in reading)
    assert reading[-1].bytes_done == size  # read to the end (the file is below 1 MB)
    finishing = [r for r in seen if r.stage == "finishing"]
    assert finishing and all(r.done == r.total == 391 for r in finishing)
    assert [r.stage for r in seen] == ["reading"] * len(reading) + ["finishing"] * len(finishing)
    assert book_store.count("actor") == 300


@pytest.mark.parametrize("at", [150, 391])  # while reading; after the last record
def test_an_import_stopped_leaves_the_book_as_it_was(sample_book, synthetic_json, at):
    before = exported(sample_book)
    seen = []
    with pytest.raises(OperationCancelledError,
                       match="^the import was cancelled; nothing was imported$"):
        sample_book.import_file(synthetic_json, progress=stop_at(at, seen))
    assert seen[-1].done == at and seen[-1].stage == ("reading" if at < 391 else "finishing")
    assert exported(sample_book) == before
    sample_book.import_file(synthetic_json)  # nothing left behind in the way of the next
    assert sample_book.count("actor") == 338


def test_an_import_read_by_a_second_process_reports_its_bytes_and_stops(
        store, synthetic_json, monkeypatch):
    monkeypatch.setattr(import_reader, "PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(import_reader, "RECORDS_PER_MESSAGE", 100)
    seen = []
    with pytest.raises(OperationCancelledError):
        store.import_file(synthetic_json, progress=stop_at(200, seen))
    assert store.is_empty()
    assert seen[-1].bytes_total == synthetic_json.stat().st_size
    store.import_file(synthetic_json, progress=lambda r: seen.append(r) or True)
    assert seen[-1].bytes_done == synthetic_json.stat().st_size
    assert store.count("actor") == 300


def test_without_a_progress_function_nothing_is_reported(store, synthetic_json):
    store.import_file(synthetic_json)
    assert store.count("actor") == 300


def test_an_export_counts_records_of_the_total_and_stops(sample_book, tmp_path):
    seen = []
    sample_book.export_to(io.StringIO(), progress=lambda r: seen.append(r) or True)
    total = sum(sample_book.count(kind) for kind in
                ("actor", "meeting", "recommendation", "memo", "source"))
    assert {r.stage for r in seen} == {"exporting"} and {r.total for r in seen} == {total}
    assert seen[0].done == 0 and seen[-1].done <= total
    with pytest.raises(OperationCancelledError, match="^the export was cancelled$"):
        sample_book.export_to(io.StringIO(), progress=stop_at(1, []))


@pytest.mark.parametrize("name", ["copy.sqlite", "copy.json"])
def test_a_backup_stopped_writes_nothing_and_leaves_an_older_one(sample_book, tmp_path,
                                                                 monkeypatch, name):
    monkeypatch.setattr(maintenance, "BACKUP_STEP_PAGES", 8)
    target = tmp_path / "backups" / name
    target.parent.mkdir()
    target.write_bytes(b"an older backup")
    seen = []
    with pytest.raises(OperationCancelledError):
        sample_book.backup(target, progress=stop_at(1, seen))
    assert target.read_bytes() == b"an older backup"
    assert sorted(p.name for p in target.parent.iterdir()) == [name]
    assert seen[-1].done >= 1 and seen[-1].unit == (
        "pages" if name.endswith(".sqlite") and isinstance(sample_book, BriefingStore)
        else "records")
    seen = []
    sample_book.backup(target, progress=lambda r: seen.append(r) or True)
    if name.endswith(".json"):
        assert target.read_text(encoding="utf-8") == exported(sample_book)
    else:
        with BriefingStore.open(target) as copy:
            assert exported(copy) == exported(sample_book)
    assert seen and seen[-1].done > 0


def test_another_thread_gets_the_book_to_itself(book_store, synthetic_json):
    import threading

    results = []

    def work():
        with book_store.for_this_thread() as store:
            results.append(store.import_file(synthetic_json))
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert results and book_store.count("actor") == 300
    assert book_store.count("meeting") == 60  # the window's own connection sees it


def test_an_import_stopped_at_its_last_step_is_still_undone(store, tmp_path, synthetic_json):
    """The search index's last merge, after every record: a Cancel then still undoes it."""
    from desktopapp import books

    steps = []
    other = tmp_path / "other.sqlite"
    books.create_book(other)
    with BriefingStore.open(other) as twin:  # the same import, to count its steps
        twin.import_file(synthetic_json, progress=lambda r: steps.append(r.stage) or True)
    last = len(steps)
    heard = []

    merging = []

    def stop_at_the_last(report):
        heard.append(report)
        if len(heard) == last:  # the import's own setting for its merges is undone by now
            merging.extend(store.db.execute(
                "SELECT v FROM search_index_config WHERE k = 'automerge'").fetchall())
        return len(heard) < last
    with pytest.raises(OperationCancelledError):
        store.import_file(synthetic_json, progress=stop_at_the_last)
    assert len(heard) == last and heard[-1].stage == "finishing"
    assert merging == []  # the last report came after the last step
    assert store.is_empty()


def test_a_check_counts_the_records_it_has_checked(sample_store, monkeypatch):
    # chunks of seven records: the sample's records make many reports
    monkeypatch.setattr(maintenance, "check_records",
                        functools.partial(maintenance.check_records, chunk=7))
    seen = []
    assert sample_store.check(progress=lambda r: seen.append(r) or True) == []
    total = sum(sample_store.count(kind) for kind in
                ("actor", "meeting", "recommendation", "memo", "source"))
    assert {(r.stage, r.total) for r in seen} == {("checking", total)}
    done = [r.done for r in seen]
    assert done[0] == 0 and done == sorted(done) and 0 < done[-1] < total
    assert len(done) > total // 7
