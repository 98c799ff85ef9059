"""The window on a small screen and from the keyboard: no sideways scrolling at 1024×700,
the wheel scrolls the form (it does not change a combo box it passes), Tab reaches Save
and the preview, menus open with Alt and their items' letters, dialog buttons have
mnemonics."""

import pytest
from gui_user import (
    back_to,
    click_kind,
    click_row,
    focus_by_tab,
    menu_command,
    open_menu,
    press,
    wait_for_preview,
)
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog

from desktopapp.gui.window_size import first_window_geometry, split_sizes

KIND_TITLES = ["Actors", "Meetings", "Recommendations", "Memos"]


def fit_to_small_screen(qtbot, window):
    """The first window on a 1024×700 screen, as the window sizes itself there."""
    geometry = first_window_geometry(QRect(0, 0, 1024, 700))
    window.resize(geometry.size())
    window.splitter.setSizes(split_sizes(geometry.width()))
    qtbot.waitUntil(lambda: window.width() == geometry.width())


@pytest.mark.parametrize("title", KIND_TITLES)
def test_at_1024x700_nothing_scrolls_sideways(window, qtbot, title):
    fit_to_small_screen(qtbot, window)
    page = click_kind(qtbot, window, title)
    QApplication.processEvents()
    scroll = page.editor.scroll
    qtbot.waitUntil(lambda: scroll.viewport().width() > 0)
    assert scroll.horizontalScrollBar().maximum() == 0, (
        f"{title}: the form is {scroll.widget().minimumSizeHint().width()} px wide for a "
        f"{scroll.viewport().width()} px view")
    assert window.navigator.horizontalScrollBar().maximum() == 0  # "Recommendations" fits
    for field in page.editor.fields:
        table = getattr(field, "table", None)
        if table is not None and title != "Meetings":  # participants' names may be long
            assert table.horizontalScrollBar().maximum() == 0, field.title


def test_positions_header_is_not_cut(window, qtbot):
    fit_to_small_screen(qtbot, window)
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    header = page.editor.field("positions").table.horizontalHeader()
    for column in range(header.count()):
        assert header.sectionSize(column) >= header.sectionSizeFromContents(column).width() - 2
    tip = page.editor.field("positions").table.horizontalHeaderItem(2).toolTip()
    assert "2025-06-02" in tip


def test_the_wheel_scrolls_the_form_and_leaves_a_combo_box_alone(window, qtbot):
    page = click_kind(qtbot, window, "Recommendations")
    click_row(qtbot, page.table, "Increase the pressure on Russia")
    status = page.editor.field("status").widget
    before = status.currentText()
    page.editor.scroll.verticalScrollBar().setValue(0)
    centre = QPointF(status.width() / 2, status.height() / 2)
    for _ in range(3):  # the wheel turned down while the pointer passes over Status
        wheel = QWheelEvent(centre, QPointF(status.mapToGlobal(centre.toPoint())), QPoint(),
                            QPoint(0, -120), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase,
                            False)
        QApplication.sendEvent(status, wheel)
    assert status.currentText() == before
    assert not page.editor.is_dirty()
    assert page.editor.scroll.verticalScrollBar().value() > 0  # the form moved instead


def test_tab_reaches_save_on_an_unchanged_record_then_the_preview(window, qtbot):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    wait_for_preview(qtbot, window)  # Tab stops at the preview's pages once they are shown
    assert not page.editor.is_dirty()
    focus_by_tab(qtbot, page.filter, page.save_button, limit=120)
    qtbot.keyClick(page.save_button, Qt.Key_Tab)
    assert window.preview.scroll.hasFocus()
    page.save_button.setFocus()
    qtbot.keyClick(page.save_button, Qt.Key_Space)  # pressing Save with nothing changed
    assert "Nothing to save" in window.statusBar().currentMessage()
    for kind in ("Meetings", "Actors"):  # a page made when first shown, and back
        page = click_kind(qtbot, window, kind)
        wait_for_preview(qtbot, window)  # the preview shows pages: Tab can stop there
        page.save_button.setFocus()
        qtbot.keyClick(page.save_button, Qt.Key_Tab)
        assert window.preview.scroll.hasFocus(), kind


def test_each_menu_opens_with_alt_and_its_letters_are_unique(window, qtbot):
    for action in window.menuBar().actions():
        title = action.text()
        letter = title[title.index("&") + 1]
        menu = open_menu(qtbot, window, letter)
        assert menu is action.menu(), title
        letters = [a.text()[a.text().index("&") + 1].lower() for a in menu.actions()
                   if a.text() and "&" in a.text()]
        assert len(letters) == len(set(letters)), (title, letters)
        assert all("&" in a.text() for a in menu.actions() if a.text()), title
        qtbot.keyClick(menu, Qt.Key_Escape)
        back_to(qtbot, window)


def _mnemonics_of(dialog):
    return {b.text().replace("&", ""): "&" in b.text()
            for b in dialog.findChildren(QAbstractButton) if b.isVisible()}


def test_settings_and_new_source_dialog_buttons_have_mnemonics(window, qtbot, dialogs):
    found = []

    def look(dialog):
        found.append(_mnemonics_of(dialog))

    dialogs.answer("Cancel", check=look)
    menu_command(qtbot, window, "f", "t")  # Alt+F, Se&ttings…
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    dialogs.answer("Cancel", check=look)
    qtbot.mouseClick(next(b for b in page.editor.field("source_uids").widget.findChildren(
        QAbstractButton) if b.text() == "New source…"), Qt.LeftButton)
    dialogs.done()
    settings, new_source = found
    assert settings == {"Save settings": True, "Cancel": True}
    assert new_source == {"Create source": True, "Cancel": True}


def test_new_source_dialog_says_a_citation_is_required(window, qtbot, dialogs):
    page = window.current_page()
    click_row(qtbot, page.table, "Vladimir Medinsky")
    seen = []

    def try_empty(dialog):
        create = next(b for b in dialog.findChildren(QAbstractButton)
                      if b.text().replace("&", "") == "Create source")
        qtbot.mouseClick(create, Qt.LeftButton)
        seen.append((dialog.isVisible(), dialog.problem.text()))

    dialogs.answer("Cancel", fill=try_empty)
    qtbot.mouseClick(next(b for b in page.editor.field("source_uids").widget.findChildren(
        QAbstractButton) if b.text() == "New source…"), Qt.LeftButton)
    dialogs.done()
    assert seen == [(True, "Citation: required")]
    assert window.store.count("source") == 1


def test_export_menu_letters_reach_print_handout(window, qtbot, dialogs):
    """"Print handout" used the Handout export's letter: Alt+X, A now reaches it."""
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    dialogs.answer("Cancel", check=lambda d: seen.append(d.windowTitle()))
    seen = []
    menu_command(qtbot, window, "x", "a")
    dialogs.done()
    assert seen and "handout" in seen[0].lower()
    assert QApplication.activeModalWidget() is None or not isinstance(
        QApplication.activeModalWidget(), QDialog)
    press(page.table, QKeySequence.Find)


def test_participant_roles_are_not_cut(window, qtbot):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    table = page.editor.field("participants").table
    head = table.cellWidget(0, 2)
    assert head.currentText() == "head of delegation"
    assert table.columnWidth(2) >= head.sizeHint().width()
