"""The briefing book on disk: the only package that speaks SQL. Knows nothing of Qt."""

from .book import BriefingStore, ImportSummary, SearchHit

__all__ = ["BriefingStore", "ImportSummary", "SearchHit"]
