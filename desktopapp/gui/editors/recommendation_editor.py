"""Editor for recommendations: the advice, its addressee, why, and what it concerns."""

from ...domain import NO_PRIORITY, NO_STATUS, Priority, RecommendationStatus
from ..editor import RecordEditor
from ..fields import DateField, EnumField, LineField, ListLineField, TextField, UidListField


def recommendation_editor(store, parent=None) -> RecordEditor:
    return RecordEditor("recommendation", [
        LineField("title", "Title"),
        TextField("text", "Recommendation"),
        LineField("addressee", "Addressee", "e.g. European states"),
        UidListField("addressee_uids", "Addressee actors", store, "actor",
                     problem_key="addressee_actors"),
        TextField("rationale", "Rationale"),
        EnumField("priority", "Priority", Priority, none_label=NO_PRIORITY),
        EnumField("status", "Status", RecommendationStatus, none_label=NO_STATUS),
        UidListField("meeting_uids", "Meetings", store, "meeting", problem_key="meetings"),
        UidListField("actor_uids", "Actors concerned", store, "actor", problem_key="actors"),
        LineField("author", "Author"),
        DateField("date", "Date"),
        ListLineField("tags", "Tags"),
        UidListField("source_uids", "Sources", store, "source", problem_key="sources"),
    ], parent)
