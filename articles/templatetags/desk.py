"""The admin home's desk lists, as a tag over `articles.desk.desk_for()`."""

from __future__ import annotations

from typing import Any

from django import template

from articles.desk import Desk, desk_for

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_lists(context: dict[str, Any]) -> Desk | None:
    return desk_for(context["request"].user)
