import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktopapp.domain import Actor
from desktopapp.store.search import match_expression


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
def test_sample_names_are_found_whatever_the_case_or_accents(sample_store, query, expected):
    titles = [hit.title for hit in sample_store.search(query)]
    assert expected in titles


def test_search_covers_every_record_kind_and_field(sample_store):
    kinds = {hit.kind for hit in sample_store.search("Istanbul")}
    assert {"meeting", "actor"} <= kinds
    assert any(h.kind == "recommendation" for h in sample_store.search("sanctions"))
    assert any(h.kind == "actor" for h in sample_store.search("Zaporizhzhia"))  # a position
    assert any(h.kind == "source" for h in sample_store.search("Piechowska"))
    # a meeting is found by the names of the people at the table
    assert "Russian–Ukrainian talks in Istanbul" in [
        h.title for h in sample_store.search("Kostyukov")]


def test_letters_without_decomposition_are_folded(store):
    store.save(Actor(name="Łukasz Wójcik"))
    store.save(Actor(name="Søren Østergaard"))
    assert [h.title for h in store.search("lukasz")] == ["Łukasz Wójcik"]
    assert [h.title for h in store.search("ŁUKASZ wojcik")] == ["Łukasz Wójcik"]
    assert [h.title for h in store.search("soren")] == ["Søren Østergaard"]


def test_search_ids_filters_one_kind(sample_store):
    ids = sample_store.search_ids("Istanbul", "meeting")
    titles = {r["title"] for r in sample_store.list_summaries("meeting", ids=ids)}
    assert "Russian–Ukrainian talks in Istanbul" in titles
    assert all(h.kind == "meeting" for h in sample_store.search("Istanbul", kinds=["meeting"]))


@pytest.mark.parametrize("query", [
    "", "   ", '"', '""', "-", "*", "AND", "NOT", "OR", "NEAR(", "NEAR(a b", "a AND",
    "^", "col:", "title:erdogan", "(", ")", "{a b}", "\x00", "\u200b", "💣", "a" * 10_000,
    " ".join(["x"] * 5000), "'; DROP TABLE actors; --",
])
def test_hostile_queries_never_raise(sample_store, query):
    hits = sample_store.search(query)
    assert isinstance(hits, list)
    sample_store.search_ids(query, "actor")
    assert sample_store.count("actor") == 34


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200) | st.text(alphabet=string.punctuation + " ", max_size=50))
def test_any_text_is_a_valid_query(sample_store, text):
    assert isinstance(sample_store.search(text), list)
    expression = match_expression(text)
    assert expression is None or expression.count('"') % 2 == 0


def test_query_length_is_bounded():
    expression = match_expression("word " * 5000)
    assert expression.count("AND") == 11
