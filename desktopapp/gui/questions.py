"""The window's questions to the user, one function each.

Every button has a mnemonic; a button that throws work away or deletes is
never the default, so Enter on a question never destroys anything.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox


def _ask(parent, icon, title: str, text: str, buttons: list[tuple[str, str, object]],
         default: str, informative: str = "") -> str:
    """A message box with (answer, text, role) buttons; returns the answer clicked.

    Escape and closing the box answer "cancel".
    """
    box = QMessageBox(icon, title, text, parent=parent)
    if informative:
        box.setInformativeText(informative)
    by_button = {}
    for answer, label, role in buttons:
        button = box.addButton(label, role)
        by_button[button] = answer
        if answer == default:
            box.setDefaultButton(button)
        if answer == "cancel":
            box.setEscapeButton(button)
    box.exec()
    return by_button.get(box.clickedButton(), "cancel")


def unsaved_changes(parent, what: str, problem: str = "") -> str:
    """'save', 'discard' or 'cancel'. A record with problems cannot be saved: no Save."""
    if problem:
        return _ask(parent, QMessageBox.Warning, "Unsaved changes",
                    f"The {what} you are editing has unsaved changes, and it cannot be saved "
                    "as it is.", [("discard", "&Discard changes", QMessageBox.DestructiveRole),
                                  ("cancel", "&Cancel — keep editing", QMessageBox.RejectRole)],
                    "cancel", problem)
    return _ask(parent, QMessageBox.Question, "Unsaved changes",
                f"The {what} you are editing has unsaved changes.",
                [("save", "&Save", QMessageBox.AcceptRole),
                 ("discard", "&Discard", QMessageBox.DestructiveRole),
                 ("cancel", "&Cancel", QMessageBox.RejectRole)], "save")


def remove_created(parent, labels: list[str], what: str) -> bool:
    """After discarding a record: remove the records made with "New actor…" for it?"""
    listed = "\n".join(f"• {text}" for text in labels)
    return _ask(parent, QMessageBox.Question, f"Created with this {what}",
                f"You created {'this record' if len(labels) == 1 else 'these records'} while "
                f"editing the {what} you discarded:\n\n{listed}", [
                    ("remove", "&Remove from the book", QMessageBox.DestructiveRole),
                    ("keep", "&Keep in the book", QMessageBox.RejectRole)],
                "keep") == "remove"


def confirm_delete(parent, label: str) -> bool:
    return _ask(parent, QMessageBox.Question, "Delete",
                f"Delete {label}? This cannot be undone.",
                [("delete", "&Delete", QMessageBox.DestructiveRole),
                 ("cancel", "&Cancel", QMessageBox.RejectRole)], "cancel") == "delete"


def delete_linked_anyway(parent, message: str) -> bool:
    return _ask(parent, QMessageBox.Warning, "Linked records", message,
                [("delete", "Delete &anyway", QMessageBox.DestructiveRole),
                 ("cancel", "&Cancel", QMessageBox.RejectRole)], "cancel") == "delete"


def open_exported(parent, text: str) -> bool:
    return _ask(parent, QMessageBox.Information, "Exported", text + "\n\nOpen it now?",
                [("open", "&Open", QMessageBox.AcceptRole),
                 ("cancel", "&Close", QMessageBox.RejectRole)], "cancel") == "open"


def error(parent, message: str) -> None:
    _ask(parent, QMessageBox.Warning, "Briefing Desk", message,
         [("cancel", "&OK", QMessageBox.AcceptRole)], "cancel")


def new_source_citation(parent) -> str | None:
    citation, ok = QInputDialog.getText(parent, "New source",
                                        "&Citation (author, title, publication, date):")
    return citation.strip() if ok and citation.strip() else None
