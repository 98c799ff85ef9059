"""Briefing Desk: a briefing book for foreign-policy analysts."""

__version__ = "0.1.0"
