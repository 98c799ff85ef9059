"""The window's questions to the user, one function each.

Every button has a mnemonic; a button that throws work away or deletes is
never the default, so Enter on a question never destroys anything.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QMessageBox


def _ask(parent, icon, title: str, text: str, buttons: list[tuple[str, str, object]],
         default: str, informative: str = "", check_box: QCheckBox | None = None) -> str:
    """A message box with (answer, text, role) buttons; returns the answer clicked.

    Escape and closing the box answer "cancel".
    """
    box = QMessageBox(icon, title, text, parent=parent)
    if informative:
        box.setInformativeText(informative)
    if check_box is not None:
        box.setCheckBox(check_box)
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


def unsaved_changes(parent, what: str, problem: str = "", created: list[str] = ()) -> str:
    """'save', 'discard', 'discard-keep-created' or 'cancel'.

    A record with problems cannot be saved: no Save. ``created``: records made
    with "New actor…" for this edit; discarding removes them too, unless the
    user ticks the box to keep them.
    """
    keep = None
    informative = problem
    if created:
        listed = "\n".join(f"• {text}" for text in created)
        made = "this record" if len(created) == 1 else "these records"
        informative = "\n\n".join(filter(None, [problem, (
            f"Discarding also removes {made}, created for this {what}:\n{listed}")]))
        keep = QCheckBox(f"&Keep {made} in the book when discarding")
    if problem:
        answer = _ask(parent, QMessageBox.Warning, "Unsaved changes",
                      f"The {what} you are editing has unsaved changes, and it cannot be saved "
                      "as it is.", [("discard", "&Discard changes", QMessageBox.DestructiveRole),
                                    ("cancel", "&Cancel — keep editing",
                                     QMessageBox.RejectRole)],
                      "cancel", informative, keep)
    else:
        answer = _ask(parent, QMessageBox.Question, "Unsaved changes",
                      f"The {what} you are editing has unsaved changes.",
                      [("save", "&Save", QMessageBox.AcceptRole),
                       ("discard", "&Discard", QMessageBox.DestructiveRole),
                       ("cancel", "&Cancel", QMessageBox.RejectRole)], "save", informative, keep)
    if answer == "discard" and keep is not None and keep.isChecked():
        return "discard-keep-created"
    return answer


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


def stop_book_job(parent, what: str, undone: str) -> bool:
    """Closing the window while an import, export or backup runs: stop it first?"""
    return _ask(parent, QMessageBox.Question, "Close the window",
                f"{what} is not finished.", [
                    ("stop", "&Stop it and close", QMessageBox.DestructiveRole),
                    ("cancel", "&Keep working", QMessageBox.RejectRole)],
                "cancel", f"Stopping it {undone}.") == "stop"


def error(parent, message: str) -> None:
    _ask(parent, QMessageBox.Warning, "Briefing Desk", message,
         [("cancel", "&OK", QMessageBox.AcceptRole)], "cancel")


def new_source_citation(parent) -> str | None:
    from .new_source_dialog import NewSourceDialog
    dialog = NewSourceDialog(parent)
    return dialog.citation() if dialog.exec() else None
