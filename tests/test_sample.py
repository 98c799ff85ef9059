import importlib.util

from conftest import REPO

from desktopapp.domain import ParticipantRole
from desktopapp.resources import SAMPLE_BOOK, resource_path


def test_committed_sample_matches_its_generator():
    script = REPO / "db" / "make_sample_book.py"
    spec = importlib.util.spec_from_file_location("make_sample", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert resource_path(SAMPLE_BOOK).read_text(encoding="utf-8") == module.build()


def by_name(store, name):
    hits = [r for r in store.list_summaries("actor") if r["name"] == name]
    assert hits, f"{name} missing from the sample"
    return store.get_actor(hits[0]["id"])


def test_every_actor_the_bulletin_names_is_there(sample_store):
    names = {r["name"] for r in sample_store.list_summaries("actor")}
    expected = {
        "Vladimir Medinsky", "Mikhail Galuzin", "Igor Kostyukov", "Alexander Fomin",
        "Rustem Umerov", "Serhiy Kyslytsya", "Oleksandr Poklad", "Vadym Skibitsky",
        "Hakan Fidan", "Andriy Sybiha", "Marco Rubio", "Andriy Yermak", "Keith Kellogg",
        "Donald Trump", "Vladimir Putin", "Volodymyr Zelensky", "Recep Tayyip Erdoğan",
        "Emmanuel Macron", "Friedrich Merz", "Ursula von der Leyen", "Alexander Stubb",
        "Russia", "Ukraine", "United States", "Türkiye", "E4", "France", "Germany", "Poland",
        "United Kingdom", "Holy See", "European Union"}
    assert expected <= names


def test_native_names_and_the_stubb_correction(sample_store):
    assert by_name(sample_store, "Vladimir Medinsky").native_name == "Владимир Мединский"
    assert by_name(sample_store, "Volodymyr Zelensky").native_name == "Володимир Зеленський"
    assert "Zelenskyy" in by_name(sample_store, "Volodymyr Zelensky").aliases
    stubb = by_name(sample_store, "Alexander Stubb")
    assert stubb.aliases == ["Alexandr Stubb"]
    e4 = by_name(sample_store, "E4")
    members = {m["name"] for m in sample_store.members_of(e4.id)}
    assert members == {"France", "Germany", "Poland", "United Kingdom"}


def test_istanbul_talks_as_the_bulletin_describes_them(sample_store):
    talks = [r for r in sample_store.list_summaries("meeting")
             if r["title"] == "Russian–Ukrainian talks in Istanbul"][0]
    meeting = sample_store.get_meeting(talks["id"])
    assert meeting.date.isoformat() == "2025-05-16"
    assert meeting.duration_minutes == 120
    assert sample_store.names_for_uids(meeting.mediator_uids) == {
        meeting.mediator_uids[0]: "Hakan Fidan"}
    sides = dict(meeting.sides())
    names = sample_store.names_for_uids([p.actor_uid for p in meeting.participants])
    assert [names[p.actor_uid] for p in sides["Russia"]] == [
        "Vladimir Medinsky", "Mikhail Galuzin", "Igor Kostyukov", "Alexander Fomin"]
    assert [names[p.actor_uid] for p in sides["Ukraine"]] == [
        "Rustem Umerov", "Serhiy Kyslytsya", "Oleksandr Poklad", "Vadym Skibitsky"]
    assert sides["Russia"][0].role == ParticipantRole.HEAD
    assert '"1,000 for 1,000"' in meeting.outcomes
    assert "rejected Ukraine's proposal for a ceasefire" in meeting.outcomes


def test_meetings_positions_recommendations_and_sources(sample_store):
    dates = {r["title"]: r["date"] for r in sample_store.list_summaries("meeting")}
    assert dates["E4 leaders' meeting in Kyiv"] == "2025-05-10"
    assert dates["Trump–Putin phone call"] == "2025-05-19"
    assert len(dates) == 7
    topics = {p.topic for p in by_name(sample_store, "Russia").positions}
    assert {"NATO", "Territory", "Conditions for a ceasefire"} <= topics
    recs = sample_store.list_summaries("recommendation")
    assert {r["addressee"] for r in recs} == {"European states"}
    source = sample_store.all_records("source")
    assert len(source) == 1 and "PISM Bulletin No. 58 (2559), 20 May 2025" in source[0].citation
    for kind in ("actor", "meeting", "recommendation"):
        for record in sample_store.all_records(kind):
            assert record.source_uids == [source[0].uid], record.label()
