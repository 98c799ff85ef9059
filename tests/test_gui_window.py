"""The main window driven as a user would (pytest-qt, offscreen): keys, clicks, dialogs."""

import io

import pytest
from gui_user import (
    back_to,
    click_button,
    click_cell,
    click_kind,
    click_row,
    close_quietly,
    edit_cell,
    focus_by_tab,
    menu_command,
    open_window,
    press,
    type_into,
    type_text,
    wait_for_preview,
)
from pypdf import PdfReader
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QToolTip

from desktopapp.domain import Actor
from desktopapp.gui import models
from desktopapp.gui.editor import mnemonic_titles
from desktopapp.gui.exporting import safe_filename
from desktopapp.gui.main_window import OPEN_WINDOWS
from desktopapp.store import BriefingStore


def edit_end(qtbot, widget, text):
    """Click into a line and type at its end."""
    qtbot.mouseClick(widget, Qt.LeftButton)
    qtbot.keyClick(widget, Qt.Key_End)
    type_text(widget, text)


def test_window_opens_on_actors_with_a_preview(window, qtbot):
    page = window.current_page()
    assert page.kind == "actor" and page.model.rowCount() == 38
    assert page.editor.record_loaded() is not None
    wait_for_preview(qtbot, window)
    assert window.preview.page_count() == 1
    assert "Briefing Desk" in window.windowTitle()


def test_a_filter_typed_reads_the_book_once(window, qtbot, monkeypatch):
    page = window.current_page()
    calls = []

    def counting(name, real):
        def counted(*args, **options):
            calls.append((name, *args) if name == "get" else name)
            return real(*args, **options)
        return counted

    for name in ("search_ids", "list_summaries", "get", "count"):
        monkeypatch.setattr(window.store, name, counting(name, getattr(window.store, name)))
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    type_text(page.filter, "erdo")  # typed in one go: the filter runs once typing pauses
    qtbot.waitUntil(lambda: page.model.filter_text() == "erdo", timeout=3000)
    assert [page.model.index(row, 0).data() for row in range(page.model.rowCount())] == \
        ["Recep Tayyip Erdoğan"]
    assert window.statusBar().currentMessage() == "1 actor matches"
    erdogan = page.editor.record_loaded()
    assert erdogan.name == "Recep Tayyip Erdoğan"
    # one search, one page of the list, the record once (for the editor and its preview;
    # its form also reads the records it links to)
    assert calls[:3] == ["search_ids", "list_summaries", ("get", "actor", erdogan.id)]
    assert calls.count(("get", "actor", erdogan.id)) == 1 and "count" not in calls


def test_a_filter_matching_more_than_the_list_keeps_says_to_type_more(window, qtbot,
                                                                         monkeypatch):
    monkeypatch.setattr(models, "SEARCH_LIMIT", 5)
    page = window.current_page()
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    type_text(page.filter, "a")  # most of the sample's 38 actors
    qtbot.waitUntil(lambda: page.model.filter_text() == "a", timeout=3000)
    names = [page.model.index(row, 0).data() for row in range(page.model.rowCount())]
    assert len(names) == 5 and names == sorted(names, key=str.casefold)
    assert window.statusBar().currentMessage() == \
        "Showing the first 5 matching actors: type more to narrow"


def test_filter_uses_search(window, qtbot):
    page = window.current_page()
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    type_text(page.filter, "МЕДИНСКИЙ")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.index(0, 0).data() == "Vladimir Medinsky"
    assert window.statusBar().currentMessage() == "1 actor matches"
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    press(page.filter, QKeySequence.SelectAll)
    qtbot.keyClick(page.filter, Qt.Key_Backspace)
    qtbot.waitUntil(lambda: page.model.rowCount() == 38, timeout=3000)


def test_filter_with_no_match_disables_the_editor_with_a_hint(window, qtbot):
    page = window.current_page()
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    qtbot.keyClicks(page.filter, "zzxq")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=3000)
    assert page.editor.record_loaded() is None
    assert not page.editor.scroll.isEnabled()
    assert page.editor.hint.text() == "No actors match “zzxq” — New record (Ctrl+N)"
    type_text(page.editor.field("name").widget, "x")  # a disabled form takes nothing
    assert not window.act_save.isEnabled()


def test_empty_book_editor_is_disabled_with_a_hint_until_new_record(qtbot, book_path):
    window = open_window(qtbot, book_path)
    page = window.current_page()
    editor = page.editor
    assert editor.hint.isVisible()
    assert editor.hint.text() == "No actors yet — New record (Ctrl+N)"
    assert not editor.field("name").widget.isEnabled()
    press(page.table, QKeySequence.New)
    assert editor.field("name").widget.hasFocus() and not editor.hint.isVisible()
    qtbot.mouseClick(editor.field("name").widget, Qt.LeftButton)
    type_text(editor.field("name").widget, "Hakan Fidan")
    assert "*" in window.windowTitle()
    press(editor.field("name").widget, QKeySequence.Save)
    assert window.store.count("actor") == 1 and "*" not in window.windowTitle()
    meetings = click_kind(qtbot, window, "Meetings")
    assert meetings.editor.hint.text() == "No meetings yet — New record (Ctrl+N)"
    close_quietly(window)


def test_a_file_imported_into_an_empty_book_shows_its_first_record(
        qtbot, book_path, sample_path, tmp_path, monkeypatch):
    exported = tmp_path / "sample.json"
    with BriefingStore.open(sample_path) as sample, open(exported, "w", encoding="utf-8") as out:
        sample.export_to(out)
    window = open_window(qtbot, book_path)
    page = window.current_page()
    assert page.editor.hint.text() == "No actors yet — New record (Ctrl+N)"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(exported), ""))
    menu_command(qtbot, window, "f", "i")  # Alt+F, &Import JSON…
    qtbot.waitUntil(lambda: page.editor.record_loaded() is not None, timeout=5000)
    first = page.model.index(0, 0).data()
    assert not page.editor.hint.isVisible()
    assert page.editor.field("name").get() in first
    assert "Imported sample.json" in window.statusBar().currentMessage()
    wait_for_preview(qtbot, window)
    close_quietly(window)


def test_invalid_record_ctrl_s_focuses_the_problem_and_says_why(window, qtbot):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    name = page.editor.field("name").widget
    qtbot.mouseClick(name, Qt.LeftButton)
    press(name, QKeySequence.SelectAll)
    qtbot.keyClick(name, Qt.Key_Delete)
    assert page.editor.error_text("name") == "Name: required"
    title = page.editor.field("title").widget
    qtbot.mouseClick(title, Qt.LeftButton)
    assert window.act_save.isEnabled()  # Save is there to say what is wrong
    press(title, QKeySequence.Save)
    assert name.hasFocus()
    assert window.statusBar().currentMessage() == "Not saved — Name: required"
    assert window.store.get_actor(page.editor.record_loaded().id).name == "Vladimir Medinsky"
    type_text(name, "V. Medinsky")
    assert page.editor.error_text("name") == ""
    press(name, QKeySequence.Save)
    assert window.store.get_actor(page.editor.record_loaded().id).name == "V. Medinsky"


def test_problems_name_the_visible_label_and_row(window, qtbot):
    page = window.current_page()
    click_row(qtbot, page.table, "Russia")
    positions = page.editor.field("positions")
    edit_cell(qtbot, positions.table, 0, 2, "2025-13-45")
    assert page.editor.error_text("positions") == (
        "Position 1 — As of: not a date (type 2025-06-02, 2025-06 or 2025)")
    edit_cell(qtbot, positions.table, 1, 0, "")
    assert "Position 2 — Topic: required" in page.editor.error_text("positions")


def test_empty_side_is_flagged(window, qtbot):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    participants = page.editor.field("participants")
    edit_cell(qtbot, participants.table, 0, 1, "")
    assert page.editor.error_text("participants").startswith("Participant 1 — Side: required")


@pytest.mark.parametrize("answer", ["Save", "Discard", "Cancel"])
def test_unsaved_changes_prompt(window, qtbot, dialogs, answer):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    medinsky_id = page.editor.record_loaded().id
    edit_end(qtbot, page.editor.field("title").widget, " (2025)")
    dialogs.answer(answer)
    click_row(qtbot, page.table, "Vladimir Putin")
    dialogs.done()
    assert "unsaved changes" in dialogs.seen[-1]
    stored = window.store.get_actor(medinsky_id).title
    if answer == "Save":
        assert stored == "Presidential advisor (2025)"
        assert page.editor.record_loaded().name == "Vladimir Putin"
    elif answer == "Discard":
        assert stored == "Presidential advisor"
        assert page.editor.record_loaded().name == "Vladimir Putin"
    else:
        assert stored == "Presidential advisor"
        assert page.editor.record_loaded().name == "Vladimir Medinsky"
        assert page.editor.field("title").get() == "Presidential advisor (2025)"
        assert page.selected_id() == medinsky_id


def test_unsaved_prompt_on_an_invalid_record_has_no_save_and_enter_cancels(window, qtbot,
                                                                           dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    name = page.editor.field("name").widget
    qtbot.mouseClick(name, Qt.LeftButton)
    press(name, QKeySequence.SelectAll)
    qtbot.keyClick(name, Qt.Key_Delete)
    buttons = []
    dialogs.answer(None, key=Qt.Key_Return, fill=lambda d: buttons.extend(
        b.text() for b in d.buttons()))
    click_row(qtbot, page.table, "Vladimir Putin")
    dialogs.done()
    assert "Save" not in " ".join(buttons).replace("&", "")
    assert "Name: required" in dialogs.seen[-1]
    assert page.editor.record_loaded().name == "Vladimir Medinsky"  # Enter cancelled


def test_closing_with_unsaved_changes_asks(window, qtbot, dialogs):
    page = window.current_page()
    edit_end(qtbot, page.editor.field("title").widget, "!")
    dialogs.answer("Cancel")
    window.close()
    dialogs.done()
    assert window.isVisible()
    dialogs.answer("Discard")
    window.close()
    dialogs.done()
    assert not window.isVisible()


def test_delete_key_in_affiliations_removes_the_entry_not_the_actor(window, qtbot):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    affiliations = page.editor.field("affiliation_uids")
    before = affiliations.get()
    assert before
    qtbot.mouseClick(affiliations.list.viewport(), Qt.LeftButton,
                     pos=affiliations.list.visualItemRect(affiliations.list.item(0)).center())
    press(affiliations.list, QKeySequence.Delete)
    assert affiliations.get() == before[1:]
    assert window.store.count("actor") == 38
    press(affiliations.list, QKeySequence.Undo)
    assert affiliations.get() == before and not page.editor.is_dirty()


def test_delete_in_the_list_asks_enter_cancels_and_linked_records_default_to_cancel(
        window, qtbot, dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    dialogs.answer(None, key=Qt.Key_Return)
    press(page.table, QKeySequence.Delete)
    dialogs.done()
    assert "Delete actor 'Vladimir Medinsky'?" in dialogs.seen[-1]
    assert window.store.count("actor") == 38
    back_to(qtbot, window)
    assert page.table.hasFocus()  # back in the list after the question
    dialogs.answer("Delete")
    dialogs.answer(None, key=Qt.Key_Return)  # "Linked records": Enter is Cancel
    press(page.table, QKeySequence.Delete)
    dialogs.done()
    assert "Russian–Ukrainian talks in Istanbul (2025-05-16)" in dialogs.seen[-1]
    assert window.store.count("actor") == 38
    back_to(qtbot, window)
    dialogs.answer("Delete")
    dialogs.answer("Delete anyway")
    press(page.table, QKeySequence.Delete)
    dialogs.done()
    assert window.store.count("actor") == 37


def test_photo_that_is_not_an_image_is_refused(window, qtbot, tmp_path, monkeypatch, dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    fake = tmp_path / "photo.jpg"
    fake.write_text("this is not an image")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(fake), ""))
    dialogs.answer("OK")
    click_button(qtbot, page.editor, "Choose photo…")
    dialogs.done()
    assert "is not a JPEG, PNG, GIF or WebP image" in dialogs.seen[-1]
    assert page.editor.field("photo").get() is None and not page.editor.is_dirty()


def test_a_photo_of_12000_by_12000_pixels_is_refused_before_it_is_decoded(
        window, qtbot, tmp_path, monkeypatch, dialogs):
    """A 0.4 MB PNG that decodes to 576 MB: refused with the limit, nothing changed,
    and Qt never tries to decode it for the thumbnail (no image-io warning)."""
    from PIL import Image
    huge = tmp_path / "huge.png"
    Image.new("L", (12000, 12000), 128).save(huge)
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(huge), ""))
    dialogs.answer("OK")
    click_button(qtbot, page.editor, "Choose photo…")
    dialogs.done()
    assert "12,000 × 12,000 pixels" in dialogs.seen[-1]
    assert "at most 40 megapixels" in dialogs.seen[-1]
    assert page.editor.field("photo").get() is None and not page.editor.is_dirty()


def test_date_field_takes_iso_the_locale_format_and_the_calendar(window, qtbot):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    date = page.editor.field("date")
    qtbot.mouseClick(date.line, Qt.LeftButton)
    press(date.line, QKeySequence.SelectAll)
    qtbot.keyClicks(date.line, "2025-06-02")
    qtbot.keyClick(date.line, Qt.Key_Tab)
    assert date.get().isoformat() == "2025-06-02"
    local = QLocale().toString(QDate(2025, 7, 3), QLocale.ShortFormat)
    qtbot.mouseClick(date.line, Qt.LeftButton)
    press(date.line, QKeySequence.SelectAll)
    qtbot.keyClicks(date.line, local)
    qtbot.keyClick(date.line, Qt.Key_Tab)
    assert date.get().isoformat() == "2025-07-03" and date.line.text() == "2025-07-03"
    qtbot.mouseClick(date.line, Qt.LeftButton)
    press(date.line, QKeySequence.SelectAll)
    qtbot.keyClicks(date.line, "2025-02-30")
    assert "Date: not a real date" in page.editor.error_text("date")
    # the calendar opens on today when the text is no date; Right, Enter picks tomorrow
    qtbot.mouseClick(date.button, Qt.LeftButton)
    qtbot.waitUntil(date.menu.isVisible)
    days = date.calendar.findChild(QAbstractItemView)
    qtbot.keyClick(days, Qt.Key_Right)
    qtbot.keyClick(days, Qt.Key_Return)
    assert not date.menu.isVisible()
    assert date.line.text() == QDate.currentDate().addDays(1).toString("yyyy-MM-dd")
    assert page.editor.error_text("date") == ""


def test_captions_leave_the_menu_letters_alone(window, qtbot):
    menus = {a.text().replace("&", "")[a.text().index("&")].lower()
             for a in window.menuBar().actions()}
    assert menus == {"f", "e", "v", "x", "h"}
    for page in window.pages.values():
        letters = []
        for caption in page.editor.captions.values():
            text = caption.text()
            if "&" in text.replace("&&", ""):
                letters.append(text[text.index("&") + 1].lower())
        assert not set(letters) & menus, page.kind
        assert len(letters) == len(set(letters)), page.kind
    assert mnemonic_titles(["Format", "Title"]) == ["F&ormat", "&Title"]


def test_tab_goes_filter_list_then_the_editors_first_field(window, qtbot):
    page = window.current_page()
    passed = focus_by_tab(qtbot, page.filter, page.editor.field("kind").widget)
    assert passed == [page.filter, page.table]
    tags = page.editor.field("tags").widget
    edit_end(qtbot, tags, "; talks")  # Save is enabled (and reachable) once there is a change
    save_passed = focus_by_tab(qtbot, tags, page.save_button)
    assert len(save_passed) == 7  # Tags, then Sources: list, picker, four buttons


def test_picker_empties_after_a_pick_and_enter_with_no_match_says_so(window, qtbot):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    hosts = page.editor.field("host_uids")
    before = hosts.get()
    qtbot.mouseClick(hosts.picker, Qt.LeftButton)
    qtbot.keyClicks(hosts.picker, "Holy")
    qtbot.keyClick(hosts.picker, Qt.Key_Return)
    qtbot.wait(10)
    assert len(hosts.get()) == len(before) + 1
    assert hosts.picker.text() == ""
    qtbot.keyClicks(hosts.picker, "Atlantis")
    qtbot.keyClick(hosts.picker, Qt.Key_Return)
    assert QToolTip.text() == "No actor matches “Atlantis”"
    assert hosts.picker.text() == "Atlantis"
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")  # same: no prompt
    other = [r for r in range(page.model.rowCount())
             if page.model.index(r, 0).data() != "Russian–Ukrainian talks in Istanbul"][0]
    page.editor.undo_stack.setClean()  # leave without the unsaved prompt (tested elsewhere)
    click_cell(qtbot, page.table, other, 0)
    assert hosts.picker.text() == ""


def test_new_participant_takes_the_actors_own_side(window, qtbot):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    participants = page.editor.field("participants")
    qtbot.mouseClick(participants.picker, Qt.LeftButton)
    qtbot.keyClicks(participants.picker, "Rubio")
    qtbot.keyClick(participants.picker, Qt.Key_Return)
    last = participants.get()[-1]
    assert last.side == "United States"  # as at the U.S.–Ukraine–Türkiye meeting


def test_new_source_button_asks_and_the_window_saves_it(window, qtbot, dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    sources = page.editor.field("source_uids")
    dialogs.answer("Create source",
                   fill=type_into(qtbot, "Notes from the Istanbul talks, 2025"))
    click_button(qtbot, sources.widget, "New source…")
    dialogs.done()
    assert window.store.count("source") == 2
    assert sources.list.item(sources.list.count() - 1).text().startswith("Notes from the")
    assert page.editor.is_dirty()


def test_export_card_writes_one_page_pdf_with_a_safe_name(window, qtbot, tmp_path, monkeypatch,
                                                           dialogs):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    suggested = []

    def save_dialog(parent, caption, default, filters):
        suggested.append(default)
        return str(tmp_path / "talks.pdf"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    dialogs.answer("Close")  # "Wrote … Open it now?"
    press(page.table, "Ctrl+E")
    qtbot.waitUntil((tmp_path / "talks.pdf").exists, timeout=20000)  # rendered off the GUI thread
    dialogs.done()
    assert suggested[0].endswith("meeting card Russian–Ukrainian talks in Istanbul.pdf")
    assert len(PdfReader(tmp_path / "talks.pdf").pages) == 1


def test_safe_filename_never_leaves_the_folder():
    assert safe_filename("../../x") == "x.pdf"
    assert safe_filename("a/b\\c:d*e?f\"g<h>i|j") == "a b c d e f g h i j.pdf"
    assert safe_filename("   ...  ") == "briefing.pdf"
    assert safe_filename("CON") == "CON-file.pdf"
    assert "/" not in safe_filename("/" * 300)


def test_handout_exports_in_the_background(window, qtbot, tmp_path, monkeypatch, dialogs):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    target = tmp_path / "handout.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    dialogs.answer("Export")  # the handout's options: page size and two-up as they are
    dialogs.answer("Close")
    menu_command(qtbot, window, "x", "h")  # Alt+X, &Handout as PDF…
    qtbot.waitUntil(target.exists, timeout=20000)
    dialogs.done()
    assert len(PdfReader(target).pages) == 10


def test_foreign_file_from_open_shows_error_and_window_stays(window, qtbot, tmp_path,
                                                             monkeypatch, dialogs):
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("not a book")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(foreign), ""))
    dialogs.answer("OK")
    press(window.current_page().table, QKeySequence.Open)
    dialogs.done()
    assert "not a briefing book" in dialogs.seen[-1]
    assert window.isVisible()
    assert window.current_page().model.rowCount() == 38  # still usable
    assert foreign.read_text() == "not a book"
    from desktopapp import books
    assert "not a briefing book" in (books.log_dir() / "briefing-desk.log").read_text()


def test_settings_dialog_changes_the_marking(window, qtbot, dialogs):
    from PySide6.QtWidgets import QLineEdit

    def fill(dialog):
        line = dialog.findChildren(QLineEdit)[1]  # the second line: Classification marking
        line.setFocus()
        press(line, QKeySequence.SelectAll)
        qtbot.keyClicks(line, "RESTRICTED")

    dialogs.answer("Save settings", fill=fill)
    menu_command(qtbot, window, "f", "t")  # Alt+F, Se&ttings…
    dialogs.done()
    assert window.store.settings().classification == "RESTRICTED"
    wait_for_preview(qtbot, window)
    text = PdfReader(io.BytesIO(window.preview.pdf)).pages[0].extract_text()
    assert "RESTRICTED" in text


def test_new_record_for_every_kind_starts_blank(window, qtbot):
    for title in ("Actors", "Meetings", "Recommendations", "Memos"):
        page = click_kind(qtbot, window, title)
        press(page.table, QKeySequence.New)
        assert page.editor.is_new()
        assert not page.editor.is_valid()  # required fields still empty
        focused = QApplication.focusWidget()
        press(focused, QKeySequence.Save)
        assert window.statusBar().currentMessage().startswith("Not saved — ")


def test_keyboard_shortcuts_and_accessible_names(window):
    assert window.act_save.shortcut() == QKeySequence(QKeySequence.Save)
    assert window.act_find.shortcut() == QKeySequence(QKeySequence.Find)
    assert window.act_print.shortcut() == QKeySequence(QKeySequence.Print)
    assert window.act_refresh.shortcut() == QKeySequence("F5")
    editor = window.pages["meeting"].editor
    assert editor.field("participants").table.accessibleName() == "Participants"
    assert editor.field("date").line.accessibleName() == "Date"


def test_actor_deleted_elsewhere_while_edited_is_reported(window, qtbot, sample_path, dialogs):
    page = window.current_page()
    with BriefingStore.open(sample_path) as other:
        actor = other.save(Actor(name="Temporary"))
    press(page.table, QKeySequence.Refresh)
    click_row(qtbot, page.table, "Temporary")
    edit_end(qtbot, page.editor.field("title").widget, "x")
    with BriefingStore.open(sample_path) as other:
        other.delete("actor", actor.id)
    qtbot.waitUntil(lambda: "deleted elsewhere" in window.statusBar().currentMessage(),
                    timeout=3000)
    dialogs.answer("OK")
    press(page.editor.field("title").widget, QKeySequence.Save)
    dialogs.done()
    assert "no longer exists" in dialogs.seen[-1]


def test_memo_section_text_keeps_paragraph_breaks(window, qtbot):
    page = click_kind(qtbot, window, "Memos")
    click_row(qtbot, page.table, "After Istanbul: no breakthrough, and Russia keeps its demands")
    sections = page.editor.field("sections")
    click_cell(qtbot, sections.table, 0, 1)
    assert "\n\n" in sections.body.toPlainText()  # the first section has two paragraphs
    qtbot.mouseClick(sections.body.viewport(), Qt.LeftButton)
    press(sections.body, QKeySequence.MoveToEndOfDocument)
    qtbot.keyClicks(sections.body, " Added.")
    press(sections.body, QKeySequence.Save)
    stored = window.store.get_memo(page.editor.record_loaded().id).sections[0].body
    assert stored.endswith("Russian team. Added.") and "\n\n" in stored


def test_positions_keep_and_change_their_source(window, qtbot):
    page = window.current_page()
    click_row(qtbot, page.table, "Russia")
    positions = page.editor.field("positions")
    combo = positions.table.cellWidget(0, 3)
    assert combo.currentData() is not None  # cites the bulletin
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Home)  # "—": no source
    press(combo, QKeySequence.Save)
    stored = window.store.get_actor(page.editor.record_loaded().id)
    assert stored.positions[0].source_uid is None
    assert stored.positions[1].source_uid is not None


def test_open_another_book_replaces_the_window(window, qtbot, tmp_path, monkeypatch):
    import gc

    from desktopapp import books
    other = tmp_path / "other.sqlite"
    books.create_book(other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(other), ""))
    press(window.current_page().table, QKeySequence.Open)
    gc.collect()
    assert not window.isVisible()
    (replacement,) = [w for w in OPEN_WINDOWS if w.store.path == other]
    qtbot.addWidget(replacement)
    assert replacement.isVisible() and replacement.store.path == other
    assert replacement.current_page().model.rowCount() == 0
    back_to(qtbot, replacement)
    recent = menu_command(qtbot, replacement, "f", "r")  # Alt+F, Open &recent
    assert recent is replacement.recent_menu
    assert [a.text() for a in recent.actions()] == [str(other.resolve())]
    qtbot.keyClick(recent, Qt.Key_Escape)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key_Escape)
    replacement.close()
    assert replacement not in OPEN_WINDOWS


def test_preview_shows_unsaved_changes_of_a_new_memo(window, qtbot):
    page = click_kind(qtbot, window, "Memos")
    press(page.table, QKeySequence.New)
    editor = page.editor
    qtbot.keyClicks(editor.field("title").widget, "Draft on the Istanbul talks")
    meetings = editor.field("meeting_uids")
    qtbot.mouseClick(meetings.picker, Qt.LeftButton)
    qtbot.keyClicks(meetings.picker, "Istanbul")
    qtbot.keyClick(meetings.picker, Qt.Key_Return)
    assert QToolTip.text().endswith(" meetings match “Istanbul”: pick one from the list")
    popup = meetings.picker.completer().popup()  # the list of matches, open
    assert popup.isVisible()
    for _ in range(5):  # arrow down to the talks, Enter
        qtbot.keyClick(popup, Qt.Key_Down)
        if popup.currentIndex().data() == "Russian–Ukrainian talks in Istanbul":
            break
    qtbot.keyClick(popup, Qt.Key_Return)
    qtbot.waitUntil(lambda: meetings.picker.text() == "")
    assert meetings.list.count() == 1 and meetings.picker.text() == ""
    press(meetings.picker, "Ctrl+R")
    wait_for_preview(qtbot, window)
    text = PdfReader(io.BytesIO(window.preview.pdf)).pages[0].extract_text()
    assert "Draft on the Istanbul talks" in text
    assert "Preview of unsaved changes" in window.preview.caption.text()
    assert window.store.count("memo") == 1  # nothing was saved
    annex = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(window.preview.pdf)).pages)
    assert "Владимир Мединский" in annex  # the who's-who of the chosen meeting


def test_window_state_is_remembered(window, qtbot, sample_path):
    window.resize(640, 480)
    window.splitter.setSizes([100, 600, 400])
    sizes = window.splitter.sizes()
    window.close()
    again = open_window(qtbot, sample_path)
    assert again.size().width() == 640 and again.size().height() == 480
    assert again.splitter.sizes() == sizes
    again.close()


def test_enter_picks_the_one_name_the_list_shows(window, qtbot):
    """"Medinsky" is in one name, and in another actor's text: the list under the line
    shows one name, so Enter takes it (it used to say "2 actors match")."""
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    hosts = page.editor.field("host_uids")
    assert len(window.store.search_ids("Medinsky", "actor", limit=20)) > 1
    qtbot.mouseClick(hosts.picker, Qt.LeftButton)
    qtbot.keyClicks(hosts.picker, "Medinsky")
    qtbot.keyClick(hosts.picker, Qt.Key_Return)
    assert hosts.list.item(hosts.list.count() - 1).text() == "Vladimir Medinsky"
    assert not hosts.picker.completer().popup().isVisible()
