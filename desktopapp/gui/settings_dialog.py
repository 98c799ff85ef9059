"""The export settings dialog: organisation, classification, page size, default author."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from ..domain import ExportSettings, PageSize
from ..errors import ValidationError

PAGE_SIZE_LABELS = {PageSize.A4: "A4", PageSize.LETTER: "US Letter", PageSize.A5: "A5"}


class SettingsDialog(QDialog):
    """Edits a copy of the settings; ``result_settings()`` after ``exec()`` accepted."""

    def __init__(self, settings: ExportSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export settings")
        self._version = settings.version
        form = QFormLayout(self)
        self.organisation = QLineEdit(settings.organisation)
        self.classification = QLineEdit(settings.classification)
        self.classification.setPlaceholderText("e.g. RESTRICTED; empty for none")
        self.page_size = QComboBox()
        for size, text in PAGE_SIZE_LABELS.items():
            self.page_size.addItem(text, size.value)
        self.page_size.setCurrentIndex(self.page_size.findData(settings.page_size.value))
        self.author = QLineEdit(settings.author)
        # wide enough for an institute's full name without scrolling the text
        field_width = self.fontMetrics().horizontalAdvance("x" * 46)
        for widget, name, label in [(self.organisation, "Organisation", "&Organisation:"),
                                    (self.classification, "Classification marking",
                                     "C&lassification marking:"),
                                    (self.page_size, "Default page size", "Default page si&ze:"),
                                    (self.author, "Default author", "Default &author:")]:
            widget.setAccessibleName(name)
            widget.setMinimumWidth(field_width)
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        self.error = QLabel()
        self.error.setStyleSheet("color: #A31515;")
        form.addRow(self.error)
        # labelled here, with mnemonics: Qt's standard "OK"/"Cancel" have none
        buttons = QDialogButtonBox()
        save = buttons.addButton("&Save settings", QDialogButtonBox.AcceptRole)
        buttons.addButton("&Cancel", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        save.setDefault(True)  # once inside the dialog, or the dialog ignores it
        self._result: ExportSettings | None = None

    def accept(self):
        # the version read: saving over a change made meanwhile is a conflict, not a loss
        settings = ExportSettings(self.organisation.text(), self.classification.text(),
                                  PageSize(self.page_size.currentData()), self.author.text(),
                                  version=self._version)
        try:
            self._result = settings.check()
        except ValidationError as exc:
            self.error.setText("; ".join(f"{f}: {m}" for f, m in exc.problems))
            return
        super().accept()

    def result_settings(self) -> ExportSettings | None:
        return self._result
