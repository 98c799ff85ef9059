"""Answer modal dialogs as a person does: find the active dialog, type, click a button.

A modal dialog runs its own event loop, so the answer is scheduled before
the action that opens it. Buttons are found by their visible text, without
the mnemonic "&".
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLineEdit


def button_text(button: QAbstractButton) -> str:
    return button.text().replace("&", "")


class DialogAnswers:
    """Queue answers; each is used by the next modal dialog that opens."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.seen: list[str] = []  # the text of each dialog answered
        self.pending = 0

    def answer(self, button: str, *, fill=None, check=None):
        """Click ``button`` on the next modal dialog; ``fill(dialog)`` first types into it."""
        self.pending += 1

        def attempt(tries=[0]):  # noqa: B006 - one counter per answer
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QDialog) or not dialog.isVisible():
                tries[0] += 1
                if tries[0] > 200:
                    raise AssertionError(f"no dialog appeared to answer {button!r}")
                QTimer.singleShot(20, attempt)
                return
            self.seen.append(dialog_text(dialog))
            if check is not None:
                check(dialog)
            if fill is not None:
                fill(dialog)
            buttons = [b for b in dialog.findChildren(QAbstractButton)
                       if b.isVisible() and button_text(b) == button]
            assert buttons, (f"no button {button!r} in {dialog.windowTitle()!r}: "
                             f"{[button_text(b) for b in dialog.findChildren(QAbstractButton)]}")
            self.pending -= 1
            buttons[0].click()

        QTimer.singleShot(0, attempt)

    def done(self):
        self.qtbot.waitUntil(lambda: self.pending == 0, timeout=5000)


def dialog_text(dialog) -> str:
    from PySide6.QtWidgets import QLabel
    parts = [dialog.windowTitle()] + [label.text() for label in dialog.findChildren(QLabel)
                                      if label.isVisible()]
    return "\n".join(p for p in parts if p)


def type_into_first_line(text: str):
    def fill(dialog):
        dialog.findChildren(QLineEdit)[0].setText(text)
    return fill
