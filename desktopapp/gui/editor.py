"""The record editor: a form of fields, validation beside each field, and undo.

The editor never saves: it hands the window a domain record
(``current()``) and says whether it is valid and whether it has changed.
Every user edit pushes a snapshot command on the editor's QUndoStack, so
Undo restores the record as it was, field by field; typing into one field
merges into one step.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from .fields import Field, PositionsField

ERROR_STYLE = "color: #A31515;"


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
        self._snapshot = None
        self._valid = True
        self.errors: dict[str, QLabel] = {}

        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        for field in fields:
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
            caption = QLabel(f"&{field.title}:")
            caption.setBuddy(field.focus_widget())
            field.focus_widget().setAccessibleName(field.title)
            field.edited = self._edited
            field.create_requested = self.create_requested.emit
            form.addRow(caption, holder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _clean_changed(self, _clean):
        self.changed.emit()

    # --- state ---------------------------------------------------------------

    def load(self, record):
        """Show ``record`` (a fresh one for "new"); clears the undo history."""
        self._loaded = copy.deepcopy(record)
        self._show(record)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.changed.emit()

    def unload(self):
        """Nothing behind the form any more (its record was deleted)."""
        self._loaded = None
        self.undo_stack.clear()
        self.changed.emit()

    def record_loaded(self):
        return self._loaded

    def current(self):
        """The record as the form shows it now (not normalised, not saved)."""
        record = copy.deepcopy(self._loaded)
        for field in self.fields:
            setattr(record, field.attr, field.get())
        return record

    def mark_saved(self, record):
        self._loaded = copy.deepcopy(record)
        self._snapshot = copy.deepcopy(record)
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
        self._snapshot = copy.deepcopy(record)
        self._validate()
        self.changed.emit()

    def _edited(self, field):
        after = self.current()
        self.undo_stack.push(SnapshotCommand(self, self._snapshot, after, field.attr,
                                             field.title))
        self._snapshot = copy.deepcopy(after)
        self._validate()
        self.changed.emit()

    # --- validation ----------------------------------------------------------

    def problems(self) -> list[tuple[str, str]]:
        record = self.current()
        record.normalise()
        problems = record.problems()
        for field in self.fields:
            if isinstance(field, PositionsField):
                problems += [(f"positions[{row}].as_of",
                              "is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
                             for row in field.bad_dates]
        return problems

    def _validate(self):
        problems = self.problems()
        by_field: dict[str, list[str]] = {}
        for name, message in problems:
            key = name.split("[")[0].split(".")[0]
            detail = name[len(key):].lstrip(".")
            by_field.setdefault(key, []).append(f"{detail} {message}".strip())
        for key, label in self.errors.items():
            messages = by_field.get(key, [])
            label.setText("; ".join(messages))
            label.setVisible(bool(messages))
        self._valid = not problems
        self.validity_changed.emit(self._valid)

    def error_text(self, key: str) -> str:
        return self.errors[key].text()

    def field(self, attr: str) -> Field:
        return next(f for f in self.fields if f.attr == attr)
