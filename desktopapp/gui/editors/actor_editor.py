"""Editor for actors: people, organisations, states, groups of states."""

from ...domain import ActorKind
from ..editor import RecordEditor
from ..fields import (
    EnumField,
    LineField,
    ListLineField,
    PhotoField,
    PositionsField,
    TextField,
    UidListField,
)


def actor_editor(store, parent=None) -> RecordEditor:
    return RecordEditor("actor", [
        EnumField("kind", "Kind", ActorKind),
        LineField("name", "Name", "name as printed, e.g. Vladimir Medinsky"),
        LineField("native_name", "Native name", "in its own script, e.g. Владимир Мединский"),
        ListLineField("aliases", "Aliases"),
        LineField("title", "Title or role"),
        UidListField("affiliation_uids", "Affiliations", store, "actor",
                     problem_key="affiliations"),
        TextField("biography", "Biography", height=110),
        PositionsField("positions", "Positions", store),
        PhotoField("photo", "Photo"),
        ListLineField("tags", "Tags"),
        UidListField("source_uids", "Sources", store, "source", problem_key="sources"),
    ], parent)
