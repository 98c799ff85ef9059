"""Any record to the document that presents it: its card, or for a memo the memo.

Shared by the CLI and the window, so both print a record the same way.
"""

from __future__ import annotations

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
