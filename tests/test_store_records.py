"""What a caller of the store sees when it reads, lists, saves and deletes records, and
when it reads and changes the export settings: the record read back, the rows of a list
in their order, the message a person reads, the conflict raised.
"""

import datetime as dt

import pytest

from desktopapp.domain import (
    Actor,
    ActorKind,
    ExportSettings,
    Meeting,
    Memo,
    MemoSection,
    PageSize,
    Participant,
    ParticipantRole,
    Position,
    Priority,
    Recommendation,
    Source,
)
from desktopapp.errors import (
    BookReadOnlyError,
    BriefingError,
    ConflictError,
    LinkedRecordError,
    NotFoundError,
    StoredRecordError,
    ValidationError,
)
from desktopapp.recordkinds import KINDS
from desktopapp.store import BriefingStore, record_rows

GHOST = "00000000-0000-4000-8000-00000000dead"


def test_a_list_sorted_by_a_column_it_does_not_have_names_the_kind_and_the_column(store):
    store.save(Actor(name="Hakan Fidan"))
    with pytest.raises(ValueError) as caught:
        store.list_summaries("actor", sort="shoe size")
    assert str(caught.value) == "cannot sort actor lists by 'shoe size'"
    with pytest.raises(ValueError) as caught:
        next(store.iter_summaries("meeting", sort="shoe size"))
    assert str(caught.value) == "cannot sort meeting lists by 'shoe size'"


def test_a_book_reopened_reads_back_the_record_saved(book_path):
    with BriefingStore.open(book_path) as first:
        saved = first.save(Actor(name="Hakan Fidan", title="Foreign Minister"))
    with BriefingStore.open(book_path) as second:
        read = second.get_actor(saved.id)
    assert (read.name, read.title, read.uid, read.version) == (
        "Hakan Fidan", "Foreign Minister", saved.uid, 1)


# --- export settings -------------------------------------------------------------------

def test_a_new_book_has_the_default_settings_and_saving_them_counts_versions(store):
    assert not store.has_settings()
    assert store.settings() == ExportSettings() and store.settings().version == 0
    saved = store.save_settings(ExportSettings("Example Institute", "RESTRICTED",
                                               PageSize.LETTER, "A. Analyst"))
    assert store.has_settings() and saved.version == 1
    read = store.settings()
    assert (read.organisation, read.classification, read.page_size, read.author,
            read.version) == ("Example Institute", "RESTRICTED", PageSize.LETTER,
                              "A. Analyst", 1)
    changed = store.update_settings({"page_size": "a5"})
    assert changed.version == 2 and changed.page_size is PageSize.A5
    assert store.settings().page_size is PageSize.A5
    assert store.update_settings({"author": None}).author == store.settings().author == ""
    assert store.settings().organisation == "Example Institute"


def test_settings_text_is_cleaned_and_checked_naming_the_field(store):
    saved = store.update_settings({"author": "  A.   Analyst "})
    assert saved.author == store.settings().author == "A.   Analyst"
    with pytest.raises(ValidationError) as caught:
        store.update_settings({"page_size": "tabloid"})
    assert str(caught.value) == ("export settings: page_size: unknown value 'tabloid'; "
                                 "expected one of: a4, letter, a5")
    assert store.settings().page_size == PageSize.A4 and store.settings().version == 1


def test_unknown_settings_are_refused_by_the_first_name_and_nothing_is_saved(store):
    with pytest.raises(ValidationError) as caught:
        store.update_settings({"zoom": "2", "colour": "red", "author": "Someone"})
    assert str(caught.value) == "export settings: colour: is not an export setting"
    assert not store.has_settings()


def test_a_conflict_on_settings_names_only_the_changed_settings_and_keeps_the_book(book_path):
    with BriefingStore.open(book_path) as window, BriefingStore.open(book_path) as cli:
        cli.update_settings({"organisation": "Institute"})
        shown = window.settings()
        cli.update_settings({"classification": "SECRET", "author": "B. Analyst",
                             "page_size": "letter"})
        with pytest.raises(ConflictError) as caught:
            window.update_settings({"classification": "RESTRICTED", "author": "B. Analyst",
                                    "organisation": "Institute", "page_size": PageSize.A5},
                                   expected_version=shown.version)
        assert str(caught.value) == (
            "the export settings were changed elsewhere since they were opened "
            "(classification is now 'SECRET'; page_size is now 'letter'); nothing was saved. "
            "Open the settings again to see the current values.")
        assert caught.value.current.classification == "SECRET"
        with pytest.raises(ConflictError) as caught:
            window.update_settings({"author": "B. Analyst"}, expected_version=shown.version)
        assert str(caught.value) == (
            "the export settings were changed elsewhere since they were opened; nothing was "
            "saved. Open the settings again to see the current values.")
        assert window.settings().version == 2
        current = window.settings()
        assert window.update_settings({"author": "C"}, expected_version=current.version
                                      ).version == 3


def test_a_hand_edited_setting_reads_as_its_default_or_as_stored(store):
    store.save_settings(ExportSettings(organisation="Institute", classification="SECRET",
                                       page_size=PageSize.A5, author="A. Analyst"))
    store.db.execute("UPDATE book_meta SET value = 'tabloid' WHERE key = 'settings.page_size'")
    store.db.execute("UPDATE book_meta SET value = 'many' WHERE key = 'settings_version'")
    store.db.execute("DELETE FROM book_meta WHERE key = 'settings.organisation'")
    read = store.settings()
    assert (read.organisation, read.classification, read.page_size, read.author,
            read.version) == ("", "SECRET", PageSize.A4, "A. Analyst", 0)


# --- reading -----------------------------------------------------------------------------

def test_records_not_in_the_book_are_named_by_kind_and_id_or_uid(store):
    actor = store.save(Actor(name="Hakan Fidan"))
    for record_id in (0, -1, actor.id + 1, 2**63, 2**70, "1"):
        with pytest.raises(NotFoundError) as caught:
            store.get("actor", record_id)
        assert str(caught.value) == f"there is no actor with id {record_id}"
    with pytest.raises(NotFoundError) as caught:
        store.get_by_uid("actor", GHOST)
    assert str(caught.value) == f"there is no actor with uid {GHOST}"
    with pytest.raises(NotFoundError) as caught:
        store.get_by_uid("meeting", actor.uid)  # a uid of another kind
    assert str(caught.value) == f"there is no meeting with uid {actor.uid}"
    with pytest.raises(NotFoundError) as caught:
        store.changed_by_of("meeting", actor.id)
    assert str(caught.value) == f"there is no meeting with id {actor.id}"
    assert store.get_by_uid("actor", actor.uid).name == "Hakan Fidan"
    assert store.id_for_uid("actor", actor.uid) == actor.id
    assert store.id_for_uid("meeting", actor.uid) is None


def test_many_records_come_in_the_order_asked_for_and_missing_ones_are_skipped(store):
    items = [("actors", Actor(name=f"Delegate {n:04}")) for n in range(1, 1206)]
    store.import_records(items)
    ids = [r["id"] for r in store.list_summaries("actor", sort="name", descending=True)]
    assert len(ids) == 1205
    wanted = [ids[3], 99999, *ids[500:1200], ids[0], -4]
    got = store.get_many("actor", wanted)
    assert [a.id for a in got] == [ids[3], *ids[500:1200], ids[0]]
    assert got[0].name == "Delegate 1202" and got[-1].name == "Delegate 1205"
    # every record, in the order they were added, however many there are
    assert [a.name for a in store.all_records("actor")] == [
        f"Delegate {n:04}" for n in range(1, 1206)]
    assert [a.name for a in store.iter_records("actor")] == [
        f"Delegate {n:04}" for n in range(1, 1206)]
    names = store.names_for_uids([a.uid for a in got] + [GHOST])
    assert names == {a.uid: a.name for a in got}
    # ids by uid, however many (in chunks), unknown uids and other kinds' left out
    meeting = store.save(Meeting(title="Talks", date=dt.date(2025, 5, 16)))
    assert store.ids_for_uids("actor", [a.uid for a in got] + [GHOST, meeting.uid]) == {
        a.uid: a.id for a in got}
    assert store.ids_for_uids("meeting", [meeting.uid, got[0].uid]) == {meeting.uid: meeting.id}
    assert store.ids_for_uids("actor", []) == {}
    assert store.count("actor") == 1205 and not store.is_empty()


def test_who_changed_a_record_last_and_when(book_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_ANALYST", "Anna")
    with BriefingStore.open(book_path) as store:
        actor = store.save(Actor(name="Hakan Fidan"))
    with BriefingStore.open(book_path, analyst="Ben") as store:
        assert store.changed_by_of("actor", actor.id) == ("Anna", actor.updated_at)
        actor.title = "Foreign Minister"
        store.save(actor)
        assert store.changed_by_of("actor", actor.id) == ("Ben", actor.updated_at)
        rows = store.list_summaries("actor", changed_by=True)
        assert (rows[0]["changed_by"], rows[0]["updated_at"]) == ("Ben", actor.updated_at)
        assert "changed_by" not in store.list_summaries("actor")[0]


def test_a_new_book_is_empty_until_a_record_of_any_kind_is_saved(store):
    assert store.is_empty()
    store.save(Memo(title="Istanbul talks", date=dt.date(2025, 5, 20)))
    assert not store.is_empty()
    assert (store.count("memo"), store.count("actor")) == (1, 0)


# --- lists -------------------------------------------------------------------------------

def test_lists_page_through_the_rows_a_search_found(store):
    for name in ["Zelensky", "erdoğan", "Fidan", "merz", "Stubb", "Witkoff"]:
        store.save(Actor(name=name))
    every = [r["name"] for r in store.list_summaries("actor", sort="name")]
    assert every == ["erdoğan", "Fidan", "merz", "Stubb", "Witkoff", "Zelensky"]
    ids = [r["id"] for r in store.list_summaries("actor") if r["name"] != "Stubb"]
    assert [r["name"] for r in store.list_summaries("actor", sort="name", ids=ids,
                                                    descending=True, limit=2, offset=1)] == [
        "Witkoff", "merz"]
    assert [r["name"] for r in store.list_summaries("actor", sort="name", ids=ids,
                                                    offset=3)] == ["Witkoff", "Zelensky"]
    assert store.list_summaries("actor", ids=[]) == []
    assert [r["name"] for r in store.list_summaries("actor", sort="name", limit=0)] == []
    assert [r["name"] for r in store.iter_summaries("actor", sort="name", limit=2,
                                                    offset=2)] == ["merz", "Stubb"]
    # without a sort, a list is in its kind's first sort order
    assert [r["name"] for r in store.list_summaries("actor")] == every
    assert [r["name"] for r in store.iter_summaries("actor")] == every
    assert list(store.list_summaries("actor", limit=1)[0]) == list(
        next(store.iter_summaries("actor")))


def test_equal_sort_values_keep_the_order_they_were_added_in_both_directions(store):
    first = store.save(Actor(name="Ankara"))
    second = store.save(Actor(name="ankara"))
    assert [r["id"] for r in store.list_summaries("actor", sort="name")] == [
        first.id, second.id]
    assert [r["id"] for r in store.list_summaries("actor", sort="name", descending=True)] == [
        second.id, first.id]
    assert [r["id"] for r in store.iter_summaries("actor", sort="name", descending=True)] == [
        second.id, first.id]


def test_the_meetings_of_an_actor_newest_first_with_the_part_they_played(store):
    turkey = store.save(Actor(name="Türkiye", kind=ActorKind.STATE))
    fidan = store.save(Actor(name="Hakan Fidan"))
    old = store.save(Meeting(title="Antalya talks", date=dt.date(2022, 3, 10),
                             host_uids=[turkey.uid]))
    new = store.save(Meeting(title="Istanbul talks", date=dt.date(2025, 5, 16),
                             mediator_uids=[fidan.uid],
                             participants=[Participant(turkey.uid, "Türkiye",
                                                       ParticipantRole.HEAD)]))
    rows = store.meetings_of_actor(turkey.id)
    assert [(r["id"], r["uid"], r["title"], r["date"], r["role"], r["side"]) for r in rows] == [
        (new.id, new.uid, "Istanbul talks", "2025-05-16", "head", "Türkiye"),
        (old.id, old.uid, "Antalya talks", "2022-03-10", "host", "")]
    assert [(r["title"], r["role"]) for r in store.meetings_of_actor(fidan.id)] == [
        ("Istanbul talks", "mediator")]
    assert rows[0]["status"] == new.status.value


def test_the_members_of_an_actor_by_name_and_the_recommendations_naming_it(store):
    e3 = store.save(Actor(name="E3", kind=ActorKind.GROUP))
    for name in ["United Kingdom", "france", "Germany"]:
        store.save(Actor(name=name, kind=ActorKind.STATE, affiliation_uids=[e3.uid]))
    assert [(m["name"], m["kind"]) for m in store.members_of(e3.id)] == [
        ("france", "state"), ("Germany", "state"), ("United Kingdom", "state")]
    talks = store.save(Meeting(title="Geneva talks", date=dt.date(2025, 6, 1)))
    first = store.save(Recommendation(title="Keep the E3 together", text="Consult.",
                                      addressee_uids=[e3.uid],
                                      priority=Priority.HIGH))
    store.save(Recommendation(title="Unrelated", text="Wait.", addressee="NATO"))
    third = store.save(Recommendation(title="Brief the E3 before Geneva", text="Brief.",
                                      addressee="EU", actor_uids=[e3.uid],
                                      meeting_uids=[talks.uid]))
    assert [(r["id"], r["uid"], r["title"], r["priority"], r["status"])
            for r in store.recommendations_linked_to("actor", e3.id)] == [
        (first.id, first.uid, "Keep the E3 together", "high", "proposed"),
        (third.id, third.uid, "Brief the E3 before Geneva", None, "proposed")]
    assert [r["title"] for r in store.recommendations_linked_to("meeting", talks.id)] == [
        "Brief the E3 before Geneva"]


# --- deleting ----------------------------------------------------------------------------

def test_an_actor_at_many_meetings_is_refused_naming_ten_newest_and_counting_the_rest(store):
    fidan = store.save(Actor(name="Hakan Fidan"))
    for day in range(1, 13):
        store.save(Meeting(title=f"Round {day}", date=dt.date(2025, 5, day),
                           mediator_uids=[fidan.uid]))
    with pytest.raises(LinkedRecordError) as caught:
        store.delete("actor", fidan.id)
    listed = "; ".join(f"Round {day} (2025-05-{day:02})" for day in range(12, 2, -1))
    assert str(caught.value) == (
        f"actor 'Hakan Fidan' takes part in 12 meetings: {listed} and 2 more. Remove them "
        "from these meetings first, or delete anyway to remove them from the meetings too.")
    assert store.get_actor(fidan.id).name == "Hakan Fidan"


def test_an_actor_at_one_meeting_is_refused_in_the_singular(store):
    fidan = store.save(Actor(name="Hakan Fidan"))
    store.save(Meeting(title="Istanbul talks", date=dt.date(2025, 5, 16),
                       participants=[Participant(fidan.uid, "Türkiye")]))
    with pytest.raises(LinkedRecordError) as caught:
        store.delete("actor", fidan.id)
    assert str(caught.value).startswith(
        "actor 'Hakan Fidan' takes part in 1 meeting: Istanbul talks (2025-05-16). Remove")


def test_a_forced_delete_leaves_the_others_changed_by_the_deleter_and_unfound_by_its_name(
        book_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_ANALYST", "Anna")
    with BriefingStore.open(book_path) as store:
        e3 = store.save(Actor(name="E3", kind=ActorKind.GROUP))
        kellogg = store.save(Actor(name="Keith Kellogg", affiliation_uids=[e3.uid]))
        talks = store.save(Meeting(title="Paris talks", date=dt.date(2025, 4, 17),
                                   participants=[Participant(kellogg.uid, "United States")]))
        untouched = store.save(Meeting(title="London talks", date=dt.date(2025, 4, 23)))
        hosted = store.save(Meeting(title="Washington talks", date=dt.date(2025, 3, 1),
                                    host_uids=[kellogg.uid]))
        group = store.save(Actor(name="Quint", kind=ActorKind.GROUP,
                                 affiliation_uids=[kellogg.uid]))
        assert {h.title for h in store.search("kellogg", kinds=["meeting"])} == {
            "Paris talks", "Washington talks"}
    later = "2030-01-02T03:04:05Z"  # stamps have whole seconds: the delete comes later
    monkeypatch.setattr("desktopapp.store.book.now_iso", lambda: later)
    with BriefingStore.open(book_path, analyst="Ben") as store:
        store.delete("actor", kellogg.id, force=True)
        for kind, record in [("meeting", talks), ("meeting", hosted), ("actor", group)]:
            after = store.get(kind, record.id)
            assert (after.version, after.updated_at) == (2, later)
            assert after.created_at == record.created_at
            assert store.changed_by_of(kind, record.id)[0] == "Ben"
        assert store.get_actor(group.id).affiliation_uids == []
        assert store.get_meeting(talks.id).participants == []
        assert store.get("actor", e3.id).version == 1  # it linked to nobody deleted
        assert store.get_meeting(untouched.id).version == 1
        assert store.search("kellogg") == []
        assert store.check() == []


# --- rows changed outside the program ----------------------------------------------------

HAND_EDITS = [
    ("actor", "UPDATE actors SET aliases = '{\"Hakan\": 1}'", "aliases: is not a JSON list"),
    ("actor", "UPDATE actors SET aliases = 'Hakan'", "aliases: is not JSON"),
    ("actor", "UPDATE actors SET kind = 'planet'",
     "kind: unknown value 'planet'; expected one of: person, organisation, state, group"),
    ("actor", "UPDATE actors SET kind = '" + "x" * 50 + "'",
     f"kind: unknown value '{'x' * 40}'; expected one of: person, organisation, state, group"),
    ("memo", "UPDATE memos SET sections = '{}'", "sections: is not a JSON list"),
    # after a list column that reads back well, the next one is still looked at
    ("actor", "UPDATE actors SET tags = '{}'", "tags: is not a JSON list"),
    ("memo", "UPDATE memos SET tags = '3'", "tags: is not a JSON list"),
    ("memo", "UPDATE memos SET sections = '[\"Background\"]'",
     "sections: is not a list of sections with heading and body"),
    ("memo", "UPDATE memos SET sections = '[{\"heading\": \"H\", \"text\": \"B\"}]'",
     "sections: is not a list of sections with heading and body"),
    ("meeting", "UPDATE meetings SET date = '2025-13-45'",
     "date: '2025-13-45' is not a real date in the form YYYY-MM-DD"),
    ("meeting", "UPDATE meetings SET start_time = '25:99'",
     "start_time: '25:99' is not a time of day in the form HH:MM"),
    ("recommendation", "UPDATE recommendations SET priority = 'urgent'",
     "priority: unknown value 'urgent'; expected one of: high, medium, low"),
    ("actor", "UPDATE actors SET title = X'00ff'", "title: stored as bytes, not text"),
    ("actor", "UPDATE actors SET photo = 'a photo'", "photo: stored as text, not bytes"),
    ("meeting", "UPDATE meetings SET duration_minutes = 'long'",
     "duration_minutes: stored as text, not a whole number"),
    ("recommendation", "UPDATE recommendations SET priority = '', status = 'maybe'",
     "status: unknown value 'maybe'; expected one of: proposed, adopted, rejected, "
     "implemented"),
]


@pytest.mark.parametrize("kind, edit, problem", HAND_EDITS)
def test_a_row_edited_by_hand_is_named_with_the_field_and_what_is_wrong(store, kind, edit,
                                                                         problem):
    records = {
        "actor": Actor(name="Hakan Fidan", aliases=["Fidan"], tags=["turkey"]),
        "meeting": Meeting(title="Istanbul talks", date=dt.date(2025, 5, 16),
                           start_time=dt.time(13, 30)),
        "recommendation": Recommendation(title="Keep talking", text="Meet again.",
                                         addressee="EU", priority=Priority.HIGH),
        "memo": Memo(title="Istanbul talks", date=dt.date(2025, 5, 20),
                     sections=[MemoSection("Background", "Talks resumed.")], tags=["talks"]),
    }
    record = store.save(records[kind])
    # SQLite's CHECK constraints stop an unknown kind; another program need not respect them
    store.db.execute("PRAGMA ignore_check_constraints = ON")
    store.db.execute(f"{edit} WHERE id = ?", [record.id])
    store.db.conn.commit()
    for read in (lambda: store.get(kind, record.id), lambda: store.get_many(kind, [record.id]),
                 lambda: store.all_records(kind)):
        with pytest.raises(StoredRecordError) as caught:
            read()
        assert str(caught.value) == (
            f"{kind}s row {record.id} (uid {record.uid}) is not a valid {kind}: {problem}. "
            "The book was changed outside Briefing Desk; fix or delete this record (or "
            "restore a backup)")


def test_a_recommendation_with_no_priority_stored_as_empty_text_reads_as_none(store):
    record = store.save(Recommendation(title="Keep talking", text="Meet again.",
                                       addressee="EU", priority=Priority.HIGH))
    store.db.execute("PRAGMA ignore_check_constraints = ON")
    store.db.execute("UPDATE recommendations SET priority = '' WHERE id = ?", [record.id])
    store.db.conn.commit()
    assert store.get("recommendation", record.id).priority is None


def test_a_new_book_has_exactly_the_tables_and_columns_the_record_kinds_describe(store):
    # (moved here from test_record_kinds.py: what the store writes, beside the store's tests)
    def columns(table):
        return {row[1]: row[2].upper()
                for row in store.db.execute(f"PRAGMA table_info([{table}])")}

    for kind, spec in KINDS.items():
        assert columns(spec.table) == record_rows.declared_columns(kind, record_rows.SQLITE)
    for table, described in record_rows.link_table_columns(record_rows.SQLITE).items():
        assert columns(table) == described, table


def test_a_conflict_with_a_change_made_before_the_book_recorded_who_names_no_one(book_path):
    with BriefingStore.open(book_path) as first, BriefingStore.open(book_path) as second:
        actor = first.save(Actor(name="Hakan Fidan"))
        stale = second.get_actor(actor.id)
        actor.title = "Foreign Minister"
        first.save(actor)
        first.db.execute("UPDATE actors SET changed_by = '' WHERE id = ?", [actor.id])
        first.db.conn.commit()
        with pytest.raises(ConflictError) as caught:
            second.save(stale)
    assert str(caught.value) == (
        "actor 'Hakan Fidan' was changed elsewhere since it was opened (your copy is version "
        "1, the book has version 2); reload it or overwrite the other change")
    assert caught.value.current.title == "Foreign Minister"


# --- search ------------------------------------------------------------------------------

def test_an_extract_shows_ten_words_around_the_first_match_marking_cut_ends(store):
    words = " ".join(f"w{n}" for n in range(1, 31))
    store.save(Actor(name="Middle", biography=words.replace("w15", "Kellogg")))
    store.save(Actor(name="End", biography=words.replace("w30", "Witkoff")))
    store.save(Actor(name="Start", biography=words.replace("w1 ", "Rubio ")))
    store.save(Actor(name="Short", biography="Met   Lavrov\n in Riyadh."))
    store.save(Actor(name="Office", biography="中央外事工作委员会办公室 met the delegation"))
    assert [(h.title, h.snippet) for h in store.search("kellogg")] == [
        ("Middle", "…w12 w13 w14 [Kellogg] w16 w17 w18 w19 w20 w21…")]
    assert [(h.title, h.snippet) for h in store.search("witkoff")] == [
        ("End", "…w21 w22 w23 w24 w25 w26 w27 w28 w29 [Witkoff]")]
    assert [(h.title, h.snippet) for h in store.search("rubio")] == [
        ("Start", "[Rubio] w2 w3 w4 w5 w6 w7 w8 w9 w10…")]
    assert [(h.title, h.snippet) for h in store.search("lavrov")] == [
        ("Short", "Met [Lavrov] in Riyadh")]
    assert [(h.title, h.snippet) for h in store.search("外事")] == [
        ("Office", "[中央外事工作委员会办公室] met the delegation")]


def test_a_word_of_latin_and_chinese_letters_is_found_whole(store):
    store.save(Actor(name="Wang Yi", native_name="Wang王毅"))
    store.save(Actor(name="Wang Wei"))
    assert [h.title for h in store.search("wang王毅")] == ["Wang Yi"]


def test_records_holding_the_whole_word_come_before_longer_words_beginning_with_it(store):
    for n in range(1, 6):
        store.save(Actor(name=f"Org {n}", biography="Iranian Red Crescent partner"))
    store.save(Actor(name="A much longer name than the others", biography="Iran"))
    assert [h.title for h in store.search("iran", limit=2)] == [
        "A much longer name than the others", "Org 1"]
    actor_ids = store.search_ids("iran", "actor", limit=2)
    assert [store.get_actor(i).name for i in actor_ids] == [
        "A much longer name than the others", "Org 1"]


def test_a_whole_name_of_twelve_words_typed_in_full_comes_first(store):
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima".split()
    # the same words in another order, saved first: only the whole name tells them apart
    store.save(Actor(name=" ".join(reversed(words))))
    wanted = store.save(Actor(name=" ".join(words)))
    hits = store.search(" ".join(words))
    assert [h.id for h in hits] == [wanted.id, wanted.id - 1]


def test_a_number_too_large_for_the_book_is_a_message_not_a_crash(store):
    store.save(Actor(name="Hakan Fidan"))
    for call in (lambda: store.list_summaries("actor", limit=2**70),
                 lambda: store.changed_by_of("actor", 2**70)):
        with pytest.raises(BriefingError) as caught:
            call()
        assert str(caught.value) == ("a number is too large for the book "
                                     "(at most 9223372036854775807)")
    assert store.get_many("actor", [2**70, 2**63 - 1]) == []


def test_a_book_open_read_only_refuses_every_write_naming_the_reason(store, book_path):
    actor = store.save(Actor(name="Hakan Fidan"))
    store.read_only, store.read_only_reason = True, "it is on a read-only file system"
    message = (f"the book {book_path} is open read-only (it is on a read-only file system); "
               "nothing was changed")
    for write in (lambda: store.save(Actor(name="Keith Kellogg")),
                  lambda: store.delete("actor", actor.id),
                  lambda: store.update_settings({"author": "A. Analyst"})):
        with pytest.raises(BookReadOnlyError) as caught:
            write()
        assert str(caught.value) == message
    assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]


def test_a_failed_write_inside_another_undoes_only_its_own_changes(store):
    with store.write():
        store.save(Actor(name="Hakan Fidan"))
        with pytest.raises(ValidationError):
            with store.write():
                store.save(Actor(name="Keith Kellogg"))
                store.save(Actor(name="Ghost", affiliation_uids=[GHOST]))
        store.save(Actor(name="Marco Rubio"))
    assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan", "Marco Rubio"]


def test_the_change_stamp_moves_with_every_change_by_anyone_and_only_then(book_path):
    with BriefingStore.open(book_path) as window, BriefingStore.open(book_path) as cli:
        first = window.change_stamp()
        window.list_summaries("actor")
        assert window.change_stamp() == first
        cli.save(Actor(name="Hakan Fidan"))
        second = window.change_stamp()
        assert second != first
        window.save(Actor(name="Keith Kellogg"))
        assert window.change_stamp() not in (first, second)


def test_list_rows_hold_the_columns_of_their_kind_with_linked_names_in_order(store):
    e3 = store.save(Actor(name="E3", kind=ActorKind.GROUP))
    nato = store.save(Actor(name="NATO", kind=ActorKind.ORGANISATION))
    store.save(Actor(name="France", native_name="République française", kind=ActorKind.STATE,
                     title="Republic", affiliation_uids=[nato.uid, e3.uid]))
    row = store.list_summaries("actor", sort="name")[1]
    assert list(row) == ["id", "uid", "name", "native_name", "kind", "title", "affiliation"]
    assert (row["name"], row["native_name"], row["kind"], row["title"], row["affiliation"]) == (
        "France", "République française", "state", "Republic", "NATO; E3")
    assert next(store.iter_summaries("actor", sort="name", offset=1)) == row
    assert list(store.list_summaries("actor", changed_by=True)[0])[-2:] == [
        "changed_by", "updated_at"]


def test_recommendations_sort_by_priority_high_first_and_none_given_last(store):
    for title, priority in [("Later", None), ("Soon", Priority.LOW), ("Now", Priority.HIGH),
                            ("Next", Priority.MEDIUM)]:
        store.save(Recommendation(title=title, text="Act.", addressee="EU", priority=priority))
    assert [r["title"] for r in store.list_summaries("recommendation", sort="priority")] == [
        "Now", "Next", "Soon", "Later"]
    assert [r["title"] for r in store.list_summaries("recommendation", sort="priority",
                                                     descending=True)] == [
        "Later", "Soon", "Next", "Now"]


def test_a_position_citing_a_source_not_in_the_book_is_refused_naming_the_position(store):
    source = store.save(Source(citation="PISM Bulletin No. 58"))
    actor = Actor(name="Hakan Fidan", positions=[
        Position("Ceasefire", "Supports talks", source_uid=source.uid),
        Position("Grain deal", "Wants it back", source_uid=GHOST),
        Position("Sanctions", "Opposes them")])
    with pytest.raises(ValidationError) as caught:
        store.save(actor)
    assert str(caught.value) == (
        f"actor 'Hakan Fidan': positions[2].source: no source with uid {GHOST} in this book")
    assert store.count("actor") == 0
    actor.positions[1].source_uid = None
    saved = store.get_actor(store.save(actor).id)
    assert [p.source_uid for p in saved.positions] == [source.uid, None, None]


def test_search_hits_name_kind_id_uid_and_title_shorter_titles_first(store):
    fidan = store.save(Actor(name="Hakan Fidan", biography="Minister"))
    talks = store.save(Meeting(title="Fidan meets Zelensky", date=dt.date(2025, 5, 16)))
    call = store.save(Recommendation(title="Call Fidan", text="Soon.", addressee="EU"))
    hits = store.search("fidan")
    assert [(h.kind, h.id, h.uid, h.title, h.snippet) for h in hits] == [
        ("recommendation", call.id, call.uid, "Call Fidan", "Call [Fidan]"),
        ("actor", fidan.id, fidan.uid, "Hakan Fidan", "Hakan [Fidan]"),
        ("meeting", talks.id, talks.uid, "Fidan meets Zelensky", "[Fidan] meets Zelensky")]
    assert [h.kind for h in store.search("fidan", kinds=["meeting", "recommendation"])] == [
        "recommendation", "meeting"]
    assert [h.title for h in store.search("fidan", limit=2)] == ["Call Fidan", "Hakan Fidan"]
    assert store.search("fidan", limit=0) == [] and store.search("  ") == []
    assert store.search_ids("fidan", "actor", limit=0) == []
    assert store.search_ids("fidan", "meeting", ranked=False) == [talks.id]
    assert store.search_ids("minister", "actor") == [fidan.id]


def test_the_rebuilt_search_index_finds_every_record_and_meetings_by_their_people(store):
    store.import_records([("actors", Actor(name=f"Delegate {n:04}")) for n in range(1, 1002)])
    fidan = store.save(Actor(name="Hakan Fidan"))
    store.save(Meeting(title="Istanbul talks", date=dt.date(2025, 5, 16),
                       mediator_uids=[fidan.uid]))
    store.save(Memo(title="Istanbul memo", date=dt.date(2025, 5, 20)))
    store.rebuild_search_index()
    assert [h.title for h in store.search("delegate 1001")] == ["Delegate 1001"]
    assert [h.title for h in store.search("delegate 0001")] == ["Delegate 0001"]
    assert [h.title for h in store.search("fidan", kinds=["meeting"])] == ["Istanbul talks"]
    assert [h.title for h in store.search("memo")] == ["Istanbul memo"]
    assert store.check() == []


def test_check_names_every_record_sharing_a_uid_edited_in_by_hand(store):
    fidan = store.save(Actor(name="Hakan Fidan"))
    talks = store.save(Meeting(title="Talks", date=dt.date(2025, 5, 16)))
    source = store.save(Source(citation="PISM Bulletin"))
    store.save(Actor(name="Keith Kellogg"))
    for table, record_id in [("meetings", talks.id), ("sources", source.id)]:
        store.db.execute(f"UPDATE {table} SET uid = ? WHERE id = ?", [fidan.uid, record_id])
    store.db.conn.commit()
    (clash,) = store.uid_clashes()
    intro = f"uid {fidan.uid} is used by several records: "
    assert clash.startswith(intro)
    assert set(clash[len(intro):].split(", ")) == {
        f"actor {fidan.id} 'Hakan Fidan'", f"meeting {talks.id} 'Talks'",
        f"source {source.id} 'PISM Bulletin'"}
    assert clash in store.check()


def test_every_link_to_a_record_not_in_the_book_is_named_in_one_refusal(store):
    other = "00000000-0000-4000-8000-00000000beef"
    fidan = store.save(Actor(name="Hakan Fidan"))
    with pytest.raises(ValidationError) as caught:
        store.save(Meeting(title="Istanbul talks", date=dt.date(2025, 5, 16),
                           host_uids=[GHOST, fidan.uid, other]))
    assert caught.value.problems == [
        ("hosts[1]", f"no actor with uid {GHOST} in this book"),
        ("hosts[3]", f"no actor with uid {other} in this book")]
    assert store.count("meeting") == 0


def test_each_kind_is_read_back_by_its_own_getter(store):
    source = store.save(Source(citation="PISM Bulletin No. 58"))
    actor = store.save(Actor(name="Hakan Fidan"))
    meeting = store.save(Meeting(title="Istanbul talks", date=dt.date(2025, 5, 16)))
    advice = store.save(Recommendation(title="Meet again", text="Soon.", addressee="EU"))
    memo = store.save(Memo(title="Istanbul memo", date=dt.date(2025, 5, 20)))
    assert store.get_source(source.id).citation == "PISM Bulletin No. 58"
    assert store.get_actor(actor.id).name == "Hakan Fidan"
    assert store.get_meeting(meeting.id).title == "Istanbul talks"
    assert store.get_recommendation(advice.id).title == "Meet again"
    assert store.get_memo(memo.id).title == "Istanbul memo"


def test_a_hit_found_only_by_another_spelling_shows_the_records_text(store):
    # "عيبان" finds العيبان without its article, a spelling no word of the title starts
    # with: nothing there to mark, so the hit shows the record's own text instead
    store.save(Actor(name="فيصل العيبان", biography="Saudi minister of state"))
    store.save(Actor(name="Sami العيبان"))  # no text of its own: its title then
    assert [(h.title, h.snippet) for h in store.search("عيبان")] == [
        ("فيصل العيبان", "Saudi minister of state"), ("Sami العيبان", "Sami العيبان")]
    assert [h.snippet for h in store.search("العيبان")] == [
        "فيصل [العيبان]", "Sami [العيبان]"]


@pytest.mark.parametrize("imported", [False, True])
def test_a_recommendation_is_found_by_its_addressees_not_by_the_actors_it_concerns(store,
                                                                                   imported):
    lavrov, fidan = Actor(name="Sergey Lavrov"), Actor(name="Hakan Fidan")
    advice = Recommendation(title="Keep the channel open", text="Soon.",
                            addressee_uids=[fidan.uid], actor_uids=[lavrov.uid])
    if imported:  # a bulk import writes the search text its own way
        store.import_records([("actors", lavrov), ("actors", fidan),
                              ("recommendations", advice)])
    else:
        for record in (lavrov, fidan, advice):
            store.save(record)
    assert [h.title for h in store.search("fidan", kinds=["recommendation"])] == [
        "Keep the channel open"]
    assert store.search("lavrov", kinds=["recommendation"]) == []


def test_more_records_than_one_query_takes_are_loaded_with_all_their_links(store):
    source = Source(citation="PISM Bulletin 58")
    actors = [Actor(name=f"Delegate {n:04}", source_uids=[source.uid]) for n in range(1, 1202)]
    store.import_records([("sources", source), *(("actors", a) for a in actors)])
    ids = [row["id"] for row in store.list_summaries("actor", limit=None)]
    loaded = store.get_many("actor", ids)  # past 500 ids the store asks in several queries
    assert [a.name for a in loaded] == [a.name for a in actors]
    assert all(a.source_uids == [source.uid] for a in loaded)
