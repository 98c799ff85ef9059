"""Names in right-to-left scripts sit on the right in the lists and in the fields."""

from PySide6.QtCore import Qt
from test_gui_window import answers, go_to, select, type_text, window  # noqa: F401 (fixtures)

from desktopapp.domain import Actor


def test_list_cells_and_fields_take_each_texts_direction(window, qtbot):  # noqa: F811
    window.store.save(Actor(name="Ali Shamkhani", native_name="علی شمخانی"))
    page = go_to(window, "actor")
    page.filter.setText("Shamkhani")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    columns = [c.key for c in page.model.columns]
    native = page.model.index(0, columns.index("native_name"))
    name = page.model.index(0, columns.index("name"))
    assert native.data(Qt.TextAlignmentRole) & Qt.AlignRight
    assert name.data(Qt.TextAlignmentRole) & Qt.AlignLeft

    select(page, "Ali Shamkhani")
    field = page.editor.field("native_name").widget
    assert field.alignment() & Qt.AlignRight
    field.clear()
    type_text(field, "Ali")
    assert field.alignment() & Qt.AlignLeft
    type_text(page.editor.field("title").widget, "דובר")
    assert page.editor.field("title").widget.alignment() & Qt.AlignRight
