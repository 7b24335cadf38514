"""One subquery for several ordered, sliced id queries."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.expressions import RawSQL


def union_of_ids(querysets: list[models.QuerySet]) -> RawSQL:
    """`pk__in=` one subquery that is the UNION ALL of several ordered, sliced id queries.

    Each part keeps its own ORDER BY and LIMIT (say, a section's newest four stories). The ORM
    can only OR them as separate IN tests, which PostgreSQL answers by reading every story
    and testing it against each list; as one IN over a UNION ALL both databases
    fetch the few rows by primary key. Each part must be `.values("pk")`.
    """
    parts: list[str] = []
    params: list[Any] = []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        # Django's own compiled SQL, values still separate parameters: nothing is interpolated.
        parts.append(f"SELECT pk FROM ({sql}) AS part{number}")  # noqa: S608  # nosec B608
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611  # nosec B611
