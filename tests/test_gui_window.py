"""The main window driven as a user would (pytest-qt, offscreen)."""

import io

import pytest
from dialogs import DialogAnswers
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from desktopapp.domain import Actor
from desktopapp.gui import questions
from desktopapp.gui.exporting import safe_filename
from desktopapp.gui.main_window import KINDS, MainWindow
from desktopapp.store import BriefingStore


@pytest.fixture
def answers(monkeypatch):
    """Scripted answers to the window's questions; records what was asked."""
    asked = []
    script = {"unsaved_changes": "save", "conflict": "reload", "confirm_delete": True,
              "delete_linked_anyway": False, "open_exported": False}

    def answer(name):
        def reply(parent, text, *_):
            asked.append((name, text))
            return script[name]
        return reply

    for name in script:
        monkeypatch.setattr(questions, name, answer(name))
    monkeypatch.setattr(questions, "error", lambda parent, text: asked.append(("error", text)))
    return {"script": script, "asked": asked}


@pytest.fixture
def window(qtbot, sample_path, answers):
    store = BriefingStore.open(sample_path)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.isVisible():
        win.close()


def type_text(widget, text):
    """Type any characters (QTest.keyClicks aborts on letters outside Latin-1)."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, ch))


def go_to(window, kind):
    window.navigator.setCurrentRow(KINDS.index(kind))
    return window.pages[kind]


def select(page, name):
    columns = range(page.model.columnCount())
    title_column = next(c for c, col in enumerate(page.model.columns)
                        if col.key in ("name", "title"))
    for candidates in ([title_column], columns):  # the name column first
        for row in range(page.model.rowCount()):
            if name in (page.model.index(row, c).data() for c in candidates):
                page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
                return
    raise AssertionError(f"{name} not in the list")


def wait_for_preview(qtbot, window):
    """The preview renders on a worker thread: wait until it shows a document."""
    qtbot.waitUntil(lambda: not window.preview.is_rendering() and bool(window.preview.pdf),
                    timeout=20000)


def test_window_opens_on_actors_with_a_preview(window, qtbot):
    page = window.current_page()
    assert page.kind == "actor" and page.model.rowCount() == 38
    assert page.editor.record_loaded() is not None
    wait_for_preview(qtbot, window)
    assert window.preview.page_count() == 1
    assert "Briefing Desk" in window.windowTitle()


def test_create_actor_add_to_delegation_save_and_see_preview(window, qtbot):
    page = go_to(window, "actor")
    window.new_record()
    editor = page.editor
    qtbot.keyClicks(editor.field("name").widget, "Hakan Fidan Jr.")
    type_text(editor.field("native_name").widget, "Хакан Фидан")
    assert window.act_save.isEnabled()
    window.act_save.trigger()
    assert not editor.is_dirty()
    assert window.store.search("Фидан")[0].title == "Hakan Fidan Jr."

    meetings = go_to(window, "meeting")
    select(meetings, "Russian–Ukrainian talks in Istanbul")
    participants = meetings.editor.field("participants")
    picker = participants.picker
    qtbot.keyClicks(picker, "Fidan Jr")
    qtbot.keyClick(picker, Qt.Key_Return)
    last = participants.table.rowCount() - 1
    assert participants.table.item(last, 0).text() == "Hakan Fidan Jr."
    before = window.preview.pdf
    assert window.save()
    wait_for_preview(qtbot, window)
    text = PdfReader(io.BytesIO(window.preview.pdf)).pages[0].extract_text()
    assert window.preview.pdf != before
    assert "Hakan Fidan Jr." in text and "Хакан Фидан" in text


def test_filter_uses_search(window, qtbot):
    page = go_to(window, "actor")
    type_text(page.filter, "МЕДИНСКИЙ")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.index(0, 0).data() == "Vladimir Medinsky"
    page.filter.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 38, timeout=3000)


def test_undo_restores_a_field(window, qtbot):
    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    title = page.editor.field("title").widget
    title.selectAll()
    qtbot.keyClicks(title, "Aide")
    assert title.text() == "Aide" and page.editor.is_dirty()
    window.act_undo.trigger()
    assert title.text() == "Presidential advisor"
    assert not page.editor.is_dirty()
    window.act_redo.trigger()
    assert title.text() == "Aide"


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_unsaved_changes_prompt(window, qtbot, answers, answer):
    answers["script"]["unsaved_changes"] = answer
    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    medinsky_id = page.editor.record_loaded().id
    qtbot.keyClicks(page.editor.field("title").widget, " (2025)")
    select(page, "Vladimir Putin")
    assert answers["asked"][-1][0] == "unsaved_changes"
    stored = window.store.get_actor(medinsky_id).title
    if answer == "save":
        assert stored == "Presidential advisor (2025)"
        assert page.editor.record_loaded().name == "Vladimir Putin"
    elif answer == "discard":
        assert stored == "Presidential advisor"
        assert page.editor.record_loaded().name == "Vladimir Putin"
    else:
        assert stored == "Presidential advisor"
        assert page.editor.record_loaded().name == "Vladimir Medinsky"
        assert page.editor.field("title").get() == "Presidential advisor (2025)"
        assert page.selected_id() == medinsky_id


def test_closing_with_unsaved_changes_asks(window, qtbot, answers):
    answers["script"]["unsaved_changes"] = "cancel"
    page = go_to(window, "actor")
    qtbot.keyClicks(page.editor.field("title").widget, "!")
    window.close()
    assert window.isVisible()
    answers["script"]["unsaved_changes"] = "discard"
    window.close()
    assert not window.isVisible()


@pytest.mark.parametrize("answer", ["reload", "overwrite"])
def test_conflict_dialog_when_another_instance_saved_first(window, qtbot, sample_path,
                                                          answers, answer):
    answers["script"]["conflict"] = answer
    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    record_id = page.editor.record_loaded().id
    with BriefingStore.open(sample_path) as other:
        theirs = other.get_actor(record_id)
        theirs.title = "Changed in the other window"
        other.save(theirs)
    title = page.editor.field("title").widget
    title.selectAll()
    qtbot.keyClicks(title, "Mine")
    window.save()
    assert answers["asked"][-1][0] == "conflict"
    stored = window.store.get_actor(record_id)
    if answer == "reload":
        assert stored.title == "Changed in the other window"
        assert title.text() == "Changed in the other window"
    else:
        assert stored.title == "Mine"
        assert stored.version == 3


def test_delete_names_linked_meetings_and_respects_the_answer(window, answers):
    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    window.delete_record()
    kind, text = answers["asked"][-1]
    assert kind == "delete_linked_anyway"
    assert "Russian–Ukrainian talks in Istanbul (2025-05-16)" in text
    assert window.store.count("actor") == 38
    answers["script"]["delete_linked_anyway"] = True
    window.delete_record()
    assert window.store.count("actor") == 37


def test_invalid_record_cannot_be_saved_and_says_why(window, qtbot):
    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    name = page.editor.field("name").widget
    name.clear()
    qtbot.keyClicks(name, " ")
    assert not window.act_save.isEnabled()
    assert page.editor.error_text("name") == "is required"
    qtbot.keyClicks(name, "V. Medinsky")
    assert window.act_save.isEnabled()
    assert page.editor.error_text("name") == ""


def test_photo_that_is_not_an_image_is_refused(window, tmp_path, monkeypatch, answers):
    shown = []
    monkeypatch.setattr("desktopapp.gui.fields.QMessageBox.warning",
                        lambda parent, title, text: shown.append(text))
    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    fake = tmp_path / "photo.jpg"
    fake.write_text("this is not an image")
    assert not page.editor.field("photo").load_file(str(fake))
    assert "is not a JPEG, PNG, GIF or WebP image" in shown[0]
    assert page.editor.field("photo").get() is None and not page.editor.is_dirty()


def test_export_card_writes_one_page_pdf_with_a_safe_name(window, tmp_path, monkeypatch,
                                                          qtbot):
    page = go_to(window, "meeting")
    select(page, "Russian–Ukrainian talks in Istanbul")
    suggested = []

    def save_dialog(parent, caption, default, filters):
        suggested.append(default)
        return str(tmp_path / "talks.pdf"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    window.export_card()
    assert suggested[0].endswith("meeting card Russian–Ukrainian talks in Istanbul.pdf")
    qtbot.waitUntil((tmp_path / "talks.pdf").exists, timeout=20000)  # rendered off the GUI thread
    assert len(PdfReader(tmp_path / "talks.pdf").pages) == 1


def test_safe_filename_never_leaves_the_folder():
    assert safe_filename("../../x") == "x.pdf"
    assert safe_filename("a/b\\c:d*e?f\"g<h>i|j") == "a b c d e f g h i j.pdf"
    assert safe_filename("   ...  ") == "briefing.pdf"
    assert safe_filename("CON") == "CON-file.pdf"
    assert "/" not in safe_filename("/" * 300)


def test_handout_exports_in_the_background(window, qtbot, tmp_path, monkeypatch):
    page = go_to(window, "meeting")
    select(page, "Russian–Ukrainian talks in Istanbul")
    target = tmp_path / "handout.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    dialogs = DialogAnswers(qtbot)
    dialogs.answer("Export")  # the handout's options: page size and two-up as they are
    window.export_handout()
    qtbot.waitUntil(target.exists, timeout=20000)
    assert len(PdfReader(target).pages) == 10


def test_foreign_file_from_open_shows_error_and_window_stays(window, tmp_path, monkeypatch,
                                                             answers):
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("not a book")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(foreign), ""))
    window.open_book_dialog()
    kind, text = answers["asked"][-1]
    assert kind == "error" and "not a briefing book" in text
    assert window.isVisible()
    assert window.current_page().model.rowCount() == 38  # still usable
    assert foreign.read_text() == "not a book"
    from desktopapp import books
    assert "not a briefing book" in (books.log_dir() / "briefing-desk.log").read_text()


def test_settings_dialog_changes_the_marking(window, monkeypatch, qtbot):
    from desktopapp.gui import settings_dialog

    def run_dialog(self):
        self.classification.setText("RESTRICTED")
        self.accept()
        return True

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", run_dialog)
    window.edit_settings()
    assert window.store.settings().classification == "RESTRICTED"
    wait_for_preview(qtbot, window)
    text = PdfReader(io.BytesIO(window.preview.pdf)).pages[0].extract_text()
    assert "RESTRICTED" in text


def test_new_record_for_every_kind_starts_blank(window):
    for kind in KINDS:
        page = go_to(window, kind)
        window.new_record()
        assert page.editor.is_new()
        assert not window.act_save.isEnabled()  # required fields still empty


def test_keyboard_shortcuts_and_accessible_names(window):
    from PySide6.QtGui import QKeySequence
    assert window.act_save.shortcut() == QKeySequence(QKeySequence.Save)
    assert window.act_find.shortcut() == QKeySequence(QKeySequence.Find)
    assert window.act_print.shortcut() == QKeySequence(QKeySequence.Print)
    editor = go_to(window, "meeting").editor
    assert editor.field("participants").table.accessibleName() == "Participants"
    assert editor.field("date").widget.accessibleName() == "Date"


def test_actor_deleted_elsewhere_is_reported(window, sample_path, answers):
    page = go_to(window, "actor")
    with BriefingStore.open(sample_path) as other:
        actor = other.save(Actor(name="Temporary"))
    page.model.reload()
    select(page, "Temporary")
    with BriefingStore.open(sample_path) as other:
        other.delete("actor", actor.id)
    page.editor.field("title").widget.setText("x")
    page.editor.field("title").notify()
    window.save()
    assert "no longer exists" in answers["asked"][-1][1]


def test_memo_section_text_keeps_paragraph_breaks(window, qtbot):
    page = go_to(window, "memo")
    select(page, "After Istanbul: no breakthrough, and Russia keeps its demands")
    sections = page.editor.field("sections")
    sections.table.setCurrentCell(0, 0)
    assert "\n\n" in sections.body.toPlainText()  # the first section has two paragraphs
    sections.body.moveCursor(sections.body.textCursor().MoveOperation.End)
    qtbot.keyClicks(sections.body, " Added.")
    assert window.save()
    stored = window.store.get_memo(page.editor.record_loaded().id).sections[0].body
    assert stored.endswith("Russian team. Added.") and "\n\n" in stored


def test_positions_keep_and_change_their_source(window, qtbot):
    page = go_to(window, "actor")
    select(page, "Russia")
    positions = page.editor.field("positions")
    combo = positions.table.cellWidget(0, 3)
    assert combo.currentData() is not None  # cites the bulletin
    combo.setCurrentIndex(0)  # "—": no source
    assert window.save()
    stored = window.store.get_actor(page.editor.record_loaded().id)
    assert stored.positions[0].source_uid is None
    assert stored.positions[1].source_uid is not None


def test_cancelled_export_writes_nothing(window, qtbot, tmp_path, monkeypatch):
    from desktopapp.gui.exporting import BackgroundExport
    page = go_to(window, "meeting")
    select(page, "Russian–Ukrainian talks in Istanbul")
    target = tmp_path / "handout.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    monkeypatch.setattr(BackgroundExport, "start",
                        lambda self: (self.cancel(), self.thread.start()))
    DialogAnswers(qtbot).answer("Export")
    window.export_handout()
    qtbot.waitUntil(lambda: not window._exports, timeout=20000)
    assert not target.exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_open_another_book_replaces_the_window(window, qtbot, tmp_path, monkeypatch):
    import gc

    from desktopapp import books
    from desktopapp.gui.main_window import OPEN_WINDOWS
    other = tmp_path / "other.sqlite"
    books.create_book(other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(other), ""))
    window.open_book_dialog()
    gc.collect()
    assert not window.isVisible()
    (replacement,) = [w for w in OPEN_WINDOWS if w.store.path == other]
    qtbot.addWidget(replacement)
    assert replacement.isVisible() and replacement.store.path == other
    assert replacement.current_page().model.rowCount() == 0
    replacement.close()
    assert replacement not in OPEN_WINDOWS


def test_preview_shows_unsaved_changes_of_a_new_memo(window, qtbot):
    page = go_to(window, "memo")
    window.new_record()
    editor = page.editor
    qtbot.keyClicks(editor.field("title").widget, "Draft on the Istanbul talks")
    editor.field("meeting_uids")._add(window.store.get_meeting(5))
    window.preview_changes()
    wait_for_preview(qtbot, window)
    text = PdfReader(io.BytesIO(window.preview.pdf)).pages[0].extract_text()
    assert "Draft on the Istanbul talks" in text
    assert "Preview of unsaved changes" in window.preview.caption.text()
    assert window.store.count("memo") == 1  # nothing was saved
    annex = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(window.preview.pdf)).pages)
    assert "Владимир Мединский" in annex  # the who's-who of the chosen meeting


def test_recent_books_and_window_state_are_remembered(window, qtbot, sample_path, answers):
    from desktopapp.gui.main_window import remember_recent
    remember_recent(window.settings, sample_path)
    window._fill_recent()
    assert [a.text() for a in window.recent_menu.actions()] == [str(sample_path.resolve())]
    window.resize(640, 480)
    window.splitter.setSizes([100, 600, 400])
    sizes = window.splitter.sizes()
    window.close()
    again = MainWindow(BriefingStore.open(sample_path))
    qtbot.addWidget(again)
    assert again.size().width() == 640 and again.size().height() == 480
    assert again.splitter.sizes() == sizes
    again.close()


def test_new_source_button_asks_and_the_window_saves_it(window, qtbot):
    from dialogs import DialogAnswers
    from PySide6.QtWidgets import QLineEdit, QPushButton

    page = go_to(window, "actor")
    select(page, "Vladimir Medinsky")
    sources = page.editor.field("source_uids")
    button = next(b for b in sources.widget.findChildren(QPushButton)
                  if b.text() == "New source…")
    dialogs = DialogAnswers(qtbot)
    dialogs.answer("OK", fill=lambda d: qtbot.keyClicks(d.findChild(QLineEdit),
                                                        "Notes from the Istanbul talks, 2025"))
    qtbot.mouseClick(button, Qt.LeftButton)
    dialogs.done()
    assert window.store.count("source") == 2
    assert sources.list.item(sources.list.count() - 1).text().startswith("Notes from the")
    assert page.editor.is_dirty()
