"""A record changed in the book while the user edited it: compare field by field, merge.

For every field either side changed, the dialog shows the user's value and the
book's. Fields only the book changed keep the book's value, fields only the
user changed keep the user's, and where both changed the user chooses. Saving
the merge never reverts a field the user did not touch.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from enum import Enum

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..domain import label
from .fields import ParticipantsField, PositionsField, SectionsField, UidListField

TEXT_SHOWN = 300


@dataclass
class FieldChange:
    attr: str
    title: str
    mine: object
    theirs: object
    mine_changed: bool
    theirs_changed: bool
    same_result: bool  # both changed it the same way

    @property
    def needs_choice(self) -> bool:
        return self.mine_changed and self.theirs_changed and not self.same_result


def compare(editor, theirs) -> list[FieldChange]:
    """The fields the user or the book changed since the editor loaded the record."""
    base = editor.record_loaded()
    mine = editor.current()
    mine.normalise()
    touched = editor.touched()
    changes = []
    for field in editor.fields:
        attr = field.attr
        mine_value, theirs_value = getattr(mine, attr), getattr(theirs, attr)
        mine_changed = attr in touched and mine_value != getattr(base, attr)
        theirs_changed = theirs_value != getattr(base, attr)
        if mine_changed or theirs_changed:
            changes.append(FieldChange(attr, field.title, mine_value, theirs_value,
                                       mine_changed, theirs_changed,
                                       mine_value == theirs_value))
    return changes


def merged_record(theirs, changes: list[FieldChange], choices: dict[str, str]):
    """The book's record with the user's changes on top; ``choices`` settles clashes."""
    merged = copy.deepcopy(theirs)
    for change in changes:
        if change.mine_changed and (not change.needs_choice
                                    or choices.get(change.attr) == "mine"):
            setattr(merged, change.attr, copy.deepcopy(change.mine))
    return merged


def describe(store, field, value) -> str:
    """A field's value in words, short enough for a table cell."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(field, UidListField):
        names = []
        for uid in value:
            try:
                names.append(store.get_by_uid(field.kind, uid).display_name())
            except Exception:  # deleted meanwhile
                names.append(f"(missing {field.kind})")
        return "; ".join(names)
    if isinstance(field, ParticipantsField):
        names = store.names_for_uids([p.actor_uid for p in value])
        return "; ".join(f"{names.get(p.actor_uid, '?')} ({p.side or 'no side'}, "
                         f"{label(p.role)})" for p in value)
    if isinstance(field, PositionsField):
        return "; ".join(f"{p.topic}: {p.stance}" for p in value)
    if isinstance(field, SectionsField):
        return "; ".join(s.heading or "(untitled)" for s in value)
    if isinstance(value, bytes):
        return f"a photo ({len(value) // 1024} kB)"
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


class ConflictDialog(QDialog):
    """Answer: 'merge' (save the merge), 'reload' (take the book's) or 'cancel'."""

    def __init__(self, store, editor, theirs, changes: list[FieldChange], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Changed elsewhere")
        self.answer = "cancel"
        self.changes = changes
        self._combos: dict[str, QComboBox] = {}
        record = editor.record_loaded()
        intro = QLabel(
            f"{record.label()[0].upper()}{record.label()[1:]} was changed in the book (another "
            "window, the command line or an import) while you edited it. Fields only one side "
            "changed keep that side's value; where both changed, choose.")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(changes), 4)
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "In the book now", "Keep"])
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("Changes, field by field")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        for row, change in enumerate(changes):
            field = editor.field(change.attr)
            cells = [change.title, describe(store, field, change.mine),
                     describe(store, field, change.theirs)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            if change.needs_choice:
                combo = QComboBox()
                combo.addItem("yours", "mine")
                combo.addItem("the book's", "theirs")
                combo.setAccessibleName(f"Keep for {change.title}")
                self._combos[change.attr] = combo
                self.table.setCellWidget(row, 3, combo)
            else:
                text = ("same on both sides" if change.mine_changed and change.theirs_changed
                        else "yours (only you changed it)" if change.mine_changed
                        else "the book's (you did not change it)")
                self.table.setItem(row, 3, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox()
        merge = buttons.addButton("&Save merged", QDialogButtonBox.AcceptRole)
        reload_button = buttons.addButton("&Reload — discard my changes",
                                          QDialogButtonBox.DestructiveRole)
        cancel = buttons.addButton("&Cancel", QDialogButtonBox.RejectRole)
        for button in (merge, reload_button):
            button.setAutoDefault(False)
        cancel.setDefault(True)
        merge.clicked.connect(lambda: self._finish("merge"))
        reload_button.clicked.connect(lambda: self._finish("reload"))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, 200 + 40 * len(changes))

    def _finish(self, answer: str):
        self.answer = answer
        self.accept()

    def choices(self) -> dict[str, str]:
        return {attr: combo.currentData() for attr, combo in self._combos.items()}
