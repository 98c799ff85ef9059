import sys

from gui_user import click_kind
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktopapp import books
from desktopapp.gui import app
from desktopapp.gui.main_window import MainWindow


def test_first_run_opens_the_users_book_made_from_the_sample(qtbot):
    store = app.open_with_retry(None)
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert store.path == books.default_book_path()
    window.show()
    assert click_kind(qtbot, window, "Meetings").model.rowCount() == 7
    window.close()


def test_unopenable_book_offers_another(qtbot, tmp_path, sample_path, monkeypatch):
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"definitely not sqlite")
    shown = []

    def fake_exec(box):
        shown.append(box.text())
        other = next(b for b in box.buttons() if b.text() == "&Open another book…")
        other.click()

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(sample_path), ""))
    store = app.open_with_retry(foreign)
    assert "not a briefing book" in shown[0]
    assert store.path == sample_path
    store.close()


def test_cancelling_the_other_book_asks_again_and_close_gives_up(qtbot, tmp_path, monkeypatch):
    """Cancelling the file dialog quit the program without a word; now the question
    comes back, and Close is the way out."""
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"definitely not sqlite")
    answers = iter(["&Open another book…", "&Close"])
    asked = []

    def fake_exec(box):
        asked.append(box.text())
        wanted = next(answers)
        next(b for b in box.buttons() if b.text() == wanted).click()

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: ("", ""))
    assert app.open_with_retry(foreign) is None
    assert len(asked) == 2 and all("not a briefing book" in text for text in asked)


def test_exception_hook_logs_and_keeps_going(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app.install_exception_hook()
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    assert "ZeroDivisionError: boom" in shown[0]
    log = books.log_dir() / "briefing-desk.log"
    assert "Traceback" in log.read_text() and "boom" in log.read_text()
