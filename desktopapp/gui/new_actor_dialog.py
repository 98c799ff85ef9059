""""New actor…" from a meeting: what a participant needs, in one dialog.

Asks the name, the name in its own script, the kind and an affiliation (whose
side the actor sits on). The dialog only returns the actor; the window saves
it and remembers it was created with the record being edited.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import Actor, ActorKind, label
from .fields import RecordPicker, short_message

FIELD_LABELS = {"name": "Name", "native_name": "Native name", "kind": "Kind",
                "affiliations": "Affiliation"}


class NewActorDialog(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New actor")
        self.store = store
        self.affiliation = None
        self.name = QLineEdit()
        self.name.setPlaceholderText("as printed, e.g. Hakan Fidan")
        self.native_name = QLineEdit()
        self.native_name.setPlaceholderText("in its own script, if any")
        self.kind = QComboBox()
        for member in ActorKind:
            self.kind.addItem(label(member), member.value)
        self.picker = RecordPicker(store, "actor", self._affiliated,
                                   "type to pick the state or organisation…")
        self.picker.setAccessibleName("Affiliation")
        self.chosen = QLabel("none")
        clear = QPushButton("C&lear")
        clear.setAutoDefault(False)  # else the dialog makes it the default: Enter cleared
        clear.clicked.connect(lambda: self._affiliated(None))
        affiliation = QWidget()
        row = QVBoxLayout(affiliation)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picker)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.chosen, 1)
        chosen_row.addWidget(clear)
        row.addLayout(chosen_row)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #A31515;")
        self.problem.hide()
        form = QFormLayout()
        for text, widget in (("&Name:", self.name), ("Na&tive name:", self.native_name),
                             ("&Kind:", self.kind), ("&Affiliation:", affiliation)):
            caption = QLabel(text)
            caption.setBuddy(widget if widget is not affiliation else self.picker)
            form.addRow(caption, widget)
        self.buttons = QDialogButtonBox()
        self.create_button = self.buttons.addButton("C&reate actor", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("&Cancel", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.create_button.setDefault(True)  # once inside the dialog, or the dialog ignores it
        self.resize(460, self.sizeHint().height())

    def _affiliated(self, record):
        self.affiliation = record
        self.chosen.setText(record.display_name() if record is not None else "none")

    def actor(self) -> Actor:
        return Actor(name=self.name.text(), native_name=self.native_name.text(),
                     kind=ActorKind(self.kind.currentData()),
                     affiliation_uids=[self.affiliation.uid] if self.affiliation else [])

    def _accept_if_valid(self):
        actor = self.actor()
        actor.normalise()
        problems = actor.problems()
        if problems:
            name, message = problems[0]
            key = name.split("[")[0]
            self.problem.setText(f"{FIELD_LABELS.get(key, key)}: {short_message(message)}")
            self.problem.show()
            {"name": self.name, "native_name": self.native_name}.get(key, self.name).setFocus()
            return
        self.accept()
