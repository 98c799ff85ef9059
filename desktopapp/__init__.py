"""Briefing Desk: a briefing book for foreign-policy analysts."""

__version__ = "0.1.0"

# Before any module here defines a dataclass: their methods come from code compiled
# once and kept (dataclass_code.py), not compiled again at every start.
from . import dataclass_code  # noqa: E402

dataclass_code.install()
