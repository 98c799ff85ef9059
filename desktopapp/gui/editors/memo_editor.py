"""The memo composer: pick meetings, actors and recommendations; write the lead and sections."""

from ..editor import RecordEditor
from ..fields import DateField, LineField, ListLineField, SectionsField, TextField, UidListField


def memo_editor(store, parent=None) -> RecordEditor:
    return RecordEditor("memo", [
        LineField("title", "Title"),
        LineField("number", "Number", "series number, e.g. No. 58 (2559)"),
        DateField("date", "Date", required=True),
        ListLineField("authors", "Authors"),
        TextField("lead", "Lead"),
        SectionsField("sections", "Sections"),
        UidListField("meeting_uids", "Meetings", store, "meeting", problem_key="meetings"),
        UidListField("actor_uids", "Actors", store, "actor", problem_key="actors"),
        UidListField("recommendation_uids", "Recommendations", store, "recommendation",
                     problem_key="recommendations"),
        ListLineField("tags", "Tags"),
        UidListField("source_uids", "Sources", store, "source", problem_key="sources"),
    ], parent)
