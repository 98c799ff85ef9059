import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest
from conftest import REPO, both_backends, file_bytes

from desktopapp import bookformat, books, cli
from desktopapp.domain import Actor
from desktopapp.store import BriefingStore, exporting, opening


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# The commands on a book's contents run on a book file and on a team book
# (--db takes either); the tests of files (missing, foreign, read-only,
# locked, full disk, the user's own book) are about book files only.
sample_db = both_backends("sample_path", "team_sample_url")


def book_state(target):
    """What a test compares to see that a command left the book as it was."""
    if isinstance(target, str):  # a team book: its whole content, stamps and all
        with books.open_book(target) as store:
            return json.dumps(store.export_book(), sort_keys=True)
    return file_bytes(target)


def open_db(target):
    return books.open_book(target)


def test_init_creates_empty_and_sample_books(tmp_path, capsys):
    code, out, _ = run(capsys, "init", "--db", tmp_path / "empty.sqlite")
    assert code == 0 and "empty book" in out
    code, out, _ = run(capsys, "list", "actors", "--db", tmp_path / "empty.sqlite")
    assert code == 0 and "No actors" in out
    code, out, _ = run(capsys, "init", "--db", tmp_path / "s.sqlite", "--sample")
    assert code == 0
    code, out, _ = run(capsys, "list", "actors", "--db", tmp_path / "s.sqlite")
    assert "Владимир Мединский" in out and "Recep Tayyip Erdoğan" in out


def test_init_refuses_an_existing_file(tmp_path, capsys):
    path = tmp_path / "mine.txt"
    path.write_text("precious")
    code, _, err = run(capsys, "init", "--db", path)
    assert code == 1
    assert err.startswith("error: ") and "already exists" in err
    assert path.read_text() == "precious"


@pytest.mark.parametrize("kind, key", [("actors", "name"), ("meetings", "title"),
                                       ("recommendations", "title")])
def test_list_json_has_id_uid_and_name(sample_db, capsys, kind, key):
    code, out, _ = run(capsys, "list", kind, "--db", sample_db, "--json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert all({"id", "uid", key} <= set(row) for row in rows)


def test_show_text_and_json(sample_db, capsys):
    code, out, _ = run(capsys, "show", "meeting", 5, "--db", sample_db)
    assert code == 0
    assert "Russian–Ukrainian talks in Istanbul" in out
    assert out.index("Vladimir Medinsky — head of delegation") < out.index("Mikhail Galuzin")
    assert "[1] Anna Maria Dyner, Maria Piechowska" in out
    code, out, _ = run(capsys, "show", "actor", 14, "--db", sample_db, "--json")
    data = json.loads(out)
    assert data["id"] == 14 and data["name"] == "Vladimir Medinsky"
    assert data["native_name"] == "Владимир Мединский" and data["uid"]
    code, out, _ = run(capsys, "show", "recommendation", 1, "--db", sample_db)
    assert "European states" in out and "Rationale" in out


def test_search_json_lists_type_id_title_snippet(sample_db, capsys):
    code, out, _ = run(capsys, "search", "erdogan", "--db", sample_db, "--json")
    hits = json.loads(out)
    assert code == 0
    assert hits[0] == {"type": "actor", "id": 30, "title": "Recep Tayyip Erdoğan",
                       "uid": hits[0]["uid"], "snippet": hits[0]["snippet"]}
    assert len(hits[0]["uid"]) == 36
    assert "[Erdoğan]" in hits[0]["snippet"]
    code, out, _ = run(capsys, "search", '"-* ( ^', "--db", sample_db)
    assert code == 0 and "No matches." in out


def test_export_import_round_trip(sample_db, tmp_path, capsys):
    exported = tmp_path / "book.json"
    code, out, _ = run(capsys, "export", "--db", sample_db, "-o", exported)
    assert code == 0 and out.startswith("Exported 38 actors, ") and "1 memo," in out
    run(capsys, "init", "--db", tmp_path / "new.sqlite")
    code, out, _ = run(capsys, "import", exported, "--db", tmp_path / "new.sqlite")
    assert code == 0 and "38 actors added" in out
    again = tmp_path / "again.json"
    run(capsys, "export", "--db", tmp_path / "new.sqlite", "-o", again)
    assert again.read_bytes() == exported.read_bytes()


def test_backup_and_check(sample_db, tmp_path, capsys):
    code, out, _ = run(capsys, "backup", "--db", sample_db, "-o", tmp_path / "b.sqlite")
    assert code == 0
    code, out, _ = run(capsys, "check", "--db", tmp_path / "b.sqlite")
    assert code == 0 and out.strip().endswith(": ok")


def test_check_shows_how_far_it_is_on_a_terminal_and_nothing_in_a_pipe(sample_path):
    import pty

    command = [sys.executable, "-m", "desktopapp.cli", "check", "--db", str(sample_path)]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    controller, terminal = pty.openpty()
    on_terminal = subprocess.run(command, stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert on_terminal.returncode == 0 and on_terminal.stdout.strip().endswith(": ok")
    with BriefingStore.open(sample_path) as store:
        total = sum(store.count(kind) for kind in
                    ("actor", "meeting", "recommendation", "memo", "source"))
    text = shown.decode()
    assert f"checking: 0 of {total} records" in text
    # the line is cleared at the end: the terminal is left as it was
    assert text.endswith("\r") and text.rstrip("\r").endswith(" ")


def test_check_fails_on_a_damaged_book(sample_path, capsys):
    conn = sqlite3.connect(sample_path)
    conn.execute("DELETE FROM search_index WHERE rowid >> 40 = 2")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "check", "--db", sample_path)
    assert code == 1
    assert "search index" in out and err.startswith("error: ")


def test_without_db_uses_own_book_created_from_sample(capsys):
    assert not books.default_book_path().exists()
    code, out, _ = run(capsys, "list", "meetings")
    assert code == 0 and "Trump–Putin phone call" in out
    assert books.default_book_path().exists()


# --- error paths: one line, exit 1, nothing changed -------------------------------

def one_line_error(err):
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("argv, words", [
    (["show", "actor", "999"], "there is no actor with id 999"),
    (["show", "meeting", "999", "--json"], "there is no meeting with id 999"),
])
def test_unknown_id(sample_db, capsys, argv, words):
    code, out, err = run(capsys, *argv, "--db", sample_db)
    assert code == 1 and out == ""
    one_line_error(err)
    assert words in err


def test_missing_and_foreign_book_files(tmp_path, capsys):
    code, _, err = run(capsys, "list", "actors", "--db", tmp_path / "missing.sqlite")
    assert code == 1 and "no briefing book" in err
    one_line_error(err)
    foreign = tmp_path / "notes.sqlite"
    foreign.write_bytes(b"just some notes\n" * 20)
    code, _, err = run(capsys, "list", "actors", "--db", foreign)
    assert code == 1 and "not a briefing book" in err
    assert foreign.read_bytes() == b"just some notes\n" * 20
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.parametrize("content, words", [
    ("{broken", "is not valid JSON"),
    ('{"format": "other", "version": 1}', "not a briefing book"),
    ('{"format": "briefing-book", "version": 1, "actors": [{"uid": "x"}]}',
     "actors[1]: field 'uid' is not a record identifier"),
])
def test_malformed_import_leaves_book_unchanged(sample_db, tmp_path, capsys, content, words):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    before = book_state(sample_db)
    code, _, err = run(capsys, "import", bad, "--db", sample_db)
    assert code == 1 and words in err
    one_line_error(err)
    assert book_state(sample_db) == before


def test_unwritable_outputs_leave_nothing_behind(sample_db, tmp_path, capsys):
    code, _, err = run(capsys, "export", "--db", sample_db, "-o", tmp_path / "no" / "x.json")
    assert code == 1 and "does not exist" in err
    one_line_error(err)
    code, _, err = run(capsys, "export", "--db", sample_db, "-o", tmp_path)
    assert code == 1 and "is a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_existing_output_is_kept_when_export_fails(sample_path, tmp_path, capsys, monkeypatch):
    target = tmp_path / "book.json"
    target.write_text("previous good export")

    written = []

    def explode(store, kind):  # the disk fills up half-way through the records
        for record in records(store, kind):
            written.append(record)
            if len(written) > 5:
                raise OSError(28, "No space left on device")
            yield record

    records = exporting.iter_dicts  # what the export writes, record by record
    monkeypatch.setattr(exporting, "iter_dicts", explode)
    code, _, err = run(capsys, "export", "--db", sample_path, "-o", target)
    assert code == 1 and len(written) == 6
    assert target.read_text() == "previous good export"


def run_in_read_only_folder(folder, argv) -> subprocess.CompletedProcess:
    """The briefing command while ``folder`` cannot be written, even by root.

    Permissions do not stop root (CI runs as root), so as root the folder is
    bind-mounted read-only in a private mount namespace; otherwise mode 0500.
    """
    command = [sys.executable, "-m", "desktopapp.cli", *map(str, argv)]
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            folder.chmod(0o700)
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare(1): cannot make a folder read-only")
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" || exit 99; exec "$@"'
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), *command],
                          capture_output=True, text=True, timeout=120)
    if done.returncode == 99:
        pytest.skip(f"root, but no private read-only mount here: {done.stderr.strip()}")
    return done


@pytest.mark.parametrize("argv", [["backup"], ["export"], ["card", "meeting", "5"]])
def test_read_only_folder_is_a_clear_error_and_stays_empty(sample_path, tmp_path, argv):
    folder = tmp_path / "read-only"
    folder.mkdir()
    # a backup's name says what it is (.sqlite: a book file)
    target = folder / ("out.sqlite" if argv == ["backup"] else "out")
    done = run_in_read_only_folder(folder, [*argv, "--db", sample_path, "-o", target])
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: cannot write {target}: ")
    one_line_error(done.stderr)
    assert list(folder.iterdir()) == []


def run_with_a_full_disk(argv, free_bytes: int) -> subprocess.CompletedProcess:
    """The briefing command in a process that cannot write any file past ``free_bytes``:
    the disk fills up in the middle of a write (RLIMIT_FSIZE: the write fails, EFBIG)."""
    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (free_bytes, free_bytes))

    return subprocess.run([sys.executable, "-m", "desktopapp.cli", *map(str, argv)],
                          preexec_fn=limit_file_size, capture_output=True, text=True,
                          timeout=120)


def test_existing_export_is_kept_when_the_disk_fills_during_the_write(sample_path, tmp_path):
    with BriefingStore.open(sample_path) as store:  # an export of about 1 MB
        for i in range(20):
            store.save(Actor(name=f"Verbose {i}", biography=("Word " * 9000).strip()))
    target = tmp_path / "out" / "previous"
    target.parent.mkdir()
    target.write_text("previous good output")
    done = run_with_a_full_disk(["export", "--db", sample_path, "-o", target], 300_000)
    assert done.returncode == 1
    assert target.read_text() == "previous good output"
    assert [p.name for p in target.parent.iterdir()] == ["previous"]  # no partial file
    assert done.stderr.startswith(f"error: cannot write {target}") and "large" in done.stderr
    # with room on the disk the same command succeeds: the full disk is what failed it
    assert run_with_a_full_disk(["export", "--db", sample_path, "-o", target],
                                50_000_000).returncode == 0
    assert target.stat().st_size > 300_000


def test_locked_book_is_a_clear_error(sample_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(opening, "BUSY_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(opening, "WRITE_WAIT_SECONDS", 1.0)
    exported = tmp_path / "book.json"
    run(capsys, "export", "--db", sample_path, "-o", exported)
    holder = sqlite3.connect(sample_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "import", exported, "--db", sample_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    waiting, error = err.splitlines()
    assert waiting.startswith("waiting for another program that is writing the book")
    assert code == 1 and error.startswith("error: busy: another program")
    one_line_error(error + "\n")


@pytest.mark.parametrize("argv", [
    [], ["list"], ["list", "widgets"], ["show", "actor", "abc"], ["show", "actor", "0"],
    ["frobnicate"], ["init"], ["export", "--db", "x.sqlite"],
])
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    one_line_error(err)


def test_unexpected_bug_is_logged_not_shown(sample_path, capsys, monkeypatch):
    def broken(*_):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli, "cmd_list", broken)
    monkeypatch.setitem(cli.COMMANDS, "list", broken)
    code, _, err = run(capsys, "list", "actors", "--db", sample_path)
    assert code == 1
    one_line_error(err)
    assert "unexpected internal error (ZeroDivisionError: boom)" in err
    log = books.log_dir() / "briefing.log"
    assert "Traceback" in log.read_text()


def readme_command_rows() -> dict[str, str]:
    """Command name -> the first cell of its row in the README's command table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        if match := re.match(r"\| (`briefing ([a-z]+).*?) \| ", line):
            assert match[2] not in rows, f"two README rows for 'briefing {match[2]}'"
            rows[match[2]] = match[1].replace("\\|", "|")
    return rows


def test_the_parser_built_for_the_command_typed_parses_and_helps_as_the_whole_one():
    whole = cli.build_parser()
    commands = next(a for a in whole._actions if a.dest == "command").choices
    for name, sub in commands.items():
        alone = next(a for a in cli.build_parser(name)._actions if a.dest == "command").choices
        assert list(alone) == [name]
        assert alone[name].format_help() == sub.format_help()
    argv = ["card", "meeting", "5", "--db", "b.sqlite", "-o", "c.pdf", "--page-size", "a5"]
    assert cli.build_parser("card").parse_args(argv) == whole.parse_args(argv)
    # a first word that names no command: the whole parser, which lists them all
    assert cli.build_parser("cards").format_help() == whole.format_help()
    assert cli.build_parser("--help").format_help() == whole.format_help()


def test_every_command_has_help_and_its_row_in_the_readme(capsys):
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    rows = readme_command_rows()
    assert set(rows) == set(subparsers.choices)
    for name, sub in subparsers.choices.items():
        assert sub.description, name
        usage = rows[name]
        # every option --help lists is in the row, and the row lists no other
        # (--db and --help are common to all commands, said once above the table)
        actions = [a for a in sub._actions
                   if a.option_strings and a.dest not in ("help", "db")]
        shown = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage)) - {"--db"}
        for action in actions:
            assert shown & set(action.option_strings), f"{name}: {action.option_strings[-1]}"
        known = {o for a in actions for o in a.option_strings}
        assert shown <= known, f"{name}: the README shows {sorted(shown - known)}"
        for action in sub._actions:  # positional choices, e.g. {actor,meeting,recommendation}
            if not action.option_strings and action.choices:
                groups = [set(g.split(",")) for g in re.findall(r"\{([^}]*)\}", usage)]
                groups += [{word} for word in usage.split()]
                assert set(action.choices) in groups, (name, sorted(action.choices))
        with pytest.raises(SystemExit) as done:
            cli.main([name, "--help"])
        assert done.value.code == 0
        assert "usage: briefing" in capsys.readouterr().out


def test_ci_runs_the_readme_test_command_as_written():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("Install and run the tests", 1)[1].split("```sh\n", 1)[1]
    command = block.split("\n```", 1)[0].strip()
    assert ".[test]" in command and "pytest" in command
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_readme_shows_the_json_format_version_the_program_writes():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.search(r'\{"format": "briefing-book", "version": (\d+),', readme)
    assert shown and int(shown[1]) == bookformat.FORMAT_VERSION


def test_console_script_runs_end_to_end(sample_path):
    """The real entry point, in a subprocess: output encoding, exit codes."""
    command = [sys.executable, "-m", "desktopapp.cli"]
    done = subprocess.run([*command, "search", "Мединский", "--db", str(sample_path)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0 and "Vladimir Medinsky" in done.stdout
    done = subprocess.run([*command, "show", "actor", "999", "--db", str(sample_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == "error: there is no actor with id 999\n"


# --- PDF commands ---------------------------------------------------------------

def pdf_pages(path):
    from pypdf import PdfReader
    return len(PdfReader(path).pages)


@pytest.mark.parametrize("kind, record_id", [("actor", 14), ("meeting", 5),
                                             ("recommendation", 1)])
@pytest.mark.parametrize("size", ["a4", "letter", "a5"])
def test_card_command_writes_one_page(sample_db, tmp_path, capsys, kind, record_id, size):
    out = tmp_path / "card.pdf"
    code, stdout, err = run(capsys, "card", kind, record_id, "--db", sample_db, "-o", out,
                            "--page-size", size)
    assert code == 0, err
    assert "(1 page)" in stdout
    assert pdf_pages(out) == 1


def test_handout_and_memo_commands(sample_db, tmp_path, capsys):
    code, stdout, _ = run(capsys, "handout", "meeting", 5, "--db", sample_db,
                          "-o", tmp_path / "h.pdf")
    assert code == 0 and pdf_pages(tmp_path / "h.pdf") == 10
    code, stdout, _ = run(capsys, "handout", "meeting", 5, "--db", sample_db,
                          "-o", tmp_path / "h2.pdf", "--two-up")
    assert code == 0 and pdf_pages(tmp_path / "h2.pdf") == 5
    code, stdout, _ = run(capsys, "memo", 1, "--db", sample_db, "-o", tmp_path / "m.pdf")
    assert code == 0 and pdf_pages(tmp_path / "m.pdf") >= 2
    code, stdout, _ = run(capsys, "memo", "--meeting", 5, "--meeting", 6, "--db", sample_db,
                          "-o", tmp_path / "m2.pdf")
    assert code == 0 and pdf_pages(tmp_path / "m2.pdf") >= 1
    code, out, _ = run(capsys, "list", "memos", "--db", sample_db, "--json")
    assert json.loads(out)[0]["title"] == (
        "After Istanbul: no breakthrough, and Russia keeps its demands")
    code, out, _ = run(capsys, "show", "memo", 1, "--db", sample_db)
    assert "The Talks on 16 May" in out


def test_card_warns_about_unprintable_characters(sample_db, tmp_path, capsys, monkeypatch):
    from desktopapp.domain import Actor
    from desktopapp.pdf import fonts
    monkeypatch.setattr(fonts, "_fallbacks", lambda: ())
    monkeypatch.setattr(fonts, "_system_files_for", lambda code: [])
    with open_db(sample_db) as store:
        actor = store.save(Actor(name="Xi Jinping", native_name="习近平 \ue123"))
    code, _, err = run(capsys, "card", "actor", actor.id, "--db", sample_db,
                       "-o", tmp_path / "x.pdf")
    assert code == 0
    assert err.startswith("warning: ") and "U+E123" in err and "习" not in err


@pytest.mark.parametrize("argv, words, status", [
    (["card", "actor", "999"], "there is no actor with id 999", 1),
    (["handout", "meeting", "999"], "there is no meeting with id 999", 1),
    (["memo", "999"], "there is no memo with id 999", 1),
    (["memo"], "give either a memo id or --meeting", 2),
    (["memo", "1", "--meeting", "5"], "give either a memo id or --meeting", 2),
    (["card", "actor", "14", "--page-size", "a3"], "invalid choice: 'a3'", 2),
])
def test_pdf_command_errors(sample_db, tmp_path, capsys, argv, words, status):
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, *argv, "--db", sample_db, "-o", out)
    assert code == status and words in err
    one_line_error(err)
    assert not out.exists()


def test_pdf_to_unwritable_place_leaves_nothing(sample_db, tmp_path, capsys):
    code, _, err = run(capsys, "card", "actor", 14, "--db", sample_db,
                       "-o", tmp_path / "missing" / "x.pdf")
    assert code == 1 and "does not exist" in err
    one_line_error(err)


def test_settings_show_change_and_refuse(sample_db, capsys, tmp_path):
    code, out, _ = run(capsys, "settings", "--db", sample_db, "--classification",
                       "RESTRICTED", "--page-size", "letter", "--json")
    assert code == 0
    assert json.loads(out) == {"organisation": "Briefing Desk — sample book",
                               "classification": "RESTRICTED", "page_size": "letter",
                               "author": "Sample Analyst", "version": 2}  # 1: the sample's import
    run(capsys, "card", "actor", 14, "--db", sample_db, "-o", tmp_path / "c.pdf")
    from pypdf import PdfReader
    page = PdfReader(tmp_path / "c.pdf").pages[0]
    assert round(float(page.mediabox.width)) == 612  # US Letter, from the settings
    assert "RESTRICTED" in page.extract_text()
    code, _, err = run(capsys, "settings", "--db", sample_db, "--classification", "X" * 41)
    assert code == 1 and "classification" in err and "too long" in err
    one_line_error(err)


def test_init_works_where_hard_links_are_not_supported(tmp_path, capsys, monkeypatch):
    import errno
    import os

    def no_links(*_):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    code, _, err = run(capsys, "init", "--db", tmp_path / "fat.sqlite", "--sample")
    assert code == 0, err
    code, out, _ = run(capsys, "check", "--db", tmp_path / "fat.sqlite")
    assert code == 0 and not list(tmp_path.glob(".*creating*"))


def test_list_columns_align_by_display_width(sample_db, capsys):
    """Chinese characters take two cells, combining marks none: the columns still line up."""
    from desktopapp.cli import display_width
    from desktopapp.domain import Actor
    with open_db(sample_db) as store:
        store.save(Actor(name="Wang Yi", native_name="中央外事工作委员会办公室", title="Director"))
        store.save(Actor(name="Nguyễn", native_name="Nguye\u0302\u0303n", title="Minister"))
        store.save(Actor(name="Ali Shamkhani", native_name="علی شمخانی", title="Secretary"))
    code, out, _ = run(capsys, "list", "actors", "--db", sample_db)
    assert code == 0
    assert display_width("中文") == 4 and display_width("e\u0302") == 1
    lines = out.splitlines()
    header = lines[0]
    kind_column = display_width(header[:header.index("KIND")])
    for line in lines[1:]:
        for kind in ("person", "state", "organisation", "group"):
            if f"  {kind}  " in line or line.rstrip().endswith(f"  {kind}"):
                start = line.index(f"  {kind}") + 2
                assert display_width(line[:start]) == kind_column, line
                break
