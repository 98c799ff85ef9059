"""A hostile reviewer's second pass: rescuing an altered book, wording of number errors,
one record per line, file names that are not UTF-8, the search index after a repair,
and outputs that would replace a backup made under any name."""

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_hostile import fingerprint

from desktopapp import cli
from desktopapp.store import BriefingStore, opening


def run(capsys, *argv):
    code = cli.main([str(a) if not isinstance(a, str) else a for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _plant(book, sql):
    conn = sqlite3.connect(book)
    conn.executescript(sql)
    conn.close()


ALTERED = ("ALTER TABLE actors ADD COLUMN loot TEXT; CREATE TRIGGER steal AFTER INSERT ON "
           "actors BEGIN UPDATE actors SET name = 'PWNED'; END;")


def test_a_book_with_an_altered_table_can_be_exported_and_backed_up(tmp_path, sample_path,
                                                                     capsys):
    _plant(sample_path, ALTERED)
    before = fingerprint(sample_path)
    code, _, err = run(capsys, "list", "actors", "--db", sample_path)
    assert code == 1
    # the advice leads out: not to repair (which refuses a changed table), but to export
    assert "briefing export" in err and "briefing repair" not in err
    code, _, err = run(capsys, "repair", "--db", sample_path)
    assert code == 1 and "briefing export" in err
    code, out, err = run(capsys, "export", "--db", sample_path, "-o", tmp_path / "rescued.json")
    assert code == 0, err
    code, out, err = run(capsys, "backup", "--db", sample_path, "-o", tmp_path / "copy.sqlite")
    assert code == 0, err
    assert fingerprint(sample_path) == before  # only read: no -wal, no -shm, same bytes
    # the advice works: a new book takes the records
    new = tmp_path / "new.sqlite"
    assert run(capsys, "init", "--db", new)[0] == 0
    code, out, err = run(capsys, "import", tmp_path / "rescued.json", "--db", new)
    assert code == 0, err
    with BriefingStore.open(new) as store:
        names = {row["name"] for row in store.list_summaries("actor")}
    assert "Vladimir Medinsky" in names and "PWNED" not in names
    assert len(json.loads((tmp_path / "rescued.json").read_text())["actors"]) == len(names)


def test_rescue_reading_does_not_open_the_book_for_changes(tmp_path, sample_path, capsys):
    _plant(sample_path, ALTERED)
    with BriefingStore.open(sample_path, rescue=True) as store:
        assert store.read_only and "did not create" in store.read_only_reason
    code, _, err = run(capsys, "import", tmp_path / "none.json", "--db", sample_path)
    assert code == 1 and "did not create" in err


@pytest.mark.parametrize(("argv", "words"), [
    (["search", "x", "--limit", "0"], "'0' is not a number of hits (a whole number, 1 or more"),
    (["list", "actors", "--limit", "-3"],
     "'-3' is not a number of rows (a whole number, 0 or more"),
    (["settings", "--author", "A", "--expect-version", "0"],
     "'0' is not a settings version (versions start at 1)"),
    (["show", "actor", "0"], "'0' is not a record id (ids start at 1)"),
])
def test_number_errors_name_what_the_number_is(sample_path, capsys, argv, words):
    code, _, err = run(capsys, *argv, "--db", sample_path)
    assert code == 2 and words in err and len(err.splitlines()) == 1
    if "record id" not in words:
        assert "record id" not in err


@pytest.mark.parametrize("command", [["list", "actors"], ["search", "medinsky"]])
@pytest.mark.parametrize("limit", [2**63 - 1, 2**63, 2**70, "9" * 5000])
def test_list_and_search_treat_a_limit_past_sqlites_largest_integer_alike(sample_path, capsys,
                                                                           command, limit):
    """"At most N" of any size means all rows, in list as in search."""
    code, out, err = run(capsys, *command, "--limit", str(limit), "--db", sample_path)
    assert code == 0, err
    assert "Vladimir Medinsky" in out


def test_list_limit_zero_prints_no_claim_that_the_book_is_empty(sample_path, capsys):
    code, out, _ = run(capsys, "list", "actors", "--limit", "0", "--db", sample_path)
    assert code == 0 and out == ""


def test_a_line_break_in_a_name_prints_one_record_per_line(sample_path, capsys):
    _plant(sample_path, "UPDATE actors SET name = 'Vladimir' || char(10) || 'Medinsky', "
                        "title = 'Aide' || char(13) || char(10) || 'to Putin' WHERE id = 14;"
                        "UPDATE meetings SET title = 'Istanbul' || char(10) || 'talks' "
                        "WHERE id = 5")
    code, out, _ = run(capsys, "list", "actors", "--db", sample_path)
    assert code == 0
    line = next(line for line in out.splitlines() if "Vladimir" in line)
    assert "Medinsky" in line and "to Putin" in line
    assert not any(line.startswith("Medinsky") for line in out.splitlines())
    code, out, _ = run(capsys, "show", "actor", "14", "--db", sample_path)
    assert out.splitlines()[0] == "Vladimir Medinsky"
    assert "Aide to Putin" in out
    assert "Istanbul talks" in out  # the meetings the actor took part in
    code, out, _ = run(capsys, "show", "meeting", "5", "--db", sample_path)
    assert out.splitlines()[0].startswith("Istanbul talks")


def test_a_file_name_that_is_not_utf8_is_shown_by_its_bytes(sample_path, capsys, tmp_path):
    target = os.fsdecode(bytes(tmp_path) + b"/x\xff.json")
    code, out, err = run(capsys, "export", "--db", sample_path, "-o", target)
    assert code == 0, err
    assert "x\\xff.json" in out and "\\udcff" not in out
    assert os.path.exists(os.fsencode(target))


def test_repair_re_creates_a_search_index_a_planted_trigger_emptied(sample_path, capsys):
    _plant(sample_path, "CREATE TRIGGER zap AFTER UPDATE ON actors BEGIN "
                        "DELETE FROM search_index; END; UPDATE actors SET title = title")
    code, out, _ = run(capsys, "check", "--db", sample_path)
    assert code == 1 and "search index: 0 actor entries" in out
    assert "'briefing repair' re-creates it" in out
    code, out, err = run(capsys, "repair", "--db", sample_path)
    assert code == 0, err
    assert "removed trigger 'zap'" in out
    assert "re-created the search index from the 50 records" in out
    code, out, err = run(capsys, "check", "--db", sample_path)
    assert code == 0, out + err
    code, out, _ = run(capsys, "search", "medinsky", "--db", sample_path)
    assert "Vladimir Medinsky" in out


def test_repair_re_creates_an_index_that_only_lost_entries(sample_path, capsys):
    """No planted object left, but the search index misses rows: repair still mends it."""
    _plant(sample_path, "DELETE FROM search_index WHERE rowid IN "
                        "(SELECT rowid FROM search_index LIMIT 3)")
    code, out, _ = run(capsys, "repair", "--db", sample_path)
    assert code == 0 and "re-created the search index" in out
    code, out, _ = run(capsys, "repair", "--db", sample_path)
    assert "nothing to repair" in out and "search index matches" in out


@pytest.mark.parametrize("command", [
    ["export", "-o"], ["card", "actor", "14", "-o"], ["memo", "1", "-o"],
    ["handout", "meeting", "5", "-o"]])
def test_no_output_replaces_a_backup_of_any_name(sample_path, capsys, tmp_path, command):
    elsewhere = tmp_path / "backups"
    elsewhere.mkdir()
    backup = elsewhere / "before-the-trip.sqlite"
    assert run(capsys, "backup", "--db", sample_path, "-o", backup)[0] == 0
    before = backup.read_bytes()
    code, _, err = run(capsys, *command, backup, "--db", sample_path)
    assert code == 1 and "it is a briefing book" in err
    assert backup.read_bytes() == before
    # a new backup may replace an old one: that is what backups are for
    code, _, err = run(capsys, "backup", "--db", sample_path, "-o", backup)
    assert code == 0, err


def _no_file_growth():
    """In the child: writing past 0 bytes fails (EFBIG) as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_a_failed_open_on_a_full_disk_leaves_no_wal_or_shm_behind(sample_path):
    before = fingerprint(sample_path)
    assert before["-wal"] is None and before["-shm"] is None
    done = subprocess.run([sys.executable, "-m", "desktopapp.cli", "list", "actors", "--db",
                           str(sample_path)], capture_output=True, text=True,
                          preexec_fn=_no_file_growth, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith("error: ")
    assert len(done.stderr.splitlines()) == 1
    assert fingerprint(sample_path) == before  # no 0-byte -wal, no 3-byte -shm


def test_sidecars_another_program_uses_are_left_alone(sample_path):
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         "c.execute('SELECT count(*) FROM actors').fetchone(); print('ready', flush=True); "
         "sys.stdin.readline()", str(sample_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        opening._remove_unused_sidecars(sample_path, ["-wal", "-shm"])
        assert Path(f"{sample_path}-shm").exists() and Path(f"{sample_path}-wal").exists()
    finally:
        reader.communicate("\n", timeout=60)
