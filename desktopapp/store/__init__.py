"""The briefing book on disk: the only package that speaks SQL. Knows nothing of Qt."""

from .book import BriefingStore, SearchHit

__all__ = ["BriefingStore", "SearchHit"]
