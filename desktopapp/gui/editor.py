"""The record editor: a form of fields, validation beside each field, and undo.

The editor never saves: it hands the window a domain record
(``current()``) and says whether it is valid and whether it has changed.
Every user edit pushes a snapshot command on the editor's QUndoStack, so
Undo restores the record as it was, field by field; typing into one field
merges into one step. The stack's clean state is "as stored": it drives the
"*" in the title and the unsaved-changes prompt.

Ctrl+Z/Ctrl+Shift+Z belong to the editor wherever the focus is inside it:
text widgets have their own undo, which would otherwise take the keys and
change a field behind the editor's back.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain import RECORD_TYPES
from .fields import Field

ERROR_STYLE = "color: #A31515;"
HINT_STYLE = "color: palette(mid); font-size: 12pt; padding: 12px;"
# Letters of the menu bar (File, Edit, View, Export, Help) and of the Save button:
# a field caption must not take them, or Alt+F would focus a field instead of
# opening the File menu.
RESERVED_MNEMONICS = set("fevxhs")


def mnemonic_titles(titles: list[str]) -> list[str]:
    """Captions with a unique "&" letter each, avoiding the menus' letters.

    Prefers the first letter of a word, then any letter; a caption with no
    free letter gets none (its field is still reached with Tab).
    """
    used = set(RESERVED_MNEMONICS)
    out = []
    for title in titles:
        starts = [i for i, ch in enumerate(title) if ch.isalpha()
                  and (i == 0 or not title[i - 1].isalpha())]
        others = [i for i, ch in enumerate(title) if ch.isalpha() and i not in starts]
        chosen = next((i for i in starts + others if title[i].lower() not in used), None)
        if chosen is None:
            out.append(title.replace("&", "&&"))
            continue
        used.add(title[chosen].lower())
        out.append(title[:chosen] + "&" + title[chosen:])
    return out


def is_undo_key(event) -> bool:
    return event.matches(QKeySequence.Undo) or event.matches(QKeySequence.Redo)


class SnapshotCommand(QUndoCommand):
    """Before/after copies of the whole record; merges consecutive edits of one field."""

    def __init__(self, editor, before, after, field_name, field_title):
        super().__init__(f"edit of {field_title}")
        self.editor, self.before, self.after = editor, before, after
        self.field_name = field_name
        self._first = True

    def id(self):
        return abs(hash(self.field_name)) % (2**31 - 1)

    def mergeWith(self, other):
        if other.field_name != self.field_name:
            return False
        self.after = other.after
        return True

    def redo(self):
        if self._first:  # the widgets already show this state
            self._first = False
            return
        self.editor._show(self.after)

    def undo(self):
        self.editor._show(self.before)


class CreatedRecordCommand(QUndoCommand):
    """A record made for this edit ("New actor…"): undo takes it out of the book again,
    redo puts it back. The window does both (``unmake``/``remake``); the editor only
    orders them with the field edit that adds the record (one undo step together)."""

    def __init__(self, record, unmake, remake):
        super().__init__(f"new {record.label()}")
        self.record, self.unmake, self.remake = record, unmake, remake
        self._first = True

    def redo(self):
        if self._first:  # the window has just made it
            self._first = False
            return
        self.remake(self.record)

    def undo(self):
        self.unmake(self.record)


class RecordEditor(QWidget):
    changed = Signal()
    validity_changed = Signal(bool)
    # a field asks for a new linked record of a kind ("New actor…"): the window
    # creates it and hands it back through ``field.add_record()``
    create_requested = Signal(object, str)

    def __init__(self, kind: str, fields: list[Field], parent=None):
        super().__init__(parent)
        self.kind = kind
        self.fields = fields
        self.undo_stack = QUndoStack(self)
        # a bound method, not a lambda: Qt drops it when the editor is destroyed
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._loaded = None
        self._loaded_values: dict[str, object] = {}
        self._snapshot = None
        self._valid = True
        self._read_only = False
        self._problems: list[tuple[Field, str]] = []
        self.errors: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}

        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        # on a narrow window a wide field (a table, a list with its buttons) goes below
        # its caption instead of making the form scroll sideways
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        for field, caption_text in zip(fields, mnemonic_titles([f.title for f in fields]),
                                       strict=True):
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(field.widget)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            column.addWidget(error)
            self.errors[field.problem_key] = error
            caption = QLabel(f"{caption_text}:")
            caption.setBuddy(field.focus_widget())
            self.captions[field.attr] = caption
            field.focus_widget().setAccessibleName(field.title)
            field.edited = self._edited
            field.create_requested = self.create_requested.emit
            form.addRow(caption, holder)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        self.scroll.setFocusPolicy(Qt.NoFocus)  # Tab goes from the list to the first field
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setAccessibleName("Editor hint")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.hint)
        outer.addWidget(self.scroll)
        for widget in body.findChildren(QPlainTextEdit):
            widget.setUndoRedoEnabled(False)  # the editor's stack is the only undo
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.unload("")

    def _clean_changed(self, _clean):
        self.changed.emit()

    # --- read-only books ------------------------------------------------------

    def set_read_only(self, read_only: bool):
        """Browse only (a read-only book or database role): every field can be read,
        selected and copied; nothing can be changed."""
        self._read_only = read_only
        self._apply_read_only()

    def is_read_only(self) -> bool:
        return self._read_only

    def _apply_read_only(self):
        # walked again after each load: tables make new cell widgets for each record
        off = self._read_only
        for widget in self.scroll.widget().findChildren(QWidget):
            if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
                widget.setReadOnly(off)
            elif isinstance(widget, QAbstractItemView):
                if widget.property("edit-triggers") is None:
                    widget.setProperty("edit-triggers", int(widget.editTriggers().value))
                widget.setEditTriggers(
                    QAbstractItemView.NoEditTriggers if off else
                    QAbstractItemView.EditTrigger(widget.property("edit-triggers")))
            elif isinstance(widget, QAbstractButton | QComboBox):
                widget.setEnabled(not off)

    # --- the editor owns Undo/Redo inside it --------------------------------

    def _focus_changed(self, _old, new):
        """Route Undo/Redo of any widget that gets focus in the form (cell editors too)."""
        if new is not None and self.isAncestorOf(new) and not new.property("editor-undo"):
            new.setProperty("editor-undo", True)
            new.installEventFilter(self)

    def _guard_wheel(self):
        """Combo and spin boxes of the form take the wheel only once clicked or tabbed
        into: scrolling the form over one used to change its value (a Status became
        "adopted" while the user scrolled down to Meetings)."""
        body = self.scroll.widget()
        for widget in body.findChildren(QComboBox) + body.findChildren(QAbstractSpinBox):
            if not widget.property("editor-wheel"):
                widget.setProperty("editor-wheel", True)
                widget.setFocusPolicy(Qt.StrongFocus)  # no focus by the wheel either
                widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        kind = event.type()
        if kind == QEvent.Wheel and isinstance(watched, QComboBox | QAbstractSpinBox) \
                and not watched.hasFocus():
            QApplication.sendEvent(self.scroll.verticalScrollBar(), event)  # scroll the form
            return True
        if kind in (QEvent.ShortcutOverride, QEvent.KeyPress) and is_undo_key(event):
            if kind == QEvent.ShortcutOverride:
                event.ignore()  # not the widget's: let the window's Undo/Redo shortcut run
            return True  # a widget's own undo would change a field behind our back
        return super().eventFilter(watched, event)

    # --- state ---------------------------------------------------------------

    def load(self, record):
        """Show ``record`` (a fresh one for "new"); clears the undo history."""
        self._loaded = copy.deepcopy(record)
        self.hint.hide()
        self.scroll.setEnabled(True)
        self._show(record)
        if self._read_only:
            self._apply_read_only()
        self._loaded_values = {f.attr: copy.deepcopy(f.get()) for f in self.fields}
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.changed.emit()

    def unload(self, hint: str):
        """Nothing behind the form: blank it, disable it, say what to do instead."""
        self._loaded = None
        blank = RECORD_TYPES[self.kind]()
        for field in self.fields:
            field.set(copy.deepcopy(getattr(blank, field.attr)))
        for label in self.errors.values():
            label.hide()
        self._problems = []
        self._valid = True
        self.scroll.setEnabled(False)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.changed.emit()

    def record_loaded(self):
        return self._loaded

    def current(self):
        """The record as the form shows it now (not normalised, not saved)."""
        record = copy.deepcopy(self._loaded)
        for field in self.fields:
            setattr(record, field.attr, field.get())
        return record

    def touched(self) -> set[str]:
        """Attributes whose field the user changed since the record was loaded or saved."""
        return {f.attr for f in self.fields if f.get() != self._loaded_values.get(f.attr)}

    def mark_saved(self, record):
        self._loaded = copy.deepcopy(record)
        self._snapshot = copy.deepcopy(self.current())
        self._loaded_values = {f.attr: copy.deepcopy(f.get()) for f in self.fields}
        self.undo_stack.setClean()
        self.changed.emit()

    def is_dirty(self) -> bool:
        return self._loaded is not None and not self.undo_stack.isClean()

    def is_new(self) -> bool:
        return self._loaded is not None and self._loaded.id is None

    def is_valid(self) -> bool:
        return self._valid

    def _show(self, record):
        for field in self.fields:
            field.set(copy.deepcopy(getattr(record, field.attr)))
        self._guard_wheel()  # tables make new combo boxes for their rows
        self._snapshot = copy.deepcopy(record)
        self._validate()
        self.changed.emit()

    def add_created(self, field, record, unmake, remake):
        """Add ``record``, just made by the window for this edit, to ``field``: one
        undo step that also unmakes the record (see CreatedRecordCommand)."""
        self.undo_stack.beginMacro(f"new {record.label()}")
        self.undo_stack.push(CreatedRecordCommand(record, unmake, remake))
        field.add_record(record)
        self.undo_stack.endMacro()

    def _edited(self, field):
        if self._loaded is None:  # a form with no record behind it takes no edits
            return
        if self._read_only:  # a key that got through (Delete in a table): put it back
            snapshot = copy.deepcopy(self._snapshot)
            QTimer.singleShot(0, lambda: self._loaded is not None and self._show(snapshot))
            return
        after = self.current()
        self.undo_stack.push(SnapshotCommand(self, self._snapshot, after, field.attr,
                                             field.title))
        self._snapshot = copy.deepcopy(after)
        self._guard_wheel()
        self._validate()
        self.changed.emit()

    # --- validation ----------------------------------------------------------

    def _field_for(self, name: str) -> Field | None:
        key = name.split("[")[0].split(".")[0]
        return next((f for f in self.fields if f.problem_key == key), None)

    def problems(self) -> list[tuple[Field, str]]:
        """(field, message naming the visible label and row), in the form's order."""
        if self._loaded is None:
            return []
        record = self.current()
        record.normalise()
        own = [(field, message) for field in self.fields for message in field.problems()]
        owned_keys = {field.problem_key for field, _ in own}
        found = list(own)
        for name, message in record.problems():
            field = self._field_for(name)
            if field is None:
                continue
            if field.problem_key in owned_keys and not field.keeps_record_problems:
                continue  # the field said it better (e.g. "not a real date", not "required")
            found.append((field, field.describe_problem(name, message)))
        order = {id(f): i for i, f in enumerate(self.fields)}
        found.sort(key=lambda pair: order[id(pair[0])])
        return found

    def _validate(self):
        self._problems = self.problems()
        by_field: dict[str, list[str]] = {}
        for field, message in self._problems:
            by_field.setdefault(field.problem_key, []).append(message)
        for key, label in self.errors.items():
            messages = by_field.get(key, [])
            label.setText("; ".join(messages))
            label.setVisible(bool(messages))
        self._valid = not self._problems
        self.validity_changed.emit(self._valid)

    def first_problem(self) -> str:
        """The first problem in the form's order, for the status bar."""
        if not self._problems:
            return ""
        more = len(self._problems) - 1
        return self._problems[0][1] + (f" (and {more} more)" if more else "")

    def focus_first_problem(self):
        """Scroll to the first field with a problem and put the cursor there."""
        if not self._problems:
            return
        field = self._problems[0][0]
        widget = field.problem_widget()
        self.scroll.ensureWidgetVisible(field.widget)
        widget.setFocus(Qt.OtherFocusReason)

    def error_text(self, key: str) -> str:
        return self.errors[key].text()

    def field(self, attr: str) -> Field:
        return next(f for f in self.fields if f.attr == attr)
