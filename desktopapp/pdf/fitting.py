"""The one-page guarantee.

A card is a list of sections, each able to build itself at a given body
size with at most ``limit`` items (list sections) or characters (text
sections). Fitting measures with ``wrap()``:

1. try every body size from 10 pt down to 7.5 pt with everything in;
2. at 7.5 pt, shorten sections from the lowest priority up, each to the
   largest limit that fits (exponential then binary search), with a note
   ("+ 14 more meetings — see the memo"), never below its minimum;
3. if even every section at its minimum is too tall, shorten them again from
   the lowest priority up, now down to nothing (a heading and its note): the
   header (the record's name or title) is what a card is for, and the
   caller cuts it only when the sections alone cannot make room.

Text is never clipped out of sight and never shrunk below 7.5 pt; what
does not print is not in the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .styles import BODY_SIZES, MIN_BODY, Styles, card_styles


@dataclass
class Section:
    name: str
    priority: int  # higher = more important; the lowest is shortened first
    size: int  # number of items (or characters) the section holds in full
    build: Callable[[Styles, int], list]  # (styles, limit) -> flowables
    minimum: int = 0  # never shorten below this
    # Least height one item can take at the smallest type: no more items than
    # fit the page are ever built (a card shows ~50 of 499 delegates).
    item_height: float = 0.0
    exact: bool = True  # False: a count of characters, where near enough is enough
    title: str = ""  # as the card's heading names it, for the export's warning

    def __post_init__(self):
        if not self.title:
            self.title = self.name.replace("_", " ").capitalize()

    def page_cap(self, height: float) -> int:
        if not self.item_height:
            return self.size
        return min(self.size, int(height // self.item_height) + 1)


@dataclass
class FitResult:
    flowables: list
    body_size: float
    shortened: dict[str, int]  # section name -> limit it was cut to
    # header fields cut when the header alone did not fit ("Title", "Place"), as labelled
    cut_fields: list[str] = field(default_factory=list)


def measure(flowables, width: float, heights: dict | None = None) -> float:
    """Height of a story in a frame ``width`` wide; ``heights`` remembers each flowable's."""
    total = 0.0
    previous_after = 0.0
    for flowable in flowables:
        height = heights.get(id(flowable)) if heights is not None else None
        if height is None:
            _, height = flowable.wrap(width, 1e6)
            if heights is not None:
                heights[id(flowable)] = height
        before = flowable.getSpaceBefore()
        # a frame collapses adjacent spacing to the larger of the two
        total += height + max(before, previous_after) if total else height
        previous_after = flowable.getSpaceAfter()
    return total


class _Builder:
    """Builds stories for one fitting, each section at each (size, limit) only once.

    The fitting tries many combinations; a section's flowables for a given
    type size and limit never change, so they are built and measured once
    (the flowables stay alive here, so their ids stay unique).
    """

    def __init__(self, header, sections):
        self.header, self.sections = header, sections
        self.parts: dict[tuple, list] = {}
        self.heights: dict[int, float] = {}

    def story(self, styles, limits) -> list:
        key = ("header", styles.size)
        if key not in self.parts:
            self.parts[key] = list(self.header(styles))
        story = list(self.parts[key])
        for section in self.sections:
            key = (section.name, styles.size, limits[section.name])
            if key not in self.parts:
                self.parts[key] = list(section.build(styles, limits[section.name]))
            story.extend(self.parts[key])
        return story

    def height(self, story, width) -> float:
        return measure(story, width, self.heights)


def _largest_fitting(fits: Callable[[int], bool], low: int, high: int,
                     exact: bool = True) -> int | None:
    """The largest n in [low, high] with fits(n), probing upwards from ``low``.

    Growing the probe exponentially keeps each measurement small when only a
    few of many items fit (a card shows 30 of 500 delegates), where a plain
    binary search would start by laying out hundreds. Not ``exact`` (a text's
    characters, cut at a word anyway): steps start at a quarter of ``low`` and
    the search stops within 2.5 %, a handful of layouts instead of a dozen.
    """
    if not fits(low):
        return None
    good, step = low, 1 if exact else max(1, low // 4)
    while good < high:
        probe = min(high, good + step)
        if not fits(probe):
            high = probe - 1
            break
        good, step = probe, step * 2
    while good < high and (exact or high - good > max(1, good // 40)):  # binary search
        mid = (good + high + 1) // 2
        if fits(mid):
            good = mid
        else:
            high = mid - 1
    return good


def fit_one_page(header: Callable[[Styles], list], sections: list[Section],
                 width: float, height: float) -> FitResult:
    builder = _Builder(header, sections)
    full = {s.name: s.page_cap(height) for s in sections}
    # sections that hold more than a page could ever show are shortened already
    capped = {s.name: full[s.name] for s in sections if full[s.name] < s.size}
    first = BODY_SIZES[0]

    def least(size):
        """Height the counted items need at least at this size, before laying any out."""
        return sum(full[s.name] * s.item_height * size / MIN_BODY
                   for s in sections if s.item_height)

    if least(first) <= height:
        story = builder.story(card_styles(first), full)
        needed = builder.height(story, width)
        if needed <= height and not capped:
            return FitResult(story, first, {})
    else:
        needed = least(first)  # 499 delegates: no need to lay them out at 10 pt to know
    # Text height grows about with the square of the type size: skip the sizes
    # that cannot fit instead of laying the card out at each of them.
    largest = first * (height / needed) ** 0.5
    for size in BODY_SIZES[1:] if needed > height else []:
        if (size > largest + 0.25 and size != BODY_SIZES[-1]) or least(size) > height:
            continue
        styles = card_styles(size)
        story = builder.story(styles, full)
        if builder.height(story, width) <= height:
            return FitResult(story, size, dict(capped))

    styles = card_styles(MIN_BODY)
    limits = dict(full)
    shortened = {}

    def fits_with(trial):
        return builder.height(builder.story(styles, trial), width) <= height

    for floor in ("minimum", "nothing"):
        for section in sorted(sections, key=lambda s: s.priority):
            def fits(limit, section=section):
                return fits_with(dict(limits, **{section.name: limit}))

            least = section.minimum if floor == "minimum" else 0
            most = limits[section.name]
            best = _largest_fitting(fits, least, most, section.exact)
            limits[section.name] = best if best is not None else least
            if limits[section.name] < section.size:
                shortened[section.name] = limits[section.name]
            if best is not None:
                if floor == "nothing":
                    _give_back(sections, limits, shortened, fits_with)
                return FitResult(builder.story(styles, limits), MIN_BODY, shortened)
    # Even with every section empty the header alone is too tall (a
    # pathological name): the caller shortens every field.
    return FitResult(builder.story(styles, limits), MIN_BODY, shortened)


def _give_back(sections, limits, shortened, fits_with):
    """After sections went below their minimums, the more important ones take back
    what room is left, up to their minimums (a higher section emptied last may
    have made room for the ones emptied before it)."""
    for section in sorted(sections, key=lambda s: -s.priority):
        if limits[section.name] >= section.minimum:
            continue

        def fits(limit, section=section):
            return fits_with(dict(limits, **{section.name: limit}))

        best = _largest_fitting(fits, limits[section.name], section.minimum, section.exact)
        if best is not None:
            limits[section.name] = best
            shortened[section.name] = best
