"""The one-page fitting, with stand-in flowables of known heights.

Each section here is a column of items whose height is known exactly, so
each test can say which type size and which limits a card must end up with.
"""

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.platypus import Flowable

from desktopapp.pdf import fitting
from desktopapp.pdf.fitting import Section, fit_one_page, measure
from desktopapp.pdf.styles import BODY_SIZES, MIN_BODY

WRAPS = []  # every Block measured, in order


class Block(Flowable):
    """A flowable of a fixed height, with the spacing a paragraph style would add."""

    def __init__(self, height, before=0.0, after=0.0):
        super().__init__()
        self.block_height, self.spaceBefore, self.spaceAfter = height, before, after

    def wrap(self, avail_width, avail_height):
        assert avail_height >= 1e6  # measured as in a frame without a bottom
        WRAPS.append(self)
        return avail_width, self.block_height


class Text(Flowable):
    """Text of a fixed area, like a paragraph: the narrower the frame, the taller."""

    def __init__(self, area):
        super().__init__()
        self.area = area

    def wrap(self, avail_width, avail_height):
        return avail_width, self.area / avail_width


def items(name, count, item_height, priority, *, minimum=0, scale=False, builds=None,
          cap_height=0.0):
    """A section of ``count`` items, each ``item_height`` tall (times the type size if
    ``scale``); ``builds`` records each (size, limit) it is built at."""
    def build(styles, limit):
        if builds is not None:
            builds.append((styles.size, limit))
        unit = item_height * (styles.size if scale else 1)
        return [Block(unit) for _ in range(min(limit, count))]

    return Section(name, priority, count, build, minimum=minimum, item_height=cap_height)


def no_header(styles):
    return []


def test_measure_adds_heights_and_collapses_spacing_to_the_larger():
    assert measure([], 100) == 0
    assert measure([Block(10)], 100) == 10
    # the first flowable's space before does not count; between two, the larger space
    assert measure([Block(10, before=7, after=3), Block(5, before=2)], 100) == 10 + 3 + 5
    assert measure([Block(10, after=1), Block(5, before=4)], 100) == 10 + 4 + 5
    heights = {}
    first = Block(10)
    assert measure([first], 100, heights) == 10 and heights == {id(first): 10}
    first.block_height = 99  # a remembered height is not measured again
    assert measure([first], 100, heights) == 10


@pytest.mark.parametrize("low, high", [(0, 0), (0, 1), (0, 7), (2, 9), (0, 64), (3, 100)])
@pytest.mark.parametrize("shape", ["straight", "steps", "flat start", "one tall item"])
def test_largest_fitting_finds_the_largest_n_that_fits(low, high, shape):
    heights = {  # the height of n items: growing, straight or not
        "straight": lambda n: 10.0 * n,
        "steps": lambda n: 30.0 * (n // 3),  # three items to a line
        "flat start": lambda n: max(0.0, n - 20.0) * 10,
        "one tall item": lambda n: 10.0 * n + (500 if n > high // 2 else 0),
    }[shape]
    for threshold in range(low - 1, high + 2):
        calls = []

        def height_of(n, calls=calls):
            calls.append(n)
            return heights(n)

        room = heights(threshold) if threshold >= low else heights(low) - 1
        found = fitting._largest_fitting(height_of, room, low, high)
        expected = None if threshold < low else max(
            n for n in range(low, high + 1) if heights(n) <= room)
        assert found == expected, (low, high, threshold)
        assert all(low <= n <= high and isinstance(n, int) for n in calls)  # whole items
        assert len(calls) == len(set(calls))  # nothing measured twice
        assert len(calls) <= 3 * math.log2(high - low + 1) + 2


@given(st.lists(st.integers(0, 40), min_size=1, max_size=80), st.integers(0, 79),
       st.integers(-5, 2000), st.booleans())
def test_largest_fitting_of_any_growing_heights(growth, low, room, exact):
    """Any heights that never shrink: the largest n that fits (within 2.5 % for text)."""
    tops = list(itertools.accumulate(growth))
    low = min(low, len(tops) - 1)
    calls = []

    def height_of(n):
        calls.append(n)
        return float(tops[n])

    found = fitting._largest_fitting(height_of, room, low, len(tops) - 1, exact)
    fitting_ns = [n for n in range(low, len(tops)) if tops[n] <= room]
    if not fitting_ns:
        assert found is None
        return
    best = max(fitting_ns)
    assert found is not None and tops[found] <= room
    assert found == best if exact else best - max(1, found // 40) <= found <= best
    assert len(calls) == len(set(calls))


def test_largest_fitting_measures_straight_heights_a_few_times():
    # 499 delegates, 23 of which fit: where the page ends is found, not searched for
    calls = []

    def height_of(n):
        calls.append(n)
        return 20.0 + 27.5 * n

    assert fitting._largest_fitting(height_of, 20.0 + 27.5 * 23 + 5, 1, 499) == 23
    assert len(calls) <= 4 and max(calls) <= 24


def test_largest_fitting_after_an_overshoot_interpolates_instead_of_halving():
    # the first two delegates are short, the rest taller: the first guess
    # overshoots, the line through it and the last fit lands on the answer
    calls = []

    def height_of(n):
        calls.append(n)
        return 20.0 + 20 * min(n, 2) + 27.5 * max(0, n - 2)

    assert fitting._largest_fitting(height_of, 310.0, 1, 15) == 11
    assert calls == [1, 2, 14, 11, 12]


@pytest.mark.parametrize("answer", [600, 601, 777, 3000, 11_999])
def test_largest_fitting_of_characters_stops_within_two_and_a_half_percent(answer):
    calls = []

    def height_of(n):  # lines of 95 characters, 12 points each
        calls.append(n)
        return 12.0 * -(-n // 95)

    found = fitting._largest_fitting(height_of, height_of(answer), 600, 12_000, exact=False)
    best = max(n for n in range(600, 12_001) if height_of(n) <= height_of(answer))
    assert best * 0.975 <= found <= best and height_of(found) <= height_of(answer)
    assert all(isinstance(n, int) for n in calls)  # a text is cut at a whole character


@pytest.mark.parametrize("low, high, lines, best", [(2, 40, 8, 40), (6, 40, 6, 30),
                                                    (12, 60, 4, 20)])
def test_largest_fitting_of_a_short_text_misses_at_most_one_character(low, high, lines, best):
    def height_of(n):  # lines of 5 characters, 12 points each
        return 12.0 * -(-n // 5)

    found = fitting._largest_fitting(height_of, 12.0 * lines, low, high, exact=False)
    assert best - 1 <= found <= best


@pytest.mark.parametrize("shape", ["flat then tall", "one tall item", "square", "root",
                                   "sparse"])
@pytest.mark.parametrize("answer", [0, 3, 250, 490, 500])
def test_largest_fitting_lays_out_a_number_of_layouts_that_grows_with_the_logarithm(
        shape, answer):
    # whatever the heights, where 500 items end is found in a few layouts, not hundreds
    heights = {
        "flat then tall": lambda n: 0.0 if n <= answer else 1e5 + n,
        "one tall item": lambda n: 10.0 * n + (1e6 if n > answer else 0),
        "square": lambda n: float(n * n),
        "root": lambda n: 100 * math.sqrt(n),
        "sparse": lambda n: 1000.0 * sum(1 for k in (7, 99, 120, 333) if k <= n),
    }[shape]
    calls = []

    def height_of(n):
        calls.append(n)
        return heights(n)

    room = heights(answer)
    found = fitting._largest_fitting(height_of, room, 0, 500)
    assert found == max(n for n in range(501) if heights(n) <= room)
    assert len(calls) <= 3 * math.log2(501) + 2


def test_everything_fits_at_the_largest_type():
    result = fit_one_page(no_header, [items("a", 3, 10, 1), items("b", 2, 10, 2)], 100, 50)
    assert result.body_size == BODY_SIZES[0]
    assert result.shortened == {}
    assert measure(result.flowables, 100) == 50


@pytest.mark.parametrize("height", [750, 800, 849, 850, 900, 960, 999, 1000])
def test_the_largest_type_size_that_fits_is_chosen(height):
    section = items("text", 10, 10, 1, scale=True)  # 10 lines of 10 x size points
    result = fit_one_page(no_header, [section], 100, height)
    fitting_sizes = [s for s in BODY_SIZES if 100 * s <= height]
    assert result.body_size == max(fitting_sizes)
    assert result.shortened == {}
    assert measure(result.flowables, 100) == 100 * result.body_size


def test_at_the_smallest_type_the_least_important_section_is_shortened_first():
    sections = [items("important", 5, 10, 50), items("minor", 20, 10, 10)]
    result = fit_one_page(no_header, sections, 100, 120)
    assert result.body_size == MIN_BODY
    assert result.shortened == {"minor": 7}  # 5 + 7 items of 10 points fill 120
    assert measure(result.flowables, 100) == 120


def test_a_section_is_never_shortened_below_its_minimum():
    sections = [items("important", 8, 10, 50), items("minor", 20, 10, 10, minimum=6)]
    result = fit_one_page(no_header, sections, 100, 120)
    # "minor" cannot fit even at its minimum: it stays at 6 and "important" gives way
    assert result.shortened == {"minor": 6, "important": 6}
    assert measure(result.flowables, 100) == 120


def test_when_the_minimums_do_not_fit_sections_go_below_them_before_the_header_is_cut():
    # the header (a card's name or title) needs 100 of 120 points: the least important
    # section is emptied first, then the next gives way as far as needed
    sections = [items("a", 10, 10, 50, minimum=4), items("b", 10, 10, 10, minimum=5)]
    result = fit_one_page(lambda styles: [Block(100)], sections, 100, 120)
    assert result.body_size == MIN_BODY
    assert result.shortened == {"a": 2, "b": 0}
    assert measure(result.flowables, 100) == 120


def test_emptied_sections_take_back_room_by_importance():
    # "a" is one item too tall to print beside the header; once it is emptied, "b"
    # (emptied before it) takes back what is left, up to its minimum
    sections = [items("a", 1, 80, 50, minimum=1), items("b", 10, 10, 10, minimum=3)]
    result = fit_one_page(lambda styles: [Block(60)], sections, 100, 100)
    assert result.shortened == {"a": 0, "b": 3}
    assert measure(result.flowables, 100) == 90


def test_when_even_the_header_alone_is_too_tall_every_section_is_empty():
    sections = [items("a", 10, 10, 50, minimum=4), items("b", 10, 10, 10, minimum=5)]
    result = fit_one_page(lambda styles: [Block(130)], sections, 100, 120)
    assert result.shortened == {"a": 0, "b": 0}
    assert measure(result.flowables, 100) == 130  # the caller then cuts the header


def test_a_section_longer_than_any_page_is_capped_and_reported():
    builds = []
    huge = items("delegates", 500, 10, 10, cap_height=10, builds=builds)
    result = fit_one_page(no_header, [huge], 100, 1000)
    assert huge.page_cap(1000) == 101
    assert result.shortened == {"delegates": 100}  # 100 items of 10 points fill 1000
    assert max(limit for _, limit in builds) <= 101  # never built with all 500


def test_page_cap_without_an_item_height_is_the_whole_section():
    assert items("x", 40, 1, 1).page_cap(10) == 40
    assert items("x", 40, 1, 1, cap_height=3).page_cap(10) == 4
    assert items("x", 2, 1, 1, cap_height=3).page_cap(1000) == 2


def test_each_section_is_built_once_per_size_and_limit():
    builds = []
    sections = [items("important", 5, 10, 50), items("minor", 40, 10, 10, builds=builds)]
    fit_one_page(no_header, sections, 100, 200)
    assert len(builds) == len(set(builds))


def test_sizes_too_large_to_fit_are_skipped_without_laying_out():
    builds = []
    section = items("text", 100, 1, 1, scale=True, builds=builds)
    result = fit_one_page(no_header, [section], 100, 100 * 8.0)
    assert result.body_size == 8.0
    sizes = [size for size, _ in builds]
    # 1000 points at 10 pt: type above ~9.2 pt cannot fit 800, so it is not laid out
    assert 9.5 not in sizes and 9.0 in sizes


@pytest.mark.parametrize("count, height", list(itertools.product([3, 17, 60], [55, 130, 400])))
def test_the_result_always_fits_when_the_minimums_do(count, height):
    sections = [items("a", count, 7, 30), items("b", count, 11, 20), items("c", count, 5, 40)]
    result = fit_one_page(no_header, sections, 100, height)
    assert measure(result.flowables, 100) <= height
    for section in sections:
        shown = result.shortened.get(section.name, section.size)
        assert 0 <= shown <= section.size


def test_the_frame_width_decides_how_tall_text_is():
    def text(styles):  # 10 lines of 100 characters of 0.5 em: area grows with size squared
        return [Text(10 * 100 * 0.5 * styles.size ** 2)]

    assert fit_one_page(text, [], 500, 100).body_size == BODY_SIZES[0]
    # the same text on the same page height: a wider frame keeps a larger type
    assert fit_one_page(text, [], 625, 64).body_size == 8.5
    narrow = fit_one_page(text, [], 500, 64)
    assert narrow.body_size == 8.0 and measure(narrow.flowables, 500) == 64


def test_the_header_is_laid_out_at_each_type_size():
    def header(styles):
        return [Block(10 * styles.size)]

    result = fit_one_page(header, [items("a", 0, 1, 1)], 100, 85)
    assert result.body_size == 8.5
    assert measure(result.flowables, 100) == 85


def test_each_flowable_is_measured_once_per_fitting():
    WRAPS.clear()
    sections = [items("important", 5, 10, 50), items("minor", 60, 10, 10)]
    result = fit_one_page(lambda styles: [Block(30)], sections, 100, 200)
    assert result.shortened == {"minor": 12}
    assert len(WRAPS) == len({id(b) for b in WRAPS})


def test_counted_items_skip_sizes_they_cannot_fit_and_keep_the_one_that_fits_exactly():
    # each item is exactly its least height at every size: 10 items x size points
    builds = []
    section = items("list", 10, 1, 1, scale=True, cap_height=7.5, builds=builds)
    result = fit_one_page(no_header, [section], 100, 85)
    assert result.body_size == 8.5 and result.shortened == {}
    assert builds == [(8.5, 10)]  # not laid out at the sizes it cannot fit
    assert measure(result.flowables, 100) == 85
    exact = fit_one_page(no_header, [items("list", 10, 1, 1, scale=True, cap_height=7.5)],
                         100, 100)
    assert exact.body_size == BODY_SIZES[0]


def test_an_empty_section_is_never_reported_as_shortened():
    sections = [items("none", 0, 10, 1), items("many", 40, 10, 20)]
    result = fit_one_page(no_header, sections, 100, 120)
    assert result.shortened == {"many": 12}


def text_items(name, count, area, priority):
    """A section of ``count`` paragraphs of ``area`` square points each."""
    return Section(name, priority, count, lambda styles, limit: [
        Text(area) for _ in range(min(limit, count))])


def test_a_shortened_section_is_measured_in_the_frame_it_prints_in():
    # paragraphs of 1000 square points: 10 points tall in a frame 100 wide, 20 in one 50 wide
    assert fit_one_page(no_header, [text_items("notes", 20, 1000, 1)], 100, 120).shortened \
        == {"notes": 12}
    assert fit_one_page(no_header, [text_items("notes", 20, 1000, 1)], 50, 120).shortened \
        == {"notes": 6}


@pytest.mark.parametrize("height, size, shortened", [
    (100, BODY_SIZES[0], {}),  # all at the largest type: 10 items of 10 points
    (90, 9.0, {}),  # all at a smaller type
    (70, MIN_BODY, {"b": 4}),  # shortened at the smallest: 9 items of 7.5 points
])
def test_measuring_the_result_again_lays_nothing_out(height, size, shortened):
    sections = [items("a", 5, 1, 2, scale=True), items("b", 5, 1, 1, scale=True)]
    result = fit_one_page(no_header, sections, 100, height)
    assert (result.body_size, result.shortened) == (size, shortened)
    WRAPS.clear()
    assert measure(result.flowables, 100, result.heights) == measure(result.flowables, 100)
    assert len(WRAPS) == len(result.flowables)  # only by the measure without the heights


def test_a_section_whose_least_heights_differ_is_capped_where_they_pass_the_page():
    # delegates with a title take two lines of 10 points, the others one
    lines = [1, 2, 1, 2, 2, 1, 1, 2, 1]
    asked = []

    def least(n):
        asked.append(n)
        return 10.0 * sum(lines[:n])

    section = Section("delegates", 1, len(lines), lambda styles, limit: [],
                      least_height=least)
    assert [least(n) for n in range(10)] == [0, 10, 30, 40, 60, 80, 90, 100, 120, 130]
    assert section.page_cap(60) == 5  # four fill 60 points: the fifth is one too many
    assert section.page_cap(115) == 8
    assert section.page_cap(125) == 9 and section.page_cap(130) == 9  # all fit: all
    assert section.page_cap(1e6) == 9
    assert section.least(4) == 60 and section.least(0) == 0
    assert all(0 <= n <= len(lines) for n in asked)


def test_a_section_is_never_capped_above_what_it_holds():
    # the least height of a heading and n entries, whatever n: the section holds four
    section = Section("sides", 1, 4, lambda styles, limit: [],
                      least_height=lambda n: 20.0 + 15.0 * n)
    assert section.page_cap(85) == 4 and section.page_cap(80) == 4
    assert section.page_cap(79) == 4 and section.page_cap(64) == 3
    assert section.page_cap(10) == 0  # not even the heading


def test_counted_items_beside_a_section_that_alone_overflows_the_page_give_way():
    # 500 delegates of at least 10 points each fill a page of 1000 points however
    # the notes are cut: the notes, less important, are emptied without a layout
    notes_builds = []
    sections = [items("delegates", 500, 10, 50, cap_height=10),
                items("notes", 20, 10, 10, builds=notes_builds)]
    result = fit_one_page(no_header, sections, 100, 1000)
    assert result.body_size == MIN_BODY
    assert result.shortened == {"notes": 0, "delegates": 100}
    assert measure(result.flowables, 100) == 1000
    assert notes_builds == [(MIN_BODY, 0)]


def test_emptied_sections_take_back_room_the_most_important_first():
    # "a" is one item too tall beside the header and "top"; once it is emptied, "c"
    # then "b" (emptied before it) take back what is left, up to their minimums
    sections = [items("top", 1, 5, 90, minimum=1), items("a", 1, 80, 50, minimum=1),
                items("c", 10, 10, 30, minimum=3), items("b", 10, 5, 10, minimum=3)]
    result = fit_one_page(lambda styles: [Block(60)], sections, 100, 100)
    assert result.shortened == {"a": 0, "c": 3, "b": 1}
    assert measure(result.flowables, 100) == 100


def test_a_list_is_cut_after_the_last_entry_that_fits():
    # entries of one line of 7.5 points, two of them of two lines: eleven fill 90 points
    lines = [1, 1, 1, 2] + [1] * 7 + [2] + [1] * 28
    section = Section("entries", 4, len(lines), lambda styles, limit: [
        Block(n * styles.size) for n in lines[:limit]], minimum=1, item_height=7.5)
    result = fit_one_page(lambda styles: [Block(10)], [section], 100, 100)
    assert result.shortened == {"entries": 11}
    assert measure(result.flowables, 100) == 100


def test_a_section_given_back_whole_is_not_reported_as_shortened():
    # "x" is one item too tall beside the header: emptied, it leaves room for all of "y"
    sections = [items("x", 1, 80, 50, minimum=1), items("y", 1, 10, 10, minimum=1)]
    result = fit_one_page(lambda styles: [Block(60)], sections, 100, 100)
    assert result.shortened == {"x": 0}
    assert measure(result.flowables, 100) == 70


def test_a_section_without_a_title_is_named_after_its_name():
    def nothing(styles, limit):
        return []

    assert Section("key_people", 1, 0, nothing).title == "Key people"
    assert Section("delegations", 1, 0, nothing).title == "Delegations"
    assert Section("sources", 1, 0, nothing, title="Sources and notes").title \
        == "Sources and notes"


@pytest.mark.parametrize("answer", [777, 3000, 8400])
def test_a_text_is_shortened_in_a_few_layouts_none_much_longer_than_what_prints(answer):
    """Lines of 95 characters: once the whole text was measured (the type sizes were
    tried with it), the cut is found in three layouts, none of them much more text
    than the answer (halving towards the whole text laid out thousands of characters
    more; a probe that fitted was always followed by a halving)."""
    calls = []

    def lines(n):
        return 12.0 * -(-n // 95)

    def height_of(n):
        calls.append(n)
        return lines(n)

    room = lines(answer) + 6
    best = max(n for n in range(600, 12_001) if lines(n) <= room)
    found = fitting._largest_fitting(height_of, room, 600, 12_000, exact=False,
                                     high_height=lines(12_000))
    assert best * 0.975 <= found <= best
    assert len(calls) <= 5 and max(calls) <= best * 1.05, calls
    # without the whole text's height: a layout or two more
    calls.clear()
    assert fitting._largest_fitting(height_of, room, 600, 12_000, exact=False) >= best * 0.975
    assert len(calls) <= 6, calls


def test_a_section_whose_whole_height_fits_is_not_searched():
    calls = []

    def height_of(n):
        calls.append(n)
        return float(n)

    assert fitting._largest_fitting(height_of, 100.0, 3, 90, high_height=90.0) == 90
    assert calls == [3]


def cut_text(name, shown, whole, priority, line_height=10.0):
    """A text section of which ``shown`` characters can be laid out (10 to a line) of
    ``whole``, as ``blocks.text_section`` makes one for a text longer than a page."""
    def build(styles, limit):
        return [Block(line_height * -(-min(limit, shown) // 10))]

    return Section(name, priority, shown, build, exact=False, whole=whole)


def test_a_text_cut_before_layout_is_reported_shortened_though_it_all_prints():
    # the cut text fits at the largest type: still, the card does not show all of it
    result = fit_one_page(no_header, [cut_text("biography", 500, 50_000, 10)], 100, 1000)
    assert result.body_size == BODY_SIZES[0] and result.shortened == {"biography": 500}
    # a text that is whole is not
    result = fit_one_page(no_header, [cut_text("biography", 500, 500, 10)], 100, 1000)
    assert result.shortened == {}
    # cut further to fit: the smaller limit
    result = fit_one_page(no_header, [cut_text("biography", 500, 50_000, 10)], 100, 200)
    assert 190 <= result.shortened["biography"] <= 200
