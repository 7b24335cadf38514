"""The role checks the editorial code asks, each defined once.

The groups and what they hold are the roles table (newsroom/roles.py); code asks about
permissions, never group names, so an outlet can rename or add groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

PUBLISH = "articles.publish_article"


def is_editor(user: User | AnonymousUser) -> bool:
    """An editor is whoever may publish: they may edit any story and change shared records."""
    return bool(user.has_perm(PUBLISH))


def may_write(user: User | AnonymousUser) -> bool:
    """Writers (and editors) may add stories; read-only roles such as moderators may not."""
    return bool(user.has_perm("articles.add_article"))


def staff_member(request: HttpRequest) -> User:
    """Who is working in the admin or on a staff page; only signed-in staff get this far (the
    admin site and `staff_member_required` see to it), so anyone else is refused."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user
