"""Each text in its own direction: Arabic, Persian and Hebrew right-aligned in lists and fields.

Qt already draws the letters of a right-to-left text in order; what it cannot
guess is where a line of such text should sit in a left-to-right window.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt


def is_rtl(text: str) -> bool:
    """True when the first letter with a direction (rule P2 of the bidi algorithm) is RTL."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def alignment_for(text: str) -> Qt.AlignmentFlag:
    # Absolute: a line edit lays a right-to-left text out right to left and
    # mirrors a plain AlignRight (QStyle.visualAlignment), which would put the
    # name back on the left.
    side = Qt.AlignRight if is_rtl(text) else Qt.AlignLeft
    return side | Qt.AlignAbsolute | Qt.AlignVCenter


def isolated(text: str) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a name in
    Arabic inside an English sentence keeps its own direction without pulling the
    words and digits after it into its run ("actor 'علی شمخانی' — 1 page")."""
    return f"\u2068{text}\u2069"
