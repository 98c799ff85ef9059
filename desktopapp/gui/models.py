"""Qt table models over the store's record lists.

Rows are fetched a page at a time (``canFetchMore``/``fetchMore``), so a
book of a million actors opens as fast as one of ten: each page is one
query, which asks for one row more than it shows to know whether there is
more (no ``count(*)``, which reads the whole table). The model starts
empty and stays so until it is first loaded (``reload()``, a filter):
the window loads a kind's list when the kind is first shown, so start-up
queries one page, not one per kind. Sorting and the
full-text filter are done by the store (SQL ORDER BY and FTS5), because
only the store sees every row; the QSortFilterProxyModel in front of each
model hands header clicks down to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from ..domain import summary_date
from .textdirection import alignment_for

PAGE = 200
# Filter hits kept; more means the user should type more. Each filter reads the
# sort column of every hit it keeps to show the first page in order: at a
# million actors, 5,000 hits cost a third of a keystroke's time for a list
# nobody scrolls through; a thousand is the pool.
SEARCH_LIMIT = 1000


@dataclass(frozen=True)
class Column:
    title: str
    key: str  # key in the store's summary rows
    sort: str | None  # the store's sort name, or None when not sortable
    enum: bool = False  # show as words ("phone call", "head of delegation")
    stretch: bool = False  # takes the list's spare width (titles, names)


COLUMNS = {
    "actor": [Column("Name", "name", "name", stretch=True),
              Column("Native name", "native_name", "native_name"),
              Column("Kind", "kind", "kind", enum=True),
              Column("Title", "title", "title", stretch=True),
              Column("Affiliation", "affiliation", None)],
    "meeting": [Column("Date", "date", "date"), Column("Title", "title", "title", stretch=True),
                Column("Place", "place", "place"), Column("Status", "status", "status")],
    "recommendation": [Column("Priority", "priority", "priority"),
                       Column("Title", "title", "title", stretch=True),
                       Column("Status", "status", "status"),
                       Column("Addressee", "addressee", "addressee")],
    "memo": [Column("Date", "date", "date"), Column("Number", "number", "number"),
             Column("Title", "title", "title", stretch=True)],
}
# Who changed each record last: shown when the store records it (store.records_who).
CHANGED_BY = Column("Changed by", "changed_by", None)
DEFAULT_SORT = {"actor": (0, Qt.AscendingOrder), "meeting": (0, Qt.DescendingOrder),
                "recommendation": (0, Qt.AscendingOrder), "memo": (0, Qt.DescendingOrder)}

ID_ROLE = Qt.UserRole + 1
SORT_ROLE = Qt.UserRole + 2
ANSWERED_ROLES = frozenset({Qt.DisplayRole, Qt.ToolTipRole, Qt.TextAlignmentRole, ID_ROLE,
                            SORT_ROLE})


class RecordTableModel(QAbstractTableModel):
    """One record kind's list: the current page window of the store's summaries."""

    def __init__(self, store, kind: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.kind = kind
        self.columns = COLUMNS[kind]
        self._rows: list[dict] = []
        self._more = False  # the store has rows after the loaded ones
        self._ids: list[int] | None = None  # the filter's hits, or None for all
        self._filter = ""
        self._sort_column, self._order = DEFAULT_SORT[kind]
        self._changed_by = False
        self._loaded = False  # the first page has been queried
        self.loads = 0  # pages queried, for the benchmark and tests

    def set_changed_by_column(self, shown: bool):
        """Show or hide the "Changed by" column (only for stores that record who)."""
        shown = bool(shown) and bool(getattr(self.store, "records_who", False))
        if shown == self._changed_by:
            return
        self._changed_by = shown
        if not self._loaded:  # the column comes with the first page
            self.beginResetModel()
            self.columns = COLUMNS[self.kind] + ([CHANGED_BY] if shown else [])
            self.endResetModel()
            return
        try:
            rows = self._page(0)
        except Exception:
            self._changed_by = not shown  # a failed query leaves the list as it was
            raise
        self.beginResetModel()
        self.columns = COLUMNS[self.kind] + ([CHANGED_BY] if shown else [])
        self._rows = rows
        self.endResetModel()

    def changed_by_shown(self) -> bool:
        return self._changed_by

    # --- loading ---------------------------------------------------------------

    def _query(self, limit, offset):
        column = self.columns[self._sort_column]
        who = {"changed_by": True} if self._changed_by else {}
        return self.store.list_summaries(
            self.kind, sort=column.sort, descending=self._order == Qt.DescendingOrder,
            limit=limit, offset=offset, ids=self._ids, **who)

    def _page(self, offset):
        self.loads += 1
        rows = self._query(PAGE + 1, offset)
        self._more = len(rows) > PAGE
        return rows[:PAGE]

    def reload(self):
        """Fetch the first page again (after a save, a delete, a new filter or sort)."""
        rows = self._page(0)  # first: a failed query leaves the model as it was
        self.beginResetModel()
        self._rows = rows
        self._loaded = True
        self.endResetModel()

    def is_loaded(self) -> bool:
        """True once the first page has been queried (the list has been shown)."""
        return self._loaded

    def set_filter(self, text: str):
        self._filter = text
        self._ids = (self.store.search_ids(text, self.kind, limit=SEARCH_LIMIT, ranked=False)
                     if text.strip() else None)
        self.reload()

    def match_count(self) -> int | None:
        """Records the filter matched; None without a filter (counting them all is slow)."""
        return len(self._ids) if self._ids is not None else None

    def filter_summary(self) -> str:
        """How many records the filter matched, in words for the status bar."""
        plural = f"{self.kind}s"
        if self._ids is None:
            return f"All {plural}"
        count = len(self._ids)
        if count >= SEARCH_LIMIT:
            return f"Showing the first {count:,} matching {plural}: type more to narrow"
        if count == 0:
            return f"No {plural} match"
        return f"1 {self.kind} matches" if count == 1 else f"{count:,} {plural} match"

    def filter_truncated(self) -> bool:
        """True when more records match than the list keeps (type more to narrow)."""
        return self._ids is not None and len(self._ids) >= SEARCH_LIMIT

    def filter_text(self) -> str:
        return self._filter

    def canFetchMore(self, parent=QModelIndex()):
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()):
        if parent.isValid() or not self._more:
            return
        more = self._page(len(self._rows))
        if not more:
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
        # Painting a row asks for seven roles per cell, most of which no list sets:
        # those are answered before anything is looked up.
        if role not in ANSWERED_ROLES or not index.isValid() \
                or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        value = row.get(column.key)
        if role == Qt.ToolTipRole and column is CHANGED_BY and value:
            return f"Changed by {value}, {row.get('updated_at') or ''}".rstrip(", ")
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if column.key == "date":
                return summary_date(row)  # "2023-04", "2021–2022", "2023-03-06–10"
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
        if self._loaded:  # before the first load, the first load sorts
            self.reload()

    # --- helpers for the window -----------------------------------------------

    def record_id(self, row: int) -> int | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int | None:
        for row, item in enumerate(self._rows):
            if item["id"] == record_id:
                return row
        return None

    def stretch_columns(self) -> set[int]:
        return {number for number, column in enumerate(self.columns) if column.stretch}

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
