"""The one-page guarantee.

A card is a list of sections, each able to build itself at a given body
size with at most ``limit`` items (list sections) or characters (text
sections). Fitting measures with ``wrap()``:

1. try every body size from 10 pt down to 7.5 pt with everything in;
2. at 7.5 pt, shorten sections from the lowest priority up, each to the
   largest limit that fits (exponential then binary search), with a note
   ("+ 14 more meetings — see the memo");
3. a section that cannot fit even empty is dropped, with its note.

Text is never clipped out of sight and never shrunk below 7.5 pt; what
does not print is not in the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .styles import BODY_SIZES, MIN_BODY, Styles, card_styles


@dataclass
class Section:
    name: str
    priority: int  # higher = more important; the lowest is shortened first
    size: int  # number of items (or characters) the section holds in full
    build: Callable[[Styles, int], list]  # (styles, limit) -> flowables
    minimum: int = 0  # never shorten below this


@dataclass
class FitResult:
    flowables: list
    body_size: float
    shortened: dict[str, int]  # section name -> limit it was cut to


def measure(flowables, width: float) -> float:
    total = 0.0
    previous_after = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(width, 1e6)
        before = flowable.getSpaceBefore()
        # a frame collapses adjacent spacing to the larger of the two
        total += height + max(before, previous_after) if total else height
        previous_after = flowable.getSpaceAfter()
    return total


def _story(header: Callable[[Styles], list], sections, styles, limits):
    story = list(header(styles))
    for section in sections:
        story.extend(section.build(styles, limits[section.name]))
    return story


def _largest_fitting(fits: Callable[[int], bool], low: int, high: int) -> int | None:
    """The largest n in [low, high] with fits(n), probing upwards from ``low``.

    Growing the probe exponentially keeps each measurement small when only a
    few of many items fit (a card shows 30 of 500 delegates), where a plain
    binary search would start by laying out hundreds.
    """
    if not fits(low):
        return None
    good, step = low, 1
    while good < high:
        probe = min(high, good + step)
        if not fits(probe):
            high = probe - 1
            break
        good, step = probe, step * 2
    while good < high:  # binary search in (good, high]
        mid = (good + high + 1) // 2
        if fits(mid):
            good = mid
        else:
            high = mid - 1
    return good


def fit_one_page(header: Callable[[Styles], list], sections: list[Section],
                 width: float, height: float) -> FitResult:
    full = {s.name: s.size for s in sections}
    first = BODY_SIZES[0]
    story = _story(header, sections, card_styles(first), full)
    needed = measure(story, width)
    if needed <= height:
        return FitResult(story, first, {})
    # Text height grows about with the square of the type size: skip the sizes
    # that cannot fit instead of laying the card out at each of them.
    largest = first * (height / needed) ** 0.5
    for size in BODY_SIZES[1:]:
        if size > largest + 0.25 and size != BODY_SIZES[-1]:
            continue
        styles = card_styles(size)
        story = _story(header, sections, styles, full)
        if measure(story, width) <= height:
            return FitResult(story, size, {})

    styles = card_styles(MIN_BODY)
    limits = dict(full)
    shortened = {}
    for section in sorted(sections, key=lambda s: s.priority):
        def fits(limit, section=section):
            trial = dict(limits, **{section.name: limit})
            return measure(_story(header, sections, styles, trial), width) <= height

        best = _largest_fitting(fits, section.minimum, section.size)
        limits[section.name] = best if best is not None else section.minimum
        if limits[section.name] < section.size:
            shortened[section.name] = limits[section.name]
        if best is not None:
            return FitResult(_story(header, sections, styles, limits), MIN_BODY, shortened)
    # Even with every section at its minimum the header alone is too tall (a
    # pathological name): the caller shrinks the whole card as a last resort.
    return FitResult(_story(header, sections, styles, limits), MIN_BODY, shortened)
