"""Any record to the document that presents it: its card, or for a memo the memo.

Shared by the CLI and the window, so both print a record the same way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import astuple
from functools import partial

from . import dossier
from .domain import Actor, Meeting, Memo, Recommendation
from .pdf import RenderResult


def prepare_document(store, record):
    """Gather what the record's document shows; return ``render(settings, page_size=None)``.

    The gathering reads the store; the returned function does not, so the
    window can gather on the GUI thread (whose connection it is) and render
    on a worker thread. Each kind's renderer is imported when first asked for:
    a cold ``briefing card`` loads only its own.
    """
    if isinstance(record, Actor):
        from .pdf import actor_card
        return partial(actor_card.render, dossier.actor_dossier(store, record))
    if isinstance(record, Meeting):
        from .pdf import meeting_card
        return partial(meeting_card.render, dossier.meeting_dossier(store, record))
    if isinstance(record, Recommendation):
        from .pdf import recommendation_card
        return partial(recommendation_card.render, dossier.recommendation_dossier(store, record))
    if isinstance(record, Memo):
        from .pdf import memo
        return partial(memo.render, dossier.memo_dossier(store, record))
    raise TypeError(f"no document for {type(record).__name__}")


def render_record(store, record, settings, page_size: str | None = None) -> RenderResult:
    """``record`` may be unsaved (a preview of an editor's state)."""
    return prepare_document(store, record)(settings, page_size)


class PreviewCache:
    """Documents of saved records, kept while nothing in the book or the settings changes.

    Showing a record again (back to a list, switching pages) costs a lookup
    instead of a layout. The key holds the record's kind, id and version, the
    export settings and page size, and the book's change stamp: a card also
    prints linked records, so any write to the book makes older entries stale.
    ``key`` reads the store (the caller's thread); ``get`` and ``put`` may be
    called from any thread.
    """

    def __init__(self, size: int = 32):
        self.size = size
        self._entries: OrderedDict[tuple, RenderResult] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    @staticmethod
    def key(store, record, settings, page_size: str | None = None) -> tuple | None:
        """None for an unsaved record: nothing to key it by."""
        if record.id is None:
            return None
        return (type(record).__name__, record.id, record.version, astuple(settings), page_size,
                store.change_stamp())

    def get(self, key) -> RenderResult | None:
        if key is None:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key, result: RenderResult) -> RenderResult:
        if key is not None:
            with self._lock:
                self._entries[key] = result
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return result

    def render(self, store, record, settings, page_size: str | None = None) -> RenderResult:
        key = self.key(store, record, settings, page_size)
        found = self.get(key)
        if found is not None:
            return found
        return self.put(key, render_record(store, record, settings, page_size))
