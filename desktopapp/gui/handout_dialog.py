"""Handout options before exporting or printing: page size and two-up, as the CLI offers."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
)

from ..domain import PageSize
from .settings_dialog import PAGE_SIZE_LABELS


class HandoutDialog(QDialog):
    """Asks page size and two-up; ``page_size()`` and ``two_up()`` after ``exec()``.

    ``verb`` names the accepting button ("Export", "Print"), so the dialog says
    what happens next.
    """

    def __init__(self, title: str, default_size: PageSize, verb: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"{verb} handout")
        form = QFormLayout(self)
        heading = QLabel(f"Handout for <b>{escape(title)}</b>: the meeting card, then one "
                         "actor card per participant.")
        heading.setWordWrap(True)
        form.addRow(heading)
        self.size = QComboBox()
        for size, text in PAGE_SIZE_LABELS.items():
            self.size.addItem(text, size.value)
        self.size.setCurrentIndex(self.size.findData(default_size.value))
        self.size.setAccessibleName("Page size")
        size_label = QLabel("Page si&ze:")
        size_label.setBuddy(self.size)
        form.addRow(size_label, self.size)
        self.two_up_box = QCheckBox("&Two-up: A5 cards two to an A4 landscape sheet, "
                                    "with cut marks")
        self.two_up_box.toggled.connect(lambda on: self.size.setEnabled(not on))
        form.addRow(self.two_up_box)
        buttons = QDialogButtonBox()
        buttons.addButton("&Cancel", QDialogButtonBox.RejectRole)
        accept = buttons.addButton(f"&{verb}", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        accept.setDefault(True)  # once inside the dialog, or the dialog ignores it
        self.size.setFocus()  # Enter then presses the default button, not Cancel

    def page_size(self) -> str:
        return "a5" if self.two_up() else self.size.currentData()

    def two_up(self) -> bool:
        return self.two_up_box.isChecked()

