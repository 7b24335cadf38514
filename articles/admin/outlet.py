"""The outlet's one row in the admin: its logo, share picture and description."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from articles.models import Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["__str__", "logo", "share_image"]
    list_select_related = ["logo", "share_image"]
    # The media library's search, so a library of thousands of pictures is no long select.
    autocomplete_fields = ["logo", "share_image"]
    fields = ["logo", "share_image", "description"]

    # One row, made by the migration: nobody adds a second or deletes it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Outlet.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
