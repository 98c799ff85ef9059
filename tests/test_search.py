import datetime as dt
import string

import pytest
from conftest import both_backends
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktopapp.domain import Actor
from desktopapp.store.search import match_expression

# One search suite for both backends: every test below that uses a book runs
# on a SQLite book and on a team book (PostgreSQL).
book = both_backends("store", "team_store")
sample_book = both_backends("sample_store", "team_sample")


@pytest.mark.parametrize("query, expected", [
    ("erdogan", "Recep Tayyip Erdoğan"),
    ("ERDOĞAN", "Recep Tayyip Erdoğan"),
    ("МЕДИНСКИЙ", "Vladimir Medinsky"),
    ("мединский", "Vladimir Medinsky"),
    ("Zelenskyy", "Volodymyr Zelensky"),
    ("Зеленський", "Volodymyr Zelensky"),
    ("turkiye", "Türkiye"),
    ("Alexandr Stubb", "Alexander Stubb"),
    ("kyslyt", "Serhiy Kyslytsya"),  # prefix
])
def test_sample_names_are_found_whatever_the_case_or_accents(sample_book, query, expected):
    titles = [hit.title for hit in sample_book.search(query)]
    assert expected in titles


def test_search_covers_every_record_kind_and_field(sample_book):
    kinds = {hit.kind for hit in sample_book.search("Istanbul")}
    assert {"meeting", "actor"} <= kinds
    assert any(h.kind == "recommendation" for h in sample_book.search("sanctions"))
    assert any(h.kind == "actor" for h in sample_book.search("Zaporizhzhia"))  # a position
    assert any(h.kind == "source" for h in sample_book.search("Piechowska"))
    # a meeting is found by the names of the people at the table
    assert "Russian–Ukrainian talks in Istanbul" in [
        h.title for h in sample_book.search("Kostyukov")]


def test_letters_without_decomposition_are_folded(book):
    store = book
    store.save(Actor(name="Łukasz Wójcik"))
    store.save(Actor(name="Søren Østergaard"))
    assert [h.title for h in store.search("lukasz")] == ["Łukasz Wójcik"]
    assert [h.title for h in store.search("ŁUKASZ wojcik")] == ["Łukasz Wójcik"]
    assert [h.title for h in store.search("soren")] == ["Søren Østergaard"]


def test_search_ids_filters_one_kind(sample_book):
    ids = sample_book.search_ids("Istanbul", "meeting")
    titles = {r["title"] for r in sample_book.list_summaries("meeting", ids=ids)}
    assert "Russian–Ukrainian talks in Istanbul" in titles
    assert all(h.kind == "meeting" for h in sample_book.search("Istanbul", kinds=["meeting"]))


@pytest.mark.parametrize("query", [
    "", "   ", '"', '""', "-", "*", "AND", "NOT", "OR", "NEAR(", "NEAR(a b", "a AND",
    "^", "col:", "title:erdogan", "(", ")", "{a b}", "\x00", "\u200b", "💣", "a" * 10_000,
    " ".join(["x"] * 5000), "'; DROP TABLE actors; --",
])
def test_hostile_queries_never_raise(sample_book, query):
    hits = sample_book.search(query)
    assert isinstance(hits, list)
    sample_book.search_ids(query, "actor")
    assert sample_book.count("actor") == 38


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200) | st.text(alphabet=string.punctuation + " ", max_size=50))
def test_any_text_is_a_valid_query(sample_book, text):
    assert isinstance(sample_book.search(text), list)
    expression = match_expression(text)
    assert expression is None or expression.count('"') % 2 == 0


def test_query_length_is_bounded():
    expression = match_expression("word " * 5000)
    assert expression.count("AND") == 11


# --- across spellings and scripts (folding rules: tests/test_folding.py) ------

@pytest.fixture
def world_store(book):
    store = book
    from desktopapp.domain import ActorKind
    people = [
        Actor(name="Wang Yi", native_name="王毅"),
        Actor(name="Office of the Central Foreign Affairs Commission",
              native_name="中央外事工作委员会办公室", kind=ActorKind.ORGANISATION),
        Actor(name="Oman", native_name="سلطنة عُمان", kind=ActorKind.STATE),
        Actor(name="Iran", native_name="ایران", kind=ActorKind.STATE),
        Actor(name="Organisation of Islamic Cooperation", native_name="منظمة التعاون الإسلامي",
              kind=ActorKind.ORGANISATION),
        Actor(name="Saudi Arabia", native_name="المملكة العربية السعودية",
              kind=ActorKind.STATE),
        Actor(name="Musāʿid al-ʿAybān", native_name="مساعد العيبان"),
        Actor(name="Benjamin Netanyahu", native_name="בִּנְיָמִין נְתַנְיָהוּ"),
        Actor(name="Ali Shamkhani", native_name="علی شمخانی"),
        # an ideographic variation sequence: 葛 with a selector for its form
        Actor(name="Katsuragi Tarō", native_name="葛\U000E0100城太郎"),
    ]
    # names that merely contain "iran" come first in the book
    for name in ["Iranian Red Crescent", "Iran–Iraq border commission", "Iranshahr council",
                 "Friends of Iran", "Iran watchers", "Iran and Iraq"]:
        store.save(Actor(name=name, kind=ActorKind.ORGANISATION, biography="Iran " * 20))
    for actor in people:
        store.save(actor)
    return store


@pytest.mark.parametrize("query, expected", [
    ("عمان", "Oman"),  # no vowel mark finds the marked spelling
    ("عُمان", "Oman"),
    ("الاسلامي", "Organisation of Islamic Cooperation"),  # other hamza form
    ("السعوديه", "Saudi Arabia"),  # final ha for ta marbuta
    ("ايران", "Iran"),  # Arabic yeh finds the Persian
    ("إيران", "Iran"),
    ("علي شمخاني", "Ali Shamkhani"),
    ("عيبان", "Musāʿid al-ʿAybān"),  # without the article
    ("Musaid", "Musāʿid al-ʿAybān"),  # transliteration marks and macrons
    ("musa'id aybān", "Musāʿid al-ʿAybān"),
    ("נתניהו", "Benjamin Netanyahu"),  # Hebrew without points
    ("政治局", None),
    ("外事", "Office of the Central Foreign Affairs Commission"),  # CJK inside a name
    ("委员会", "Office of the Central Foreign Affairs Commission"),
    ("外事工作", "Office of the Central Foreign Affairs Commission"),
    ("王毅", "Wang Yi"),
    ("葛城", "Katsuragi Tarō"),  # a variation selector inside the name is not a letter
    ("城太郎", "Katsuragi Tarō"),
])
def test_names_are_found_across_spellings(world_store, query, expected):
    titles = [hit.title for hit in world_store.search(query)]
    if expected is None:
        assert titles == []
    else:
        assert expected in titles


def test_cjk_pieces_must_be_adjacent(world_store):
    assert world_store.search("外委") == []  # both characters occur, but not side by side
    assert world_store.search("毅王") == []


def test_one_cjk_character_filters_a_list(world_store):
    office = "Office of the Central Foreign Affairs Commission"
    for character, name in [("毅", "Wang Yi"), ("王", "Wang Yi"), ("务", None), ("外", office)]:
        ids = world_store.search_ids(character, "actor", ranked=False)
        names = [r["name"] for r in world_store.list_summaries("actor", ids=ids)]
        assert names == ([name] if name else [])


def test_whole_name_ranks_first(world_store):
    hits = world_store.search("iran")
    assert hits[0].title == "Iran"
    assert len(hits) == 7
    assert world_store.search("IRAN", limit=1)[0].title == "Iran"
    assert world_store.search_ids("ایران", "actor")[0] == world_store.search("Iran")[0].id
    assert world_store.search("王毅")[0].title == "Wang Yi"


def test_a_name_begun_by_the_query_ranks_before_mentions(book):
    from desktopapp.domain import Meeting
    book.save(Actor(name="Ukraine", biography="Volodymyr Zelensky leads the delegation."))
    book.save(Meeting(title="Talks in Istanbul", date=dt.date(2025, 5, 16),
                      agenda="Zelensky proposed a meeting."))
    book.save(Actor(name="Volodymyr Zelensky"))
    assert [hit.title for hit in book.search("zelen")][0] == "Volodymyr Zelensky"
    assert [hit.title for hit in book.search("volodymyr zel")][0] == "Volodymyr Zelensky"


def test_limits_are_honoured_for_short_and_broad_queries(world_store):
    for query in ["i", "ir", "a", "iran", "o"]:
        for limit in (1, 3, 50):
            assert len(world_store.search(query, limit=limit)) <= limit
            assert len(world_store.search_ids(query, "actor", limit=limit)) <= limit
    assert len(world_store.search("i", limit=3)) == 3


def test_snippets_show_the_records_own_text(world_store):
    hit = next(h for h in world_store.search("عمان") if h.title == "Oman")
    assert "عُمان" in hit.snippet


def test_upgraded_book_is_reindexed_with_the_new_rules(tmp_path):
    import shutil
    from pathlib import Path

    from desktopapp.store import BriefingStore

    path = tmp_path / "old.sqlite"
    shutil.copy(Path(__file__).parent.parent / "db/fixtures/book-schema2.sqlite", path)
    with BriefingStore.open(path) as store:
        assert "Vladimir Medinsky" in [h.title for h in store.search("medinsky")]
        assert store.search("medinsky")[0].title == "Vladimir Medinsky"
        assert store.check() == []
        assert store.db.execute("SELECT count(*) FROM book_meta WHERE key = "
                                "'search_index_stale'").fetchone()[0] == 0


def test_last_word_and_short_words_are_prefixes(world_store):
    from desktopapp.domain import ActorKind
    world_store.save(Actor(name="Natalia Oman-Watchers", kind=ActorKind.PERSON))
    # the last word as typed so far, words of up to three letters anywhere
    assert "Natalia Oman-Watchers" in [h.title for h in world_store.search("natalia om")]
    assert "Natalia Oman-Watchers" in [h.title for h in world_store.search("oma natal")]
    assert "Natalia Oman-Watchers" in [h.title for h in world_store.search("nat watchers")]
    # a whole word and a longer one sharing it: both found, unranked and unlimited too
    names = {r["name"] for r in world_store.list_summaries(
        "actor", ids=world_store.search_ids("iran", "actor", ranked=False))}
    assert {"Iran", "Iranian Red Crescent", "Iranshahr council"} <= names
    names = {r["name"] for r in world_store.list_summaries(
        "actor", ids=world_store.search_ids("iran", "actor", ranked=False, limit=50))}
    assert {"Iran", "Iranian Red Crescent", "Iranshahr council"} <= names


def test_snippets_mark_the_matching_words(sample_book):
    hit = next(h for h in sample_book.search("Kostyukov") if h.kind == "meeting")
    assert "[Kostyukov]" in hit.snippet or "[Igor]" in hit.snippet
    hit = sample_book.search("medinsky")[0]
    assert "[" in hit.snippet


# --- the same ranking on both backends ----------------------------------------

GIVEN_NAMES = ["Anna", "Ayşe", "Mikhail", "Piotr", "Liu", "Kateryna", "Olaf", "Emine", "Jürgen",
               "Ana", "Ali", "Zelenko", "Irina", "Zoran", "Ahmet"]
FAMILY_NAMES = ["Kowalska", "Yılmaz", "Shevchenko", "Zelensky", "Zelenska", "Horváth",
                "Dyner", "Anders", "Aliyev", "Istanbullu", "Fidan", "Talks", "Alabama",
                "Ivanova", "Zelenograd"]
TOPICS = ["prisoners of war", "grain corridor", "humanitarian aid", "a ceasefire", "sanctions",
          "talks in Istanbul"]


def _crowded_book(store):
    """The sample, the scripts of world_store and a crowd: more matches of one and
    two letters than a search pool holds, in every kind, with tied ranks."""
    import random

    from desktopapp import books
    from desktopapp.domain import ActorKind, Meeting, Recommendation

    books.load_sample(store)
    rng = random.Random(11)
    for n in range(520):
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        met = rng.choice(FAMILY_NAMES)
        store.save(Actor(name=f"{given} {family}" + (f" {n}" if n % 3 else ""),
                         biography=f"Works on {rng.choice(TOPICS)}; met {met}."))
    store.save(Actor(name="Wang Yi", native_name="王毅"))
    store.save(Actor(name="Office of the Central Foreign Affairs Commission",
                     native_name="中央外事工作委员会办公室", kind=ActorKind.ORGANISATION))
    store.save(Actor(name="Musāʿid al-ʿAybān", native_name="مساعد العيبان",
                     biography="Said ʿid al-Fitr greetings; O'Brien's contact."))
    store.save(Actor(name="Ali Shamkhani", native_name="علی شمخانی"))
    store.save(Actor(name="Saudi Arabia", native_name="المملكة العربية السعودية",
                     kind=ActorKind.STATE))
    for n in range(460):
        topic, who = rng.choice(TOPICS), rng.choice(GIVEN_NAMES)
        store.save(Meeting(title=f"Talks on {topic} {n}" if n % 2 else f"{topic.title()} round",
                           date=dt.date(2025, 1 + n % 12, 1 + n % 28),
                           place=rng.choice(["Istanbul", "Ankara", "Geneva", "Riyadh"]),
                           agenda=f"{who} {rng.choice(FAMILY_NAMES)} on {topic}."))
    for n in range(120):
        store.save(Recommendation(title=f"Press for {rng.choice(TOPICS)} {n}",
                                  addressee="MFA",
                                  text=f"Ask {rng.choice(FAMILY_NAMES)} about Istanbul talks."))


@pytest.fixture(scope="module")
def crowded_books(tmp_path_factory, postgres_server, team_book_template):
    """The same crowded book as a SQLite book and as a team book (made once)."""
    from desktopapp.store import BriefingStore
    from desktopapp.store.postgres import TeamStore

    path = tmp_path_factory.mktemp("crowded") / "crowded.sqlite"
    url = postgres_server.url(postgres_server.new_database(template=team_book_template))
    with BriefingStore.open(path, create=True) as lite, TeamStore.open(url) as team:
        _crowded_book(lite)
        _crowded_book(team)
        yield lite, team


RANKED_QUERIES = [
    "a", "z", "i", "t", "al", "ze", "ta", "is",  # more matches than a pool holds
    "istanbul talks", "talks on prisoners of war", "talks in", "Zelen", "zelensky",
    "anna kowalska", "Anna", "Ali", "ʿid", "id", "obrien", "brien", "o",
    "王毅", "外事", "外", "委员会", "عيبان", "مساعد العيبان", "علي شمخاني", "السعوديه",
    "zzqx nothing", "anna qqq", "", "   ", "-",
]


@pytest.mark.parametrize("query", RANKED_QUERIES)
def test_both_backends_rank_the_same_hits_in_the_same_order(crowded_books, query):
    lite, team = crowded_books

    def hits(store, **kwargs):
        # the extract too: a hit reads the same on both (the words marked, the cut)
        return [(hit.kind, hit.id, hit.snippet) for hit in store.search(query, **kwargs)]

    for kwargs in ({}, {"limit": 1}, {"limit": 7}, {"limit": 450}, {"limit": 900},
                   {"kinds": ["meeting"]},
                   {"kinds": ["actor", "recommendation"], "limit": 120}):
        assert hits(lite, **kwargs) == hits(team, **kwargs), kwargs
    for kind in ("actor", "meeting"):
        for kwargs in ({}, {"limit": 3}, {"limit": 500}, {"ranked": False},
                       {"ranked": False, "limit": 5}, {"ranked": False, "limit": 430}):
            assert lite.search_ids(query, kind, **kwargs) == team.search_ids(query, kind,
                                                                             **kwargs), kwargs


def test_the_crowd_really_overflows_the_pools(crowded_books):
    from desktopapp.store import search as search_rules
    lite, _ = crowded_books
    def matches(query, kind):
        return len(lite.search_ids(query, kind, ranked=False))

    for query in ("a", "i", "t", "ta"):  # more than the pool of the prefix pass
        assert matches(query, "actor") + matches(query, "meeting") > search_rules.POOL
    for query in ("z", "al", "ze", "is"):  # more than a kind's share of the pool
        assert matches(query, "actor") > search_rules.POOL // len(search_rules.KIND_CODES)
    # whole names first, then the ranking: the order is not just the index order
    assert lite.search("Zelen")[0].title.split()[1].startswith("Zelen")
    ids = lite.search_ids("a", "actor", limit=450)
    assert ids != sorted(ids)


def test_hits_are_made_a_chunk_at_a_time(crowded_books):
    """briefing search streams: a huge --limit holds the ranked ids, not every hit."""
    from desktopapp.store.book import CHUNK
    lite, team = crowded_books
    for store in (lite, team):
        hits = [(h.kind, h.id, h.title, h.snippet) for h in store.iter_search("a", limit=900)]
        assert len(hits) > CHUNK  # the hits cross a chunk
        assert hits == [(h.kind, h.id, h.title, h.snippet) for h in store.search("a", limit=900)]
        assert all(title for _, _, title, _ in hits)
    texts_read = []
    lite.db.conn.set_trace_callback(
        lambda sql: texts_read.append(sql) if "title, body FROM search_index" in sql else None)
    try:
        hits = lite.iter_search("a", limit=900)
        next(hits)
        assert len(texts_read) == 1  # the first chunk's texts only
        rest = list(hits)
        assert len(texts_read) == 2 and len(rest) > CHUNK - 1
    finally:
        lite.db.conn.set_trace_callback(None)
