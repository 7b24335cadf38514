"""Comments' models, by topic: the comments themselves with the log and flags
(`comments.py`), and what moderators tune (`tuning.py`). Everything is importable from
`comments.models`."""

from comments.models.comments import (
    REMOVED_TEXT,
    Comment,
    CommentQuerySet,
    Flag,
    ModerationEvent,
    comment_published,
)
from comments.models.tuning import (
    Block,
    Limits,
    ModerationLimits,
    ModerationWord,
    SpamModel,
)

__all__ = [
    "REMOVED_TEXT",
    "Block",
    "Comment",
    "CommentQuerySet",
    "Flag",
    "Limits",
    "ModerationEvent",
    "ModerationLimits",
    "ModerationWord",
    "SpamModel",
    "comment_published",
]
