"""The window beside other programs: settings conflicts, read-only books."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktopapp.gui import questions, settings_dialog
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


def test_settings_dialog_shows_a_change_made_meanwhile(qtbot, sample_path, errors,
                                                       monkeypatch):
    """The CLI marks the book SECRET while the dialog is open: the dialog's OK must not
    write the old, empty marking back."""
    window = _window(qtbot, BriefingStore.open(sample_path))

    def person_uses_dialog(dialog):
        with BriefingStore.open(sample_path) as other:  # briefing settings --classification
            other.update_settings({"classification": "SECRET"})
        dialog.organisation.clear()
        qtbot.keyClicks(dialog.organisation, "Institute")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        qtbot.mouseClick(ok, Qt.LeftButton)
        return dialog.result()

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", person_uses_dialog)
    window.act_settings.trigger()
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
