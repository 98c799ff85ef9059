"""Sizes that fit the screen and the data: the first window, list columns.

The first window used to be 1400×860 whatever the screen, running off a
1600×1000 screen at 150% scaling. Columns used to be sized by
``resizeColumnsToContents``, which measures every loaded row (318 ms of a
700 ms start on a big book); a sample of rows is as good for a first width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

PREFERRED = QSize(1400, 860)
SCREEN_SHARE = 0.92  # leave some of the desktop visible around a first window
SAMPLE_ROWS = 40
MIN_COLUMN, MAX_COLUMN, PADDING = 56, 240, 18
SORT_ARROW = 14  # the header also holds the sort indicator
# What the panes get of the width: navigator, list + editor, preview.
SPLIT = (0.11, 0.50, 0.39)


def first_window_geometry(available: QRect) -> QRect:
    """The preferred size, shrunk to the screen's available area, centred on it."""
    width = min(PREFERRED.width(), round(available.width() * SCREEN_SHARE))
    height = min(PREFERRED.height(), round(available.height() * SCREEN_SHARE))
    return QRect(available.x() + (available.width() - width) // 2,
                 available.y() + (available.height() - height) // 2, width, height)


def split_sizes(width: int) -> list[int]:
    return [round(width * share) for share in SPLIT]


class ColumnFitter(QObject):
    """Sizes a list's columns from its header and a sample of rows, and again whenever the
    list's width changes: spare width goes to the ``stretch`` columns (titles, names); when
    the width is short, the other columns give way first, down to their headers.

    Columns stay interactive: a user may drag them until the list is next resized.
    """

    def __init__(self, table: QTableView, stretch: set[int]):
        super().__init__(table)
        self.table, self.stretch = table, stretch
        table.horizontalHeader().setStretchLastSection(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.measure()
        table.viewport().installEventFilter(self)

    def measure(self):
        """Natural and least widths of each column, from the header and the first rows."""
        table = self.table
        model, header = table.model(), table.horizontalHeader()
        metrics, header_metrics = table.fontMetrics(), header.fontMetrics()
        rows = min(model.rowCount(), SAMPLE_ROWS)
        self.natural, self.least = [], []
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Horizontal) or "")
            least = header_metrics.horizontalAdvance(title) + PADDING + SORT_ARROW
            width = least
            for row in range(rows):
                text = model.index(row, column).data()
                if text:
                    width = max(width, metrics.horizontalAdvance(str(text)) + PADDING)
            self.least.append(max(MIN_COLUMN, least))
            self.natural.append(max(MIN_COLUMN, least, min(width, MAX_COLUMN)))
        self.fit()

    def fit(self):
        available = self.table.viewport().width()
        widths = column_widths(self.natural, self.least, self.stretch, available)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Resize:
            self.fit()
        return False


def column_widths(natural: list[int], least: list[int], stretch: set[int],
                  available: int) -> list[int]:
    """Widths for ``available`` pixels: natural widths plus the spare for ``stretch``
    columns; when short, non-stretch columns shrink towards ``least`` first, then all."""
    widths = list(natural)
    spare = available - sum(widths)
    if spare >= 0:
        growing = sorted(stretch) or [len(widths) - 1]
        for number, column in enumerate(growing):
            widths[column] += spare // len(growing) + (1 if number < spare % len(growing)
                                                       else 0)
        return widths
    for group in ([c for c in range(len(widths)) if c not in stretch], list(range(len(widths)))):
        give = sum(widths[c] - least[c] for c in group)
        if give <= 0:
            continue
        share = min(1.0, -spare / give)
        for column in group:
            cut = round((widths[column] - least[column]) * share)
            widths[column] -= cut
            spare += cut
        if spare >= 0:
            break
    return widths
