"""Thin wrappers over comments/text.py for templates."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from comments.models import Comment
from comments.text import render_body

register = template.Library()


@register.filter
def comment_body(comment: Comment) -> SafeString:
    """The published text with links; a tombstone says only that it was removed."""
    if comment.is_tombstone and not getattr(comment, "is_own_pending", False):
        return _REMOVED
    if comment.body_html:
        # Made by Comment.derive() from the escaped body when it was saved.
        return mark_safe(comment.body_html)  # noqa: S308  # nosec B308 B703
    return render_body(comment.body)


_REMOVED = render_body("[removed]", links=False)


@register.filter
def held_body(comment: Comment) -> SafeString:
    """For moderators: links shown but not clickable, matched words and links marked."""
    return render_body(comment.body, links=False, highlight=comment.matched_words)


@register.filter
def pluralize_comments(count: int) -> str:
    return f"{count} Comment" if count == 1 else f"{count} Comments"
