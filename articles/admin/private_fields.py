"""Fields some roles may not see, kept out of the admin's forms, lists, searches and URLs.

Leaving a field out of `fields` hides it from the page, but Django's changelist still filters on
any local field named in the query string (`?donor_email__startswith=d`), and each narrowing
of the list answers a yes/no question about the hidden value (the gifts finding, 2 Dec 2026).
An admin lists such fields once, in `private_fields`, with who may see each; this admin then
leaves them out of the form, the columns, the filters and the search for everyone else, and
refuses any lookup on them through the URL (Django answers a refused lookup with a 400).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    MaySee = Callable[[User | AnonymousUser], bool]


def nobody(user: User | AnonymousUser) -> bool:
    """A field no role sees in the admin (a flagger's address hash)."""
    return False


def _field_name(entry: Any) -> str:
    """The local field a search, filter or column entry starts from ('' for a callable)."""
    if isinstance(entry, (list, tuple)) and entry:
        entry = entry[0]  # a list filter given as (field, filter class)
    if not isinstance(entry, str):
        return ""
    return entry.lstrip("^=@").split(LOOKUP_SEP, 1)[0]


class PrivateFieldsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose `private_fields` map a field to who may see it."""

    private_fields: ClassVar[dict[str, MaySee]] = {}

    def hidden_fields(self, request: HttpRequest | None) -> set[str]:
        """The private fields this request's user may not see (all of them without a user)."""
        user = getattr(request, "user", None)
        fields = self.private_fields.items()
        return {name for name, may_see in fields if user is None or not may_see(user)}

    def may_see(self, request: HttpRequest, field: str) -> bool:
        return field not in self.hidden_fields(request)

    def without_hidden(self, request: HttpRequest | None, entries: Sequence[Any]) -> list[Any]:
        hidden = self.hidden_fields(request)
        return [e for e in entries if _field_name(e) not in hidden]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if _field_name(lookup) in self.hidden_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return self.without_hidden(request, super().get_search_fields(request))

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return self.without_hidden(request, super().get_list_filter(request))

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return self.without_hidden(request, super().get_list_display(request))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.without_hidden(request, super().get_fields(request, obj))
