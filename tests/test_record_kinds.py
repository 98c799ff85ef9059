"""Each record kind is described once (desktopapp/recordkinds.py); everything else agrees.

A field added to a record's dataclass and not to its description, a column
a migration adds in one dialect and not the other, a JSON Schema property
left out: each fails here, naming the kind and the field.
"""

import dataclasses
import json

import pytest
from conftest import REPO

from desktopapp import bookformat, recordkinds
from desktopapp.domain import (
    Actor,
    ExportSettings,
    Meeting,
    MeetingKind,
    Participant,
    Position,
    Record,
)
from desktopapp.recordkinds import KINDS, ChildRows, Column, UidList
from desktopapp.store import record_rows

COMMON = {f.name for f in dataclasses.fields(Record)}


def schema():
    return json.loads((REPO / "resources" / "briefing-book.schema.json").read_text())


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_dataclass_field_is_described_once(kind):
    spec = KINDS[kind]
    fields = [f.name for f in dataclasses.fields(spec.cls) if f.name not in COMMON]
    described = [f.attr for f in spec.fields]
    assert sorted(described) == sorted(fields)
    assert len(set(described)) == len(described)
    for link in spec.links:
        if isinstance(link, ChildRows):  # every value of a child item is stored
            item_fields = {f.name for f in dataclasses.fields(link.item)}
            assert item_fields == {attr for attr, _, _ in link.fields} | {link.link[0]}


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_json_format_and_its_schema_follow_the_description(kind):
    spec = KINDS[kind]
    keys = ["uid", "created_at", "updated_at", "changed_by", *(f.json for f in spec.json_fields)]
    # the JSON Schema in resources/ lists the same properties, in the same order
    assert list(schema()["$defs"][kind]["properties"]) == keys
    # and the format writes them (one record with every field)
    assert list(bookformat.record_to_dict(spec.cls(changed_by="Anna Kowalska"))) == keys
    assert [key for key, _, _ in bookformat.FIELDS[spec.cls]] == keys[4:]
    assert bookformat.SECTIONS[spec.section] is spec.cls


def test_the_settings_are_the_dataclass_fields_everywhere():
    fields = [f.name for f in dataclasses.fields(ExportSettings) if f.name != "version"]
    assert list(recordkinds.SETTINGS_FIELDS) == fields
    assert list(schema()["$defs"]["settings"]["properties"]) == fields
    assert list(bookformat.settings_to_dict(ExportSettings())) == fields
    assert bookformat.SETTINGS_KEYS == set(fields)


@pytest.mark.parametrize("kind", list(KINDS))
def test_list_and_sort_columns_are_described_columns(kind):
    spec = KINDS[kind]
    columns = {f.column for f in spec.columns} | {"updated_at"}
    links = {link.attr for link in spec.links}
    for column in spec.list_columns:
        if isinstance(column, str):
            assert column in columns
        else:
            assert column[1] in ("names", "count") and column[2] in links
    for _, column, _ in spec.sorts:
        assert column in columns


def postgres_columns(store, table):
    with store._session():
        rows = store._x("SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = %s",
                        [table]).fetchall()
    return dict(rows)


# the same for a SQLite book: tests/test_store_records.py
def test_a_new_team_book_has_exactly_the_described_tables(team_store):
    for kind, spec in KINDS.items():
        got = postgres_columns(team_store, spec.table)
        assert got == record_rows.declared_columns(kind, record_rows.POSTGRESQL), kind
    for table, columns in record_rows.link_table_columns(record_rows.POSTGRESQL).items():
        assert postgres_columns(team_store, table) == columns, table


def test_links_name_real_kinds_and_tell_shared_tables_apart():
    by_table = {}
    for spec in KINDS.values():
        for link in spec.links:
            assert link.target in KINDS
            by_table.setdefault((link.table, link.column), []).append(link)
    for (table, _), links in by_table.items():
        if len(links) > 1:  # lists sharing a table and column need a tag to be told apart
            tags = [link.tag for link in links if isinstance(link, UidList)]
            assert all(tags) and len(set(tags)) == len(tags), table


def test_the_search_text_names_described_fields():
    for spec in KINDS.values():
        attrs = {f.attr for f in spec.fields}
        assert set(spec.search_title) <= attrs
        for part in spec.search_body:
            if isinstance(part, str):
                assert part in attrs
            else:
                assert set(part[1] if part[0] == "names" else [part[1]]) <= attrs


def test_search_text_holds_the_words_of_choices_linked_names_and_every_item():
    host, guest, mediator = (f"{n}0000000-0000-4000-8000-000000000000" for n in "abc")
    meeting = Meeting(title="Istanbul talks", kind=MeetingKind.PHONE_CALL, place="Istanbul",
                      tags=["ceasefire", "prisoners"], host_uids=[host],
                      participants=[Participant(actor_uid=guest)], mediator_uids=[mediator])
    asked = []

    def names_of(uids):
        asked.append(uids)
        return "Hakan Fidan Rustem Umerov"

    title, body = recordkinds.search_parts(meeting, names_of)
    assert title == ["Istanbul talks"]
    # a choice as the words people type ("phone call"), a list as its words
    assert body[:6] == ["Istanbul", "", "", "", "ceasefire prisoners", "phone call"]
    # the linked actors' names, asked for once for every link the kind names
    assert body[6:] == ["Hakan Fidan Rustem Umerov"] and asked == [[guest, host, mediator]]
    actor = Actor(name="Hakan Fidan", aliases=["Fidan"], positions=[
        Position(topic="Ceasefire", stance="Supports talks"), Position(topic="Grain", stance="")])
    title, body = recordkinds.search_parts(actor, names_of)
    assert title == ["Hakan Fidan", "", "Fidan"]
    assert body[-2:] == ["Ceasefire Supports talks", "Grain "]  # one line per position


def test_a_position_date_is_written_with_its_precision_the_rest_by_their_codec():
    positions = next(link for link in KINDS["actor"].links if link.attr == "positions")
    participants = next(link for link in KINDS["meeting"].links if link.attr == "participants")
    assert recordkinds.item_json(positions) == (
        ("topic", "line"), ("stance", "text"), ("as_of", ("approx", "as_of_precision")),
        ("source_uid", "uid"))
    assert [key for key, _ in recordkinds.item_json(participants)] == list(
        participants.json_keys)
    assert dict(recordkinds.item_json(participants))["actor_uid"] == "uid"


def test_the_links_to_a_kind_and_the_links_whose_names_are_searched():
    def attrs(links):
        return {(spec.kind, link.attr) for spec, link in links}

    # what a deleted or renamed actor touches
    assert attrs(recordkinds.links_to("actor")) == {
        ("actor", "affiliation_uids"), ("meeting", "host_uids"), ("meeting", "mediator_uids"),
        ("meeting", "participants"), ("recommendation", "addressee_uids"),
        ("recommendation", "actor_uids"), ("memo", "actor_uids")}
    assert attrs(recordkinds.links_to("meeting")) == {
        ("recommendation", "meeting_uids"), ("memo", "meeting_uids")}
    # a meeting is found by the names of who hosted, mediated and took part
    assert [link.attr for link in recordkinds.named_links(KINDS["meeting"])] == [
        "host_uids", "mediator_uids", "participants"]
    assert recordkinds.named_links(KINDS["source"]) == ()


def test_a_column_is_named_after_its_field_unless_told_otherwise():
    place = Column("place", "line")
    assert (place.json, place.column) == ("place", "place")
    # not in the file: the form of another field gives it
    precision = Column("date_precision", "line", json=None)
    assert (precision.json, precision.column) == (None, "date_precision")
    renamed = Column("source_uid", "uid", json="source", column="source_id")
    assert (renamed.json, renamed.column) == ("source", "source_id")


def test_columns_have_a_storage_both_dialects_know():
    for spec in KINDS.values():
        for f in spec.columns:
            assert isinstance(f, Column)
            assert f.storage in record_rows.SQLITE.storage
            assert f.storage in record_rows.POSTGRESQL.storage


@pytest.mark.parametrize("kind", list(KINDS))
def test_validation_follows_the_description(kind):
    """Each described field is checked by its codec's rules, under its JSON name."""
    spec = KINDS[kind]
    for f in spec.columns:
        if f.codec in ("line", "text"):
            record = spec.cls()
            setattr(record, f.attr, "bad\x01")
            assert (f.json, "contains a control character (U+0001)") in record.problems()
            if f.required:
                setattr(record, f.attr, "")
                assert (f.json, "is required") in record.problems()
        if f.max_len and f.codec in ("line", "text"):
            record = spec.cls()
            setattr(record, f.attr, "x" * (f.max_len + 1))
            assert any(name == f.json and "too long" in message
                       for name, message in record.problems())
    for link in spec.links:
        if isinstance(link, UidList):
            record = spec.cls()
            setattr(record, link.attr, ["x"])
            assert (f"{link.json}[1]", "is not a record identifier (UUID): 'x'") \
                in record.problems()


def test_every_setting_has_its_option_in_briefing_settings():
    from desktopapp import cli
    parser = cli.build_parser()
    args = parser.parse_args(["settings", *[f"--{name.replace('_', '-')}=a4"
                                            for name in recordkinds.SETTINGS_FIELDS]])
    assert all(getattr(args, name) == "a4" for name in recordkinds.SETTINGS_FIELDS)


def test_search_codes_are_unique_and_kept():
    # stored in every book's search-index rowids: changing one breaks existing books
    assert {kind: spec.code for kind, spec in KINDS.items()} == {
        "actor": 1, "meeting": 2, "recommendation": 3, "source": 4, "memo": 5}


def test_child_items_are_the_same_in_the_file_its_schema_and_the_tables():
    defs = schema()["$defs"]
    items = {link.attr: link for spec in KINDS.values() for link in spec.links
             if isinstance(link, ChildRows)}
    assert set(items) == set(bookformat.ITEM_KEYS) == {"positions", "participants"}
    # the JSON Schema lists each object's keys in the order the format writes them
    assert list(defs["position"]["properties"]) == list(items["positions"].json_keys)
    assert list(defs["participant"]["properties"]) == list(items["participants"].json_keys)
    for link in items.values():
        stored = {attr for attr, _, _ in link.fields} | {link.link[0]}
        # a position's precision is written as the form of its date (2024, 2024-05)
        assert stored - {"as_of_precision"} == set(link.json_keys)
        assert set(link.omit_empty) <= set(link.json_keys)
        # one object with every value given is written with every key, in order
        full = bookformat._encode_item(link.attr, link.item(
            **{key: "x" for key, codec in recordkinds.item_json(link) if codec in (
                "uid", "line", "text")}))
        assert list(full) == list(link.json_keys)
