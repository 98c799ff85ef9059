""""New source…" beside a record's sources: the citation, in a dialog of our own.

Qt's input dialog labels its buttons "OK" and "Cancel" without mnemonics;
ours has "Create source" and "Cancel" with Alt letters, and says what is
missing instead of closing on an empty citation. The dialog only returns the
text; the window saves the source.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout


class NewSourceDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New source")
        self.line = QLineEdit()
        self.line.setAccessibleName("Citation")
        self.line.setPlaceholderText("e.g. Anna Maria Dyner, “…”, PISM Bulletin No. 58, "
                                     "20 May 2025")
        caption = QLabel("C&itation (author, title, publication, date):")
        caption.setBuddy(self.line)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #A31515;")
        self.problem.hide()
        buttons = QDialogButtonBox()
        create = buttons.addButton("C&reate source", QDialogButtonBox.AcceptRole)
        buttons.addButton("&Cancel", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self._accept_if_given)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.line)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        create.setDefault(True)  # once inside the dialog, or the dialog ignores it
        self.resize(520, self.sizeHint().height())

    def citation(self) -> str:
        return self.line.text().strip()

    def _accept_if_given(self):
        if not self.citation():
            self.problem.setText("Citation: required")
            self.problem.show()
            self.line.setFocus()
            return
        self.accept()
