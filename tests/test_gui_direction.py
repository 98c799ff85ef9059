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


def _ink_centre(widget) -> float:
    """Where the text is drawn: the mean x of dark pixels, as a fraction of the width."""
    image = widget.grab().toImage()
    # 4 pixels in from every edge: the frame (blue and dark when focused) is not text
    xs = [x for y in range(4, image.height() - 4) for x in range(4, image.width() - 4)
          if image.pixelColor(x, y).lightness() < 100]
    assert xs, "no text drawn"
    return sum(xs) / len(xs) / image.width()


def _show_actor(qtbot, window, sample_path, actor, typed):
    """Save ``actor`` from another connection, type ``typed`` in the filter, click its row."""
    from desktopapp.store import BriefingStore
    with BriefingStore.open(sample_path) as elsewhere:
        elsewhere.save(actor)
    page = window.current_page()
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    type_text(page.filter, typed)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    click_row(qtbot, page.table, actor.name)
    return page


def test_right_to_left_names_are_drawn_on_the_right_of_their_fields(window, qtbot,
                                                                     sample_path):
    # Qt mirrors a plain AlignRight for a right-to-left text (QStyle.visualAlignment),
    # so the flag alone would put the name on the left: look where it is drawn.
    page = _show_actor(qtbot, window, sample_path,
                       Actor(name="Ali Shamkhani", native_name="علی شمخانی"), "Shamkhani")
    field = page.editor.field("native_name").widget
    qtbot.waitUntil(lambda: field.isVisible() and field.text() == "علی شمخانی", timeout=3000)
    assert _ink_centre(field) > 0.6
    for typed, on_the_right in (("Ali", False), ("אלי כהן", True)):
        qtbot.mouseClick(field, Qt.LeftButton)
        press(field, QKeySequence.SelectAll)
        qtbot.keyClick(field, Qt.Key_Delete)
        type_text(field, typed)
        centre = _ink_centre(field)
        assert (centre > 0.6) if on_the_right else (centre < 0.4), (typed, centre, field.text())


def test_preview_caption_keeps_the_page_count_after_a_right_to_left_name(window, qtbot,
                                                                         sample_path):
    # "actor 'علی شمخانی' — 1 page": without isolating the name, the bidi
    # algorithm pulls "' — 1" into the Arabic run and the count prints before it.
    from PySide6.QtGui import QTextLayout
    _show_actor(qtbot, window, sample_path, Actor(name="علی شمخانی"), "شمخانی")
    caption = window.preview.caption
    qtbot.waitUntil(lambda: "1 page" in caption.text(), timeout=20000)
    text = caption.text()
    layout = QTextLayout(text, caption.font())
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(100000)
    layout.endLayout()

    def x(position):
        found = line.cursorToX(position)
        return found[0] if isinstance(found, tuple) else found

    name = text.index("علی")
    letters = [x(i) for i in range(name, name + len("علی شمخانی") + 1)]
    assert x(text.index("1 page")) > max(letters), text
