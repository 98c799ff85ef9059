"""Drive the window as a person does: keys, clicks, and answers to modal dialogs.

Nothing here calls the window's methods: everything goes through events on
real widgets. A modal dialog runs its own event loop, so its answer is
scheduled before the key or click that opens it (``DialogAnswers.answer``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QProgressDialog,
)


def open_window(qtbot, path):
    """The real main window on the book at ``path``, shown and active."""
    from desktopapp.gui.main_window import MainWindow
    from desktopapp.store import BriefingStore
    win = MainWindow(BriefingStore.open(path))
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def wait_for_preview(qtbot, window):
    """The preview renders on a worker thread: wait until it shows a document."""
    qtbot.waitUntil(lambda: not window.preview.is_rendering() and bool(window.preview.pdf),
                    timeout=20000)


def back_to(qtbot, win):
    """After a modal question the window is active again (a window manager's job; the
    offscreen platform needs telling)."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def close_quietly(win):
    """Close a window a test left with unsaved changes, without the question."""
    if win.isVisible():
        for page in win.pages.values():
            page.editor.undo_stack.setClean()
        win.close()


def type_text(widget, text: str):
    """Type any characters (QTest.keyClicks refuses letters outside Latin-1)."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, ch))


def press(widget, keys):
    """A standard key sequence (QKeySequence.Undo…) or text ("Ctrl+S") on the focus."""
    sequence = QKeySequence(keys)
    QTest.keySequence(widget, sequence)


def button_text(button: QAbstractButton) -> str:
    return button.text().replace("&", "")


def click_button(qtbot, parent, text: str):
    """Click the visible button labelled ``text`` inside ``parent``."""
    buttons = [b for b in parent.findChildren(QAbstractButton)
               if b.isVisible() and button_text(b) == text]
    assert buttons, f"no visible button {text!r}"
    qtbot.mouseClick(buttons[0], Qt.LeftButton)


def click_kind(qtbot, window, title: str):
    """Click a record type (Actors, Meetings…) in the navigator."""
    nav = window.navigator
    item = nav.findItems(title, Qt.MatchExactly)[0]
    qtbot.mouseClick(nav.viewport(), Qt.LeftButton, pos=nav.visualItemRect(item).center())
    return window.current_page()


def row_of(table, text: str) -> int:
    from PySide6.QtCore import QModelIndex
    model = table.model()
    while model.canFetchMore(QModelIndex()):  # what scrolling down does
        model.fetchMore(QModelIndex())
    for column in range(model.columnCount()):  # the first (name, title) column first
        for row in range(model.rowCount()):
            if model.index(row, column).data() == text:
                return row
    raise AssertionError(f"{text!r} is not in the list")


def click_row(qtbot, table, text: str):
    """Scroll to the row showing ``text`` and click it."""
    index = table.model().index(row_of(table, text), 0)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(index).center())


def click_cell(qtbot, table, row: int, column: int):
    index = table.model().index(row, column)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(index).center())


def edit_cell(qtbot, table, row: int, column: int, text: str):
    """Click a cell, F2 to edit it, replace its text, Enter."""
    click_cell(qtbot, table, row, column)
    qtbot.keyClick(table, Qt.Key_F2)
    line = table.indexWidget(table.model().index(row, column))  # the cell's open editor
    assert line is not None, "the cell did not open for editing"
    press(line, QKeySequence.SelectAll)
    qtbot.keyClick(line, Qt.Key_Delete)
    type_text(line, text)
    qtbot.keyClick(line, Qt.Key_Return)
    # the view commits the cell and closes its editor on the next turn of the event loop
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState, timeout=2000)


def focus_by_tab(qtbot, start, target, limit=80):
    """Press Tab from ``start`` until ``target`` has the focus; the widgets passed."""
    start.setFocus()
    passed = []
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is target:
            return passed
        passed.append(focused)
        QTest.keyClick(focused, Qt.Key_Tab)
    raise AssertionError(f"Tab never reached {target!r}; passed {passed[:12]}")


def open_menu(qtbot, window, letter: str):
    """Alt+letter on the window opens a menu of the menu bar; returns the open menu."""
    QApplication.activePopupWidget() and QApplication.activePopupWidget().close()
    focus = QApplication.focusWidget() or window
    QTest.keyClick(focus, getattr(Qt, f"Key_{letter.upper()}"), Qt.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    return QApplication.activePopupWidget()


def menu_command(qtbot, window, *letters: str):
    """A menu command as typed: Alt+first letter opens the menu, each further letter is
    an item's underlined letter (a submenu's opens it). Returns the last open menu, if
    one is still open (a submenu to look at)."""
    menu = open_menu(qtbot, window, letters[0])
    for letter in letters[1:]:
        QTest.keyClick(menu, getattr(Qt, f"Key_{letter.upper()}"))
        menu = QApplication.activePopupWidget()
        if menu is None:
            break
    return menu


def dialog_text(dialog) -> str:
    parts = [dialog.windowTitle()] + [label.text() for label in dialog.findChildren(QLabel)
                                      if label.isVisible()]
    return "\n".join(p for p in parts if p)


class DialogAnswers:
    """Queue answers; each answers the next modal dialog that opens, in order."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.seen: list[str] = []  # the text of each dialog answered, in order
        self.errors: list[str] = []
        self._queue: list[tuple] = []
        self._answered: list = []  # kept alive so a new dialog never looks like an old one
        self._waited = 0
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def answer(self, button: str | None, *, fill=None, key=None, check=None):
        """Click ``button`` (or press ``key``) on the next modal dialog.

        ``check(dialog)`` then ``fill(dialog)`` run first: look at what it shows, type
        into it, pick.
        """
        steps = [step for step in (check, fill) if step is not None]

        def prepare(dialog):
            for step in steps:
                step(dialog)

        self._queue.append((button, prepare if steps else None, key))
        self._timer.start()

    def _poll(self):
        if not self._queue:
            self._timer.stop()
            return
        dialog = QApplication.activeModalWidget()
        if (not isinstance(dialog, QDialog) or not dialog.isVisible()
                or isinstance(dialog, QProgressDialog)  # closes itself when the work is done
                or any(dialog is old for old in self._answered)):
            self._waited += 1
            if self._waited > 300:
                button, _, key = self._queue.pop(0)
                self.errors.append(f"no dialog appeared to answer {button or key!r}")
                self._waited = 0
            return
        self._waited = 0
        button, fill, key = self._queue.pop(0)
        self._answered.append(dialog)
        self.seen.append(dialog_text(dialog))
        try:
            if fill is not None:
                fill(dialog)
            if key is not None:
                QTest.keyClick(dialog.focusWidget() or dialog, key)
            else:
                buttons = [b for b in dialog.findChildren(QAbstractButton)
                           if b.isVisible() and button_text(b) == button]
                if not buttons:
                    names = [button_text(b) for b in dialog.findChildren(QAbstractButton)]
                    raise AssertionError(f"no button {button!r} in "
                                         f"{dialog.windowTitle()!r}: {names}")
                buttons[0].click()
        except Exception as exc:  # reported by done(); the dialog must not hang the test
            self.errors.append(repr(exc))
            dialog.reject()

    def done(self):
        self.qtbot.waitUntil(lambda: not self._queue, timeout=10000)
        assert not self.errors, self.errors


def type_into(qtbot, text: str, index: int = 0):
    """A ``fill`` that types into the dialog's line edit number ``index``."""
    def fill(dialog):
        line = dialog.findChildren(QLineEdit)[index]
        line.setFocus()
        type_text(line, text)
    return fill


def point_below(widget) -> QPoint:
    return widget.mapToGlobal(QPoint(0, widget.height()))


class UnansweredDialogs:
    """Closes a modal dialog nobody answers within a few seconds and remembers its text.

    Without it a test that opens an unexpected dialog hangs forever in the
    dialog's event loop; with it the test goes on and fails by ``check()``.
    """

    def __init__(self, patience_ms=4000, work_patience_ms=120_000):
        self.texts: list[str] = []
        self._open_since = {}
        self._timer = QTimer()
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._look)
        self._timer.start()
        self.patience = patience_ms // 200
        # a progress dialog closes itself when its work is done, which a loaded machine
        # makes slower: closing it after a few seconds would cancel the work
        self.work_patience = work_patience_ms // 200

    def _look(self):
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            self._open_since.clear()
            return
        ticks = self._open_since.get(id(dialog), 0) + 1
        self._open_since[id(dialog)] = ticks
        if ticks >= (self.work_patience if isinstance(dialog, QProgressDialog)
                     else self.patience):
            self.texts.append(dialog_text(dialog))
            dialog.reject() if isinstance(dialog, QDialog) else dialog.close()

    def stop(self):
        self._timer.stop()

    def check(self):
        assert not self.texts, f"dialogs left unanswered: {self.texts}"


class Script:
    """Steps run when their moment comes, while a modal dialog holds the test's call.

    ``when(condition, action)`` queues a step: ``action()`` runs once
    ``condition()`` holds, steps strictly in order. For dialogs that stay open
    across several tries (the Connect dialog shows each error in itself).
    """

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.errors: list[str] = []
        self._steps: list[tuple] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)

    def when(self, condition, action):
        self._steps.append((condition, action))
        self._timer.start()
        return self

    def _poll(self):
        if not self._steps:
            self._timer.stop()
            return
        condition, action = self._steps[0]
        try:
            if not condition():
                return
            self._steps.pop(0)
            action()
        except Exception as exc:  # reported by done(); close the dialog so the test goes on
            self.errors.append(repr(exc))
            self._steps.clear()
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QDialog):
                dialog.reject()

    def done(self, timeout=20000):
        try:
            self.qtbot.waitUntil(lambda: not self._steps or bool(self.errors), timeout=timeout)
        finally:  # a step that never came must not run in a later test
            self._steps.clear()
            self._timer.stop()
        assert not self.errors, self.errors


def modal(kind=QDialog, title: str | None = None):
    """The modal dialog on top, when it is a ``kind`` (and has ``title``); else None."""
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, kind) and dialog.isVisible() and (
            title is None or dialog.windowTitle() == title):
        return dialog
    return None


def open_team_window(qtbot, url, **options):
    """The real main window on the team book at ``url``, shown and active."""
    from desktopapp.gui.main_window import MainWindow
    from desktopapp.store.postgres import TeamStore
    win = MainWindow(TeamStore.open(url, **options))
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win
