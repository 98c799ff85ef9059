"""Editor for meetings: when and where, who sat at the table, what came of it."""

from ...domain import DatePrecision, DurationApprox, MeetingKind, MeetingStatus
from ..editor import RecordEditor
from ..fields import (
    DateField,
    EnumField,
    LineField,
    ListLineField,
    MinutesField,
    ParticipantsField,
    TextField,
    TimeField,
    UidListField,
)


def meeting_editor(store, parent=None) -> RecordEditor:
    return RecordEditor("meeting", [
        LineField("title", "Title"),
        EnumField("kind", "Format", MeetingKind),
        DateField("date", "Date", required=True),
        DateField("end_date", "Until (several days)"),
        EnumField("date_precision", "Date known to the", DatePrecision),
        TimeField("start_time", "Start time"),
        MinutesField("duration_minutes", "Duration"),
        EnumField("duration_approx", "Duration is", DurationApprox),
        LineField("place", "Place"),
        UidListField("host_uids", "Hosts", store, "actor", problem_key="hosts"),
        UidListField("mediator_uids", "Mediators", store, "actor", problem_key="mediators"),
        ParticipantsField("participants", "Participants", store),
        TextField("agenda", "Agenda"),
        TextField("outcomes", "Outcomes"),
        TextField("follow_ups", "Follow-ups"),
        EnumField("status", "Status", MeetingStatus),
        ListLineField("tags", "Tags"),
        UidListField("source_uids", "Sources", store, "source", problem_key="sources"),
    ], parent)
