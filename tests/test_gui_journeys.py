"""Journeys through the real main window, only with what a user does.

Keys (real shortcuts), clicks on real widgets, typing, and modal dialogs
answered through their buttons (gui_user.DialogAnswers). No private method of
the window is called.
"""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from gui_user import (
    back_to,
    click_button,
    click_kind,
    click_row,
    close_quietly,
    edit_cell,
    focus_by_tab,
    open_window,
    press,
    row_of,
    type_into,
    type_text,
    wait_for_preview,
)
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QTableWidget

BIN = Path(sys.executable).parent


def briefing(*args):
    """The `briefing` command, as another program writing to the book."""
    done = subprocess.run([str(BIN / "briefing"), *map(str, args)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def change_by_cli(book, tmp_path, name, **changes):
    """Export the book with the CLI, change one actor in the file, import it back."""
    exported = tmp_path / "book.json"
    briefing("export", "--db", book, "-o", exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    actor = next(a for a in data["actors"] if a["name"] == name)
    actor.update(changes)
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    briefing("import", "--db", book, exported)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_new_record_puts_the_cursor_in_its_name(qtbot, book_path, unanswered):
    window = open_window(qtbot, book_path)
    page = window.current_page()
    press(page.table, QKeySequence.New)
    qtbot.keyClicks(QApplication.focusWidget(), "Hakan Fidan")
    assert page.editor.field("name").widget.text() == "Hakan Fidan"
    assert page.editor.field("kind").get() == "person"  # typing did not pick a kind
    close_quietly(window)


def test_journey_1_empty_book_new_actor_found_by_latin_and_arabic(qtbot, book_path,
                                                                  unanswered):
    window = open_window(qtbot, book_path)
    page = window.current_page()
    assert page.editor.hint.text() == "No actors yet — New record (Ctrl+N)"
    press(page.table, QKeySequence.New)
    editor = page.editor
    name = editor.field("name").widget
    qtbot.mouseClick(name, Qt.LeftButton)
    qtbot.keyClicks(name, "Faisal bin Farhan")
    native = editor.field("native_name").widget
    qtbot.mouseClick(native, Qt.LeftButton)
    type_text(native, "فيصل بن فرحان")
    press(native, QKeySequence.Save)
    assert window.store.count("actor") == 1
    assert "*" not in window.windowTitle()

    press(native, QKeySequence.Find)
    assert page.filter.hasFocus()
    qtbot.keyClicks(page.filter, "farhan")
    qtbot.waitUntil(lambda: page.model.filter_text() == "farhan", timeout=3000)
    assert page.model.rowCount() == 1 and page.model.index(0, 0).data() == "Faisal bin Farhan"
    press(page.filter, QKeySequence.SelectAll)
    type_text(page.filter, "فيصل")
    qtbot.waitUntil(lambda: page.model.filter_text() == "فيصل", timeout=3000)
    assert page.model.rowCount() == 1 and page.model.index(0, 0).data() == "Faisal bin Farhan"
    press(page.filter, QKeySequence.SelectAll)
    type_text(page.filter, "Nobody")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=3000)
    assert page.editor.hint.text() == "No actors match “Nobody” — New record (Ctrl+N)"
    close_quietly(window)


def test_journey_2_meeting_with_four_participants_one_new(window, qtbot, dialogs):
    page = click_kind(qtbot, window, "Meetings")
    press(page.table, QKeySequence.New)
    editor = page.editor
    title = editor.field("title").widget
    qtbot.mouseClick(title, Qt.LeftButton)
    qtbot.keyClicks(title, "Round on prisoner exchanges")
    participants = editor.field("participants")
    for name in ("Marco Rubio", "Andriy Sybiha", "Vladimir Medinsky"):
        qtbot.mouseClick(participants.picker, Qt.LeftButton)
        qtbot.keyClicks(participants.picker, name)
        qtbot.keyClick(participants.picker, Qt.Key_Return)
        qtbot.waitUntil(lambda: participants.picker.text() == "")

    def new_actor(dialog):
        lines = dialog.findChildren(QLineEdit)
        name, native, affiliation = lines[0], lines[1], lines[2]
        qtbot.keyClicks(name, "Pietro Parolin")
        qtbot.keyClicks(native, "Petrus Parolin")
        qtbot.keyClicks(affiliation, "Holy")
        qtbot.keyClick(affiliation, Qt.Key_Return)  # picks, does not close the dialog
        assert dialog.isVisible()
        assert dialog.chosen.text() == "Holy See"

    dialogs.answer("Create actor", fill=new_actor)
    click_button(qtbot, participants.widget, "New actor…")
    dialogs.done()
    assert "New actor" in dialogs.seen[-1]
    rows = participants.get()
    assert len(rows) == 4
    assert rows[3].side == "Holy See"  # the new actor's own affiliation
    assert rows[0].side == "United States"  # Rubio's side at his last meeting
    back_to(qtbot, window)
    # a side and a role, by keyboard
    edit_cell(qtbot, participants.table, 2, 1, "Russia")
    role = participants.table.cellWidget(0, 2)
    role.setFocus()
    qtbot.keyClick(role, Qt.Key_Home)  # head of delegation comes first
    press(role, QKeySequence.Save)
    assert "*" not in window.windowTitle()
    saved = window.store.get("meeting", editor.record_loaded().id)
    assert [p.side for p in saved.participants] == ["United States", rows[1].side, "Russia",
                                                    "Holy See"]
    assert saved.participants[0].role.value == "head"
    wait_for_preview(qtbot, window)
    text = pdf_text(window.preview.pdf)
    assert "Round on prisoner exchanges" in text and "Pietro Parolin" in text
    assert window.store.count("actor") == 39
    row_of(window.pages["actor"].table, "Pietro Parolin")  # the new actor is in the list


def test_journey_3_undo_redo_and_the_clean_state_across_save(window, qtbot):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    editor = page.editor
    title = editor.field("title").widget
    biography = editor.field("biography").widget
    qtbot.mouseClick(title, Qt.LeftButton)
    qtbot.keyClick(title, Qt.Key_End)
    qtbot.keyClicks(title, " and historian")
    assert "*" in window.windowTitle()
    qtbot.mouseClick(biography.viewport(), Qt.LeftButton)
    press(biography, QKeySequence.Undo)  # the cursor elsewhere: still the editor's undo
    assert title.text() == "Presidential advisor" and "*" not in window.windowTitle()
    press(biography, QKeySequence.Redo)
    assert title.text() == "Presidential advisor and historian"
    press(biography, QKeySequence.Save)
    assert "*" not in window.windowTitle()
    qtbot.mouseClick(title, Qt.LeftButton)
    qtbot.keyClick(title, Qt.Key_End)
    qtbot.keyClicks(title, "!")
    press(title, QKeySequence.Undo)  # back to what was saved: clean, no "*"
    assert title.text() == "Presidential advisor and historian"
    assert "*" not in window.windowTitle()
    press(title, QKeySequence.Undo)  # past the save: differs from the book again
    assert title.text() == "Presidential advisor" and "*" in window.windowTitle()
    press(title, "Ctrl+Shift+Z")
    assert title.text() == "Presidential advisor and historian"
    assert "*" not in window.windowTitle()
    click_row(qtbot, page.table, "Vladimir Putin")  # no question: nothing unsaved
    assert editor.record_loaded().name == "Vladimir Putin"
    stored = [a for a in window.store.all_records("actor") if a.name == "Vladimir Medinsky"]
    assert stored[0].title == "Presidential advisor and historian"


def test_journey_4_delete_key_in_a_field_and_in_the_list(window, qtbot, dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    name = page.editor.field("name").widget
    qtbot.mouseClick(name, Qt.LeftButton)
    qtbot.keyClick(name, Qt.Key_Home)
    press(name, QKeySequence.Delete)  # a letter, not the actor
    assert name.text() == "ladimir Medinsky" and window.store.count("actor") == 38
    press(name, QKeySequence.Undo)
    assert name.text() == "Vladimir Medinsky"
    click_row(qtbot, page.table, "Alexander Stubb")
    dialogs.answer(None, key=Qt.Key_Return)
    press(page.table, QKeySequence.Delete)
    dialogs.done()
    assert "Delete actor 'Alexander Stubb'?" in dialogs.seen[-1]
    assert window.store.count("actor") == 38  # Enter is Cancel
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    dialogs.answer("Delete")
    dialogs.answer("Delete anyway")  # he is in a meeting: the list names it first
    press(page.table, QKeySequence.Delete)
    dialogs.done()
    assert window.store.count("actor") == 37
    assert page.editor.record_loaded() is not None  # the next actor, never an empty form


def test_journey_5_the_cli_changes_the_open_record(window, qtbot, sample_path, tmp_path,
                                                   dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    editor = page.editor
    change_by_cli(sample_path, tmp_path, "Vladimir Medinsky", title="Aide to the President")
    qtbot.waitUntil(lambda: editor.field("title").get() == "Aide to the President",
                    timeout=1500)  # seen within a second, no unsaved changes: refreshed
    assert "*" not in window.windowTitle()

    title = editor.field("title").widget  # now the user edits two fields…
    qtbot.mouseClick(title, Qt.LeftButton)
    press(title, QKeySequence.SelectAll)
    qtbot.keyClicks(title, "Adviser (mine)")
    aliases = editor.field("aliases").widget
    qtbot.mouseClick(aliases, Qt.LeftButton)
    qtbot.keyClicks(aliases, "V. Medinsky")
    # …while the CLI changes the title too, and the biography the user did not touch
    change_by_cli(sample_path, tmp_path, "Vladimir Medinsky", title="Adviser (theirs)",
                  biography="Changed by the CLI.")
    qtbot.waitUntil(lambda: "changed elsewhere" in window.statusBar().currentMessage(),
                    timeout=1500)
    assert title.text() == "Adviser (mine)"  # unsaved work is never replaced

    shown = {}

    def look(dialog):
        table = dialog.findChild(QTableWidget)
        for row in range(table.rowCount()):
            keep = table.cellWidget(row, 3)
            shown[table.item(row, 0).text()] = (
                table.item(row, 1).text(), table.item(row, 2).text(),
                keep.currentText() if keep is not None else table.item(row, 3).text())

    dialogs.answer("Save merged", fill=look)
    press(title, QKeySequence.Save)
    dialogs.done()
    assert shown["Title or role"] == ("Adviser (mine)", "Adviser (theirs)", "yours")
    assert shown["Aliases"][2] == "yours (only you changed it)"
    assert shown["Biography"][1:] == ("Changed by the CLI.",
                                      "the book's (you did not change it)")
    stored = window.store.get_actor(editor.record_loaded().id)
    assert stored.title == "Adviser (mine)"
    assert stored.aliases == ["V. Medinsky"]
    assert stored.biography == "Changed by the CLI."  # not reverted by the save
    assert editor.field("biography").get() == "Changed by the CLI."
    assert "*" not in window.windowTitle()


def test_journey_6_keyboard_only_filter_list_editor(window, qtbot):
    page = window.current_page()
    press(page.table, QKeySequence.Find)
    assert page.filter.hasFocus()
    type_text(page.filter, "Мединский")
    qtbot.waitUntil(lambda: page.model.filter_text() == "Мединский", timeout=3000)
    assert page.model.rowCount() == 1
    qtbot.keyClick(page.filter, Qt.Key_Tab)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key_Tab)  # Tab leaves the list, cell by cell never
    first = page.editor.field("kind").widget
    assert first.hasFocus()
    assert page.editor.record_loaded().name == "Vladimir Medinsky"
    passed = focus_by_tab(qtbot, page.filter, first)
    assert passed == [page.filter, page.table]


def test_journey_7_installed_entry_point_fresh_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    program = subprocess.Popen([str(BIN / "briefing-desk")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        book = home / ".local" / "share" / "briefing-desk" / "book.sqlite"
        settings = home / ".config" / "Briefing Desk" / "briefing-desk.conf"
        deadline = time.monotonic() + 90
        # the window remembers the book among the recent ones once it is open
        while not settings.exists() and time.monotonic() < deadline and program.poll() is None:
            time.sleep(0.2)
        time.sleep(1)
        assert program.poll() is None, program.communicate()
        program.send_signal(signal.SIGTERM)  # as at logout: close like File > Quit
        out, err = program.communicate(timeout=30)
        assert program.returncode == 0, err
        assert "Traceback" not in err and "Error" not in err
    finally:
        if program.poll() is None:  # never leave it running when the test fails
            program.kill()
            program.communicate()
    log = home / ".local" / "state" / "briefing-desk" / "log" / "briefing-desk.log"
    assert not log.exists() or log.read_text() == ""
    listed = briefing("list", "actors", "--db", book)
    assert "Vladimir Medinsky" in listed  # the sample book, made on first run
    remembered = settings.read_text()
    assert "geometry" in remembered and str(book) in remembered  # the window was open, closed


def _new_actor_for(qtbot, dialogs, participants, name):
    def fill(dialog):
        qtbot.keyClicks(dialog.findChildren(QLineEdit)[0], name)

    dialogs.answer("Create actor", fill=fill)
    click_button(qtbot, participants.widget, "New actor…")
    dialogs.done()


def _actor_names(window):
    return {row["name"] for row in window.store.list_summaries("actor")}


def test_new_actor_is_one_undo_step_with_its_participant_row(window, qtbot, dialogs):
    """Ctrl+Z after "New actor…" takes the row out of the form and the actor out of the
    book; Ctrl+Shift+Z puts both back (the same actor); once the meeting is saved with
    it, the actor stays even when the row is undone."""
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    participants = page.editor.field("participants")
    before = len(participants.get())
    _new_actor_for(qtbot, dialogs, participants, "Temporary Envoy")
    back_to(qtbot, window)
    assert len(participants.get()) == before + 1 and "Temporary Envoy" in _actor_names(window)
    uid = participants.get()[-1].actor_uid
    press(participants.table, QKeySequence.Undo)
    assert len(participants.get()) == before
    assert "Temporary Envoy" not in _actor_names(window)
    assert "*" not in window.windowTitle()  # back to the stored meeting: nothing to ask
    press(participants.table, QKeySequence.Redo)
    assert len(participants.get()) == before + 1
    assert window.store.get_by_uid("actor", uid).name == "Temporary Envoy"  # the same one
    row_of(window.pages["actor"].table, "Temporary Envoy")  # and in the actors' list
    back_to(qtbot, window)
    edit_cell(qtbot, participants.table, before, 1, "Holy See")  # no side known: type one
    press(participants.table, QKeySequence.Save)
    assert "*" not in window.windowTitle()
    press(participants.table, QKeySequence.Undo)  # the side…
    press(participants.table, QKeySequence.Undo)  # …and, past the save, the row go…
    assert len(participants.get()) == before
    assert "Temporary Envoy" in _actor_names(window)  # …the actor stays, the saved meeting
    # still has it


def test_discarding_a_meeting_removes_the_actors_made_for_it(window, qtbot, dialogs):
    page = click_kind(qtbot, window, "Meetings")
    press(page.table, QKeySequence.New)
    participants = page.editor.field("participants")
    _new_actor_for(qtbot, dialogs, participants, "Temporary Envoy")
    assert window.store.count("actor") == 39
    dialogs.answer("Discard changes")  # a new meeting with no title cannot be saved
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    dialogs.done()
    assert "Discarding also removes" in dialogs.seen[-1]
    assert "Temporary Envoy" in dialogs.seen[-1]
    assert window.store.count("actor") == 38
    assert page.editor.record_loaded().title == "Russian–Ukrainian talks in Istanbul"


def test_discarding_keeps_the_actors_made_for_it_when_asked(window, qtbot, dialogs):
    from PySide6.QtWidgets import QCheckBox
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    participants = page.editor.field("participants")
    _new_actor_for(qtbot, dialogs, participants, "Temporary Envoy")

    def keep(dialog):
        box = dialog.findChild(QCheckBox)
        assert box.text().replace("&", "") == "Keep this record in the book when discarding"
        qtbot.mouseClick(box, Qt.LeftButton)

    dialogs.answer("Discard changes", fill=keep)  # its new participant has no side yet
    click_row(qtbot, page.table, "Trump–Putin phone call")
    dialogs.done()
    assert window.store.count("actor") == 39
    kept = next(row for row in window.store.list_summaries("actor")
                if row["name"] == "Temporary Envoy")
    assert window.store.meetings_of_actor(kept["id"]) == []  # the meeting edit was discarded


def test_enter_in_the_new_actor_dialog_creates_the_actor(window, qtbot, dialogs):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    dialogs.answer(None, fill=type_into(qtbot, "Elina Valtonen"), key=Qt.Key_Return)
    click_button(qtbot, page.editor.field("participants").widget, "New actor…")
    dialogs.done()
    assert window.store.count("actor") == 39  # Enter created it; "Clear" is not the default


def test_new_actor_dialog_refuses_an_empty_name(window, qtbot, dialogs):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    seen = []

    def try_empty(dialog):
        click_button(qtbot, dialog, "Create actor")
        seen.append(dialog.isVisible())
        seen.append(dialog.problem.text())

    dialogs.answer("Cancel", fill=try_empty)
    click_button(qtbot, page.editor.field("participants").widget, "New actor…")
    dialogs.done()
    assert seen == [True, "Name: required"]
    assert window.store.count("actor") == 38
