"""Team books: a briefing book in a PostgreSQL database (see store.py)."""

from .connection import describe, is_team_book
from .store import CHANNEL, TeamStore

__all__ = ["CHANNEL", "TeamStore", "describe", "is_team_book"]
