"""The briefing-book JSON format: records to plain dicts and back.

One table of fields per record type drives both directions, so the
encoder and the strict decoder cannot drift apart. The format is
documented in docs/json-format.md and described by the JSON Schema in
resources/briefing-book.schema.json.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import stat
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from . import domain, jsonstream, paths, quickdecode, recordkinds
from .domain import (
    DatePrecision,
    ExportSettings,
    MemoSection,
    Record,
)
from .errors import ImportFormatError, ValidationError

FORMAT_NAME = "briefing-book"
# 2 added memos and export settings; 3 added approximate dates and meetings over
# several days, role labels, approximate durations and "no priority given";
# 4 a null status ("no status given": older programs would refuse it with a
# puzzling message, so they are told to update instead); 5 every record's
# changed_by (who made its last change: copies and backups keep it; older
# programs refuse the unknown field, so they are told to update).
# Files of every older version still import.
FORMAT_VERSION = 5
MAX_FILE_BYTES = 2 * 1024**3

# Section name in the file -> record class, in the order an import writes them.
SECTIONS: dict[str, type[Record]] = {recordkinds.KINDS[kind].section: recordkinds.KINDS[kind].cls
                                     for kind in recordkinds.WRITE_ORDER}
EXPORT_ORDER = [recordkinds.KINDS[kind].section for kind in recordkinds.EXPORT_ORDER]
SETTINGS_KEYS = set(recordkinds.SETTINGS_FIELDS)

COMMON_FIELDS = [("uid", "uid", "uid"), ("created_at", "created_at", "stamp"),
                 ("updated_at", "updated_at", "stamp"), ("changed_by", "changed_by", "line")]

# (json key, attribute, codec) per record class, in the file's order, from
# the one description of each kind (desktopapp/recordkinds.py, which lists
# the codecs: line, text, date, an enum class, uids, positions ...).
OPTIONAL_ENUMS = recordkinds.OPTIONAL_ENUMS
MEETING_SPAN = recordkinds.MEETING_SPAN
FIELDS: dict[type[Record], list[tuple[str, str, object]]] = {
    spec.cls: [(f.json, f.attr, f.codec) for f in spec.json_fields]
    for spec in recordkinds.KINDS.values()}

# The child objects of a record (positions, participants), by their codec:
# their keys and how each is written come from the kind's description.
CHILD_ITEMS = {link.codec: link for spec in recordkinds.KINDS.values() for link in spec.links
               if isinstance(link, recordkinds.ChildRows)}
ITEM_JSON = {codec: recordkinds.item_json(link) for codec, link in CHILD_ITEMS.items()}
ITEM_KEYS = {codec: frozenset(key for key, _ in fields) for codec, fields in ITEM_JSON.items()}
SECTION_KEYS = {"heading", "body"}


# --- encoding ---------------------------------------------------------------

def _encode_value(kind, value, record=None):
    if isinstance(kind, tuple):
        return domain.approx_date_text(value, getattr(record, kind[1]))
    if kind in OPTIONAL_ENUMS:
        return value.value if value is not None else None
    if kind == "date":
        return value.isoformat() if value else None
    if kind == "time":
        return value.strftime("%H:%M") if value else None
    if kind == "photo":
        return base64.b64encode(value).decode("ascii") if value else None
    if kind in CHILD_ITEMS:
        return [_encode_item(kind, item) for item in value]
    if kind == "sections":
        return [{"heading": s.heading, "body": s.body} for s in value]
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return list(value)
    return value


# Kinds whose value is written as it is (text, stamps) or as a copied list:
# an export of a million records skips _encode_value's chain for them.
_AS_IS = {"uid", "stamp", "line", "text", "minutes"}
_LISTS = {"uids", "lines"}


def record_to_dict(record: Record) -> dict:
    """The JSON form of one record (without its local database id).

    ``changed_by`` is left out when nobody is named (as in files before
    version 5).
    """
    out = {}
    for key, attr, kind in COMMON_FIELDS + FIELDS[type(record)]:
        value = getattr(record, attr)
        if kind.__class__ is str and kind in _AS_IS:
            out[key] = value
        elif kind.__class__ is str and kind in _LISTS:
            out[key] = list(value)
        else:
            out[key] = _encode_value(kind, value, record)
    if not out["changed_by"]:
        del out["changed_by"]
    return out


def settings_to_dict(settings: ExportSettings) -> dict:
    return {name: _encode_value(None, getattr(settings, name))
            for name in recordkinds.SETTINGS_FIELDS}


def book_to_dict(sections: dict[str, list[Record]],
                 settings: ExportSettings | None = None) -> dict:
    out = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    for name in EXPORT_ORDER:
        out[name] = [record_to_dict(r) for r in sections.get(name, [])]
    if settings is not None:
        out["settings"] = settings_to_dict(settings)
    return out


def write_book(out, sections, settings: ExportSettings | None = None) -> dict[str, int]:
    """Write a book to the text file ``out`` record by record (see write_objects).

    ``sections(name)`` returns an iterable of that section's records.
    """
    return write_objects(out, lambda name: map(record_to_dict, sections(name)), settings)


def write_objects(out, sections, settings: ExportSettings | None = None) -> dict[str, int]:
    """Write a book to the text file ``out`` record by record, in bounded memory.

    ``sections(name)`` returns an iterable of that section's records as
    their JSON objects (record_to_dict). Each
    record is one line: the standard library encodes a line in C, while an
    indented layout goes through its Python encoder, five times slower (a
    million records: minutes). The document is the one :func:`book_to_dict`
    makes; returns the number of records per section.
    """
    counts = {}
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out.write(f'{{"format": {encode(FORMAT_NAME)}, "version": {FORMAT_VERSION}')
    for name in EXPORT_ORDER:
        out.write(f',\n "{name}": [')
        n = 0
        for record in sections(name):
            out.write(("\n  " if n == 0 else ",\n  ") + encode(record))
            n += 1
        out.write("\n ]" if n else "]")
        counts[name] = n
    if settings is not None:
        out.write(',\n "settings": ' + encode(settings_to_dict(settings)))
    out.write("}\n")
    return counts


def dumps(book: dict) -> str:
    """Stable, readable JSON: names stay in their own script (no \\u escapes)."""
    return json.dumps(book, ensure_ascii=False, indent=2) + "\n"


# --- decoding ---------------------------------------------------------------

class _Bad(Exception):
    """One field's problem, raised inside the decoder and located by the caller."""


def _need(cond, message):
    if not cond:
        raise _Bad(message)


def _decode_date(value):
    if value is None:
        return None
    _need(isinstance(value, str), "must be a date string YYYY-MM-DD or null")
    try:
        return domain.parse_date(value)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _decode_approx_date(value):
    """(date, precision) from YYYY, YYYY-MM or YYYY-MM-DD."""
    if value is None:
        return None, None
    _need(isinstance(value, str), "must be a date string (YYYY-MM-DD, YYYY-MM or YYYY) or null")
    try:
        return domain.parse_approx_date(value)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _decode_value(kind, value):
    """The kinds _FAST_DECODERS does not cover (see _spec)."""
    if kind in OPTIONAL_ENUMS:
        return None if value is None else _decode_value(OPTIONAL_ENUMS[kind], value)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(value)
        except (ValueError, TypeError):
            allowed = ", ".join(m.value for m in kind)
            raise _Bad(f"unknown value {str(value)[:60]!r}; expected one of: {allowed}") from None
    if kind == "uid":
        _need(domain.is_uid(value), f"is not a record identifier (UUID): {str(value)[:60]!r}")
        return value
    if kind == "stamp":
        _need(value is None or isinstance(value, str), "must be a timestamp string")
        if value:
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise _Bad(f"{value[:40]!r} is not an ISO 8601 timestamp") from None
        return value or ""
    if kind == "time":
        if value is None:
            return None
        _need(isinstance(value, str), "must be a time string HH:MM or null")
        try:
            return domain.parse_time(value)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
    if kind == "minutes":
        _need(value is None or (isinstance(value, int) and not isinstance(value, bool)),
              "must be a whole number of minutes or null")
        return value
    if kind == "photo":
        if value is None:
            return None
        _need(isinstance(value, str), "must be base64 text or null")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _Bad("is not valid base64") from None
    if kind in CHILD_ITEMS:
        return [_decode_item(kind, i, v) for i, v in enumerate(_list(value))]
    if kind == "sections":
        return [_decode_section(i, v) for i, v in enumerate(_list(value))]
    raise AssertionError(f"unknown field kind {kind!r}")


def _encode_item(codec, item) -> dict:
    out = {}
    omit = CHILD_ITEMS[codec].omit_empty
    for key, kind in ITEM_JSON[codec]:
        value = getattr(item, key)
        if isinstance(kind, tuple):
            value = domain.approx_date_text(value, getattr(item, kind[1]))
        elif isinstance(value, StrEnum):
            value = value.value
        if value or key not in omit:
            out[key] = value
    return out


def _list(value):
    value = [] if value is None else value
    _need(isinstance(value, list), "must be a list")
    return value


def _object(index, value, keys):
    if not isinstance(value, dict):
        raise _Bad(f"entry {index + 1} must be an object")
    if not keys.issuperset(value):
        unknown = sorted(set(value) - keys)
        raise _Bad(f"entry {index + 1} has unknown field {unknown[0]!r}")


def _decode_item(codec, index, value):
    """A position, participant ... from its JSON object (see recordkinds.item_json)."""
    link = CHILD_ITEMS[codec]
    _object(index, value, ITEM_KEYS[codec])
    where = f"entry {index + 1}"
    values = {}
    for key, kind in ITEM_JSON[codec]:
        if kind == "uid":
            found = value.get(key)
            _need(isinstance(found, str) or (found is None and not link.required),
                  f"{where}: {key} must be a string")
            values[key] = found
        elif isinstance(kind, tuple):
            try:
                values[key], precision = _decode_approx_date(value.get(key))
            except _Bad as exc:
                raise _Bad(f"{where}: {key} {exc}") from None
            values[kind[1]] = precision or DatePrecision.DAY
        elif isinstance(kind, type):  # an enum: absent is the item's default
            if key in value:
                try:
                    values[key] = kind(value[key])
                except (ValueError, TypeError):
                    allowed = ", ".join(m.value for m in kind)
                    raise _Bad(f"{where}: unknown {key} {str(value[key])[:40]!r}; "
                               f"expected one of: {allowed}") from None
        else:
            _need(isinstance(value.get(key, ""), str), f"{where}: {key} must be a string")
            values[key] = value.get(key, "")
    return link.item(**values)


def _decode_section(index, value):
    _object(index, value, SECTION_KEYS)
    for key in SECTION_KEYS:
        _need(isinstance(value.get(key, ""), str), f"entry {index + 1}: {key} must be a string")
    return MemoSection(value.get("heading", ""), value.get("body", ""))


def parse_settings(value) -> ExportSettings:
    if not isinstance(value, dict):
        raise ImportFormatError("'settings' must be an object")
    unknown = sorted(set(value) - SETTINGS_KEYS)
    if unknown:
        raise ImportFormatError(f"settings: unknown field {unknown[0]!r}")
    defaults = ExportSettings()
    values = {}
    for key in recordkinds.SETTINGS_FIELDS:
        default = getattr(defaults, key)
        given = value.get(key, default)
        if isinstance(default, StrEnum):  # a choice (the page size)
            try:
                values[key] = type(default)(given)
            except ValueError:
                allowed = ", ".join(m.value for m in type(default))
                raise ImportFormatError(
                    f"settings: field {key!r} unknown value {str(given)[:20]!r}; "
                    f"expected one of: {allowed}") from None
        elif not isinstance(given, str):
            raise ImportFormatError(f"settings: field {key!r} must be a string")
        else:
            values[key] = given
    try:
        return ExportSettings(**values).check()
    except ValidationError as exc:
        field_name, message = exc.problems[0]
        raise ImportFormatError(f"settings: field {field_name!r} {message}") from None


def _where(section, index, data):
    name = ""
    if isinstance(data, dict):
        name = data.get("name") or data.get("title") or data.get("citation") or ""
    named = isinstance(name, str) and name
    return f"{section}[{index + 1}]" + (f" ({name[:80]!r})" if named else "")


def _decode_text(value):
    _need(value is None or isinstance(value, str), "must be a string")
    return value or ""


def _decode_strings(value):
    if value is None:
        return []
    _need(isinstance(value, list) and all(isinstance(v, str) for v in value),
          "must be a list of strings")
    return value


# The commonest kinds decoded without walking _decode_value's chain: an
# import of a million records calls these twenty million times.
_FAST_DECODERS = {"line": _decode_text, "text": _decode_text, "uids": _decode_strings,
                  "lines": _decode_strings, "date": _decode_date}
_SPECS: dict[type[Record], tuple[list, frozenset]] = {}


def _spec(cls):
    if cls not in _SPECS:
        spec = [(key, attr, _FAST_DECODERS.get(kind) if isinstance(kind, str) else None, kind)
                for key, attr, kind in COMMON_FIELDS + FIELDS[cls]]
        _SPECS[cls] = (spec, frozenset(key for key, _, _, _ in spec))
    return _SPECS[cls]


def _record(cls: type[Record], data) -> Record:
    """Build and validate one record; raises _Bad("field 'x' ...")."""
    if not isinstance(data, dict):
        raise _Bad("must be an object")
    spec, keys = _spec(cls)
    if not keys.issuperset(data):
        raise _Bad(f"unknown field {sorted(set(data) - keys)[0]!r}")
    if "uid" not in data:
        raise _Bad("field 'uid' is missing")
    values = {}
    precisions: dict[str, tuple[str, DatePrecision]] = {}
    for key, attr, fast, kind in spec:
        if key not in data:
            continue
        try:
            if fast is not None:
                values[attr] = fast(data[key])
            elif isinstance(kind, tuple):
                values[attr], precision = _decode_approx_date(data[key])
                if precision is not None:
                    first = precisions.setdefault(kind[1], (key, precision))
                    _need(first[1] == precision,
                          f"is a {precision.value} but {first[0]!r} is a {first[1].value}; "
                          "write both ends of a period the same way")
                    values[kind[1]] = precision
            else:
                values[attr] = _decode_value(kind, data[key])
        except _Bad as exc:
            raise _Bad(f"field {key!r} {exc}") from None
    record = cls(**values)
    try:
        record.check()
    except ValidationError as exc:
        field_name, message = exc.problems[0]
        raise _Bad(f"field {field_name!r} {message}") from None
    return record


def iter_book(members) -> Iterator[tuple[str, object]]:
    """Validate a briefing book one record at a time.

    ``members`` are the top-level events of :func:`jsonstream.iter_members`
    (or of :func:`_members_of` for a decoded document). Yields
    ``(section, record)`` in file order and ``("settings", ExportSettings)``;
    raises ImportFormatError naming the place and field of the first problem.
    Header checks that need a member not yet read (a file whose "format"
    comes last) happen at the end, so a consumer must treat the records as
    provisional until the iteration completes — the store's import runs in
    one transaction for that reason.
    """
    header: dict = {}
    counts: dict[str, int] = {}
    for event, key, value in members:
        if event == "element":
            index = counts[key] = counts.get(key, 0) + 1
            # the one-pass decoder takes records that are fine; the full one
            # decides (and words the message) for any other
            record = quickdecode.record(SECTIONS[key], value)
            if record is None:
                try:
                    record = _record(SECTIONS[key], value)
                except _Bad as exc:
                    raise ImportFormatError(f"{_where(key, index - 1, value)}: {exc}") from None
            yield key, record
        elif event == "array":
            _check_member(key, header)
        else:
            _check_member(key, header)
            if key == "format":
                header["format"] = value
                _check_format(value)
            elif key == "version":
                header["version"] = value
                _check_version(value, header)
            elif key == "settings":
                yield "settings", parse_settings(value)
            else:
                raise ImportFormatError(f"{key!r} must be a list")
    if "format" not in header:
        _check_format(None)
    if "version" not in header:
        _check_version(None, header)


def _check_format(value):
    if value != FORMAT_NAME:
        raise ImportFormatError(
            f"the file is not a briefing book: 'format' is {str(value)[:40]!r}, "
            f"expected {FORMAT_NAME!r}")


def _check_version(version, header):
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportFormatError("'version' must be a whole number")
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            f"the file uses format version {version}; this program reads up to "
            f"version {FORMAT_VERSION}: update Briefing Desk")
    if version < 1:
        raise ImportFormatError(f"'version' {version} is not a known format version")
    for key in header.get("members", ()):
        _check_allowed(key, header)


def _check_member(key, header):
    """Refuse a top-level member the file's version does not have."""
    header.setdefault("members", []).append(key)
    _check_allowed(key, header)


def _check_allowed(key, header):
    allowed = {"format", "version", *SECTIONS, "settings"}
    if header.get("version") == 1:
        allowed -= {"memos", "settings"}
    if key not in allowed:
        raise ImportFormatError(f"unknown top-level field {key!r}")


def _members_of(book):
    """The top-level events of an already decoded document (see iter_book)."""
    if not isinstance(book, dict):
        raise ImportFormatError("the file is not a briefing book: the top level must be an object")
    for key, value in book.items():
        if key in SECTIONS and isinstance(value, list):
            yield "array", key, None
            for element in value:
                yield "element", key, element
        else:
            yield "value", key, value


def _collect(items) -> dict:
    out: dict = {section: [] for section in SECTIONS}
    seen: dict[str, str] = {}
    for section, item in items:
        if section == "settings":
            out["settings"] = item
            continue
        where = f"{section}[{len(out[section]) + 1}]"
        if item.uid in seen:
            raise ImportFormatError(f"{where}: uid {item.uid} is used twice "
                                    f"(also by {seen[item.uid]})")
        seen[item.uid] = where
        out[section].append(item)
    return out


def parse_book(book) -> dict[str, list[Record]]:
    """Validate a decoded JSON document and return its records by section.

    Export settings, when the file has them, come back under the key
    ``"settings"`` as an ExportSettings object. For small documents (tests,
    the sample book); files go through :func:`read_file`.
    """
    return _collect(iter_book(_members_of(book)))


def read_file(path, position=None) -> Iterator[tuple[str, object]]:
    """Stream a briefing-book JSON file: :func:`iter_book` over the file's members.

    Memory stays bounded whatever the file's size (see jsonstream.py);
    errors are ImportFormatError written for people. ``position`` (a
    store.progress.FilePosition) follows how much of the file is read.
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise ImportFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportFormatError(f"cannot read {path}: it is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ImportFormatError(f"{path} is larger than 2 GB; not a briefing book")
    # refused before it is opened: closing a descriptor of a book this process has
    # open would drop SQLite's locks on it (see paths.hold_book_file)
    if paths.is_book_file(path):
        raise ImportFormatError(
            f"{path} is a briefing book file, not a briefing-book JSON file; export it to "
            "JSON first ('briefing export', or Export JSON in its window) and import that")
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise ImportFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    if position is not None:
        position.follow(fh, info.st_size)
    with fh:
        try:
            yield from iter_book(jsonstream.iter_members(fh, set(SECTIONS)))
        except jsonstream.EncodingError as exc:
            raise ImportFormatError(f"{path} is not UTF-8 text (byte {exc.offset})") from None
        except jsonstream.JSONStreamError as exc:
            if exc.message == "nested too deeply":
                raise ImportFormatError(
                    f"{path} is nested too deeply to be a briefing book") from None
            raise ImportFormatError(f"{path} is not valid JSON: {exc}") from None
        except OSError as exc:
            raise ImportFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            if str(exc) != "top level":
                raise
            raise ImportFormatError(
                "the file is not a briefing book: the top level must be an object") from None


def load_file(path) -> dict[str, list[Record]]:
    """Read and validate a whole (small) briefing-book file; errors are for people."""
    return _collect(read_file(path))
