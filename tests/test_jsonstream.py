"""Reading a JSON document's arrays one element at a time (desktopapp/jsonstream.py).

Elements are read from a sliding window of the file; the separator after an
element is found in the window when it is there, else after refilling it.
Small windows here put every separator on a window's edge.
"""

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktopapp import jsonstream

SPACE = st.text(alphabet=" \t\n\r", max_size=3)
ELEMENT = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


def members(text: str, chunk: int, monkeypatch) -> list:
    monkeypatch.setattr(jsonstream, "CHUNK_BYTES", chunk)
    return list(jsonstream.iter_members(io.BytesIO(text.encode()), {"actors"}))


@settings(max_examples=200, deadline=None)
@given(elements=st.lists(ELEMENT, max_size=6), spaces=st.lists(SPACE, min_size=8, max_size=8),
       chunk=st.integers(1, 40))
def test_elements_are_read_whatever_the_spaces_and_the_window(elements, spaces, chunk):
    a, b, c, d, e, f, g, h = spaces
    separator = f"{b},{c}"
    text = (f'{{{a}"actors"{d}:{e}[{f}' + separator.join(json.dumps(x) for x in elements)
            + f'{g}]{h},"format": "briefing-book"}}')
    with pytest.MonkeyPatch.context() as monkeypatch:
        got = members(text, chunk, monkeypatch)
    assert got == [("array", "actors", None), *(("element", "actors", x) for x in elements),
                   ("value", "format", "briefing-book")]


@pytest.mark.parametrize("chunk", [1 << 20, 3])
@pytest.mark.parametrize("text, message", [
    ('{"actors": [{"a": 1} {"b": 2}]}', "Expecting ',' delimiter at line 1, column 22"),
    ('{"actors": [{"a": 1},\n  {"b": 2} ,\n x]}', "Expecting value at line 3, column 2"),
    ('{"actors": [1,\n2\n', "the file ends before its JSON does (cut short?): expecting ',' "
                          "delimiter at line 3, column 1"),
    ('{"actors": [{"name": "Hakan', "the file ends before its JSON does (cut short?): "
                                   "unterminated string starting at line 1, column 22"),
    ('{"actors": [1,,2]}', "Expecting value at line 1, column 15"),
    ('{"actors": [1 ] "x": 2}', "Expecting ',' delimiter at line 1, column 17"),
])
def test_a_broken_array_is_reported_at_its_line_and_column(text, message, chunk, monkeypatch):
    with pytest.raises(jsonstream.JSONStreamError) as caught:
        members(text, chunk, monkeypatch)
    assert str(caught.value) == message
