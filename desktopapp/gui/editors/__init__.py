"""One module per record editor: each lists its fields; RecordEditor does the rest."""

from .actor_editor import actor_editor
from .meeting_editor import meeting_editor
from .memo_editor import memo_editor
from .recommendation_editor import recommendation_editor

EDITORS = {"actor": actor_editor, "meeting": meeting_editor,
           "recommendation": recommendation_editor, "memo": memo_editor}

__all__ = ["EDITORS"]
