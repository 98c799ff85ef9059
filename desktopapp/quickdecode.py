"""One pass over a record of the briefing-book JSON format, for records that are fine.

:func:`bookformat._record` decodes a record field by field through generic
per-codec code, builds it, then normalises and checks it (Record.check):
three walks over the fields, about 40 µs a record, half a minute for a
million. Here each kind's description (recordkinds.py) is turned once into
a list of small decoders, one per field, that take the JSON value and
return the normalised value, checking the codec's rules on the way; the
record class's own rules (``_check_<field>``) then run as they always do.

Whatever is not plainly fine (a wrong type, a rule broken, a photo, which
needs Pillow to judge) makes :func:`record` return None, and the caller
uses bookformat's full decoder, which words the message naming the record
and field. So messages have one source, and this module only has to accept
what the full decoder accepts and build the same record:
tests/test_quickdecode.py compares the two on valid and on broken records.
A rule added to a codec in domain._Checker or recordkinds.check must be
added here too; a class's ``_check_<field>`` rules need nothing.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from enum import StrEnum

from . import domain, recordkinds
from .domain import (
    LINE_MAX,
    LIST_MAX,
    NAME_MAX,
    TEXT_MAX,
    DatePrecision,
    MemoSection,
    Participant,
    ParticipantRole,
    Position,
    Record,
)
from .recordkinds import MEETING_SPAN, OPTIONAL_ENUMS, ChildRows, Column, UidList


class _GiveUp(Exception):
    """Not plainly fine: the full decoder decides, and words the message."""


_GIVE_UP = _GiveUp()
_BAD_IN_LINE = domain._BAD_IN_LINE.search
_BAD_IN_TEXT = domain._BAD_IN_TEXT.search
_UID = domain._UID.fullmatch
_NFC = unicodedata.normalize
_DAY = DatePrecision.DAY


def _clean_line(value, required: bool, max_len: int) -> str:
    """domain.clean_line, then _Checker.line's rules."""
    if value.__class__ is not str:
        raise _GIVE_UP
    if not value.isascii():
        value = _NFC("NFC", value)
    value = value.strip()
    if (required and not value) or len(value) > max_len or _BAD_IN_LINE(value):
        raise _GIVE_UP
    return value


def _clean_text(value, required: bool, max_len: int) -> str:
    """domain.clean_text, then _Checker.text's rules."""
    if value.__class__ is not str:
        raise _GIVE_UP
    if not value.isascii():
        value = _NFC("NFC", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if (required and not value) or len(value) > max_len or _BAD_IN_TEXT(value):
        raise _GIVE_UP
    return value


# A record's own text fields may be null in the file (read as ""); the
# text inside positions, participants and sections may not.
def _line(required: bool, max_len: int):
    return lambda value: _clean_line("" if value is None else value, required, max_len)


def _text(required: bool, max_len: int):
    return lambda value: _clean_text("" if value is None else value, required, max_len)


def _lines(max_len: int):
    def decode(values):
        if values is None:
            return []
        if values.__class__ is not list or len(values) > LIST_MAX:
            raise _GIVE_UP
        out = [_clean_line(v, True, max_len) for v in values]
        if len(set(out)) != len(out):
            raise _GIVE_UP
        return out
    return decode


def _uids(values):
    if values is None:
        return []
    if values.__class__ is not list:
        raise _GIVE_UP
    for value in values:
        if value.__class__ is not str or _UID(value) is None:
            raise _GIVE_UP
    if len(set(values)) != len(values):
        raise _GIVE_UP
    return values


def _date(required: bool):
    def decode(value):
        if value is None or value == "":
            if required:
                raise _GIVE_UP
            return None
        if value.__class__ is not str:
            raise _GIVE_UP
        try:
            return domain.parse_date(value)
        except ValueError:
            raise _GIVE_UP from None
    return decode


def _choice(enum: type[StrEnum], optional: bool):
    members = {member.value: member for member in enum}

    def decode(value):
        if value is None and optional:
            return None
        try:
            return members[value]
        except (KeyError, TypeError):
            raise _GIVE_UP from None
    return decode


def _time(value):
    if value is None or value == "":
        return None
    if value.__class__ is not str:
        raise _GIVE_UP
    try:
        return domain.parse_time(value)
    except ValueError:
        raise _GIVE_UP from None


def _minutes(value):
    if value is not None and value.__class__ is not int:
        raise _GIVE_UP
    return value


def _photo(value):
    if value is not None:
        raise _GIVE_UP  # judged by Pillow, in the full decoder
    return None


def _stamp(value):
    if value is None or value == "":
        return ""
    if value.__class__ is not str:
        raise _GIVE_UP
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise _GIVE_UP from None
    return value


def _who(value):
    """changed_by as the full decoder keeps it: as written (it is not normalised)."""
    if value is None:
        return ""
    if (value.__class__ is not str or len(value) > NAME_MAX or _BAD_IN_LINE(value)
            or value != value.strip() or (not value.isascii() and _NFC("NFC", value) != value)):
        raise _GIVE_UP
    return value


def _approx_date(value):
    """(first day, precision) as bookformat._decode_approx_date; (None, None) for null."""
    if value is None:
        return None, None
    if value.__class__ is not str:
        raise _GIVE_UP
    try:
        return domain.parse_approx_date(value)
    except ValueError:
        raise _GIVE_UP from None


_ROLES = {member.value: member for member in ParticipantRole}
_POSITION_KEYS = frozenset({"topic", "stance", "as_of", "source_uid"})
_PARTICIPANT_KEYS = frozenset({"actor_uid", "side", "role", "role_label"})
_SECTION_KEYS = frozenset({"heading", "body"})


def _items(values, keys):
    if values is None:
        return []
    if values.__class__ is not list:
        raise _GIVE_UP
    for value in values:
        if value.__class__ is not dict or not keys.issuperset(value):
            raise _GIVE_UP
    return values


def _positions(values):
    out = []
    for value in _items(values, _POSITION_KEYS):
        source = value.get("source_uid")
        if source is not None and source.__class__ is not str:
            raise _GIVE_UP
        as_of, precision = _approx_date(value.get("as_of"))
        # the position's own rules (Position.check_into) run with the record's
        out.append(Position(_clean_line(value.get("topic", ""), False, LINE_MAX),
                            _clean_text(value.get("stance", ""), False, TEXT_MAX),
                            as_of, source, precision or _DAY))
    return out


def _participants(values):
    out = []
    for value in _items(values, _PARTICIPANT_KEYS):
        uid = value.get("actor_uid")
        if uid.__class__ is not str:
            raise _GIVE_UP
        try:
            role = _ROLES[value.get("role", "member")]
        except (KeyError, TypeError):
            raise _GIVE_UP from None
        out.append(Participant(uid, _clean_line(value.get("side", ""), False, LINE_MAX), role,
                               _clean_line(value.get("role_label", ""), False, LINE_MAX)))
    return out


def _sections(values):
    return [MemoSection(_clean_line(value.get("heading", ""), False, LINE_MAX),
                        _clean_text(value.get("body", ""), False, TEXT_MAX))
            for value in _items(values, _SECTION_KEYS)]


_BY_CODEC = {"time": _time, "minutes": _minutes, "photo": _photo, "uids": _uids,
             "positions": _positions, "participants": _participants, "sections": _sections}


def _decoder(field):
    """What decodes, normalises and checks one field's JSON value (None: a span)."""
    codec = field.codec
    if isinstance(field, (UidList, ChildRows)):
        return _BY_CODEC[codec]
    if codec == MEETING_SPAN:
        return None
    if codec == "line":
        return _line(field.required, field.max_len or LINE_MAX)
    if codec == "text":
        return _text(field.required, field.max_len or TEXT_MAX)
    if codec == "lines":
        return _lines(field.max_len or NAME_MAX)
    if codec == "date":
        return _date(field.required)
    if codec in OPTIONAL_ENUMS:
        return _choice(OPTIONAL_ENUMS[codec], optional=True)
    if isinstance(codec, type) and issubclass(codec, StrEnum):
        return _choice(codec, optional=False)
    return _BY_CODEC[codec]


class _Kind:
    """A kind's decoders, the keys its records may have, and its class's own rules."""

    def __init__(self, spec):
        self.cls = spec.cls
        self.fields = [(f.json, f.attr, _decoder(f), isinstance(f, Column) and f.required)
                       for f in spec.json_fields]
        self.keys = frozenset({"uid", "created_at", "updated_at", "changed_by",
                               *(f.json for f in spec.json_fields)})
        self.rules = [getattr(spec.cls, f"_check_{f.attr}") for f in spec.fields
                      if hasattr(spec.cls, f"_check_{f.attr}")]
        self.spans = any(f.codec == MEETING_SPAN for f in spec.json_fields if isinstance(f, Column))


_KINDS = {spec.cls: _Kind(spec) for spec in recordkinds.KINDS.values()}


def record(cls: type[Record], data) -> Record | None:
    """The record the full decoder would make of ``data``, or None to let it decide."""
    kind = _KINDS[cls]
    if data.__class__ is not dict or not kind.keys.issuperset(data):
        return None
    uid = data.get("uid")
    if uid.__class__ is not str or _UID(uid) is None:
        return None
    try:
        values = {"uid": uid, "created_at": _stamp(data.get("created_at")),
                  "updated_at": _stamp(data.get("updated_at")),
                  "changed_by": _who(data.get("changed_by"))}
        precision = None
        for key, attr, decode, required in kind.fields:
            if key not in data:
                if required:  # the default is empty: the full decoder says so
                    return None
                continue
            value = data[key]
            if decode is not None:
                values[attr] = decode(value)
                continue
            # a meeting's date or end: both ends written with one precision
            day, given = _approx_date(value)
            if given is not None:
                if precision not in (None, given):
                    return None
                precision = given
            if day is None and required:
                return None
            values[attr] = day
        if precision is not None:
            values["date_precision"] = precision
    except _GiveUp:
        return None
    made = cls(**values)
    if kind.spans and made.end_date is not None and made.end_date == made.date:
        made.end_date = None  # Meeting._normalise_more: a "period" of one day is that day
    checker = domain._Checker()
    for rule in kind.rules:
        rule(made, checker)
    return None if checker.problems else made
