"""Each record kind described once: its fields, where they are stored, how they read.

One :class:`KindSpec` per kind lists the record's fields in the order of the
briefing-book JSON format. Each field says how its value is written
(``codec``, the same word in the JSON format and in a table column) and
where it lives:

- :class:`Column`: a column of the kind's own table (``actors.name``);
- :class:`UidList`: a list of other records' uids, one row per link in a
  link table (``actor_affiliations``), optionally told apart from other
  lists in the same table by a tag column (``meeting_hosts.capacity``);
- :class:`ChildRows`: a list of small objects (positions, participants),
  one row each in a child table, each with an optional or required link.

From this one description come the JSON format's field table
(:mod:`desktopapp.bookformat`), the rows and links both SQL dialects read
and write (:mod:`desktopapp.store.record_rows`), the deletion cascades,
the search text (:func:`search_parts`) and the list columns. Nothing here
is SQL: names of tables and columns, and storage types in words.
tests/test_record_kinds.py compares the description with the tables of a
new SQLite book and of a new team book, with the JSON Schema in
resources/ and with the JSON format, so a field added here and nowhere
else (or elsewhere and not here) fails a test.

The export settings are described by the ExportSettings dataclass itself
(:data:`SETTINGS_FIELDS`).
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass

from .domain import (
    LINE_MAX,
    NAME_MAX,
    TAG_MAX,
    TEXT_MAX,
    Actor,
    ActorKind,
    DatePrecision,
    DurationApprox,
    ExportSettings,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Memo,
    Participant,
    ParticipantRole,
    Position,
    Priority,
    Recommendation,
    RecommendationStatus,
    Record,
    Source,
    clean_line,
    clean_lines,
    clean_text,
)

# Codecs (how a value is written, in the JSON file and in a column):
#   line, text    text as it is            minutes   a whole number or null
#   date          YYYY-MM-DD or null       time      HH:MM or null
#   photo         bytes (JSON: base64)     lines     list of text (column: JSON text)
#   sections      memo sections (column: JSON text)
#   an enum class its value                OPTIONAL_PRIORITY  a Priority or null
#                                          OPTIONAL_STATUS    a RecommendationStatus or null
#   MEETING_SPAN  JSON: YYYY, YYYY-MM or YYYY-MM-DD giving date_precision;
#                 column: the first day, YYYY-MM-DD
# and for links: uids (list of uids), positions, participants.
OPTIONAL_PRIORITY = "optional_priority"
OPTIONAL_STATUS = "optional_status"
# codec -> the enum whose value (or null: "not given") it holds
OPTIONAL_ENUMS = {OPTIONAL_PRIORITY: Priority, OPTIONAL_STATUS: RecommendationStatus}
MEETING_SPAN = ("approx", "date_precision")

# What each codec is stored as, in words both dialects translate (record_rows).
STORAGE = {"photo": "blob", "minutes": "integer"}  # anything else: text


@dataclass(frozen=True)
class Column:
    """A field stored in a column of the kind's own table.

    ``required`` and ``max_len`` are its validation rules (domain.Record.check
    applies them by codec; rules between fields stay with the record class).
    """

    attr: str
    codec: object
    json: str | None = ""  # key in the JSON file ("" = attr; None = not in the file)
    column: str = ""  # "" = attr
    required: bool = False
    max_len: int | None = None  # characters (of each entry, for lines); None: the codec's

    def __post_init__(self):
        if self.json == "":
            object.__setattr__(self, "json", self.attr)
        if not self.column:
            object.__setattr__(self, "column", self.attr)

    @property
    def storage(self) -> str:
        return STORAGE.get(self.codec, "text") if isinstance(self.codec, str) else "text"


@dataclass(frozen=True)
class UidList:
    """A list of uids of ``target`` records, one row per link in ``table``.

    Rows are (``owner``, ``column``, ord[, ``tag`` column = tag value]).
    ``restrict``: a target taking part this way cannot be deleted unless
    forced (then the link goes). ``named``: the owner's search text holds
    the target's name, so renaming the target re-indexes the owner.
    """

    attr: str
    json: str
    table: str
    owner: str
    column: str
    target: str
    tag: tuple[str, str] | None = None
    restrict: bool = False
    named: bool = False
    codec: str = "uids"

    @property
    def error_field(self) -> str:
        return self.json


@dataclass(frozen=True)
class ChildRows:
    """A list of small objects, one row each in ``table`` (with ``owner`` and ord).

    ``item`` is the object's class; ``fields`` are (attribute, column, codec)
    of its own values; ``link`` is (attribute holding a uid, column, target
    kind) and ``required`` says whether every row must name a target.

    In the JSON format each object's keys are ``json_keys``, in that order:
    the link's attribute and the attributes of ``fields``, a date written
    with its precision (``as_of`` with ``as_of_precision``: "2024-05") and
    the keys of ``omit_empty`` left out when empty (see :func:`item_json`).
    """

    attr: str
    json: str
    table: str
    owner: str
    item: type
    fields: tuple[tuple[str, str, object], ...]
    link: tuple[str, str, str]
    required: bool
    error: str  # the field a uid not in the book is reported at ({n}: the row's number)
    restrict: bool = False
    named: bool = False
    keyed: bool = False  # the rows have an id column of their own
    json_keys: tuple[str, ...] = ()
    omit_empty: tuple[str, ...] = ()

    @property
    def codec(self) -> str:
        return self.attr  # "positions" / "participants" in the JSON format

    @property
    def column(self) -> str:
        return self.link[1]

    @property
    def target(self) -> str:
        return self.link[2]


Field = Column | UidList | ChildRows


@dataclass(frozen=True)
class KindSpec:
    """One record kind: class, table, JSON section, fields, lists, search text."""

    kind: str
    cls: type[Record]
    table: str
    name_column: str  # the column a person reads as the record's name
    code: int  # the kind's number in search-index rowids, stored in every book: never change
    fields: tuple[Field, ...]  # in the JSON file's order
    # The columns of the kind's list rows (besides id and uid): a stored
    # column, or (name, "names" or "count", link attr): the names of the
    # records a link names, or how many rows it has.
    list_columns: tuple[object, ...]
    # Columns a list can be sorted by, the first being the default:
    # name -> (column, order) with order "nocase" (letters without case),
    # "plain", or a tuple of values giving their rank (others last).
    sorts: tuple[tuple[str, str, object], ...]
    # The record's search text: title attributes, then body parts in order
    # (an attribute name; ("names", [link attrs]) for the names of linked
    # actors; ("items", attr, [item attrs]) for one line per child item).
    search_title: tuple[str, ...]
    search_body: tuple[object, ...]

    @property
    def section(self) -> str:
        return f"{self.kind}s"

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(f for f in self.fields if isinstance(f, Column))

    @property
    def links(self) -> tuple[UidList | ChildRows, ...]:
        return tuple(f for f in self.fields if not isinstance(f, Column))

    @property
    def json_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.json is not None)


def _sources(kind: str) -> UidList:
    return UidList("source_uids", "sources", f"{kind}_sources", "record_id", "source_id",
                   "source")


KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in [
    KindSpec(
        "source", Source, "sources", "citation", code=4,
        fields=(Column("citation", "line", required=True), Column("url", "line", max_len=2000),
                Column("accessed", "date")),
        list_columns=("citation", "url", "accessed"),
        sorts=(("citation", "citation", "nocase"), ("accessed", "accessed", "plain"),
               ("updated_at", "updated_at", "plain")),
        search_title=("citation",), search_body=("url",)),
    KindSpec(
        "actor", Actor, "actors", "name", code=1,
        fields=(
            Column("kind", ActorKind), Column("name", "line", required=True, max_len=NAME_MAX),
            Column("native_name", "line", max_len=NAME_MAX),
            Column("aliases", "lines"), Column("title", "line"),
            UidList("affiliation_uids", "affiliations", "actor_affiliations", "actor_id",
                    "affiliated_id", "actor"),
            Column("biography", "text"),
            ChildRows("positions", "positions", "positions", "actor_id", Position,
                      fields=(("topic", "topic", "line"), ("stance", "stance", "text"),
                              ("as_of", "as_of", "date"),
                              ("as_of_precision", "as_of_precision", DatePrecision)),
                      link=("source_uid", "source_id", "source"), required=False,
                      error="positions[{n}].source", keyed=True,
                      json_keys=("topic", "stance", "as_of", "source_uid")),
            Column("photo", "photo"), Column("tags", "lines", max_len=TAG_MAX), _sources("actor")),
        list_columns=("name", "native_name", "kind", "title",
                      ("affiliation", "names", "affiliation_uids")),
        sorts=(("name", "name", "nocase"), ("kind", "kind", "plain"),
               ("title", "title", "nocase"), ("native_name", "native_name", "nocase"),
               ("updated_at", "updated_at", "plain")),
        search_title=("name", "native_name", "aliases"),
        search_body=("title", "biography", "tags", ("items", "positions", ("topic", "stance")))),
    KindSpec(
        "meeting", Meeting, "meetings", "title", code=2,
        fields=(
            Column("title", "line", required=True), Column("kind", MeetingKind),
            Column("date", MEETING_SPAN, required=True), Column("end_date", MEETING_SPAN),
            Column("start_time", "time"), Column("duration_minutes", "minutes"),
            Column("duration_approx", DurationApprox), Column("place", "line"),
            UidList("host_uids", "hosts", "meeting_hosts", "meeting_id", "actor_id", "actor",
                    tag=("capacity", "host"), restrict=True, named=True),
            UidList("mediator_uids", "mediators", "meeting_hosts", "meeting_id", "actor_id",
                    "actor", tag=("capacity", "mediator"), restrict=True, named=True),
            ChildRows("participants", "participants", "participants", "meeting_id", Participant,
                      fields=(("side", "side", "line"), ("role", "role", ParticipantRole),
                              ("role_label", "role_label", "line")),
                      link=("actor_uid", "actor_id", "actor"), required=True,
                      error="participants[{n}]", restrict=True, named=True,
                      json_keys=("actor_uid", "side", "role", "role_label"),
                      omit_empty=("role_label",)),
            Column("agenda", "text"), Column("outcomes", "text"), Column("follow_ups", "text"),
            Column("status", MeetingStatus), Column("tags", "lines", max_len=TAG_MAX),
            _sources("meeting"),
            # not in the file: the form of "date" there gives it
            Column("date_precision", DatePrecision, json=None)),
        list_columns=("date", "end_date", "date_precision", "title", "place", "status", "kind",
                      ("participant_count", "count", "participants")),
        sorts=(("date", "date", "plain"), ("title", "title", "nocase"),
               ("place", "place", "nocase"), ("status", "status", "plain"),
               ("kind", "kind", "plain"), ("updated_at", "updated_at", "plain")),
        search_title=("title",),
        search_body=("place", "agenda", "outcomes", "follow_ups", "tags", "kind",
                     ("names", ("participants", "host_uids", "mediator_uids")))),
    KindSpec(
        "recommendation", Recommendation, "recommendations", "title", code=3,
        fields=(
            Column("title", "line", required=True), Column("text", "text", required=True),
            Column("addressee", "line"),
            UidList("addressee_uids", "addressee_actors", "recommendation_actors",
                    "recommendation_id", "actor_id", "actor", tag=("relation", "addressee"),
                    named=True),
            Column("rationale", "text"), Column("priority", OPTIONAL_PRIORITY),
            Column("status", OPTIONAL_STATUS),
            UidList("meeting_uids", "meetings", "recommendation_meetings", "recommendation_id",
                    "meeting_id", "meeting"),
            UidList("actor_uids", "actors", "recommendation_actors", "recommendation_id",
                    "actor_id", "actor", tag=("relation", "concerns")),
            Column("author", "line", max_len=NAME_MAX), Column("date", "date"),
            Column("tags", "lines", max_len=TAG_MAX), _sources("recommendation")),
        list_columns=("title", "priority", "status", "addressee", "date"),
        sorts=(("title", "title", "nocase"),
               ("priority", "priority", tuple(p.value for p in Priority)),
               ("status", "status", "plain"), ("date", "date", "plain"),
               ("addressee", "addressee", "nocase"), ("updated_at", "updated_at", "plain")),
        search_title=("title",),
        search_body=("text", "addressee", "rationale", "author", "tags",
                     ("names", ("addressee_uids",)))),
    KindSpec(
        "memo", Memo, "memos", "title", code=5,
        fields=(
            Column("title", "line", required=True), Column("number", "line", max_len=60),
            Column("date", "date", required=True), Column("authors", "lines", max_len=NAME_MAX),
            Column("lead", "text", max_len=TEXT_MAX // 5), Column("sections", "sections"),
            UidList("meeting_uids", "meetings", "memo_links", "memo_id", "meeting_id",
                    "meeting"),
            UidList("actor_uids", "actors", "memo_links", "memo_id", "actor_id", "actor"),
            UidList("recommendation_uids", "recommendations", "memo_links", "memo_id",
                    "recommendation_id", "recommendation"),
            Column("tags", "lines", max_len=TAG_MAX), _sources("memo")),
        list_columns=("date", "number", "title", "authors"),
        sorts=(("date", "date", "plain"), ("title", "title", "nocase"),
               ("number", "number", "plain"), ("updated_at", "updated_at", "plain")),
        search_title=("title",),
        search_body=("number", "authors", "lead", "tags",
                     ("items", "sections", ("heading", "body")))),
]}

# Order in which a whole book is written: a record's links point to earlier
# kinds (or to records later in the same kind, which links written last allow).
WRITE_ORDER = ("source", "actor", "meeting", "recommendation", "memo")
# Order of the sections in an exported file (and of a copy's content hash):
# what people read first.
EXPORT_ORDER = ("actor", "meeting", "recommendation", "memo", "source")
TABLES = {kind: spec.table for kind, spec in KINDS.items()}
KIND_OF_CLASS = {spec.cls: kind for kind, spec in KINDS.items()}
NAME_COLUMN = {kind: spec.name_column for kind, spec in KINDS.items()}
# Columns every record table has besides its fields, in both dialects.
COMMON_COLUMNS = ("id", "uid", "created_at", "updated_at", "version", "changed_by")


def spec_of(record: Record) -> KindSpec:
    return KINDS[KIND_OF_CLASS[type(record)]]


def links_to(target: str) -> list[tuple[KindSpec, UidList | ChildRows]]:
    """Every link (with its owner kind) that points at records of ``target``."""
    return [(spec, link) for spec in KINDS.values() for link in spec.links
            if link.target == target]


def link_uids(record: Record, link: UidList | ChildRows) -> list:
    """The uids a record names through one link (None for a child row without one)."""
    values = getattr(record, link.attr)
    if isinstance(link, ChildRows):
        return [getattr(item, link.link[0]) for item in values]
    return list(values)


def item_json(link: ChildRows) -> tuple[tuple[str, object], ...]:
    """(key, codec) of a child object's JSON form, in the file's order.

    Codecs: ``"uid"`` (the link; null allowed unless ``link.required``),
    ``"line"``/``"text"``, an enum class, or ``("approx", precision attribute)``
    for a date written with its precision.
    """
    codecs = {attr: codec for attr, _, codec in link.fields}
    out = []
    for key in link.json_keys:
        if key == link.link[0]:
            out.append((key, "uid"))
        elif codecs[key] == "date" and f"{key}_precision" in codecs:
            out.append((key, ("approx", f"{key}_precision")))
        else:
            out.append((key, codecs[key]))
    return tuple(out)


def named_links(spec: KindSpec) -> tuple[UidList | ChildRows, ...]:
    """Links whose targets' names are part of the owner's search text."""
    return tuple(link for link in spec.links if link.named)


# --- search text ---------------------------------------------------------------

def _text(value) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, list):
        return " ".join(value)
    if hasattr(value, "value"):  # an enum: its words
        return value.value.replace("_", " ")
    return value or ""


def search_parts(record: Record, names_of) -> tuple[list[str], list[str]]:
    """(title parts, body parts) of a record's search text, as its kind describes.

    ``names_of(uids)`` gives the names of linked actors (see search.document).
    """
    get_title, body_parts = _search_plan(type(record))
    title: list[str] = []
    for value in get_title(record):
        if isinstance(value, list):
            title.extend(value)
        else:
            title.append(value)
    body: list[str] = []
    for part, lines in body_parts:
        if lines:
            body.extend(part(record, names_of))
        else:
            body.append(part(record, names_of))
    return title, body


_SEARCH_PLANS: dict[type, tuple] = {}


def _search_plan(cls: type) -> tuple:
    """A kind's search text as getters, worked out once from its description.

    (a getter of the title attributes' values, [(body part, whether it gives
    lines)]), a body part being a function of (record, names_of). Reading
    search_title and search_body afresh for each record cost a third of
    making the index rows of an import.
    """
    plan = _SEARCH_PLANS.get(cls)
    if plan is None:
        spec = KINDS[KIND_OF_CLASS[cls]]
        get = operator.attrgetter(*spec.search_title)
        get_title = get if len(spec.search_title) > 1 else (lambda record: (get(record),))
        plan = _SEARCH_PLANS[cls] = (get_title, [_body_part(spec, part)
                                                 for part in spec.search_body])
    return plan


def _body_part(spec: KindSpec, part):
    """(function of (record, names_of), whether it gives lines) for a part of search_body."""
    if isinstance(part, str):
        get = operator.attrgetter(part)
        return (lambda record, names_of: _text(get(record))), False
    if part[0] == "names":
        links = {link.attr: link for link in spec.links}
        named = [links[attr] for attr in part[1]]
        return (lambda record, names_of: names_of(
            [uid for link in named for uid in link_uids(record, link)])), False
    # ("items", attr, item attrs): one line per item
    _, attr, item_attrs = part
    get_items = operator.attrgetter(attr)
    get_text = operator.attrgetter(*item_attrs)
    if len(item_attrs) == 1:
        return (lambda record, names_of: [get_text(item) for item in get_items(record)]), True
    return (lambda record, names_of: [" ".join(get_text(item))
                                      for item in get_items(record)]), True


# --- normalising and checking ------------------------------------------------------

def normalise(record: Record) -> None:
    """Text fields to NFC, single lines trimmed (in place), as each field's codec says."""
    for f in spec_of(record).columns:
        if f.codec in _CLEANERS:
            setattr(record, f.attr, _CLEANERS[f.codec](getattr(record, f.attr)))


def check(record: Record, c) -> None:
    """Each field's rules (``c`` is domain._Checker), in the order of the description.

    A record class adds the rules a codec cannot know (a URL's scheme, a
    period's end after its start...) as ``_check_<attribute>(c)``, run right
    after that field's own rules.
    """
    for f in spec_of(record).fields:
        name, value = f.json or f.attr, getattr(record, f.attr)
        if isinstance(f, UidList):
            c.uids(name, value)
        elif isinstance(f, Column):
            codec = f.codec
            if codec == "line":
                c.line(name, value, required=f.required, max_len=f.max_len or LINE_MAX)
            elif codec == "text":
                c.text(name, value, required=f.required, max_len=f.max_len or TEXT_MAX)
            elif codec == "lines":
                c.lines(name, value, max_len=f.max_len or NAME_MAX)
            elif codec in ("date", MEETING_SPAN):
                c.date(name, value, required=f.required)
            elif codec in OPTIONAL_ENUMS:
                if value is not None:
                    c.choice(name, value, OPTIONAL_ENUMS[codec])
            elif isinstance(codec, type):
                c.choice(name, value, codec)
            # time, minutes, photo, sections: the record class's own rules
        extra = getattr(record, f"_check_{f.attr}", None)
        if extra is not None:
            extra(c)


_CLEANERS = {"line": clean_line, "text": clean_text, "lines": clean_lines}


# --- export settings -------------------------------------------------------------

#: the export settings' fields, in order: the dataclass is their one description
SETTINGS_FIELDS = tuple(f.name for f in dataclasses.fields(ExportSettings)
                        if f.name != "version")
