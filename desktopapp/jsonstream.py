"""Reading a large JSON document one array element at a time, in bounded memory.

A briefing-book file is one object whose big members are arrays of small
objects (records). :func:`iter_members` walks the top-level object and
hands back each element of the arrays it is asked to stream, decoded by
the standard library's C decoder (``json.JSONDecoder.raw_decode``) from a
sliding window of the file. Memory holds the window and one element, never
the whole file; a 1 GB file is read as easily as a 1 MB one.

Why not an event parser such as ijson: measured on a 100,000-actor book
(110 MB), ijson's C backend needs 0.9 s per pass for one array and about
4 s for a single pass that builds every record through Python-level
events; the window decoder reads the whole file in about 1.5 s.
"""

from __future__ import annotations

import codecs
import json
import re

CHUNK_BYTES = 1 << 20
# One element (a record with a 20 MB photo as base64 is about 27 MB) must fit.
MAX_ELEMENT_CHARS = 64 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
_AFTER_ELEMENT = re.compile(r"[ \t\n\r]*([,\]])")


class JSONStreamError(ValueError):
    """Malformed JSON, with the line and column (1-based) of the problem."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message, self.line, self.column = message, line, column


class EncodingError(ValueError):
    """The bytes are not UTF-8; ``offset`` is the first bad byte."""

    def __init__(self, offset: int):
        super().__init__(f"not UTF-8 text (byte {offset})")
        self.offset = offset


class _Window:
    """The part of the text not yet consumed, refilled from the file as needed."""

    def __init__(self, fh):
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder()
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        # where the window starts, for error positions
        self.lines_before = 0
        self.column_before = 0

    def fill(self, at_least: int = CHUNK_BYTES) -> None:
        """Drop the consumed text and read at least ``at_least`` more bytes."""
        newlines = self.text.count("\n", 0, self.pos)
        if newlines:
            self.lines_before += newlines
            self.column_before = self.pos - self.text.rfind("\n", 0, self.pos) - 1
        else:
            self.column_before += self.pos
        raw = self.fh.read(max(at_least, CHUNK_BYTES))
        try:
            decoded = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise EncodingError(self.bytes_read + exc.start) from None
        self.bytes_read += len(raw)
        self.text = self.text[self.pos:] + decoded
        self.pos = 0
        self.eof = not raw

    def error(self, message: str, pos: int | None = None) -> JSONStreamError:
        pos = self.pos if pos is None else pos
        # the json module's "Unterminated string starting at": the position follows
        message = message.removesuffix(" at")
        if self.eof and (message.startswith("Unterminated string")
                         or not self.text[pos:].strip()):
            message = f"the file ends before its JSON does (cut short?): {message[:1].lower()}" \
                      f"{message[1:]}"
        before = self.text[:pos]
        newlines = before.count("\n")
        if newlines:
            column = pos - before.rfind("\n")
        else:
            column = self.column_before + pos + 1
        return JSONStreamError(message, self.lines_before + newlines + 1, column)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text) or self.eof:
                return self.text[self.pos:self.pos + 1]
            self.fill()

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self.error(f"Expecting {what}")
        self.pos += 1

    def value(self):
        """Decode the value at the current position (after white space)."""
        self.peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # maybe only cut off by the window's end: read on, up to a limit
                pending = len(self.text) - self.pos
                if not self.eof and pending < MAX_ELEMENT_CHARS:
                    self.fill(pending)
                    continue
                raise self.error(exc.msg, exc.pos) from None
            except RecursionError:
                raise self.error("nested too deeply") from None
            except ValueError as exc:  # e.g. an integer of thousands of digits
                raise self.error(str(exc).split(";")[0]) from None
            if end == len(self.text) and not self.eof:
                self.fill()  # a number may go on in the next chunk
                continue
            self.pos = end
            return value


def iter_members(fh, streamed: set[str]):
    """Walk the top-level object of the JSON text in the binary file ``fh``.

    Yields ``("value", key, value)`` for each member, except members named
    in ``streamed`` whose value is an array: for those, ``("array", key,
    None)``, then ``("element", key, element)`` per element. Raises
    JSONStreamError (with line and column), EncodingError, or ValueError
    ``"top level"`` when the document is not an object.
    """
    window = _Window(fh)
    first = window.peek()
    if first != "{":
        if first and (first in "[\"-tfn" or first.isdigit()):
            raise ValueError("top level")
        raise window.error("Expecting value")
    window.pos += 1
    seen = set()
    if window.peek() == "}":
        window.pos += 1
    else:
        while True:
            if window.peek() != '"':
                raise window.error("Expecting property name enclosed in double quotes")
            key = window.value()
            if key in seen:
                raise window.error(f"member {key[:40]!r} appears twice")
            seen.add(key)
            window.expect(":", "':' delimiter")
            if key in streamed and window.peek() == "[":
                window.pos += 1
                yield ("array", key, None)
                if window.peek() == "]":
                    window.pos += 1
                else:
                    while True:
                        yield ("element", key, window.value())
                        # the common case, a separator in the window: one match
                        # instead of peek() and expect(), a million times
                        after = _AFTER_ELEMENT.match(window.text, window.pos)
                        if after is not None:
                            window.pos = after.end()
                            if after.group(1) == "]":
                                break
                            continue
                        if window.peek() == "]":
                            window.pos += 1
                            break
                        window.expect(",", "',' delimiter")
            else:
                yield ("value", key, window.value())
            if window.peek() == "}":
                window.pos += 1
                break
            window.expect(",", "',' delimiter")
    if window.peek() != "":
        raise window.error("Extra data")
