"""User text to flowables: everything escaped, a small Markdown subset honoured.

The subset, parsed by markdown-it-py with every other rule switched off:
paragraphs (blank line), kept line breaks, bullet and numbered lists,
``*emphasis*`` and ``**strong**``. Headings, links, HTML, code: all
printed literally, as typed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .fonts import TextPreparer
from .scripts import Paragraph


@lru_cache(maxsize=1)
def _parser():
    # imported when a card first has a long text: a card without one, and
    # every command that prints none, does without it (~15 ms to import)
    from markdown_it import MarkdownIt

    return MarkdownIt("zero").enable(["emphasis", "list"])


INLINE_TAGS = {"em_open": "<i>", "em_close": "</i>", "strong_open": "<b>", "strong_close": "</b>"}


def _inline(token, prep: TextPreparer) -> str:
    out = []
    for child in token.children or []:
        if child.type == "text":
            out.append(prep.inline(child.content))
        elif child.type in INLINE_TAGS:
            out.append(INLINE_TAGS[child.type])
        elif child.type in ("softbreak", "hardbreak"):
            out.append("<br/>")
        else:  # anything the zero preset lets through: print its text as typed
            out.append(prep.inline(child.content or child.markup))
    return "".join(out)


def rich_text(text: str, prep: TextPreparer, style, bullet_style, limit: int | None = None):
    """Flowables for a long user field; ``limit`` cuts it to that many characters."""
    text = prep.clean(text)
    if limit is not None and len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit * 0.8 else cut).rstrip() + " …"
    return [Paragraph(markup, style) if label is None
            else Paragraph(markup, bullet_style, bulletText=label)
            for markup, label in blocks(text, prep)]


def blocks(text: str, prep: TextPreparer) -> list[tuple[str, str | None]]:
    """Each paragraph or list item of ``text`` as (Paragraph markup, its bullet or None)."""
    plain = plain_paragraphs(text)
    if plain is not None:
        return [(prep.inline(paragraph), None) for paragraph in plain]
    return parsed_blocks(text, prep)


def parsed_blocks(text: str, prep: TextPreparer) -> list[tuple[str, str | None]]:
    """``blocks`` as markdown-it parses the subset."""
    out = []
    bullet = None
    number = 0
    for token in _parser().parse(text):
        if token.type == "bullet_list_open":
            bullet = "•"
        elif token.type == "ordered_list_open":
            bullet, number = "#", int(token.attrGet("start") or 1) - 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            bullet = None
        elif token.type == "inline":
            markup = _inline(token, prep)
            if bullet == "#":
                number += 1
            out.append((markup, None if bullet is None else
                        f"{number}." if bullet == "#" else "•"))
    return out


# What makes text more than paragraphs: an emphasis delimiter, or a line that
# could start a list item ("- ", "+ ", "* ", "1. ", "1) ").
_MARKDOWN = re.compile(r"[*_]|^[ \t]*(?:[-+]|[0-9]{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of text with no list and no emphasis, as markdown-it gives them
    (lines up to a blank one, joined, stripped), or None for text that has either.

    Most fields are such text: they need neither the parser nor its import
    (a tenth of a ``briefing card`` started from the shell).
    """
    if _MARKDOWN.search(text):
        return None
    paragraphs, lines = [], []
    for each in text.split("\n"):
        if each.strip(" \t"):
            lines.append(each)
        elif lines:  # a blank line (spaces and tabs only) ends a paragraph
            paragraphs.append("\n".join(lines).strip())
            lines = []
    if lines:
        paragraphs.append("\n".join(lines).strip())
    return paragraphs


def line(text: str, prep: TextPreparer, style, field: str | None = None,
         title: bool = False) -> Paragraph:
    """A single-line field: escaped, no markup (``field``, ``title``: see ``prep.inline``)."""
    return Paragraph(prep.inline(text, field, title), style)
