"""What a caller of the store sees when it reads, lists, saves and deletes records, and
when it reads and changes the export settings: the record read back, the rows of a list
in their order, the message a person reads, the conflict raised.
"""

import pytest

from desktopapp.domain import Actor
from desktopapp.store import BriefingStore


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
