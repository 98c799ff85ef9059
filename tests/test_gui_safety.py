"""The window beside other programs: settings conflicts, read-only books."""

import subprocess
import sys

import pytest
from gui_user import back_to, click_row, menu_command, press
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from desktopapp.gui import questions
from desktopapp.gui.main_window import MainWindow
from desktopapp.store import BriefingStore


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(questions, "error", lambda parent, text: shown.append(text))
    return shown


def _window(qtbot, store):
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_settings_dialog_shows_a_change_made_meanwhile(qtbot, sample_path, errors, dialogs):
    """The CLI marks the book SECRET while the dialog is open: the dialog's OK must not
    write the old, empty marking back."""
    window = _window(qtbot, BriefingStore.open(sample_path))
    back_to(qtbot, window)

    def person_uses_dialog(dialog):
        with BriefingStore.open(sample_path) as other:  # briefing settings --classification
            other.update_settings({"classification": "SECRET"})
        dialog.organisation.setFocus()
        press(dialog.organisation, QKeySequence.SelectAll)
        qtbot.keyClicks(dialog.organisation, "Institute")

    dialogs.answer("Save settings", fill=person_uses_dialog)
    menu_command(qtbot, window, "f", "t")  # Alt+F, Se&ttings…
    dialogs.done()
    assert len(errors) == 1
    assert "changed elsewhere" in errors[0] and "classification is now 'SECRET'" in errors[0]
    assert window.store.settings().classification == "SECRET"
    window.close()


def test_read_only_book_opens_with_a_banner(qtbot, sample_path, errors):
    store = BriefingStore.open(sample_path)
    store.read_only, store.read_only_reason = True, "it is on a read-only file system"
    window = _window(qtbot, store)
    assert window.read_only_banner.isVisible()
    assert "read-only file system" in window.read_only_banner.text()
    window.close()


class BookWriter:
    """Another program holding the book's write lock until told to commit."""

    def __init__(self, path):
        code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "c.execute('BEGIN IMMEDIATE'); print('ready', flush=True); "
                "sys.stdin.readline(); c.execute('COMMIT')")
        self.process = subprocess.Popen([sys.executable, "-c", code, str(path)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def finish(self):
        if self.process.returncode is None:
            self.process.communicate("\n", timeout=60)  # commits, exits, closes the pipes


def _when_waiting(seen, then):
    """When the "book is busy" dialog shows: remember its text, then ``then(dialog)``."""
    def look():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QProgressDialog) and dialog.isVisible():
            seen.append(dialog.labelText())
            then(dialog)
        else:
            QTimer.singleShot(50, look)
    QTimer.singleShot(50, look)


def _change_title(qtbot, window):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    title = page.editor.field("title").widget
    qtbot.mouseClick(title, Qt.LeftButton)
    qtbot.keyClick(title, Qt.Key_End)
    qtbot.keyClicks(title, " (retired)")
    return page, title


def test_a_save_while_another_program_writes_says_so_and_can_be_cancelled(
        window, qtbot, sample_path, dialogs):
    writer = BookWriter(sample_path)
    try:
        page, title = _change_title(qtbot, window)
        seen = []
        _when_waiting(seen, lambda dialog: qtbot.mouseClick(
            next(b for b in dialog.findChildren(QPushButton)
                 if b.text().replace("&", "") == "Cancel"), Qt.LeftButton))
        dialogs.answer("OK")  # what happened: nothing was saved
        press(title, QKeySequence.Save)
        dialogs.done()
    finally:
        writer.finish()
    assert "Waiting for another program that is writing the book" in seen[0]
    assert f"process {writer.process.pid}" in seen[0]
    assert "stopped waiting" in dialogs.seen[-1] and "nothing was changed" in dialogs.seen[-1]
    assert page.editor.is_dirty()  # the change is still in the form
    with BriefingStore.open(sample_path) as other:
        stored = other.get("actor", page.editor.record_loaded().id)
    assert "(retired)" not in stored.title


def test_a_save_waiting_for_another_program_goes_through_when_it_is_done(
        window, qtbot, sample_path):
    writer = BookWriter(sample_path)
    try:
        page, title = _change_title(qtbot, window)
        seen = []
        _when_waiting(seen, lambda dialog: writer.finish())
        press(title, QKeySequence.Save)
    finally:
        writer.finish()
    assert seen and not page.editor.is_dirty()
    assert "(retired)" in window.store.get("actor", page.editor.record_loaded().id).title
    assert not any(isinstance(w, QProgressDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())
