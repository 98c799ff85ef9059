"""File > Import JSON, Export JSON and Backup in the window, driven as a user: they run on a
worker thread behind a progress dialog with Cancel, and Cancel undoes them.

The store is paced by the test, not by the clock: after its first report of work done
it waits (``paced``) until the test has looked at the dialog (and maybe clicked Cancel),
so nothing depends on how fast the machine is.
"""

from __future__ import annotations

import io
import json
import re
import threading

import pytest
from gui_user import back_to, click_button, menu_command, modal, open_window, wait_for_preview
from PySide6.QtWidgets import QApplication, QFileDialog

from desktopapp import bench
from desktopapp.gui.book_jobs import JobDialog
from desktopapp.gui.main_window import OPEN_WINDOWS
from desktopapp.store import BriefingStore, import_reader, maintenance, progress


@pytest.fixture(scope="module")
def synthetic_json(tmp_path_factory):
    """A book of 3,901 records (2.4 MB), as `briefing export` lays one out."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.json"
    bench.write_synthetic_book(path, 3000, 600, 300)
    return path


@pytest.fixture
def paced(monkeypatch):
    """The store stops after its first report of work done until ``paced.set()``;
    a report every 100 records."""
    monkeypatch.setattr(progress, "EVERY_RECORDS", 100)
    gate = threading.Event()
    real = progress.Tracker.report

    def report(self, stage, done=None, *args, **kwargs):
        real(self, stage, done, *args, **kwargs)  # the window hears of it (and may say stop)
        if (self.done if done is None else done) > 0:
            gate.wait(timeout=60)

    monkeypatch.setattr(progress.Tracker, "report", report)
    yield gate
    gate.set()  # a test that failed half-way must not leave a worker waiting


def book_json(path) -> str:
    """The whole book, as its export."""
    out = io.StringIO()
    with BriefingStore.open(path) as store:
        store.export_to(out)
    return out.getvalue()


def job_dialog():
    return modal(JobDialog)


def wait_for_count(qtbot, pattern: str) -> str:
    """The progress dialog once it shows a count of records done (matching ``pattern``)."""
    qtbot.waitUntil(lambda: job_dialog() is not None
                    and re.search(pattern, job_dialog().labelText()) is not None,
                    timeout=20000)
    return job_dialog().labelText()


def cancel_paced_job(qtbot, paced):
    """Click Cancel in the job's dialog, let the paced store go on, wait for the dialog to go."""
    click_button(qtbot, job_dialog(), "Cancel")
    paced.set()
    qtbot.waitUntil(lambda: job_dialog() is None, timeout=60000)


def choose_file(monkeypatch, path, save: bool):
    name = "getSaveFileName" if save else "getOpenFileName"
    monkeypatch.setattr(QFileDialog, name, lambda *a, **k: (str(path), ""))


def left_over(folder) -> list[str]:
    """Unfinished outputs (atomicfile's temporary files) in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".briefing-"))


@pytest.mark.parametrize("reader", ["this process", "reader process"])
def test_import_runs_behind_a_progress_dialog_and_the_window_shows_its_first_record(
        qtbot, book_path, synthetic_json, monkeypatch, paced, unanswered, reader):
    if reader == "reader process":  # as for the 80 MB file: read by a second process
        monkeypatch.setattr(import_reader, "PROCESS_MIN_BYTES", 0)
    window = open_window(qtbot, book_path)
    page = window.current_page()
    assert page.editor.hint.text() == "No actors yet — New record (Ctrl+N)"
    choose_file(monkeypatch, synthetic_json, save=False)
    menu_command(qtbot, window, "f", "i")  # Alt+F, &Import JSON…
    text = wait_for_count(qtbot, r"[1-9][\d,]* records imported; [\d.]+ of 2.4 MB read")
    assert text.startswith("Importing synthetic.json…")
    dialog = job_dialog()
    assert dialog.windowTitle() == "Import JSON" and dialog.isVisible()
    # the window is blocked, not frozen: its event loop runs (the dialog moved on), and
    # nothing in it can write the book meanwhile
    assert QApplication.activeModalWidget() is dialog
    assert window.isVisible() and not window.isActiveWindow()
    paced.set()
    qtbot.waitUntil(lambda: job_dialog() is None and page.editor.record_loaded() is not None,
                    timeout=60000)
    assert window.store.count("actor") == 3000 and window.store.count("meeting") == 600
    assert not page.editor.hint.isVisible()
    assert window.statusBar().currentMessage().startswith(
        "Imported synthetic.json: 3,000 actors added")
    wait_for_preview(qtbot, window)
    window.close()
    assert window not in OPEN_WINDOWS


@pytest.mark.parametrize("reader", ["this process", "reader process"])
def test_cancel_leaves_the_book_exactly_as_it_was(qtbot, sample_path, book_path,
                                                   synthetic_json, monkeypatch, paced,
                                                   unanswered, reader):
    if reader == "reader process":  # only into a book without records
        monkeypatch.setattr(import_reader, "PROCESS_MIN_BYTES", 0)
        sample_path = book_path
    before = book_json(sample_path)
    window = open_window(qtbot, sample_path)
    choose_file(monkeypatch, synthetic_json, save=False)
    menu_command(qtbot, window, "f", "i")
    wait_for_count(qtbot, r"[1-9][\d,]* records imported")
    dialog = job_dialog()
    click_button(qtbot, dialog, "Cancel")
    assert dialog.isVisible() and dialog.labelText().endswith("Cancelling…")
    paced.set()
    qtbot.waitUntil(lambda: job_dialog() is None, timeout=60000)
    assert window.statusBar().currentMessage() == (
        "Import of synthetic.json cancelled: nothing was imported; the book is as it was.")
    assert book_json(sample_path) == before
    assert window.store.count("actor") == (38 if reader == "this process" else 0)
    window.close()


def test_a_file_with_a_bad_field_says_what_and_imports_nothing(
        qtbot, sample_path, tmp_path, synthetic_json, monkeypatch, dialogs):
    book = json.loads(synthetic_json.read_text(encoding="utf-8"))
    book["meetings"][500]["date"] = "2025-13-45"  # after 3,500 good records
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(book), encoding="utf-8")
    before = book_json(sample_path)
    window = open_window(qtbot, sample_path)
    choose_file(monkeypatch, bad, save=False)
    dialogs.answer("OK")
    menu_command(qtbot, window, "f", "i")
    dialogs.done()
    shown = dialogs.seen[0]
    assert "Nothing was imported." in shown
    assert "meetings[501]" in shown and "date" in shown, shown
    assert book_json(sample_path) == before
    window.close()


def test_a_cut_file_says_so_and_imports_nothing(qtbot, sample_path, tmp_path,
                                                synthetic_json, monkeypatch, dialogs):
    data = synthetic_json.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[:len(data) // 2])
    with BriefingStore.open(sample_path) as store:  # the message the CLI gives, too
        with pytest.raises(Exception) as raised:
            store.import_file(cut)
    before = book_json(sample_path)
    window = open_window(qtbot, sample_path)
    choose_file(monkeypatch, cut, save=False)
    dialogs.answer("OK")
    menu_command(qtbot, window, "f", "i")
    dialogs.done()
    assert dialogs.seen[0] == f"Briefing Desk\nNothing was imported.\n\n{raised.value}"
    assert "not valid JSON" in dialogs.seen[0]
    assert book_json(sample_path) == before
    window.close()


@pytest.fixture
def larger_book(sample_path, synthetic_json):
    """The sample book with the synthetic records too: enough to export for a while."""
    with BriefingStore.open(sample_path) as store:
        store.import_file(synthetic_json)
    return sample_path


def test_export_json_writes_the_book(qtbot, larger_book, tmp_path, monkeypatch, paced,
                                     unanswered):
    out = tmp_path / "out" / "book.json"
    out.parent.mkdir()
    window = open_window(qtbot, larger_book)
    choose_file(monkeypatch, out, save=True)
    menu_command(qtbot, window, "f", "e")  # Alt+F, &Export JSON…
    text = wait_for_count(qtbot, r"[1-9][\d,]* of 3,951 records exported")
    assert text.startswith("Exporting the book to book.json…")
    assert not out.exists()
    paced.set()
    qtbot.waitUntil(lambda: job_dialog() is None, timeout=60000)
    assert window.statusBar().currentMessage() == f"Exported the book to {out}"
    assert out.read_text(encoding="utf-8") == book_json(larger_book)
    assert left_over(out.parent) == []
    window.close()


def test_cancelled_export_leaves_the_file_that_was_there(qtbot, larger_book, tmp_path,
                                                          monkeypatch, paced, unanswered):
    out = tmp_path / "out" / "book.json"
    out.parent.mkdir()
    out.write_text("an older export\n", encoding="utf-8")
    window = open_window(qtbot, larger_book)
    choose_file(monkeypatch, out, save=True)
    menu_command(qtbot, window, "f", "e")
    wait_for_count(qtbot, r"[1-9][\d,]* of 3,951 records exported")
    cancel_paced_job(qtbot, paced)
    assert window.statusBar().currentMessage() == (
        "Export cancelled: book.json was not written (the file that was there is untouched).")
    assert out.read_text(encoding="utf-8") == "an older export\n"
    assert left_over(out.parent) == []
    window.close()


@pytest.mark.parametrize("name", ["backup.sqlite", "backup.json"])
def test_backup_writes_a_copy_and_cancel_writes_nothing(qtbot, larger_book, tmp_path,
                                                        monkeypatch, paced, unanswered, name):
    monkeypatch.setattr(maintenance, "BACKUP_STEP_PAGES", 16)  # a report every 64 kB
    out = tmp_path / "out" / name
    out.parent.mkdir()
    window = open_window(qtbot, larger_book)
    choose_file(monkeypatch, out, save=True)
    menu_command(qtbot, window, "f", "b")  # Alt+F, &Backup…
    unit = "pages copied" if name.endswith(".sqlite") else "records exported"
    wait_for_count(qtbot, rf"[1-9][\d,]* of [\d,]+ {unit}")
    cancel_paced_job(qtbot, paced)
    assert window.statusBar().currentMessage() == f"Backup cancelled: {name} was not written."
    assert not out.exists() and left_over(out.parent) == []

    back_to(qtbot, window)
    menu_command(qtbot, window, "f", "b")  # again, to the end
    qtbot.waitUntil(lambda: job_dialog() is None and out.exists(), timeout=60000)
    assert window.statusBar().currentMessage() == f"Backed up to {out}"
    assert left_over(out.parent) == []
    if name.endswith(".json"):
        assert out.read_text(encoding="utf-8") == book_json(larger_book)
    else:
        assert book_json(out) == book_json(larger_book)
    window.close()


def test_closing_the_window_during_an_import_asks_then_stops_it(
        qtbot, sample_path, synthetic_json, monkeypatch, paced, dialogs):
    before = book_json(sample_path)
    window = open_window(qtbot, sample_path)
    choose_file(monkeypatch, synthetic_json, save=False)
    menu_command(qtbot, window, "f", "i")
    wait_for_count(qtbot, r"[1-9][\d,]* records imported")
    dialogs.answer("Keep working")
    window.close()  # as the window manager's close button
    dialogs.done()
    assert "Importing synthetic.json is not finished." in dialogs.seen[0]
    assert window.isVisible() and job_dialog() is not None
    dialogs.answer("Stop it and close")
    window.close()
    dialogs.done()
    paced.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60000)
    assert window not in OPEN_WINDOWS
    assert book_json(sample_path) == before


def test_the_system_asking_to_quit_stops_the_import_and_closes_the_window(
        qtbot, sample_path, synthetic_json, monkeypatch, paced, unanswered):
    from desktopapp.gui.shutdown import close_windows

    before = book_json(sample_path)
    window = open_window(qtbot, sample_path)
    choose_file(monkeypatch, synthetic_json, save=False)
    menu_command(qtbot, window, "f", "i")
    wait_for_count(qtbot, r"[1-9][\d,]* records imported")
    close_windows(QApplication.instance())  # what SIGTERM (logout) and Ctrl+C do
    assert job_dialog().labelText().endswith("Cancelling…")
    paced.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60000)
    assert window not in OPEN_WINDOWS
    assert book_json(sample_path) == before


def team_json(url) -> str:
    from desktopapp.store.postgres import TeamStore

    out = io.StringIO()
    with TeamStore.open(url) as store:
        store.export_to(out)
    return out.getvalue()


def test_a_team_book_imports_on_the_worker_cancel_included(qtbot, team_sample_url,
                                                           synthetic_json, tmp_path,
                                                           monkeypatch, paced, unanswered):
    from gui_user import open_team_window

    before = team_json(team_sample_url)
    window = open_team_window(qtbot, team_sample_url)
    choose_file(monkeypatch, synthetic_json, save=False)
    menu_command(qtbot, window, "f", "i")
    wait_for_count(qtbot, r"[1-9][\d,]* records imported; [\d.]+ of 2.4 MB read")
    cancel_paced_job(qtbot, paced)
    assert window.statusBar().currentMessage() == (
        "Import of synthetic.json cancelled: nothing was imported; the book is as it was.")
    assert team_json(team_sample_url) == before

    back_to(qtbot, window)
    menu_command(qtbot, window, "f", "i")  # again, to the end
    qtbot.waitUntil(lambda: job_dialog() is None and window.store.count("actor") == 3038,
                    timeout=60000)
    assert window.statusBar().currentMessage().startswith(
        "Imported synthetic.json: 3,000 actors added")
    out = tmp_path / "team.json"
    choose_file(monkeypatch, out, save=True)
    back_to(qtbot, window)
    menu_command(qtbot, window, "f", "e")  # and out again, as it is now
    qtbot.waitUntil(lambda: job_dialog() is None and out.exists(), timeout=60000)
    assert out.read_text(encoding="utf-8") == team_json(team_sample_url)
    window.close()


def test_an_import_waiting_for_another_program_says_so_and_cancel_stops_waiting(
        qtbot, sample_path, synthetic_json, monkeypatch, unanswered):
    from test_gui_safety import BookWriter

    before = book_json(sample_path)
    window = open_window(qtbot, sample_path)
    writer = BookWriter(sample_path)  # holds the write lock until told to commit
    try:
        choose_file(monkeypatch, synthetic_json, save=False)
        menu_command(qtbot, window, "f", "i")
        text = wait_for_count(qtbot, "Waiting for another program that is writing the book")
        assert text.startswith("Importing synthetic.json…\n")
        click_button(qtbot, job_dialog(), "Cancel")
        qtbot.waitUntil(lambda: job_dialog() is None, timeout=20000)
        assert window.statusBar().currentMessage() == (
            "Import of synthetic.json cancelled: nothing was imported; the book is as it was.")
    finally:
        writer.finish()
    assert book_json(sample_path) == before
    window.close()
