"""Briefing Desk: a briefing book for foreign-policy analysts."""

__version__ = "0.1.0"

from .startup import lasting_imports  # noqa: E402

with lasting_imports():
    # Before any module here defines a dataclass: their methods come from code
    # compiled once and kept (dataclass_code.py), not compiled at every start.
    from . import dataclass_code

    dataclass_code.install()
