"""Names in right-to-left scripts sit on the right in the lists and in the fields."""

from gui_user import click_row, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktopapp.domain import Actor


def test_list_cells_and_fields_take_each_texts_direction(window, qtbot, sample_path):
    from desktopapp.store import BriefingStore
    with BriefingStore.open(sample_path) as elsewhere:  # as if from another window
        elsewhere.save(Actor(name="Ali Shamkhani", native_name="علی شمخانی"))
    page = window.current_page()
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    qtbot.keyClicks(page.filter, "Shamkhani")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    columns = [c.key for c in page.model.columns]
    native = page.model.index(0, columns.index("native_name"))
    name = page.model.index(0, columns.index("name"))
    assert native.data(Qt.TextAlignmentRole) & Qt.AlignRight
    assert name.data(Qt.TextAlignmentRole) & Qt.AlignLeft

    click_row(qtbot, page.table, "Ali Shamkhani")
    field = page.editor.field("native_name").widget
    assert field.alignment() & Qt.AlignRight
    qtbot.mouseClick(field, Qt.LeftButton)
    press(field, QKeySequence.SelectAll)
    qtbot.keyClick(field, Qt.Key_Delete)
    type_text(field, "Ali")
    assert field.alignment() & Qt.AlignLeft
    type_text(page.editor.field("title").widget, "דובר")
    assert page.editor.field("title").widget.alignment() & Qt.AlignRight
