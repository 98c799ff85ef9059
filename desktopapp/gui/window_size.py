"""Sizes that fit the screen and the data: the first window, list columns.

The first window used to be 1400×860 whatever the screen, running off a
1600×1000 screen at 150% scaling. Columns used to be sized by
``resizeColumnsToContents``, which measures every loaded row (318 ms of a
700 ms start on a big book); a sample of rows is as good for a first width.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

PREFERRED = QSize(1400, 860)
SCREEN_SHARE = 0.92  # leave some of the desktop visible around a first window
SAMPLE_ROWS = 40
MIN_COLUMN, MAX_COLUMN, PADDING = 70, 240, 18
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


def fit_columns(table: QTableView, stretch: set[int]) -> None:
    """Width of each column from its header and the first rows; ``stretch`` columns
    (titles, names) share whatever width is left, the others stay as sized."""
    model, header = table.model(), table.horizontalHeader()
    metrics, header_metrics = table.fontMetrics(), header.fontMetrics()
    rows = min(model.rowCount(), SAMPLE_ROWS)
    header.setStretchLastSection(False)
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Horizontal) or "")
        # the header also holds the sort arrow
        width = header_metrics.horizontalAdvance(title) + PADDING + 14
        for row in range(rows):
            text = model.index(row, column).data()
            if text:
                width = max(width, metrics.horizontalAdvance(str(text)) + PADDING)
        header.setSectionResizeMode(column, QHeaderView.Stretch if column in stretch
                                    else QHeaderView.Interactive)
        table.setColumnWidth(column, max(MIN_COLUMN, min(width, MAX_COLUMN)))
