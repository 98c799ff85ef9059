"""ReportLab's flowables, imported without compiling a pattern no card uses at import.

``reportlab.platypus.paragraph`` compiles, when it is imported, a
case-insensitive URL pattern over most of Unicode (``uri_pat``), which it
uses only to split a long URL across lines. Compiling it took about 25 ms,
a sixth of a ``briefing card`` started from the shell; here it is compiled
the first time ReportLab uses it (any other pattern compiles as usual).
"""

from __future__ import annotations

import re
import threading

_compile = re.compile
_URL_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"
_lock = threading.Lock()


class CompiledOnFirstUse:
    """A pattern that is compiled the first time one of its methods is used."""

    def __init__(self, pattern: str, flags: int):
        self.source = (pattern, flags)
        self._compiled = None

    def __getattr__(self, name):
        if self._compiled is None:
            self._compiled = _compile(*self.source)
        return getattr(self._compiled, name)


def _deferring(pattern, flags=0):
    if isinstance(pattern, str) and pattern.startswith(_URL_PATTERN_START):
        return CompiledOnFirstUse(pattern, flags)
    return _compile(pattern, flags)


def import_platypus() -> None:
    """Import reportlab.platypus, its URL pattern left to compile on first use."""
    with _lock:
        re.compile = _deferring
        try:
            import reportlab.platypus  # noqa: F401
        finally:
            re.compile = _compile
