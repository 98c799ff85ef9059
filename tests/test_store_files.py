"""What a caller sees of the book as a file: opening, copying, upgrading, backing up,
checking and repairing it (the files opening.py, copying.py, migrations.py and
maintenance.py of the store).
"""

import pytest

from desktopapp.domain import Actor
from desktopapp.errors import BriefingError
from desktopapp.store import BriefingStore


def test_a_backup_over_the_open_book_is_refused_and_the_book_keeps_its_records(book_path):
    with BriefingStore.open(book_path) as store:
        store.save(Actor(name="Hakan Fidan"))
        with pytest.raises(BriefingError) as caught:
            store.backup(book_path)
    assert str(caught.value) == (f"refusing to write {book_path}: it is the open book "
                                 "(book.sqlite); choose another file name")
    with BriefingStore.open(book_path) as store:
        assert [r["name"] for r in store.list_summaries("actor")] == ["Hakan Fidan"]
