"""Line breaking for Chinese and Japanese: between any two characters, kinsoku rules kept.

ReportLab breaks a run of Chinese or Japanese (no spaces) between any two
characters, and so put "、" or "」" at the start of a line and "（" or "「"
at its end. Here a line may break between two characters when one of them is
CJK (or after a space), except before a character that must not start a line
(closing brackets and quotes, 、。，．・：；？！, small kana, the long-vowel
mark) or after one that must not end a line (opening brackets and quotes).
Lines are ReportLab's own CJK lines (``makeCJKParaLine``), drawn by ReportLab.
"""

from __future__ import annotations

import re
import unicodedata

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

# Han, kana, CJK punctuation, fullwidth forms: text written without spaces.
CJK = re.compile("[\u2e80-\u2fdf\u3000-\u30ff\u3190-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
                 "\uff00-\uffef\U00020000-\U0003ffff]")
CANNOT_START = set(ALL_CANNOT_START) | set(
    "）〕］｝〉》」』】〙〗〟’”｠»、。，．・：；？！‼⁇⁈⁉ゝゞヽヾーァィゥェォッャュョヮヵヶ"
    "ぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～…‥%)]},.:;?!")
CANNOT_END = set(ALL_CANNOT_END) | set("（〔［｛〈《「『【〘〖〝‘“｟«([{")


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None


def _may_break(before: str, after: str) -> bool:
    """May a line end after ``before`` and the next begin with ``after``?"""
    if before in CANNOT_END or after in CANNOT_START:
        return False
    if unicodedata.category(before) == "Zs":
        return True
    return bool(CJK.match(before) or CJK.match(after)) and unicodedata.category(after) != "Zs"


def break_lines(frags, max_widths, calc_bounds=False) -> ParaLines:
    """ReportLab CJK lines for ``frags``, each at most its width, kinsoku kept."""
    chars = []
    for frag in frags:
        text = getattr(frag, "text", "")
        if text:
            chars.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:
            chars.append(cjkU(text, frag, "utf8"))  # a line break, an image
    lines = []
    start, count = 0, len(chars)
    while start < count:
        width_of = max_widths[min(len(lines), len(max_widths) - 1)]
        used, end, forced = 0.0, start, False
        while end < count:
            char = chars[end]
            if hasattr(char.frag, "lineBreak"):
                forced = True
                break
            if used + char.width > width_of + _FUZZ and end > start:
                break
            used += char.width
            end += 1
        stop = resume = end
        if forced:
            stop, resume = end + 1, end + 1  # the break itself ends the line, as ReportLab's
        elif end < count:
            # back to the last place a line may end; with none (a long word with
            # no place to break), the line ends where it must
            cut = end
            while cut > start and not _may_break(chars[cut - 1], chars[cut]):
                cut -= 1
            if cut > start:
                stop = resume = cut
        line = chars[start:stop]
        while line and not forced and unicodedata.category(line[-1]) == "Zs":
            line = line[:-1]  # a space at a break takes no room
        width = sum(ch.width for ch in line)
        lines.append(makeCJKParaLine(line, width_of, width, width_of - width, forced,
                                     calc_bounds))
        start = resume
        while start < count and not forced and unicodedata.category(chars[start]) == "Zs":
            start += 1  # nor at the start of the next line
    return ParaLines(kind=1, lines=lines)
