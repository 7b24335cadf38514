"""The newsletter in the admin: lists, editions (compose, reorder, leave out, preview, send a
test to yourself, approve) and subscribers. Who sees what is newsroom/roles.py's table:
editors manage all of it; writers and moderators see none of it, addresses included."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from newsletter import composing, mail
from newsletter.models import Delivery, Edition, EditionItem, Newsletter, Subscriber, Subscription

log = logging.getLogger(__name__)


def confirmed_subscriptions() -> Count:
    """Confirmed subscriptions, counted in the list's one query: a list's readers, or an
    address's lists (both models name their subscriptions `subscriptions`)."""
    return Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.CONFIRMED))


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "frequency", "in_signup_box", "is_active", "confirmed"]
    list_editable = ["in_signup_box", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["compose_next_edition"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Newsletter]:
        return super().get_queryset(request).annotate(confirmed_count=confirmed_subscriptions())

    @admin.display(description=gettext_lazy("confirmed subscribers"))
    def confirmed(self, obj: Newsletter) -> int:
        return getattr(obj, "confirmed_count", 0)

    @admin.action(description=gettext_lazy("Compose the next edition"), permissions=["add_edition"])
    def compose_next_edition(self, request: HttpRequest, queryset: QuerySet[Newsletter]) -> None:
        for newsletter in queryset.filter(is_active=True):
            edition = composing.compose_edition(newsletter, by=request.user)
            self.message_user(
                request,
                _("Composed “%(subject)s” with %(count)s stories.")
                % {"subject": edition.subject, "count": edition.items.count()},
                messages.SUCCESS,
            )

    def has_add_edition_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("newsletter.add_edition")


class EditionItemInline(admin.TabularInline):
    model = EditionItem
    extra = 0
    fields = ["position", "article", "included"]
    autocomplete_fields = ["article"]
    ordering = ["position", "pk"]

    def has_change_permission(self, request: HttpRequest, obj: Edition | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_add_permission(self, request: HttpRequest, obj: Edition | None = None) -> bool:
        return super().has_add_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request: HttpRequest, obj: Edition | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["subject", "newsletter", "status", "period_end", "delivered", "preview_link"]
    list_filter = ["newsletter", "status"]
    list_select_related = ["newsletter"]
    date_hierarchy = "period_end"
    inlines = [EditionItemInline]
    actions = ["send_test_to_me", "approve_for_sending", "recompose"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Edition]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT))
            )
        )

    def get_fields(self, request: HttpRequest, obj: Edition | None = None) -> tuple[str, ...]:
        # Why the sender held the edition, above what the editor corrects.
        fields = ("newsletter", "subject", "period_start", "period_end", "editor_note")
        return ("held_reason", *fields) if obj is not None and obj.held_reason else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Edition | None = None) -> list[str]:
        if obj is not None and not obj.is_editable:
            return ["newsletter", "subject", "period_start", "period_end", "editor_note"]
        if obj is not None and obj.held_reason:
            return ["held_reason"]
        return []

    def save_model(self, request: HttpRequest, obj: Edition, form: object, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]  # staff only here
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: object, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        edition = form.instance  # type: ignore[attr-defined]  # a ModelForm
        if not change and not edition.items.exists():
            composing.fill(edition)

    @admin.display(description=gettext_lazy("sent to"))
    def delivered(self, obj: Edition) -> int:
        return getattr(obj, "sent_count", 0)

    @admin.display(description=gettext_lazy("preview"))
    def preview_link(self, obj: Edition) -> str:
        url = reverse("admin:newsletter_edition_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Preview"))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="newsletter_edition_preview",
            ),
            path(
                "<int:pk>/send-test/",
                self.admin_site.admin_view(require_POST(self.send_test)),
                name="newsletter_edition_send_test",
            ),
        ]
        return own + super().get_urls()

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The edition as its recipients' mail programs show the HTML part."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        rendered = mail.render_edition(edition)
        text = request.GET.get("part") == "text"
        response = HttpResponse(
            rendered.text if text else rendered.html,
            content_type="text/plain; charset=utf-8" if text else "text/html; charset=utf-8",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def send_test(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=pk)
        self._send_test(request, edition)
        return redirect("admin:newsletter_edition_change", pk)

    def _send_test(self, request: HttpRequest, edition: Edition) -> None:
        address = getattr(request.user, "email", "")
        if not address:
            self.message_user(
                request,
                _("Your account has no e-mail address to send the test to."),
                messages.ERROR,
            )
            return
        try:
            rendered = mail.render_edition(edition)
            rendered.message_to(address, "").message()
        except Exception as error:  # a subject saved before validation, a template error
            log.warning("Newsletter test of edition %s could not be built", edition.pk)
            self.message_user(
                request,
                _("The test could not be built (%(error)s). Correct the edition and try again.")
                % {"error": f"{type(error).__name__}: {error}"},
                messages.ERROR,
            )
            return
        try:
            # The test's unsubscribe link leads to the newsletter page: the editor is no
            # subscriber, and a test must not be able to end anyone's subscription.
            rendered.message_to(
                address, mail.absolute(reverse("newsletter:page")), test=True
            ).send()
        except (smtplib.SMTPException, OSError):
            log.warning("Newsletter test of edition %s failed", edition.pk, exc_info=True)
            self.message_user(request, _("The mail server did not take the test."), messages.ERROR)
            return
        self.message_user(
            request,
            _("A test of “%(subject)s” was sent to your own address.")
            % {"subject": edition.subject},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Send a test to me"), permissions=["change"])
    def send_test_to_me(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset.select_related("newsletter")[:5]:
            self._send_test(request, edition)

    @admin.action(description=gettext_lazy("Approve for sending"), permissions=["change"])
    def approve_for_sending(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        approved = sum(edition.approve(by=request.user) for edition in queryset)  # type: ignore[arg-type]  # staff only here
        self.message_user(
            request,
            _("%(count)s edition(s) approved; send_newsletter sends them on its next run.")
            % {"count": approved},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Compose again from the period's stories"), permissions=["change"]
    )
    def recompose(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset.filter(status=Edition.Status.DRAFT):
            composing.fill(edition)
        self.message_user(request, _("Composed again."), messages.SUCCESS)


ENDABLE = {Subscription.Status.PENDING, Subscription.Status.CONFIRMED}


class SubscriptionForm(forms.ModelForm):
    """Double opt-in holds here too: only the reader's confirmation link confirms. An editor
    may end a pending or confirmed subscription (a reader's request to leave), nothing else."""

    class Meta:
        model = Subscription
        fields = ["newsletter", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        current = self.instance.status if self.instance.pk else Subscription.Status.PENDING
        allowed = {current}
        if current in ENDABLE:
            allowed.add(Subscription.Status.UNSUBSCRIBED)
        field.choices = [(v, label) for v, label in Subscription.Status.choices if v in allowed]
        # What a posted "confirmed" (or any other state) meets: the form offers no such choice.
        field.error_messages["invalid_choice"] = _(
            "Only the reader's confirmation link confirms a subscription; here you can only "
            "unsubscribe a reader."
        )

    def save(self, commit: bool = True) -> Subscription:
        subscription = super().save(commit=False)
        ended = subscription.status == Subscription.Status.UNSUBSCRIBED
        if "status" in self.changed_data and ended:
            subscription.ended_at = timezone.now()
        if commit:
            subscription.save()
        return subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    form = SubscriptionForm
    extra = 0
    fields = ["newsletter", "status", "created_at", "confirmed_at", "ended_at"]
    readonly_fields = ["created_at", "confirmed_at", "ended_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Subscriber | None = None) -> list[str]:
        # Moving a subscription to another list would put the reader on a list they never
        # confirmed.
        return [*self.readonly_fields, "newsletter"] if obj is not None else self.readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Subscriber | None = None) -> bool:
        return False  # a reader joins a list by confirming it, never by an editor's hand


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "lists"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmation_sent_at", "soft_bounces"]
    inlines = [SubscriptionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Subscriber | None = None) -> list[str]:
        # A changed address is a new mailbox that never confirmed: it signs up itself.
        base = list(self.readonly_fields)
        return ["email", *base] if obj is not None else base

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).annotate(confirmed_count=confirmed_subscriptions())

    @admin.display(description=gettext_lazy("confirmed lists"))
    def lists(self, obj: Subscriber) -> int:
        return getattr(obj, "confirmed_count", 0)
