"""The support campaign and its gifts in the admin: editors set the appeal and goal, record gifts
by hand, and export them as CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin.private_fields import PrivateFieldsAdmin
from newsroom import gift_export
from newsroom.models import Gift, SupportCampaign, format_money

EMAIL_CODENAME = "newsroom.see_email_gift"


def may_see_donor_email(user: User | AnonymousUser) -> bool:
    return bool(user.has_perm(EMAIL_CODENAME))


@admin.register(SupportCampaign)
class SupportCampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "on_the_site", "raised", "goal", "currency", "starts_at", "ends_at"]
    list_filter = ["currency"]
    search_fields = ["title", "appeal"]
    date_hierarchy = "starts_at"
    readonly_fields = ["raised_so_far"]
    # An address typed without a scheme is the payment page over HTTPS, never plain HTTP.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "appeal", "donate_url"]}),
        ("Money", {"fields": ["goal", "currency", "raised_so_far"]}),
        ("Dates", {"fields": ["starts_at", "ends_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportCampaign]:
        # The list's totals in its one query; the site itself reads the cached total instead.
        return super().get_queryset(request).annotate(gift_sum=Sum("gifts__amount"))

    @admin.display(description=_("On the site"), boolean=True)
    def on_the_site(self, obj: SupportCampaign) -> bool:
        return obj.is_running()

    @admin.display(description=_("Raised"), ordering="gift_sum")
    def raised(self, obj: SupportCampaign) -> str:
        return format_money(getattr(obj, "gift_sum", None) or Decimal(0), obj.currency)

    @admin.display(description=_("Raised so far"))
    def raised_so_far(self, obj: SupportCampaign) -> str:
        if obj.pk is None:
            return "—"
        gifts = reverse("admin:newsroom_gift_changelist") + f"?campaign__id__exact={obj.pk}"
        return format_html(
            '{} · <a href="{}">{}</a>',
            self.raised(obj),
            gifts,
            _("the gifts, and record one by hand"),
        )


class GiftForm(ModelForm):
    class Meta:
        model = Gift
        fields = [
            "campaign",
            "amount",
            "currency",
            "received_at",
            "source",
            "frequency",
            "donor_name",
            "donor_email",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields.get("source")
        if source is not None and not (self.instance.pk and self.instance.is_online):
            # Online gifts only ever come from Stripe's webhook.
            source.choices = [c for c in Gift.Source.choices if c[0] != Gift.Source.ONLINE]  # type: ignore[attr-defined]  # a ChoiceField's


@admin.register(Gift)
class GiftAdmin(PrivateFieldsAdmin):
    form = GiftForm
    # Donors' addresses are no role's (README, "Roles"): not in the form, the list, the search,
    # the CSV, nor a lookup in the URL, for anyone without `see_email_gift`.
    private_fields = {"donor_email": may_see_donor_email}
    list_display = ["received_at", "amount_shown", "donor", "source", "frequency", "campaign"]
    list_filter = ["campaign", "source", "frequency", "currency"]
    date_hierarchy = "received_at"
    list_select_related = ["campaign"]
    # Never the e-mail: a search would tell an editor whose address it is.
    search_fields = ["donor_name", "note", "stripe_payment"]
    ordering = ["-received_at", "-pk"]
    actions = ["export_csv"]
    list_per_page = 100

    def get_fields(self, request: HttpRequest, obj: Gift | None = None) -> Any:
        fields = ["campaign", "amount", "currency", "received_at", "source", "frequency"]
        fields += ["donor_name", "donor_email", "note"]
        if obj is not None and obj.is_online:
            fields += ["stripe_payment", "stripe_subscription"]
        else:
            fields += ["recorded_by"]
        return self.without_hidden(request, fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Gift | None = None) -> list[str]:
        if obj is not None and obj.is_online:
            # What Stripe reported stays as reported; a note may be added.
            return [f for f in self.get_fields(request, obj) if f != "note"]
        return ["recorded_by"]

    def has_delete_permission(self, request: HttpRequest, obj: Gift | None = None) -> bool:
        # An online gift is money Stripe moved: refunded there, never deleted here by the desk.
        if obj is not None and obj.is_online and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        campaign = SupportCampaign.objects.current()
        if campaign is not None:
            initial.setdefault("campaign", str(campaign.pk))
            initial.setdefault("currency", campaign.currency)
        initial.setdefault("source", Gift.Source.CHEQUE)
        return initial

    def save_model(self, request: HttpRequest, obj: Gift, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user  # type: ignore[assignment]  # staff are Users
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_shown(self, obj: Gift) -> str:
        return obj.amount_display

    @admin.display(description=_("Donor"), ordering="donor_name")
    def donor(self, obj: Gift) -> str:
        return obj.donor_display

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data:
            changelist = response.context_data.get("cl")
            if changelist is not None:
                # The totals of what the filters show, per currency: one grouped query.
                rows = (
                    changelist.queryset.order_by()
                    .values("currency")
                    .annotate(total=Sum("amount"), count=Count("pk"))
                    .order_by("currency")
                )
                response.context_data["gift_totals"] = [
                    {"total": format_money(r["total"], r["currency"]), "count": r["count"]}
                    for r in rows
                ]
        return response

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("newsroom.export_gift")

    @admin.action(description=_("Export selected gifts as CSV"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Gift]) -> HttpResponse:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="gifts-{stamp}.csv"'
        gifts = queryset.select_related("campaign").order_by("received_at", "pk")
        gift_export.write_csv(gifts, response, with_email=self.may_see(request, "donor_email"))
        return response
