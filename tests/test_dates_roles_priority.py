"""Meetings over several days, approximate dates, role labels, approximate durations
and "no priority given": model, book upgrade, JSON format, cards and editors."""

import copy
import datetime as dt
import io
import json
import shutil

import pytest
from conftest import FIXTURES
from gui_user import click_kind, click_row, edit_cell, press
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktopapp import bookformat
from desktopapp.documents import render_record
from desktopapp.domain import (
    DatePrecision,
    DurationApprox,
    Meeting,
    Participant,
    Position,
    Recommendation,
    format_date_span,
    format_duration,
    parse_approx_date,
    short_date_span,
    summary_date,
)
from desktopapp.errors import ImportFormatError, ValidationError
from desktopapp.store import BriefingStore

D = dt.date.fromisoformat


@pytest.mark.parametrize(("start", "end", "precision", "text"), [
    ("2023-03-06", "2023-03-10", DatePrecision.DAY, "6–10 March 2023"),
    ("2023-04-30", "2023-05-02", DatePrecision.DAY, "30 April – 2 May 2023"),
    ("2022-12-30", "2023-01-02", DatePrecision.DAY, "30 December 2022 – 2 January 2023"),
    ("2023-03-01", None, DatePrecision.MONTH, "March 2023"),
    ("2023-03-01", "2023-04-01", DatePrecision.MONTH, "March–April 2023"),
    ("2021-01-01", "2022-01-01", DatePrecision.YEAR, "2021–2022"),
    ("2021-01-01", None, DatePrecision.YEAR, "2021"),
    ("2025-05-16", None, DatePrecision.DAY, "16 May 2025"),
])
def test_periods_print_in_words(start, end, precision, text):
    assert format_date_span(D(start), D(end) if end else None, precision) == text


@pytest.mark.parametrize(("start", "end", "precision", "text"), [
    ("2025-05-16", None, DatePrecision.DAY, "2025-05-16"),
    ("2023-03-06", "2023-03-10", DatePrecision.DAY, "2023-03-06–10"),
    ("2023-03-01", "2023-03-05", DatePrecision.DAY, "2023-03-01–05"),
    ("2023-04-30", "2023-05-02", DatePrecision.DAY, "2023-04-30–05-02"),
    ("2022-12-30", "2023-01-02", DatePrecision.DAY, "2022-12-30–2023-01-02"),
    ("2023-03-01", None, DatePrecision.MONTH, "2023-03"),
    ("2023-03-01", "2023-04-01", DatePrecision.MONTH, "2023-03–04"),
    ("2022-12-01", "2023-01-01", DatePrecision.MONTH, "2022-12–2023-01"),
    ("2021-01-01", None, DatePrecision.YEAR, "2021"),
    ("2021-01-01", "2022-01-01", DatePrecision.YEAR, "2021–2022"),
    # an end on or before the start is no period: the start alone
    ("2023-03-06", "2023-03-06", DatePrecision.DAY, "2023-03-06"),
    ("2023-03-06", "2023-03-01", DatePrecision.DAY, "2023-03-06"),
])
def test_lists_show_periods_in_iso_form_the_end_without_what_it_shares(start, end, precision,
                                                                        text):
    assert short_date_span(D(start), D(end) if end else None, precision) == text


def test_a_period_without_a_start_or_a_precision():
    assert short_date_span(None, D("2023-03-10"), DatePrecision.DAY) == ""
    assert short_date_span(D("2023-03-06"), D("2023-03-10")) == "2023-03-06–10"  # a day's


def test_a_list_row_shows_a_meeting_as_approximate_as_it_is_known():
    # a meeting's row (it has a precision): the period to that precision
    assert summary_date({"date": "2023-03-01", "end_date": "2023-04-01",
                         "date_precision": "month"}) == "2023-03–04"
    assert summary_date({"date": "2021-01-01", "end_date": None,
                         "date_precision": "year"}) == "2021"
    # a precision not recorded (a row from an older book) is a day's
    for unknown in (None, ""):
        assert summary_date({"date": "2023-03-06", "end_date": "2023-03-10",
                             "date_precision": unknown}) == "2023-03-06–10"
    assert summary_date({"date": None, "end_date": None, "date_precision": "day"}) == ""
    # other records' dates as stored, none as an empty cell
    assert summary_date({"date": "2024-05-16"}) == "2024-05-16"
    assert summary_date({"date": None}) == ""
    assert summary_date({"title": "A source without a date"}) == ""


def test_approximate_dates_parse_and_sort_at_the_start_of_their_period():
    assert parse_approx_date("2023") == (D("2023-01-01"), DatePrecision.YEAR)
    assert parse_approx_date("2023-03") == (D("2023-03-01"), DatePrecision.MONTH)
    assert parse_approx_date("2023-03-06") == (D("2023-03-06"), DatePrecision.DAY)
    for bad in ("2023-13", "23", "March 2023", "2023-02-30", "0000"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_approx_date(bad)
    meeting = Meeting(title="t", date=D("2023-03-17"), date_precision=DatePrecision.MONTH)
    meeting.check()
    assert meeting.date == D("2023-03-01") and meeting.when() == "March 2023"


def test_period_rules_name_their_field():
    meeting = Meeting(title="t", date=D("2023-03-10"), end_date=D("2023-03-06"))
    assert ("end_date", "is before the start date") in meeting.problems()
    meeting = Meeting(title="t", date=D("2023-03-10"), date_precision=DatePrecision.YEAR,
                      start_time=dt.time(10, 0))
    assert any(name == "start_time" for name, _ in meeting.problems())
    meeting = Meeting(title="t", date=D("2023-03-10"), end_date=D("2023-03-10"))
    meeting.check()
    assert meeting.end_date is None  # one day is that day


def test_durations_say_how_exact_they_are():
    assert format_duration(120, DurationApprox.ALMOST) == "almost 2 h"
    assert format_duration(120, DurationApprox.ABOUT) == "about 2 h"
    assert format_duration(150, DurationApprox.OVER) == "more than 2 h 30 min"
    assert format_duration(45) == "45 min"
    assert format_duration(None, DurationApprox.ABOUT) == ""


def test_role_label_sits_beside_the_role_kind():
    assert Participant("x", "Russia", role_label="chair").role_text() == "member (chair)"


def card_text(store, kind, record_id) -> str:
    settings = store.settings()
    pdf = render_record(store, store.get(kind, record_id), settings).pdf
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_no_priority_is_stored_as_none_and_never_becomes_medium(store):
    rec = store.save(Recommendation(title="Wait", text="Wait and see.", addressee="EU"))
    assert rec.priority is None
    assert store.get("recommendation", rec.id).priority is None
    assert store.list_summaries("recommendation")[0]["priority"] is None


def test_sample_istanbul_talks_lasted_almost_two_hours(sample_store):
    talks = next(m for m in sample_store.all_records("meeting")
                 if m.title == "Russian–Ukrainian talks in Istanbul")
    assert talks.duration_approx == DurationApprox.ALMOST
    assert "almost 2 h" in card_text(sample_store, "meeting", talks.id)


def new_fields_world(store):
    rec = store.all_records("recommendation")[0]
    talks = next(m for m in store.all_records("meeting") if m.title.startswith("Russian"))
    talks.date, talks.end_date = D("2023-03-06"), D("2023-03-10")
    talks.start_time = None
    talks.participants[0].role_label = "led the talks for Moscow"
    store.save(talks)
    actor = store.get_by_uid("actor", talks.participants[0].actor_uid)
    actor.positions.append(Position("Ceasefire", "Against", D("2021-01-01"), None,
                                    DatePrecision.YEAR))
    store.save(actor)
    rec.priority = None
    store.save(rec)
    return talks, actor, rec


def test_cards_print_periods_role_labels_and_no_priority(sample_store):
    talks, actor, rec = new_fields_world(sample_store)
    meeting_text = " ".join(card_text(sample_store, "meeting", talks.id).split())
    assert "6–10 March 2023" in meeting_text
    assert "led the talks for Moscow" in meeting_text
    actor_text = " ".join(card_text(sample_store, "actor", actor.id).split())
    assert "2021" in actor_text and "6–10 March 2023" in actor_text
    assert "led the talks for Moscow" in actor_text
    rec_text = card_text(sample_store, "recommendation", rec.id)
    assert "no priority given" in rec_text
    assert "medium" not in rec_text.lower()


def test_json_round_trips_the_new_fields(sample_store, tmp_path):
    new_fields_world(sample_store)
    book = sample_store.export_book()
    assert book["version"] == bookformat.FORMAT_VERSION
    text = bookformat.dumps(book)
    data = json.loads(text)
    talks = next(m for m in data["meetings"] if m["title"].startswith("Russian"))
    assert (talks["date"], talks["end_date"]) == ("2023-03-06", "2023-03-10")
    assert talks["participants"][0]["role_label"] == "led the talks for Moscow"
    with BriefingStore.open(tmp_path / "copy.sqlite", create=True) as copy_store:
        copy_store.import_sections(bookformat.parse_book(data))
        assert bookformat.dumps(copy_store.export_book()) == text


def test_json_month_and_year_dates_and_mismatched_period(sample_store):
    data = sample_store.export_book()
    talks = data["meetings"][0]
    talks.update(date="2021", end_date="2022", start_time=None)
    parsed = bookformat.parse_book(copy.deepcopy(data))
    meeting = parsed["meetings"][0]
    assert meeting.date_precision == DatePrecision.YEAR and meeting.when() == "2021–2022"
    talks.update(end_date="2022-05")
    with pytest.raises(ImportFormatError, match="'end_date' is a month but 'date' is a year"):
        bookformat.parse_book(data)


def test_version_2_files_still_import(sample_store):
    data = sample_store.export_book()
    data["version"] = 2
    for meeting in data["meetings"]:
        for key in ("end_date", "duration_approx"):
            meeting.pop(key)
    data["recommendations"][0]["priority"] = "low"
    parsed = bookformat.parse_book(data)
    assert parsed["meetings"][0].date_precision == DatePrecision.DAY
    assert parsed["recommendations"][0].priority.value == "low"


def test_schema_2_book_upgrades_keeping_priorities_and_links(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "book-schema2.sqlite", path)
    with BriefingStore.open(path) as store:
        recs = store.all_records("recommendation")
        assert [r.priority.value for r in recs] == ["high", "high", "medium"]
        assert all(r.meeting_uids or r.actor_uids or r.addressee_uids for r in recs)
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.check() == []
        rec = recs[0]
        rec.priority = None
        store.save(rec)
        assert store.get("recommendation", rec.id).priority is None
        with pytest.raises(ValidationError, match="end_date"):
            meeting = store.all_records("meeting")[0]
            meeting.end_date = meeting.date - dt.timedelta(days=1)
            store.save(meeting)


def test_schema_4_fixture_keeps_its_new_fields(tmp_path):
    path = tmp_path / "s4.sqlite"
    shutil.copy(FIXTURES / "book-schema4.sqlite", path)
    with BriefingStore.open(path) as store:
        e4 = next(m for m in store.all_records("meeting") if m.title.startswith("E4"))
        assert e4.when() == "May–June 2025"
        assert e4.participants[-1].role_label == "host of the leaders"
        assert any(r.priority is None for r in store.all_records("recommendation"))


def test_editors_set_period_role_label_and_no_priority(window, qtbot):
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    editor = page.editor
    precision = editor.field("date_precision").widget
    precision.setFocus()
    qtbot.keyClicks(precision, "month")  # type to pick in a combo box
    participants = editor.field("participants")
    edit_cell(qtbot, participants.table, 0, 3, "chair")
    assert editor.field("start_time").get() is None  # a month-only date has no start time
    press(participants.table, QKeySequence.Save)
    stored = window.store.get("meeting", editor.record_loaded().id)
    assert stored.date_precision == DatePrecision.MONTH and stored.when() == "May 2025"
    assert stored.participants[0].role_label == "chair"

    page = click_kind(qtbot, window, "Recommendations")
    combo = page.editor.field("priority").widget
    assert combo.itemText(0) == "no priority given"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Home)
    press(combo, QKeySequence.Save)
    assert window.store.get("recommendation", page.editor.record_loaded().id).priority is None


def test_memo_composed_from_meetings_reads_like_the_bulletin(sample_store):
    from desktopapp import dossier
    from desktopapp.pdf import memo as memo_pdf
    ids = [m.id for m in sample_store.all_records("meeting")
           if m.title in ("E4 leaders' meeting in Kyiv", "Russian–Ukrainian talks in Istanbul",
                          "Trump–Putin phone call")]
    composed = dossier.compose_memo(sample_store, ids)
    assert composed.title == "E4 leaders' meeting in Kyiv and 2 related meetings, 10–19 May 2025"
    # the phone call has no place: only the two others were held in Kyiv and Istanbul
    assert composed.lead.startswith("3 meetings held 10–19 May 2025, 2 of them in Kyiv and "
                                    "Istanbul: ")
    talks = composed.sections[1]
    assert talks.heading == "Russian–Ukrainian talks in Istanbul (16 May 2025, Istanbul)"
    assert "**Agenda.**" in talks.body and "**Outcomes:**\n\n- Russia and Ukraine" in talks.body
    text = PdfReader(io.BytesIO(memo_pdf.render(dossier.memo_dossier(sample_store, composed),
                                                sample_store.settings()).pdf)).pages[0]
    text = text.extract_text()
    assert "• Russia and Ukraine agreed only" in text  # a bullet, not a literal "-"
    assert "- Russia" not in text
    assert "Follow-ups." in text and "2025-05" not in text


@pytest.mark.parametrize("first, last, span", [
    # a year and a day: neither end invents what it does not know ("January 2021")
    ((dt.date(2021, 1, 1), dt.date(2022, 1, 1), DatePrecision.YEAR),
     (dt.date(2023, 3, 6), dt.date(2023, 3, 10), DatePrecision.DAY), "2021 – 10 March 2023"),
    ((dt.date(2023, 3, 1), None, DatePrecision.MONTH),
     (dt.date(2023, 4, 2), None, DatePrecision.DAY), "March 2023 – 2 April 2023"),
    ((dt.date(2023, 3, 1), None, DatePrecision.MONTH),
     (dt.date(2023, 3, 6), None, DatePrecision.DAY), "March 2023"),
    ((dt.date(2023, 3, 1), None, DatePrecision.MONTH),
     (dt.date(2023, 5, 1), None, DatePrecision.MONTH), "March–May 2023"),
])
def test_composed_memo_period_keeps_each_end_as_approximate_as_it_is(tmp_path, first, last,
                                                                     span):
    from desktopapp import dossier
    from desktopapp.store import BriefingStore
    with BriefingStore.open(tmp_path / "b.sqlite", create=True) as store:
        ids = [store.save(Meeting(title=title, date=date, end_date=end,
                                  date_precision=precision)).id
               for title, (date, end, precision) in (("One", first), ("Two", last))]
        composed = dossier.compose_memo(store, ids)
    assert composed.title == f"One and 1 related meeting, {span}"
    assert composed.lead.startswith(f"2 meetings held {span}:")


def test_end_date_is_typed_with_the_keyboard(window, qtbot):
    # An empty optional date: typing a period's last day is enough, no mouse.
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    field = page.editor.field("end_date")
    assert field.get() is None
    qtbot.mouseClick(field.line, Qt.LeftButton)
    qtbot.keyClicks(field.line, "2025-05-17")
    qtbot.keyClick(field.line, Qt.Key_Tab)
    assert field.get() == dt.date(2025, 5, 17)
    press(page.editor.field("end_date").line, QKeySequence.Save)
    stored = window.store.get("meeting", page.editor.record_loaded().id)
    assert stored.when() == "16–17 May 2025"


@pytest.mark.parametrize("typed", ["2024-06-03", "20240603"])
def test_dates_type_as_they_read(window, qtbot, typed):
    # QDateEdit took the "-" after a full year as a second step: "2024-06-03"
    # became 2024-<this month>-06. The line edit keeps what was typed.
    page = click_kind(qtbot, window, "Meetings")
    click_row(qtbot, page.table, "Russian–Ukrainian talks in Istanbul")
    date = page.editor.field("date")
    qtbot.mouseClick(date.line, Qt.LeftButton)
    press(date.line, QKeySequence.SelectAll)
    qtbot.keyClicks(date.line, typed)
    qtbot.keyClick(date.line, Qt.Key_Tab)
    assert date.get() == dt.date(2024, 6, 3) and date.line.text() == "2024-06-03"
