"""The one-pass record decoder (desktopapp/quickdecode.py) against the full one.

The quick decoder may decline any record (the full decoder then decides and
words the message); what it must never do is accept a record the full
decoder refuses, or build a different one. Every record of the sample book
and of the multi-script book is taken by it, and thousands of broken
variants of them are compared with the full decoder.
"""

import copy
import json
from pathlib import Path

import pytest

from desktopapp import bookformat, quickdecode
from desktopapp.resources import resource_path

DATA = Path(__file__).parent / "data"
UID = "00000000-0000-4000-8000-0000000000ab"

# Values a hostile or careless file may hold in any field.
ODD_VALUES = [
    None, "", " ", "  padded  ", 0, 1, -5, 1.5, True, False, [], {}, [None], [""], ["x", "x"],
    ["  spaced  "], [UID, UID], [UID], [{"topic": "t", "stance": "s"}], "x" * 70_000,
    "x" * 250, "x" * 600, "a\x00b", "a\x07", "a\tb", "line\r\nnext\rlast", "e\u0301", "\ud800",
    "\u0085", "2025", "2025-05", "2025-05-16", "2025-02-30", "2025-W21-1", "0000", "12:30",
    "24:00", "12.30", "2025-05-16T12:00:00Z", "not a stamp", "person", "held", "high",
    "member", "head", "proposed", UID, UID.upper(), "Ümlaut", "王毅",
]
ITEM_VALUES = [
    None, "", 3, [], {}, {"topic": "NATO", "stance": "For."},
    {"topic": None, "stance": "For."}, {"topic": "", "stance": "For."},
    {"topic": "NATO", "stance": "For.", "as_of": "2024-05"},
    {"topic": "NATO", "stance": "For.", "as_of": "bad"},
    {"topic": "NATO", "stance": "For.", "source_uid": 5},
    {"topic": "NATO", "stance": "For.", "source_uid": "nope"},
    {"topic": "NATO", "stance": "For.", "extra": 1},
    {"actor_uid": UID}, {"actor_uid": UID, "side": None}, {"actor_uid": UID, "role": None},
    {"actor_uid": UID, "role": "head", "side": " Turkey ", "role_label": "chair"},
    {"actor_uid": UID, "role": "boss"}, {"actor_uid": 7}, {"actor_uid": "not-a-uid"},
    {"heading": "H", "body": "B"}, {"heading": None, "body": "B"}, {"heading": "H", "body": ""},
    {"heading": "H", "body": "x" * 60_000}, {"heading": "H\r\n", "body": " B\r\n"},
]


def valid_records():
    out = []
    for path in (resource_path("sample-book.json"), DATA / "multi-script-book.json"):
        book = json.loads(Path(path).read_text(encoding="utf-8"))
        for section, cls in bookformat.SECTIONS.items():
            out += [(cls, record) for record in book.get(section, [])]
    assert len(out) > 20
    return out


def full(cls, data):
    try:
        return bookformat._record(cls, data)
    except bookformat._Bad:
        return "refused"


def compare(cls, data):
    quick = quickdecode.record(cls, data)
    if quick is not None:
        assert full(cls, data) == quick, data
    return quick


def test_every_valid_record_is_taken_and_built_the_same():
    for cls, data in valid_records():
        if data.get("photo"):
            assert compare(cls, data) is None  # photos are judged by Pillow, in the full decoder
            continue
        assert compare(cls, data) is not None, data


def test_a_record_naming_who_changed_it_is_taken_and_keeps_the_name():
    # exports write changed_by (format 5): the fast path must take such records
    for cls, data in valid_records():
        if data.get("photo"):
            continue
        named = {**data, "changed_by": "Leyla Rahimi (لیلا رحیمی)"}
        record = compare(cls, named)
        assert record is not None and record.changed_by == "Leyla Rahimi (لیلا رحیمی)", data


@pytest.mark.parametrize("cls,base", valid_records(), ids=lambda v: getattr(v, "__name__", ""))
def test_broken_fields_are_refused_or_built_as_the_full_decoder_does(cls, base):
    keys = [key for key, _, _ in bookformat.COMMON_FIELDS + bookformat.FIELDS[cls]]
    accepted = declined = 0
    for key in [*keys, "unknown_field"]:
        for value in ODD_VALUES + ITEM_VALUES + [[v] for v in ITEM_VALUES]:
            data = copy.deepcopy(base)
            data[key] = value
            if compare(cls, data) is None:
                declined += 1
            else:
                accepted += 1
        data = copy.deepcopy(base)
        data.pop(key, None)
        compare(cls, data)
    assert accepted and declined  # both paths were exercised


def test_a_refused_record_is_worded_by_the_full_decoder():
    book = {"format": "briefing-book", "version": bookformat.FORMAT_VERSION,
            "actors": [{"uid": UID, "name": "Ada", "tags": ["x", "x"]}]}
    with pytest.raises(bookformat.ImportFormatError,
                       match=r"actors\[1\] \('Ada'\): field 'tags' lists the same entry twice"):
        bookformat.parse_book(book)


def test_a_meeting_of_one_day_written_as_a_period_is_that_day():
    data = {"uid": UID, "title": "Talks", "date": "2025-05", "end_date": "2025-05"}
    meeting = compare(bookformat.SECTIONS["meetings"], data)
    assert meeting is not None and meeting.end_date is None
    assert meeting.date_precision.value == "month"
