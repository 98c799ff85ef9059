"""Any record to the document that presents it: its card, or for a memo the memo.

Shared by the CLI and the window, so both print a record the same way.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import astuple

from . import dossier
from .domain import Actor, Meeting, Memo, Recommendation
from .pdf import RenderResult, actor_card, meeting_card, memo, recommendation_card


def render_record(store, record, settings, page_size: str | None = None) -> RenderResult:
    """``record`` may be unsaved (a preview of an editor's state)."""
    if isinstance(record, Actor):
        return actor_card.render(dossier.actor_dossier(store, record), settings, page_size)
    if isinstance(record, Meeting):
        return meeting_card.render(dossier.meeting_dossier(store, record), settings, page_size)
    if isinstance(record, Recommendation):
        return recommendation_card.render(dossier.recommendation_dossier(store, record),
                                          settings, page_size)
    if isinstance(record, Memo):
        return memo.render(dossier.memo_dossier(store, record), settings, page_size)
    raise TypeError(f"no document for {type(record).__name__}")


class PreviewCache:
    """Documents of saved records, kept while nothing in the book or the settings changes.

    Showing a record again (back to a list, switching pages) costs a lookup
    instead of a layout. The key holds the record's kind, id and version, the
    export settings and page size, and the book's change stamp: a card also
    prints linked records, so any write to the book makes older entries stale.
    """

    def __init__(self, size: int = 32):
        self.size = size
        self._entries: OrderedDict[tuple, RenderResult] = OrderedDict()
        self.hits = 0

    def render(self, store, record, settings, page_size: str | None = None) -> RenderResult:
        if record.id is None:  # unsaved: nothing to key it by
            return render_record(store, record, settings, page_size)
        key = (type(record).__name__, record.id, record.version, astuple(settings), page_size,
               store.change_stamp())
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            self.hits += 1
            return found
        result = render_record(store, record, settings, page_size)
        self._entries[key] = result
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return result
