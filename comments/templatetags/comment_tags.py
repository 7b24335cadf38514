"""Thin wrappers for templates: the comment area under a story (over comments/threads.py) and
comment bodies (over comments/text.py)."""

from __future__ import annotations

import hashlib

from django import template
from django.core.cache import cache
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from articles import story_shell
from articles.fingerprint import code_fingerprint
from articles.models import Article
from articles.views import keep_private
from comments import threads
from comments.models import Comment
from comments.text import render_body

register = template.Library()

COMMENTS_TEMPLATE = "comments/_comments.html"


@register.simple_tag(takes_context=True)
def story_comments(context: Context, article: Article) -> SafeString:
    """The count, the conversations (the cached fragment) and the form under a story.

    Drawn with the page's context, as an `{% include %}` would. When it shows this reader their
    own pending comments or a message, the story view is told to keep the page private.
    """
    request = context["request"]
    marker = story_shell.comment_marker(request)
    if marker is not None:
        # The shell of the page is rendering: the comment area is drawn into it afterwards.
        return mark_safe(marker)  # noqa: S308  # nosec B308 B703  # our own HTML comment
    comments = threads.story_comments(request, article)
    if comments.personal:
        keep_private(request)
    assert context.template is not None  # a tag renders inside a template
    partial = context.template.engine.get_template(COMMENTS_TEMPLATE)
    with context.push(comments=comments):
        return partial.render(context)


FORM_TEMPLATE = "comments/_form.html"


@register.simple_tag(takes_context=True)
def blank_comment_form(context: Context, comments: threads.StoryComments) -> SafeString:
    """The comment form as every reader first gets it (no reply target, no token: the page
    fetches one), rendered once per story and deploy and then kept.

    It shows nothing that a change could make stale, only the story's addresses, which are in
    the key; it was about a sixth of a story page's render.
    """
    article = comments.article
    key = (
        f"newsroom:comment-form:{code_fingerprint()}:{article.pk}:"
        f"{hashlib.sha256(article.get_absolute_url().encode()).hexdigest()[:16]}"
    )
    stored = cache.get(key)
    if stored is None:
        assert context.template is not None  # a tag renders inside a template
        partial = context.template.engine.get_template(FORM_TEMPLATE)
        with context.push(
            form=comments.form, article=article, reply_to=None, with_token=False, stamp=""
        ):
            stored = partial.render(context)
        cache.set(key, str(stored), timeout=threads.FRAGMENT_TIMEOUT)
    # Rendered by our own autoescaping template, here or on an earlier request.
    return mark_safe(stored)  # noqa: S308  # nosec B308 B703


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
