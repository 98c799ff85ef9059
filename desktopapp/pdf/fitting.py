"""The one-page guarantee.

A card is a list of sections, each able to build itself at a given body
size with at most ``limit`` items (list sections) or characters (text
sections). Fitting measures with ``wrap()``:

1. try every body size from 10 pt down to 7.5 pt with everything in;
2. at 7.5 pt, shorten sections from the lowest priority up, each to the
   largest limit that fits (probing where the measured heights say the page
   ends), with a note
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
    """A part of a card that can be shortened: how to build it at a limit, and how much."""

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
    # Least height the first n items take at the smallest type, when the items
    # themselves say more than ``item_height`` (a delegate with a title takes
    # two lines): cards that cannot fit are known without laying them out.
    least_height: Callable[[int], float] | None = None
    # Characters of the whole text, when more than ``size``: a text longer than
    # a page could show is cut to ``size`` before any layout, so it is shortened
    # even when the card prints all of ``size``.
    whole: int = 0

    def __post_init__(self):
        if not self.title:
            self.title = self.name.replace("_", " ").capitalize()

    def least(self, limit: int) -> float:
        """The least height of the first ``limit`` items at the smallest type."""
        if self.least_height is not None:
            return self.least_height(limit)
        return limit * self.item_height

    def page_cap(self, height: float) -> int:
        """Items a page could show, and one more: a section cut here is too tall."""
        if self.least_height is not None:
            return next((n for n in range(self.size + 1) if self.least_height(n) > height),
                        self.size)
        if not self.item_height:
            return self.size
        return min(self.size, int(height // self.item_height) + 1)


@dataclass
class FitResult:
    """A card's flowables at the size that fits, and what was shortened or cut for it."""

    flowables: list
    body_size: float
    shortened: dict[str, int]  # section name -> limit it was cut to
    # header fields cut when the header alone did not fit ("Title", "Place"), as labelled
    cut_fields: list[str] = field(default_factory=list)
    # each flowable's height as the fitting measured it (by id): measuring the
    # result again costs nothing
    heights: dict[int, float] = field(default_factory=dict)


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

    def measured(self, styles, limits, width) -> float | None:
        """The height of the story at ``limits``, if it was built and measured already."""
        parts = [("header", styles.size)] + [(section.name, styles.size, limits[section.name])
                                             for section in self.sections]
        if not all(key in self.parts for key in parts):
            return None
        story = [flowable for key in parts for flowable in self.parts[key]]
        if not all(id(flowable) in self.heights for flowable in story):
            return None
        return self.height(story, width)


def _largest_fitting(height_of: Callable[[int], float], room: float, low: int, high: int,
                     exact: bool = True, high_height: float | None = None) -> int | None:
    """The largest n in [low, high] with ``height_of(n) <= room``, or None if not even ``low``.

    A card's height grows about in proportion to the items (or characters)
    it holds, so each probe goes where the line through the nearest measured
    points meets the room: three or four layouts find where 30 of 500
    delegates end, where doubling and halving took a dozen, each laying out
    more. Heights that are not straight (a long name among short ones) only
    cost a probe more: an interval that a probe did not halve is halved next,
    and a height that does not grow doubles the step. Not ``exact`` (a text's
    characters, cut at a word anyway): the first step is a quarter of ``low``
    and the search stops within 2.5 %. ``high_height``: the height at ``high``
    when it was measured already (the whole section, laid out while the type
    sizes were tried): the first probe then goes where the line from ``low``
    to ``high`` meets the room.
    """
    height = height_of(low)
    if height > room:
        return None
    good, good_height = low, height
    bad = bad_height = None  # the smallest n known to be too tall
    if high_height is not None and high > low:
        if high_height <= room:
            return high
        bad, bad_height = high, high_height
    previous = previous_height = None  # the fitting n before ``good``
    bisect = False
    stalls = 0
    while True:
        top = high if bad is None else bad - 1
        if good >= top or (not exact and top - good <= max(1, good // 40)):
            return good
        if bad is not None:
            slope = (bad_height - good_height) / (bad - good)
        elif previous is not None:
            slope = (good_height - previous_height) / (good - previous)
        else:
            slope = 0.0
        if bad is not None and bisect:
            probe = (good + top + 1) // 2
        elif slope > 0:
            probe = good + int((room - good_height) / slope)
        elif previous is not None:  # as tall as before: twice the last step
            probe = good + 2 * (good - previous)
        else:  # the first step, to learn how fast the height grows
            probe = good + (1 if exact else max(1, low // 4))
        # a step within the tolerance would learn nothing (heights are flat within a
        # line: a probe on the fitting side of a line's end moved a character at a time)
        probe = min(top, max(good + (1 if exact else max(1, good // 40) + 1), probe))
        interpolated = bad is not None
        span = top - good
        height = height_of(probe)
        if height <= room:
            previous, previous_height, good, good_height = good, good_height, probe, height
        else:
            bad, bad_height = probe, height
        narrowed = (high if bad is None else bad - 1) - good
        # An interpolation that did not halve the interval (the one before the
        # probe): the next probe halves it. A text's probe that fitted is given a
        # second interpolation first: it is near the answer from below, where the
        # halfway probe would lay out far more text than the answer.
        stalls = stalls + 1 if interpolated and narrowed * 2 > span else 0
        bisect = stalls >= (1 if exact or height > room else 2)


def fit_one_page(header: Callable[[Styles], list], sections: list[Section],
                 width: float, height: float) -> FitResult:
    builder = _Builder(header, sections)
    full = {s.name: s.page_cap(height) for s in sections}
    # sections that hold more than a page could ever show are shortened already
    capped = {s.name: full[s.name] for s in sections if full[s.name] < s.size}
    # texts cut before any layout: shortened whatever size the card is set in
    cut = {s.name: s.size for s in sections if s.whole > s.size}
    first = BODY_SIZES[0]

    def least(size):
        """Height the counted items need at least at this size, before laying any out."""
        return _least_height(sections, full) * size / MIN_BODY

    if least(first) <= height:
        story = builder.story(card_styles(first), full)
        needed = builder.height(story, width)
        if needed <= height and not capped:
            return FitResult(story, first, dict(cut), heights=builder.heights)
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
            return FitResult(story, size, {**cut, **capped}, heights=builder.heights)

    styles = card_styles(MIN_BODY)
    limits = dict(full)
    shortened = dict(cut)

    def height_with(trial):
        return builder.height(builder.story(styles, trial), width)

    def result():
        return FitResult(builder.story(styles, limits), MIN_BODY, shortened,
                         heights=builder.heights)

    for floor in ("minimum", "nothing"):
        for section in sorted(sections, key=lambda s: s.priority):
            def height_at(limit, section=section):
                return height_with(dict(limits, **{section.name: limit}))

            least = section.minimum if floor == "minimum" else 0
            most = limits[section.name]
            # The counted items of the other sections alone overflow the page
            # (a shortened actor's positions while its biography is cut; 499
            # delegates): this one stays at its least, without a layout.
            if _least_height(sections, dict(limits, **{section.name: least})) > height:
                best = None
            else:
                best = _largest_fitting(height_at, height, least, most, section.exact,
                                        builder.measured(styles, limits, width))
            limits[section.name] = best if best is not None else least
            if limits[section.name] < section.size:
                shortened[section.name] = limits[section.name]
            if best is not None:
                if floor == "nothing":
                    _give_back(sections, limits, shortened, height_with, height)
                return result()
    # Even with every section empty the header alone is too tall (a
    # pathological name): the caller shortens every field.
    return result()


def _least_height(sections, limits) -> float:
    """The height the counted items of ``limits`` take at least at the smallest type."""
    return sum(s.least(limits[s.name]) for s in sections)


def _give_back(sections, limits, shortened, height_with, room):
    """After sections went below their minimums, the more important ones take back
    what room is left, up to their minimums (a higher section emptied last may
    have made room for the ones emptied before it)."""
    for section in sorted(sections, key=lambda s: -s.priority):
        if limits[section.name] >= section.minimum:
            continue

        def height_at(limit, section=section):
            return height_with(dict(limits, **{section.name: limit}))

        best = _largest_fitting(height_at, room, limits[section.name], section.minimum,
                                section.exact)
        if best is not None:
            limits[section.name] = best
            if best < section.size or section.whole > section.size:
                shortened[section.name] = best
            else:  # all of it back (its minimum is all it holds): nothing left out
                del shortened[section.name]
