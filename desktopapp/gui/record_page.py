"""One record kind's page: the filter box, the sortable list and the kind's editor;
and the window's pages, each made when it is first needed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .editors import EDITORS
from .models import RecordTableModel, StoreSortProxy
from .window_size import ColumnFitter

KINDS = ["actor", "meeting", "recommendation", "memo"]
KIND_TITLES = {"actor": "Actors", "meeting": "Meetings", "recommendation": "Recommendations",
               "memo": "Memos"}
FILTER_DELAY_MS = 200


class RecordPage(QWidget):
    """The list of one record kind: filter box, table, and its editor."""

    def __init__(self, store, kind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.model = RecordTableModel(store, kind, self)
        self.proxy = StoreSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Filter {KIND_TITLES[kind].lower()} (any words, any "
                                       "script)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(f"Filter {KIND_TITLES[kind]}")
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        column, order = self.model.sort_state()
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.table.setSortingEnabled(True)  # the indicator is the first load's order
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.columns = ColumnFitter(self.table, self.model.stretch_columns())
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName(f"{KIND_TITLES[kind]} list")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the editor
        self.editor = EDITORS[kind](store, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        self.split = QSplitter(Qt.Vertical)
        self.split.addWidget(self.table)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save record")
        holder_layout.addWidget(self.editor, 1)
        holder_layout.addWidget(self.save_button)
        self.split.addWidget(holder)
        self.split.setSizes([240, 520])
        layout.addWidget(self.split)
        self._chain_tab_order()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(FILTER_DELAY_MS)
        # records made with "New actor…"/"New source…" while editing this page's record
        self.created: list = []

    def _chain_tab_order(self):
        """Tab: filter → list → the editor's fields in visual order → Save.

        Set explicitly: the default order follows when widgets were parented,
        which the editor's layout scrambles.
        """
        chain = [self.filter, self.table] + self._editor_focus_widgets() + [self.save_button]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def _editor_focus_widgets(self) -> list[QWidget]:
        """The editor's widgets Tab can reach, in the form's order (rows, then within)."""
        out = []
        for widget in self.editor.findChildren(QWidget):
            if not widget.focusPolicy() & Qt.TabFocus or widget.focusProxy() is not None:
                continue
            parent, inside_popup = widget.parentWidget(), False
            while parent is not None and parent is not self.editor:
                # popups (the calendar) and the inner line of spin boxes/combos are not stops
                if parent.isWindow() or isinstance(parent, QAbstractSpinBox | QComboBox):
                    inside_popup = True
                    break
                parent = parent.parentWidget()
            if not inside_popup and not widget.isWindow():
                out.append(widget)
        return out

    def show_rows(self):
        """Load the list's first page if it has not been loaded: when the kind is shown."""
        if not self.model.is_loaded():
            self.model.reload()
            self.columns.measure()  # widths from the rows, now that there are some

    def show_changed_by(self, shown: bool):
        """The "Changed by" column on or off; the record stays selected."""
        keep = self.selected_id()
        self.model.set_changed_by_column(shown)
        self.columns.measure()
        self.select_id(keep)

    def empty_hint(self) -> str:
        """What the disabled editor says when no record is behind it."""
        plural = KIND_TITLES[self.kind].lower()
        # a book that may only be read offers nothing to make
        read_only = self.model.store.read_only
        if self.model.rowCount():
            return (f"Select one of the {plural} in the list"
                    + ("" if read_only else ", or New record (Ctrl+N)"))
        new = " (the book is read-only)" if read_only else " — New record (Ctrl+N)"
        if self.model.filter_text().strip():
            return f"No {plural} match “{self.model.filter_text().strip()}”{new}"
        return f"No {plural} yet{new}"

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record_id(self.proxy.mapToSource(rows[0]).row())

    def select_id(self, record_id: int | None):
        if record_id is None:
            self.table.clearSelection()
            return
        row = self.model.row_of(record_id)
        while row is None and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())


class RecordPages(Mapping):
    """The window's pages by kind, each made when first asked for.

    A page (its list, its editor's form) takes tens of milliseconds to make;
    a window starts on one kind, so the others are made when they are shown
    or asked for. Looking a page up makes it; ``made()`` lists the pages made
    so far, for what concerns only those (unsaved edits, reloading lists).
    """

    def __init__(self, make: Callable[[str], RecordPage]):
        self._make = make
        self._pages: dict[str, RecordPage] = {}

    def __getitem__(self, kind: str) -> RecordPage:
        if kind not in self._pages:
            if kind not in KINDS:
                raise KeyError(kind)
            self._pages[kind] = self._make(kind)
        return self._pages[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)

    def made(self) -> list[RecordPage]:
        return [self._pages[kind] for kind in KINDS if kind in self._pages]
