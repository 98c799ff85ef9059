"""The window's questions to the user, one function each, so tests can answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox


def unsaved_changes(parent, what: str) -> str:
    """'save', 'discard' or 'cancel'."""
    answer = QMessageBox.question(
        parent, "Unsaved changes", f"The {what} you are editing has unsaved changes.",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")


def conflict(parent, message: str) -> str:
    """'reload', 'overwrite' or 'cancel' for a record changed elsewhere."""
    box = QMessageBox(QMessageBox.Warning, "Changed elsewhere", message, parent=parent)
    reload_button = box.addButton("Reload", QMessageBox.AcceptRole)
    overwrite = box.addButton("Overwrite", QMessageBox.DestructiveRole)
    box.addButton(QMessageBox.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "reload" if clicked is reload_button else "overwrite" if clicked is overwrite \
        else "cancel"


def confirm_delete(parent, label: str) -> bool:
    return QMessageBox.question(parent, "Delete", f"Delete {label}? This cannot be undone.",
                                QMessageBox.Yes | QMessageBox.No,
                                QMessageBox.No) == QMessageBox.Yes


def delete_linked_anyway(parent, message: str) -> bool:
    box = QMessageBox(QMessageBox.Warning, "Linked records", message, parent=parent)
    anyway = box.addButton("Delete anyway", QMessageBox.DestructiveRole)
    box.addButton(QMessageBox.Cancel)
    box.exec()
    return box.clickedButton() is anyway


def open_exported(parent, text: str) -> bool:
    return QMessageBox.question(parent, "Exported", text + "\n\nOpen it now?",
                                QMessageBox.Open | QMessageBox.Close,
                                QMessageBox.Close) == QMessageBox.Open


def error(parent, message: str) -> None:
    QMessageBox.warning(parent, "Briefing Desk", message)


def new_source_citation(parent) -> str | None:
    citation, ok = QInputDialog.getText(parent, "New source",
                                        "Citation (author, title, publication, date):")
    return citation.strip() if ok and citation.strip() else None


def new_actor_name(parent) -> str | None:
    name, ok = QInputDialog.getText(parent, "New actor", "Name of the new actor:")
    return name.strip() if ok and name.strip() else None
