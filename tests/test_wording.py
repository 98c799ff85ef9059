"""Counts in messages, as people read them (desktopapp/wording.py)."""

from desktopapp.wording import number_of


def test_a_count_has_thousands_separators_and_one_takes_the_singular():
    assert number_of(1, "sources") == "1 source"
    assert number_of(0, "memos") == "0 memos"
    assert number_of(2, "recommendations") == "2 recommendations"
    assert number_of(100000, "actors") == "100,000 actors"
