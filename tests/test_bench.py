"""The benchmark's own parts (figures are printed by `python -m desktopapp.bench`, not tested)."""

import json
import random
import subprocess
from pathlib import Path

import pytest

from desktopapp import bench
from desktopapp.store import BriefingStore


def test_streamed_synthetic_book_is_the_document_and_imports(tmp_path):
    path = tmp_path / "synthetic.json"
    bench.write_synthetic_book(path, 70, 14, 7)
    assert json.loads(path.read_text(encoding="utf-8")) == bench.synthetic_book(70, 14, 7)
    with BriefingStore.open(tmp_path / "b.sqlite", create=True) as store:
        summary = store.import_file(path)
        assert summary.added == {"sources": 1, "actors": 70, "meetings": 14,
                                 "recommendations": 7}
        # native-script names are in the book, so the query mix finds them
        assert store.search("王毅")[0].title.startswith("Wang Yi")
        assert store.search("عراقچی")[0].title.startswith("Abbas Araghchi")


def test_query_mix_has_the_hard_cases():
    queries = bench.query_mix(random.Random(7))
    assert any(len(q) == 1 for q in queries) and any(len(q) == 2 for q in queries)
    assert any(" " in q and len(q.split()) >= 3 for q in queries)
    assert "zzqx nothing" in queries
    assert any(not q.isascii() for q in queries)


def test_figures_percentiles():
    figures = bench.Figures()
    figures.extend("x", range(1, 101))
    assert figures.stats(figures.rows["x"][1]) == {"n": 100, "p50": 50.5, "p95": 95, "max": 100}
    assert "x" in figures.table() and figures.as_json()["results"]["x"]["max"] == 100


def test_the_json_names_the_code_measured_and_the_load_at_both_ends(tmp_path, monkeypatch):
    described = bench.Figures().as_json()
    assert len(described["machine"]["load_average_at_start"]) == 3
    assert len(described["machine"]["load_average"]) == 3
    # this checkout: its commit (and whether it has changes)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=Path(bench.__file__).parents[1])
    if head.returncode == 0:
        assert described["code"].split(" + ")[0] == head.stdout.strip()
    # no git where the program is installed: the package's version
    monkeypatch.setenv("PATH", str(tmp_path))
    assert bench.code_version().startswith("briefing-desk ")


def test_a_measured_command_reports_its_own_cpu_time_and_peak_memory(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    wall, peak, cpu, _ = bench.run_measured(bench._cli("init", "--db", tmp_path / "b.sqlite"),
                                            home)
    assert (tmp_path / "b.sqlite").exists()
    assert 0 < cpu and 0 < wall and peak > 10  # a Python process holds more than 10 MiB


def test_team_bench_needs_a_database_and_says_so(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--backend", "postgresql"])
    assert "--db postgresql://" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--db", "postgresql://u@h/d", "--suite", "cards"])
    assert "--backend postgresql" in capsys.readouterr().err


def test_team_bench_runs_through_the_bench_command(team_book_url, tmp_path, monkeypatch,
                                                   capsys):
    from desktopapp import bench_team

    monkeypatch.setitem(bench.SCALES, "10k", 60)  # the smallest scale, made tiny
    out = tmp_path / "team.json"
    assert bench.main(["--backend", "postgresql", "--db", team_book_url, "--scale", "10k",
                       "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    for measure in ("import (whole book)", "open + first 200 actors", "save an actor",
                    "search (query mix, 50 hits)", "a save seen by a listener"):
        assert measure in printed and results[measure]["n"] >= 1
    assert "load average before the import" in printed
    with pytest.raises(SystemExit, match="not empty"):  # a second run finds the book full
        bench_team.run(team_book_url, 60, 1)


def test_window_suite_times_the_window_with_its_card_and_counts_pages(tmp_path, sample_path):
    home = tmp_path / "home"
    home.mkdir()
    figures = bench.Figures()
    bench.gui_suite(sample_path, figures, home)
    assert figures.stats(figures.rows["window: CPU time to first paint (user + system)"][1])[
        "n"] == 3
    # one first page, then one page per filter text typed: nothing queried twice
    pages = figures.rows["window: list pages queried (first page + filters)"][1]
    assert pages == [1 + figures.facts["window: filter texts typed"]] * 3


def test_the_import_is_timed_as_often_as_asked_each_time_into_a_new_book(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(bench.SCALES, "10k", 60)  # the smallest scale, made tiny
    monkeypatch.setattr(bench, "reference_loop_seconds", lambda: 1.25)
    kept, out = tmp_path / "kept", tmp_path / "figures.json"
    assert bench.main(["--suite", "book", "--scale", "10k", "--imports", "3",
                       "--keep", str(kept), "--json", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert results["import (briefing import)"]["n"] == 3
    assert results["machine: reference Python loop, CPU (before each import)"]["p50"] == 1.25
    # the first book is kept for the suite; the others are gone
    assert not list(kept.glob("synthetic-again*"))
    with BriefingStore.open(kept / "synthetic.sqlite") as store:
        assert store.count("actor") == 60
    for wrong in ("0", "many", "101"):
        with pytest.raises(SystemExit):
            bench.main(["--imports", wrong])
        assert "--imports" in capsys.readouterr().err


def test_the_reference_loop_takes_cpu_time():
    assert 0 < bench.reference_loop_seconds() < 60
