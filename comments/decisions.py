"""What a moderator may decide about a comment, and who is a moderator: written once here.

The queue's form offers these decisions, its views carry them out, and the admin's actions are
the same decisions; each calls the comment's verb, which changes its status and logs it.
Nothing here imports a model, so comments/models.py can take the permission's name from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from comments.models import Comment

# Declared on Comment; granted to the Editors and Moderators groups by newsroom/roles.py.
MODERATE_CODENAME = "moderate_comment"
MODERATE_PERMISSION = f"comments.{MODERATE_CODENAME}"


def is_moderator(user: User | AnonymousUser) -> bool:
    """May use the queue, the log and the admin's decisions, and posts without the rules'
    first-comment hold."""
    return bool(user.has_perm(MODERATE_PERMISSION))


@dataclass(frozen=True)
class Decision:
    value: str  # what the queue's forms send
    label: str  # the queue's menu
    verb: str  # the Comment method that carries it out; also the admin action's name
    done: str  # what the moderator is told afterwards, before "comment 12" or "3 comments"
    admin_label: str = ""  # the admin's action menu; empty: the admin does not offer it
    # The decision takes the reason the moderator chose or typed. Publishing takes none, so
    # a reason left in the menu is never logged with an approval.
    takes_reason: bool = True
    done_many: str = ""  # `done` for several comments, where the words differ

    def apply(self, comment: Comment, *, by: User | None, reason: str = "") -> None:
        getattr(comment, self.verb)(by=by, reason=reason if self.takes_reason else "")

    def told_one(self, comment: Comment) -> str:
        return f"{self.done} comment {comment.pk}."

    def told_many(self, count: int) -> str:
        return f"{self.done_many or self.done} {count} comments."


DECISIONS = (
    Decision(
        "approve", "Approve", "approve", "Published", admin_label="Publish", takes_reason=False
    ),
    Decision("reject", "Reject", "reject", "Rejected", admin_label="Reject"),
    Decision("spam", "Spam", "mark_spam", "Marked as spam", admin_label="Mark as spam"),
    Decision(
        "remove",
        "Remove",
        "remove",
        "Removed",
        admin_label="Remove (tombstone if it has replies)",
    ),
    Decision("pending", "Back to queue", "return_to_pending", "Returned to the queue"),
    Decision(
        "block",
        "Block commenter",
        "block_commenter",
        "Blocked the commenter of",
        admin_label="Block the commenter",
        done_many="Blocked the commenters of",
    ),
)
BY_VALUE = {decision.value: decision for decision in DECISIONS}
