"""The meetings list shows a date as approximate as it is known, with a period's last day."""

import datetime as dt

from gui_user import click_kind, type_text
from PySide6.QtCore import Qt

from desktopapp.domain import DatePrecision, Meeting
from desktopapp.store import BriefingStore


def test_meeting_list_shows_years_months_and_periods(window, qtbot, sample_path):
    with BriefingStore.open(sample_path) as elsewhere:  # as if from the command line
        elsewhere.save(Meeting(title="Zanzibar round table", date=dt.date(2021, 1, 1),
                               end_date=dt.date(2022, 1, 1),
                               date_precision=DatePrecision.YEAR))
        elsewhere.save(Meeting(title="Zanzibar follow-up", date=dt.date(2023, 4, 1),
                               date_precision=DatePrecision.MONTH))
        elsewhere.save(Meeting(title="Zanzibar talks", date=dt.date(2023, 3, 6),
                               end_date=dt.date(2023, 3, 10)))
    page = click_kind(qtbot, window, "Meetings")
    qtbot.mouseClick(page.filter, Qt.LeftButton)
    type_text(page.filter, "Zanzibar")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=3000)
    keys = [c.key for c in page.model.columns]
    shown = {page.model.index(row, keys.index("title")).data():
             page.model.index(row, keys.index("date")).data(Qt.DisplayRole)
             for row in range(3)}
    assert shown == {"Zanzibar round table": "2021–2022", "Zanzibar follow-up": "2023-04",
                     "Zanzibar talks": "2023-03-06–10"}
