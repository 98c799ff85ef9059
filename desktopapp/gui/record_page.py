"""One record kind's page: the filter box, the sortable list and the kind's editor."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
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
        self.table.setSortingEnabled(True)  # sorts by the indicator: the one first-page query
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.columns = ColumnFitter(self.table, self.model.stretch_columns())
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName(f"{KIND_TITLES[kind]} list")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
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
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(FILTER_DELAY_MS)

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
