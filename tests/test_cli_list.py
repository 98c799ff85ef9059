"""`briefing list`: streamed rows, pages with --limit/--offset, JSON and tables."""

import json
import sys

import pytest
from conftest import both_backends

from desktopapp import books, cli
from desktopapp.domain import Actor
from desktopapp.store import BriefingStore

# `list` reads a book file and a team book alike
sample_db = both_backends("sample_path", "team_sample_url")


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_pages_with_limit_and_offset_cover_the_list_once(sample_db, capsys):
    code, out, _ = run(capsys, "list", "actors", "--json", "--db", sample_db)
    everything = json.loads(out)
    pages, offset = [], 0
    while True:
        code, out, _ = run(capsys, "list", "actors", "--json", "--limit", 5, "--offset", offset,
                           "--db", sample_db)
        assert code == 0
        page = json.loads(out)
        if not page:
            break
        assert len(page) <= 5
        pages += page
        offset += 5
    assert pages == everything
    with books.open_book(sample_db) as store:
        assert everything == store.list_summaries("actor")


def test_json_output_is_the_usual_layout(sample_db, capsys):
    _, out, _ = run(capsys, "list", "meetings", "--json", "--limit", 2, "--db", sample_db)
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"
    _, out, _ = run(capsys, "list", "meetings", "--json", "--limit", 0, "--db", sample_db)
    assert out == "[]\n"


def test_table_pages_and_rows_after_the_sample_keep_the_columns(store, book_path, capsys,
                                                                monkeypatch):
    monkeypatch.setattr(cli, "TABLE_SAMPLE", 2)  # the widths come from the first two rows
    with store.write():
        for name in ["Ann Short", "Bo Brief", "Cecilia Wilhelmina Longname-Extraordinaire"]:
            store.save(Actor(name=name, title="Envoy"))
    code, out, _ = run(capsys, "list", "actors", "--db", book_path)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4
    assert len({line.index("person") for line in lines[1:]}) == 1  # aligned
    assert "Cecilia …" in lines[3] and "Longname" not in out
    code, out, _ = run(capsys, "list", "actors", "--offset", 1, "--limit", 1, "--db", book_path)
    assert out.splitlines()[1].split()[1:3] == ["Bo", "Brief"]
    code, out, _ = run(capsys, "list", "actors", "--offset", 9, "--db", book_path)
    assert code == 0 and "No actors after the first 9." in out


def test_an_id_wider_than_the_first_rows_ids_is_printed_whole(store, book_path, capsys,
                                                              monkeypatch):
    monkeypatch.setattr(cli, "TABLE_SAMPLE", 2)  # widths from ids 1 and 2
    with store.write():
        for n in range(1, 102):
            store.save(Actor(name=f"Envoy {n:03}"))
    code, out, _ = run(capsys, "list", "actors", "--db", book_path)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[-3:]] == ["99", "100", "101"]


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "٣", "9" * 40 + "x"])
def test_bad_limits_are_usage_errors(sample_db, capsys, value):
    code, _, err = run(capsys, "list", "actors", "--limit", value, "--db", sample_db)
    assert code == 2 and err.startswith("error: argument --limit") and len(err.splitlines()) == 1


@pytest.mark.parametrize("mode", [["--json"], []])
def test_rows_are_printed_as_they_are_read(sample_path, capsys, monkeypatch, mode):
    pulled = []
    original = BriefingStore.iter_summaries

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            pulled.append(row["id"])
            yield row

    monkeypatch.setattr(BriefingStore, "iter_summaries", counting)
    monkeypatch.setattr(cli, "TABLE_SAMPLE", 3)
    seen_when_printed = {}

    class Watch:
        def write(self, text):
            for row_id in pulled:
                if f"{row_id}" in text and row_id not in seen_when_printed:
                    seen_when_printed[row_id] = len(pulled)
            return len(text)

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", Watch())
    assert cli.main(["list", "actors", *mode, "--db", str(sample_path)]) == 0
    assert len(pulled) > 20
    last = pulled[-1]
    # the last row was printed as soon as it was read, not after a full read
    assert seen_when_printed[last] == len(pulled)
    middle = pulled[10]
    assert seen_when_printed[middle] <= 12


def test_meeting_dates_show_as_approximate_as_they_are_known(tmp_path, capsys):
    """A year, a month or a period is not printed as a day that nobody gave."""
    path = tmp_path / "book.sqlite"
    book = {"format": "briefing-book", "version": 3, "actors": [], "recommendations": [],
            "sources": [], "meetings": [
                {"uid": "00000000-0000-4000-8000-000000000001", "title": "Round",
                 "date": "2021", "end_date": "2022"},
                {"uid": "00000000-0000-4000-8000-000000000002", "title": "Muscat",
                 "date": "2023-04"},
                {"uid": "00000000-0000-4000-8000-000000000003", "title": "Beijing",
                 "date": "2023-03-06", "end_date": "2023-03-10"},
                {"uid": "00000000-0000-4000-8000-000000000004", "title": "Istanbul",
                 "date": "2025-05-16"}]}
    source = tmp_path / "book.json"
    source.write_text(json.dumps(book), encoding="utf-8")
    assert run(capsys, "init", "--db", path)[0] == 0
    assert run(capsys, "import", source, "--db", path)[0] == 0
    code, out, _ = run(capsys, "list", "meetings", "--db", path)
    assert code == 0
    dates = {title: date for date, title in
             (line.split()[1:3] for line in out.splitlines()[1:])}
    assert dates == {"Round": "2021–2022", "Muscat": "2023-04",
                     "Beijing": "2023-03-06–10", "Istanbul": "2025-05-16"}, out
    code, out, _ = run(capsys, "list", "meetings", "--json", "--db", path)
    rows = {row["title"]: row for row in json.loads(out)}
    assert rows["Round"]["date"] == "2021-01-01"  # sorts as before
    assert (rows["Round"]["end_date"], rows["Round"]["date_precision"]) == (
        "2022-01-01", "year")
