"""Help: the user guide (shipped inside the package) and the keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
)

from ..resources import USER_GUIDE, resource_path

# Keys that are not menu commands, so no action lists them.
OTHER_KEYS = [
    ("Lists", "Tab / Shift+Tab", "Move between the filter, the list, the editor and the preview"),
    ("Lists", "Up / Down, Page Up / Page Down", "Select another record"),
    ("Dialogs", "Alt + underlined letter", "Press that button"),
    ("Dialogs", "Esc", "Cancel"),
]


def user_guide_html() -> str:
    from markdown_it import MarkdownIt  # only when the guide is opened: not at start-up

    text = resource_path(USER_GUIDE).read_text(encoding="utf-8")
    return MarkdownIt("commonmark").enable("table").render(text)


def _dialog(parent, title: str, body) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    layout.addWidget(body, 1)
    buttons = QDialogButtonBox()
    buttons.addButton("&Close", QDialogButtonBox.RejectRole)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return dialog


def show_user_guide(parent) -> None:
    """The guide in a window of its own: works without a browser or a network."""
    browser = QTextBrowser()
    browser.setOpenExternalLinks(True)
    browser.setAccessibleName("User guide")
    browser.setHtml(user_guide_html())
    dialog = _dialog(parent, "Briefing Desk — User guide", browser)
    dialog.resize(760, 820)
    dialog.exec()


def shortcut_rows(menus) -> list[tuple[str, str, str]]:
    """(menu, keys, command) for every menu action with a shortcut, then the other keys."""
    rows = []
    for menu, actions in menus:
        for action in actions:
            keys = action.shortcuts()
            if keys:
                rows.append((menu, ", ".join(k.toString(QKeySequence.NativeText) for k in keys),
                             action.text().replace("&", "").rstrip("…")))
    return rows + OTHER_KEYS


def show_shortcuts(parent, menus) -> None:
    rows = shortcut_rows(menus)
    table = QTableWidget(len(rows), 3)
    table.setHorizontalHeaderLabels(["Menu", "Keys", "Command"])
    table.setAccessibleName("Keyboard shortcuts")
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    dialog = _dialog(parent, "Keyboard shortcuts", table)
    dialog.resize(640, 560)
    dialog.exec()

