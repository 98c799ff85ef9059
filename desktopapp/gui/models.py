"""Qt table models over the store's record lists.

Rows are fetched a page at a time (``canFetchMore``/``fetchMore``), so a
book of 100,000 actors opens as fast as one of ten. Sorting and the
full-text filter are done by the store (SQL ORDER BY and FTS5), because
only the store sees every row; the QSortFilterProxyModel in front of each
model hands header clicks down to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from .textdirection import alignment_for

PAGE = 200
SEARCH_LIMIT = 5000  # filter hits kept; more means the user should type more


@dataclass(frozen=True)
class Column:
    title: str
    key: str  # key in the store's summary rows
    sort: str | None  # the store's sort name, or None when not sortable
    enum: bool = False  # show as words ("phone call", "head of delegation")


COLUMNS = {
    "actor": [Column("Name", "name", "name"), Column("Native name", "native_name", "native_name"),
              Column("Kind", "kind", "kind", enum=True), Column("Title", "title", "title"),
              Column("Affiliation", "affiliation", None)],
    "meeting": [Column("Date", "date", "date"), Column("Title", "title", "title"),
                Column("Place", "place", "place"), Column("Status", "status", "status")],
    "recommendation": [Column("Priority", "priority", "priority"),
                       Column("Title", "title", "title"), Column("Status", "status", "status"),
                       Column("Addressee", "addressee", "addressee")],
    "memo": [Column("Date", "date", "date"), Column("Number", "number", "number"),
             Column("Title", "title", "title")],
}
DEFAULT_SORT = {"actor": (0, Qt.AscendingOrder), "meeting": (0, Qt.DescendingOrder),
                "recommendation": (0, Qt.AscendingOrder), "memo": (0, Qt.DescendingOrder)}

ID_ROLE = Qt.UserRole + 1
SORT_ROLE = Qt.UserRole + 2


class RecordTableModel(QAbstractTableModel):
    """One record kind's list: the current page window of the store's summaries."""

    def __init__(self, store, kind: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.kind = kind
        self.columns = COLUMNS[kind]
        self._rows: list[dict] = []
        self._total = 0
        self._ids: list[int] | None = None  # the filter's hits, or None for all
        self._filter = ""
        self._sort_column, self._order = DEFAULT_SORT[kind]
        self.reload()

    # --- loading ---------------------------------------------------------------

    def _query(self, limit, offset):
        column = self.columns[self._sort_column]
        return self.store.list_summaries(
            self.kind, sort=column.sort, descending=self._order == Qt.DescendingOrder,
            limit=limit, offset=offset, ids=self._ids)

    def reload(self):
        """Fetch the first page again (after a save, a delete, a new filter or sort)."""
        self.beginResetModel()
        self._total = len(self._ids) if self._ids is not None else self.store.count(self.kind)
        self._rows = self._query(PAGE, 0)
        self.endResetModel()

    def set_filter(self, text: str):
        self._filter = text
        self._ids = (self.store.search_ids(text, self.kind, limit=SEARCH_LIMIT, ranked=False)
                     if text.strip() else None)
        self.reload()

    def match_count(self) -> int:
        """Records the filter matched (all records without a filter)."""
        return self._total

    def filter_truncated(self) -> bool:
        """True when more records match than the list keeps (type more to narrow)."""
        return self._ids is not None and len(self._ids) >= SEARCH_LIMIT

    def filter_text(self) -> str:
        return self._filter

    def canFetchMore(self, parent=QModelIndex()):
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()):
        if parent.isValid():
            return
        more = self._query(PAGE, len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # --- the model interface -------------------------------------------------

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        value = row.get(column.key)
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            text = "" if value is None else str(value)
            return text.replace("_", " ") if column.enum else text
        if role == Qt.TextAlignmentRole and isinstance(value, str):
            return alignment_for(value)  # a name in Arabic or Hebrew sits on the right
        if role == ID_ROLE:
            return row["id"]
        if role == SORT_ROLE:
            return "" if value is None else value
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def sort(self, column, order=Qt.AscendingOrder):
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        self._sort_column, self._order = column, order
        self.reload()

    # --- helpers for the window -----------------------------------------------

    def record_id(self, row: int) -> int | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int | None:
        for row, item in enumerate(self._rows):
            if item["id"] == record_id:
                return row
        return None

    def sort_state(self):
        return self._sort_column, self._order


class StoreSortProxy(QSortFilterProxyModel):
    """Passes header clicks to the store, which sorts every row, not just the loaded ones."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def sort(self, column, order=Qt.AscendingOrder):
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
