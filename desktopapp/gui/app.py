"""``briefing-desk``: open a briefing book in a window.

This first window lists the book's records by kind; the full editor,
preview and export arrive with the desktop-application issue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
)

from .. import __version__, books
from ..errors import BriefingError

COLUMNS = {
    "actor": [("name", "Name"), ("native_name", "Native name"), ("kind", "Kind"),
              ("title", "Title"), ("affiliation", "Affiliation")],
    "meeting": [("date", "Date"), ("title", "Title"), ("place", "Place"), ("status", "Status")],
    "recommendation": [("priority", "Priority"), ("status", "Status"), ("title", "Title"),
                       ("addressee", "Addressee")],
}
TAB_TITLES = {"actor": "Actors", "meeting": "Meetings", "recommendation": "Recommendations"}


class BookWindow(QMainWindow):
    def __init__(self, store):
        super().__init__()
        self.store = store
        self.setWindowTitle(f"{store.path.name} — Briefing Desk {__version__}")
        tabs = QTabWidget()
        for kind, columns in COLUMNS.items():
            tree = QTreeWidget()
            tree.setRootIsDecorated(False)
            tree.setHeaderLabels([title for _, title in columns])
            for row in store.list_summaries(kind):
                tree.addTopLevelItem(QTreeWidgetItem([str(row[key] or "") for key, _ in columns]))
            for column in range(len(columns)):
                tree.resizeColumnToContents(column)
            tabs.addTab(tree, TAB_TITLES[kind])
        self.setCentralWidget(tabs)
        self.resize(1000, 640)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="briefing-desk", description="Open a briefing book.")
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="the book file (default: your own book, the sample on first run)")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        store = books.open_book(args.db)
    except BriefingError as exc:
        QMessageBox.critical(None, "Briefing Desk", str(exc))
        return 1
    window = BookWindow(store)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
