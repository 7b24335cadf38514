"""Inline rows whose autocomplete boxes (a figure's source and metric, a quote's person…) show
their chosen rows from one query per box for the whole inline, not one query per row.

Django's autocomplete widget looks up its own selected row when it renders, so a story with 50
figures cost 100 queries for the two boxes of each row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.forms import BaseForm
from django.forms.models import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest


class KnownChoicesAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box that takes its selected row from `known` when it holds it."""

    known: dict[Any, models.Model] | None = None

    def optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> Any:
        empty = self.choices.field.empty_values
        selected = [str(v) for v in value if str(v) not in empty]
        known = {str(pk): obj for pk, obj in (self.known or {}).items()}
        if self.known is None or not set(selected) <= set(known):
            return super().optgroups(name, value, attr)
        default: tuple[None, list[Any], int] = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for pk in selected:
            label = self.choices.field.label_from_instance(known[pk])
            default[1].append(self.create_option(name, pk, label, True, len(default[1])))
        return [default]


class KnownChoicesFormSet(BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> BaseForm:
        # _construct_form is Django's hook for each row; the stubs do not list it.
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the +/✎ wrapper
            if isinstance(widget, KnownChoicesAutocompleteSelect) and isinstance(
                field, ModelChoiceField
            ):
                widget.known = self._known(name, field)
        return form

    def _known(self, name: str, field: ModelChoiceField) -> dict[Any, models.Model]:
        cache: dict[str, dict[Any, models.Model]] = self.__dict__.setdefault("_known_rows", {})
        if name not in cache:
            ids = {getattr(row, f"{name}_id", None) for row in self.get_queryset()}
            if self.is_bound:
                ids |= {
                    value
                    for key, value in self.data.items()
                    if key.startswith(f"{self.prefix}-") and key.endswith(f"-{name}")
                }
            wanted = [pk for pk in ids if pk is not None and str(pk).isdigit()]
            queryset = field.queryset
            cache[name] = queryset.in_bulk(wanted) if wanted and queryset is not None else {}
        return cache[name]


class KnownChoicesInlineMixin:
    """For an inline admin: its autocomplete boxes render from one query each."""

    formset: type[BaseInlineFormSet[Any, Any, Any]] = KnownChoicesFormSet
    admin_site: Any

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:  # type: ignore[attr-defined]
            kwargs["widget"] = KnownChoicesAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
