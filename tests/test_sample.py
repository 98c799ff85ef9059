"""The sample book against the facts of the bulletin it is built from.

db/bulletin-facts.toml states, independently of the builder, what PISM Bulletin No. 58
says: names, titles, dates, numbers and who said what. Every record of the sample book
must agree with it, and the sample memo — our own memo about the bulletin — must say
whose each claim is.
"""

import importlib.util
import io
import re
import tomllib

import pytest
from conftest import REPO
from pypdf import PdfReader

from desktopapp import dossier
from desktopapp.domain import ParticipantRole
from desktopapp.pdf import meeting_card
from desktopapp.pdf import memo as memo_pdf
from desktopapp.resources import SAMPLE_BOOK, resource_path

FACTS = tomllib.loads((REPO / "db" / "bulletin-facts.toml").read_text(encoding="utf-8"))


def test_committed_sample_matches_its_generator():
    script = REPO / "db" / "make_sample_book.py"
    spec = importlib.util.spec_from_file_location("make_sample", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert resource_path(SAMPLE_BOOK).read_text(encoding="utf-8") == module.build()


def by_name(records, attribute="name"):
    out = {}
    for record in records:
        key = getattr(record, attribute)
        assert key not in out, f"two sample records called {key!r}"
        out[key] = record
    return out


def says_all(text: str, words: list[str], what: str):
    missing = [w for w in words if w.lower() not in text.lower()]
    assert not missing, f"{what} does not say {missing}: {text!r}"


@pytest.fixture
def book(sample_store):
    actors = by_name(sample_store.all_records("actor"))
    return {"store": sample_store, "actors": actors,
            "names": {a.uid: a.name for a in actors.values()},
            "meetings": by_name(sample_store.all_records("meeting"), "title"),
            "recommendations": by_name(sample_store.all_records("recommendation"), "title"),
            "sources": sample_store.all_records("source"),
            "memos": sample_store.all_records("memo")}


def test_the_source_is_the_bulletin_with_its_publisher(book):
    fact = FACTS["bulletin"]
    [source] = book["sources"]
    for part in [fact["number"], "20 May 2025", fact["title"], fact["publisher"],
                 ", ".join(fact["authors"])]:
        assert part in source.citation
    assert source.url == fact["url"]
    for kind in ("actors", "meetings", "recommendations"):
        for record in book[kind].values():
            assert record.source_uids == [source.uid], record.label()


def test_every_actor_matches_the_facts(book):
    facts = {f["name"]: f for f in FACTS["actor"]}
    assert set(book["actors"]) == set(facts), "sample actors and the facts table differ"
    for name, actor in book["actors"].items():
        fact = facts[name]
        assert actor.kind.value == fact["kind"], name
        assert actor.title == fact.get("title", ""), name
        assert actor.native_name == fact.get("native", ""), name
        if "aliases" in fact:
            assert set(fact["aliases"]) <= set(actor.aliases), name
        affiliations = [book["names"][u] for u in actor.affiliation_uids]
        assert sorted(affiliations) == sorted(fact.get("affiliations", [])), name
        says_all(f"{actor.title} {actor.biography}", fact.get("says", []), name)


def test_who_holds_what_position(book):
    expected = {}
    for fact in FACTS["position"]:
        expected.setdefault(fact["actor"], {})[fact["topic"]] = fact
    source = book["sources"][0].uid
    for name, actor in book["actors"].items():
        positions = {p.topic: p for p in actor.positions}
        assert set(positions) == set(expected.get(name, {})), f"positions of {name}"
        for topic, position in positions.items():
            fact = expected[name][topic]
            assert position.as_of == fact["as_of"], (name, topic)
            assert position.source_uid == source, (name, topic)
            says_all(position.stance, fact["says"], f"{name} on {topic}")


def test_every_meeting_matches_the_facts(book):
    facts = {f["title"]: f for f in FACTS["meeting"]}
    assert set(book["meetings"]) == set(facts)
    names = book["names"]
    for title, meeting in book["meetings"].items():
        fact = facts[title]
        assert meeting.kind.value == fact["kind"], title
        assert meeting.date == fact["date"], title
        assert meeting.place == fact.get("place", ""), title
        assert meeting.duration_minutes == fact.get("duration_minutes"), title
        assert meeting.duration_approx.value == fact.get("duration_is", "exact"), title
        assert [names[u] for u in meeting.host_uids] == fact.get("hosts", []), title
        assert [names[u] for u in meeting.mediator_uids] == fact.get("mediators", []), title
        sides = {side: [names[p.actor_uid] for p in members]
                 for side, members in meeting.sides()}
        assert sides == fact["sides"], title
        heads = [names[p.actor_uid] for p in meeting.participants
                 if p.role == ParticipantRole.HEAD]
        assert heads == fact.get("heads", []), title
        says_all("\n".join([meeting.agenda, meeting.outcomes, meeting.follow_ups]),
                 fact["says"], title)


def test_the_istanbul_talks_lasted_almost_two_hours(book):
    talks = book["meetings"]["Russian–Ukrainian talks in Istanbul"]
    assert talks.duration_text() == "almost 2 h"
    card = meeting_card.render(dossier.meeting_dossier(book["store"], talks.id),
                               book["store"].settings())
    assert "16 May 2025 · almost 2 h" in PdfReader(io.BytesIO(card.pdf)).pages[0].extract_text()


def test_recommendations_are_the_bulletins_without_invented_values_printed(book):
    facts = {f["title"]: f for f in FACTS["recommendation"]}
    assert set(book["recommendations"]) == set(facts)
    for title, rec in book["recommendations"].items():
        fact = facts[title]
        assert rec.addressee == fact["addressee"], title
        assert rec.author == fact["author"], title
        assert rec.date == fact["date"], title
        # the bulletin gives neither: the book leaves both unset, and says so
        assert fact["priority"] == fact["status"] == "none given", title
        assert rec.priority is None, f"{title}: the bulletin gives no priority"
        assert rec.status is None, f"{title}: the bulletin gives no status"
        says_all(f"{rec.title} {rec.text}", fact["says"], title)


# --- the memo ---------------------------------------------------------------------------

def memo_text(store, memo) -> tuple[str, list[str]]:
    """The rendered memo's words as a reader gets them (PDF text), and each page's text."""
    result = memo_pdf.render(dossier.memo_dossier(store, memo), store.settings())
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(result.pdf)).pages]
    text = " ".join(pages)
    text = re.sub(r"(?<=\w)-\s*\n\s*(?=\w)", "-", text)  # a line broken after a hyphen
    return re.sub(r"\s+", " ", text), pages


def sentences(text: str) -> list[str]:
    # "U.S." and "No." do not end sentences
    protected = text.replace("U.S.", "U§S§").replace("No.", "No§")
    parts = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"“])", protected)
    return [p.replace("§", ".") for p in parts]


@pytest.fixture
def sample_memo(book):
    [memo] = book["memos"]
    text, pages = memo_text(book["store"], memo)
    return memo, text, pages


def test_the_memo_is_ours_and_cites_the_bulletin(sample_memo):
    memo, text, pages = sample_memo
    bulletin = FACTS["bulletin"]
    assert memo.title != bulletin["title"]
    assert bulletin["number"] not in memo.number
    assert not set(memo.authors) & set(bulletin["authors"])
    says_all(memo.lead, FACTS["memo"]["cites"], "the memo's lead")
    assert bulletin["publisher"] in text  # in its list of sources
    # the organisation heads the first page once (masthead), not twice
    assert pages[0].lower().count("briefing desk — sample book") == 1


def test_every_claim_in_the_memo_says_whose_it_is(sample_memo):
    _, text, _ = sample_memo
    all_sentences = sentences(text)
    for claim in FACTS["claim"]:
        found = [s for s in all_sentences if claim["marker"] in s]
        assert found, f"the memo does not report: {claim['who']}"
        for sentence in found:
            assert re.search(claim["attributed"], sentence), (claim["who"], sentence)
            if "not" in claim:
                assert not re.search(claim["not"], sentence), (claim["who"], sentence)


def test_the_memo_covers_every_section_of_the_bulletin(sample_memo):
    memo, text, _ = sample_memo
    assert len(memo.sections) == 5
    # the who's-who shows the mediator, and the recommendations name their authors
    assert "Hakan Fidan" in text.split("who's who", 1)[1]
    authors = ", ".join(FACTS["bulletin"]["authors"])
    assert text.count(f"recommended by {authors}") == len(FACTS["recommendation"])


def test_the_memo_prints_no_invented_priority_or_status(sample_memo):
    _, text, _ = sample_memo
    recommendations = text.split("RECOMMENDATIONS", 1)[1].split("who's who", 1)[0]
    assert "priority" not in recommendations and "proposed" not in recommendations
    assert recommendations.count("Addressed to European states") == 3
    # the annex gives the talks' duration as the bulletin does
    assert "16 May 2025 · almost 2 h · Istanbul" in text
    # Fidan mediated the talks but led Türkiye's side at the meeting before them
    assert text.count("mediator (present at the talks)") == 1
    us_ua_tr = text.split("MEETING IN ISTANBUL", 1)[1].split("PHONE CALL", 1)[0]
    assert "Hakan Fidan Foreign Minister head of delegation" in us_ua_tr
