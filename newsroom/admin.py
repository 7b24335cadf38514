"""The support campaign in the admin: editors set the appeal, goal and the amount raised."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.models import SupportCampaign


@admin.register(SupportCampaign)
class SupportCampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "on_the_site", "raised", "goal", "currency", "starts_at", "ends_at"]
    list_filter = ["currency"]
    search_fields = ["title", "appeal"]
    date_hierarchy = "starts_at"
    # An address typed without a scheme is the payment page over HTTPS, never plain HTTP.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "appeal", "donate_url"]}),
        ("Money", {"fields": ["goal", "raised", "currency"]}),
        ("Dates", {"fields": ["starts_at", "ends_at"]}),
    ]

    @admin.display(description=_("On the site"), boolean=True)
    def on_the_site(self, obj: SupportCampaign) -> bool:
        return obj.is_running()
