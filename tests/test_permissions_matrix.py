"""The permissions matrix: every URL the site has, tried as every role.

The URL list is not written here: it is walked from the URL configuration (every admin page of
every registered ModelAdmin, the moderation queue, comment and private views), and every
pattern must be classified below. A new view that nobody classified fails the test with its
name, so it cannot ship without someone deciding who may open it.

What each role may do is the roles table (README, "Roles"), written out as expectations, not
read back from the groups (that would only prove the groups equal themselves):

| group | may |
| Writers | create stories, edit their own drafts, submit for review; cannot publish |
| Editors | everything editorial: edit any story, publish, schedule, correct, manage sources… |
| Moderators | moderation queue, comment admin, word lists, blocks; read-only on live stories |

Outcomes: ok (200), login (302 to the sign-in page), denied (403), missing (404), index (302
to the admin index; also the admin's "this object does not exist" to someone who may not see
it), moved (302 elsewhere on the site), not-allowed (405), bad (400).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Outlet,
    PreviewLink,
    Publisher,
)
from comments.models import (
    Block,
    Comment,
    Flag,
    ModerationEvent,
    ModerationLimits,
    ModerationWord,
    SpamModel,
)
from comments.notifications import unsubscribe_url
from comments.trust import confirmation_token
from newsletter import tokens as newsletter_tokens
from newsletter.composing import compose_edition
from newsletter.models import Newsletter, Subscriber, Subscription
from tests.admin_forms import story_post_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    FigureFactory,
    GiftFactory,
    MetricFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
    SupportCampaignFactory,
    UserFactory,
    published_article,
)
from tests.test_media_library import library_image

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "nobody", "writer", "editor", "moderator"]
STAFF = ROLES[1:]

# --- What the roles table allows, per admin model: role -> v(iew) a(dd) c(hange) d(elete) ---
# Anonymous visitors are sent to sign in everywhere in the admin; "nobody" (a staff account in
# no group) may sign in and do nothing.
EDITORIAL = {"writer": "v", "editor": "vacd", "moderator": "v"}
MODELS: dict[str, dict[str, str]] = {
    "articles.section": EDITORIAL,
    "articles.author": EDITORIAL,
    "articles.metric": EDITORIAL,
    "articles.publisher": EDITORIAL,
    # Writers record sources and people for their own stories; only editors delete them.
    "articles.source": {"writer": "vac", "editor": "vacd", "moderator": "v"},
    "articles.person": {"writer": "vac", "editor": "vacd", "moderator": "v"},
    # The media library: writers upload and describe pictures; only editors delete them.
    "articles.image": {"writer": "vac", "editor": "vacd", "moderator": "v"},
    # The outlet's one row (logo, share picture): it exists, so nobody adds or deletes one.
    "articles.outlet": {"editor": "vc"},
    # Figures and quotes: writers edit them inline on their own stories, not from the lists.
    "articles.figure": EDITORIAL,
    "articles.quote": EDITORIAL,
    "articles.articleredirect": {"editor": "vacd"},
    # Stories: see ARTICLE_OBJECTS for whose story it is.
    "articles.article": {"writer": "vac", "editor": "vacd", "moderator": "v"},
    "taggit.tag": {"writer": "v", "editor": "vacd"},
    "newsroom.supportcampaign": {"editor": "vacd"},
    # Gifts are the outlet's money: editors record and export them; nobody else sees them.
    "newsroom.gift": {"editor": "vacd"},
    # The newsletter is the editors' alone; subscribers sign themselves up (no "add").
    "newsletter.newsletter": {"editor": "vacd"},
    "newsletter.edition": {"editor": "vacd"},
    "newsletter.subscriber": {"editor": "vcd"},
    # Comments come from readers only (no "add"); moderators and editors read and remove.
    "comments.comment": {"editor": "vcd", "moderator": "vcd"},
    # The moderation log is append-only: read it, never add, change or delete.
    "comments.moderationevent": {"editor": "v", "moderator": "v"},
    "comments.flag": {"editor": "vacd", "moderator": "vacd"},
    "comments.moderationword": {"editor": "vacd", "moderator": "vacd"},
    "comments.block": {"editor": "vacd", "moderator": "vacd"},
    # One row of limits: it exists here, so nobody adds another, and nobody deletes it.
    "comments.moderationlimits": {"editor": "vc", "moderator": "vc"},
    # The learned spam score: trained by a command; people only move its threshold.
    "comments.spammodel": {"editor": "vc", "moderator": "vc"},
    # Accounts and groups are the site administrator's (a superuser), not any newsroom role.
    "auth.user": {},
    "auth.group": {},
    # Sign-in attempts and lockouts, and staff's two-factor devices: the site administrator's
    # too (a superuser unlocks an address or removes a lost phone).
    "axes.accessattempt": {},
    "axes.accesslog": {},
    "axes.accessfailurelog": {},
    "otp_totp.totpdevice": {},
    "otp_static.staticdevice": {},
}
ADMIN_KINDS = {"changelist", "add", "change", "delete", "history"}

# The writer's own draft and a published story by someone else: a writer edits only the first.
ARTICLE_OBJECTS = ["own draft", "published story"]


def admin_expectation(model: str, kind: str, role: str, variant: str = "") -> str:
    if role == "anonymous":
        return "login"
    perms = MODELS[model].get(role, "")
    hidden_story = (role == "writer" and variant == "published story") or (
        role == "moderator" and variant == "own draft"  # the writer's draft
    )
    if model == "articles.article" and hidden_story and kind not in {"changelist", "add"}:
        # Not theirs to open (Article.objects.for_staff): the admin says it does not exist
        # (change) or refuses (delete, and the history that simple-history reads outside the
        # admin's list).
        return "index" if kind == "change" else "denied"
    if (
        model in {"articles.figure", "articles.quote"}
        and role == "writer"
        and kind
        in {
            "change",
            "history",
        }
    ):
        # The matrix's figure and quote belong to a story by someone else, which a writer
        # may not open; the registries list only the stories a user may see.
        return "index"
    needed = {"changelist": "vc", "history": "vc", "change": "vc", "add": "a", "delete": "d"}
    return "ok" if set(needed[kind]) & set(perms) else "denied"


def staff_only(allowed: set[str], other: str = "denied") -> dict[str, str]:
    """Anonymous → sign in; the listed roles → ok; other staff → `other`."""
    return {
        role: "login" if role == "anonymous" else ("ok" if role in allowed else other)
        for role in ROLES
    }


EVERYONE = dict.fromkeys(ROLES, "ok")
MODERATION = staff_only({"editor", "moderator"})

# --- Every other URL, by name (or by route when unnamed) -----------------------------------
OTHER_URLS: dict[str, dict[str, str]] = {
    # The reader site: the same for everyone.
    "home": EVERYONE,
    "healthz": EVERYONE,
    "search": EVERYONE,
    "support": EVERYONE,
    "support-thanks": EVERYONE,
    "support-cancelled": EVERYONE,
    # POST only: the gift form (tests/test_gifts_form.py) and Stripe's webhook (signed).
    "support-give": dict.fromkeys(ROLES, "not-allowed"),
    "stripe-webhook": dict.fromkeys(ROLES, "not-allowed"),
    "feed": EVERYONE,
    "robots": EVERYONE,
    "favicon": EVERYONE,
    "sitemap": EVERYONE,
    "news-sitemap": EVERYONE,
    "articles:story": EVERYONE,
    "articles:month": EVERYONE,
    "articles:year": EVERYONE,
    "articles:section": EVERYONE,
    "articles:section-feed": EVERYONE,
    "articles:author": EVERYONE,
    "articles:tag": EVERYONE,
    "articles:tag-feed": EVERYONE,
    "articles:person": EVERYONE,
    "articles:source": EVERYONE,
    "articles:metric": EVERYONE,
    "articles:corrections": EVERYONE,
    "comments:form_token": EVERYONE,
    "comments:flag": EVERYONE,
    "comments:unsubscribe": EVERYONE,
    "comments:confirm": EVERYONE,  # the page that asks; confirming is its POST
    "comments:post": dict.fromkeys(ROLES, "not-allowed"),  # POST only; tried below
    # The newsletter's reader pages; its POST-only views are tried in test_newsletter_*.
    "newsletter:page": EVERYONE,
    "newsletter:form_token": EVERYONE,
    "newsletter:subscribe": dict.fromkeys(ROLES, "not-allowed"),
    "newsletter:check_inbox": EVERYONE,
    "newsletter:confirm": EVERYONE,  # the page that asks; confirming is its POST
    "newsletter:renew": dict.fromkeys(ROLES, "not-allowed"),
    "newsletter:unsubscribe": EVERYONE,  # the page that asks; POST unsubscribes
    # E-mail services post bounces here with the webhook secret (test_newsletter_bounces);
    # with no NEWSLETTER_ESP, as here, none is answered (test_mail_webhooks).
    "anymail webhooks": dict.fromkeys(ROLES, "missing"),
    # An edition's preview and its "send a test to me" (POST only): editors.
    "admin:newsletter_edition_preview": staff_only({"editor"}),
    "admin:newsletter_edition_send_test": dict.fromkeys(ROLES, "not-allowed")
    | {"anonymous": "login"},
    # Preview of an unpublished story: staff who may view stories; a writer only their own.
    "articles:preview": {
        "anonymous": "login",
        "nobody": "missing",
        "writer": "missing",  # someone else's draft
        "editor": "ok",
        "moderator": "missing",  # moderators see live stories only
    },
    "articles:preview own draft": staff_only({"writer", "editor"}, "missing"),
    # A shared preview is for whoever holds its signed address, account or not.
    "articles:shared_preview": EVERYONE,
    # Making and revoking shared previews: editors only (any story they may open).
    "admin:articles_article_share_preview": staff_only({"editor"}),
    # The moderators' pages.
    "moderation:queue": MODERATION,
    "moderation:log": MODERATION,
    "moderation:log_csv": MODERATION,
    "moderation:act": staff_only({"editor", "moderator"})
    | {"editor": "not-allowed", "moderator": "not-allowed"},
    "moderation:bulk": staff_only({"editor", "moderator"})
    | {"editor": "not-allowed", "moderator": "not-allowed"},
    "moderation:claim": staff_only({"editor", "moderator"})
    | {"editor": "not-allowed", "moderator": "not-allowed"},
    "moderation:commenter": MODERATION,
    "moderation:pick": staff_only({"editor", "moderator"})
    | {"editor": "not-allowed", "moderator": "not-allowed"},
    # The admin's own pages.
    "admin:index": staff_only(set(STAFF)),
    "admin:login": {"anonymous": "ok"} | dict.fromkeys(STAFF, "index"),
    "admin:logout": dict.fromkeys(ROLES, "not-allowed") | {"anonymous": "index"},
    "admin:password_change": staff_only(set(STAFF)),
    "admin:password_change_done": staff_only(set(STAFF)),
    "admin:jsi18n": staff_only(set(STAFF)),
    "admin:view_on_site": staff_only(set(), "moved"),
    # Autocomplete for a story's section box: anyone who may see sections.
    "admin:autocomplete": staff_only({"writer", "editor", "moderator"}),
    "admin:articles_article_tag_suggestions": staff_only({"writer", "editor", "moderator"}),
    # Autosave takes only POST (who may post is tried in tests/test_autosave.py).
    "admin:articles_article_autosave": dict.fromkeys(STAFF, "not-allowed") | {"anonymous": "login"},
    "admin:articles_article_autosave_new": dict.fromkeys(STAFF, "not-allowed")
    | {"anonymous": "login"},
    # A library picture's figure for the body: whoever may see the library.
    "admin:articles_image_figure": staff_only({"writer", "editor", "moderator"}),
    # A past version of a story (simple-history): those who may change it.
    # A past version of a story (simple-history): read-only for moderators, never another
    # writer's story for a writer.
    "admin:articles_article_simple_history": staff_only({"editor", "moderator"}),
    "admin:articles_article_simple_history own draft": staff_only({"writer", "editor"}),
    # Merging tags re-tags stories: editors only (taggit alone lets any viewer merge). With
    # no tags chosen first, the page sends the editor back to the list.
    "admin:taggit_tag_merge_tags": staff_only(set()) | {"editor": "moved"},
    "admin:auth_user_password_change": staff_only(set()),
    # The second step of signing in: with no device and none required (as here), entering a
    # code has nothing to ask and sends on to the admin; anyone signed in may set one up.
    "two_factor_verify": {"anonymous": "login"} | dict.fromkeys(STAFF, "index"),
    "two_factor_enrol": staff_only(set(STAFF)),
    # Forgotten passwords: open to everyone (a bad link says so on its page).
    "admin_password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    # A device's key as a QR code: never shown once the device exists, to anyone here.
    "admin:otp_totp_totpdevice_config": staff_only(set()),
    "admin:otp_totp_totpdevice_qrcode": staff_only(set()),
    # An app's page in the admin exists for those who may see something in that app.
    "admin:app_list articles": staff_only({"writer", "editor", "moderator"}, "missing"),
    "admin:app_list comments": staff_only({"editor", "moderator"}, "missing"),
    "admin:app_list taggit": staff_only({"writer", "editor"}, "missing"),
    "admin:app_list newsroom": staff_only({"editor"}, "missing"),
    "admin:app_list newsletter": staff_only({"editor"}, "missing"),
    "admin:app_list auth": staff_only(set(), "missing"),
    "admin:app_list axes": staff_only(set(), "missing"),
    "admin:app_list otp_totp": staff_only(set(), "missing"),
    "admin:app_list otp_static": staff_only(set(), "missing"),
    # Unnamed: admin/<model>/<id>/ forwards to the change page; the admin's catch-all.
    "route admin object shortcut": staff_only(set(), "moved"),
    "route admin catch-all": dict.fromkeys(STAFF, "missing") | {"anonymous": "login"},
    "route media": dict.fromkeys(ROLES, "missing"),
}


# --- Walking the URL configuration -----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None


def all_routes() -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                yield Route(prefix + str(entry.pattern), name)

    yield from walk(get_resolver(), "", None)


def admin_model_urls() -> dict[str, str]:
    """url name → "app.model" for every registered ModelAdmin."""
    names = {}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        for kind in ADMIN_KINDS:
            names[f"admin:{label}_{kind}"] = f"{model._meta.app_label}.{model._meta.model_name}"
    return names


# --- The objects URLs are filled from ----------------------------------------------------------


class Objects:
    def __init__(self, writer: Any, editor: Any, moderator: Any) -> None:
        self.writer, self.editor, self.moderator = writer, editor, moderator
        self.section = SectionFactory(name="Harbour", slug="harbour")
        self.author = AuthorFactory(name="Hal Harbour", slug="hal-harbour")
        self.story = published_article(headline="Fares rise", section=self.section)
        self.story.tags.add("ferries")
        ArticleAuthor.objects.create(article=self.story, author=self.author)
        self.own_draft = ArticleFactory(headline="Writer's draft", created_by=writer)
        self.other_draft = ArticleFactory(headline="Editor's draft", created_by=editor)
        self.source = SourceFactory()
        self.metric = MetricFactory()
        self.publisher = Publisher.objects.create(name="Meridian News Agency", kind="agency")
        self.person = PersonFactory()
        self.figure = FigureFactory(article=self.story, source=self.source, metric=self.metric)
        self.quote = QuoteFactory(article=self.story, person=self.person, source=self.source)
        self.story.source_links.get_or_create(source=self.source)
        self.redirect = ArticleRedirect.objects.create(old_path="/old/", article=self.story)
        self.comment = CommentFactory(article=self.story)
        self.comment.approve(by=moderator, reason="Fair")
        self.event = ModerationEvent.objects.first()
        self.flag = Flag.objects.create(comment=self.comment, reason="abuse")
        self.word = ModerationWord.objects.create(word="scoundrel", action="hold")
        self.block = Block.objects.create(kind="email", value="spam@example.test")
        self.limits = ModerationLimits.objects.create()
        self.spam_model = SpamModel.objects.create(counts={}, examples=10, held_back=2)
        self.campaign = SupportCampaignFactory()
        self.gift = GiftFactory(campaign=self.campaign, donor_name="Rosalind Trevenna")
        self.image = library_image()
        self.tag = Tag.objects.get(name="ferries")
        self.group = Group.objects.get(name="Writers")
        self.user = UserFactory(username="someone-else")
        attempt = {"username": "someone-else", "ip_address": "203.0.113.9", "user_agent": "x"}
        self.access_attempt = AccessAttempt.objects.create(
            **attempt, get_data="", post_data="", http_accept="", path_info="/admin/login/",
            failures_since_start=1, attempt_time=timezone.now(),
        )  # fmt: skip
        self.access_log = AccessLog.objects.create(**attempt, attempt_time=timezone.now())
        self.access_failure = AccessFailureLog.objects.create(
            **attempt, attempt_time=timezone.now()
        )
        self.totp_device = TOTPDevice.objects.create(user=self.user, name="Phone")
        self.static_device = StaticDevice.objects.create(user=self.user, name="Recovery codes")
        history = self.story.history.first()
        self.story_history = history.history_id
        self.own_draft_history = self.own_draft.history.first().history_id
        self.shared_preview = PreviewLink.create(article=self.other_draft, by=editor)
        self.newsletter = Newsletter.objects.create(name="The Morning Tide", slug="morning-tide")
        self.subscriber = Subscriber.objects.create(email="reader@example.test")
        self.subscription = Subscription.objects.create(
            subscriber=self.subscriber, newsletter=self.newsletter
        )
        self.edition = compose_edition(self.newsletter)

    def for_model(self, model: str, variant: str = "") -> Any:
        if model == "articles.article":
            return self.own_draft if variant == "own draft" else self.story
        return {
            "articles.section": self.section,
            "articles.author": self.author,
            "articles.metric": self.metric,
            "articles.publisher": self.publisher,
            "articles.source": self.source,
            "articles.person": self.person,
            "articles.figure": self.figure,
            "articles.quote": self.quote,
            "articles.articleredirect": self.redirect,
            "articles.image": self.image,
            "articles.outlet": Outlet.objects.get(),
            "taggit.tag": self.tag,
            "newsroom.supportcampaign": self.campaign,
            "newsroom.gift": self.gift,
            "comments.comment": self.comment,
            "comments.moderationevent": self.event,
            "comments.flag": self.flag,
            "comments.moderationword": self.word,
            "comments.block": self.block,
            "comments.moderationlimits": self.limits,
            "comments.spammodel": self.spam_model,
            "auth.user": self.user,
            "auth.group": self.group,
            "axes.accessattempt": self.access_attempt,
            "axes.accesslog": self.access_log,
            "axes.accessfailurelog": self.access_failure,
            "otp_totp.totpdevice": self.totp_device,
            "otp_static.staticdevice": self.static_device,
            "newsletter.newsletter": self.newsletter,
            "newsletter.edition": self.edition,
            "newsletter.subscriber": self.subscriber,
        }[model]

    def other_paths(self) -> dict[str, str]:
        """The path to request for each classified non-model URL."""
        story, month = self.story, self.story.published_at
        article_type = ContentType.objects.get_for_model(Article)
        return {
            "home": "/",
            "healthz": "/healthz",
            "search": "/search/?q=fares",
            "support": "/support/",
            "support-thanks": reverse("support-thanks"),
            "support-cancelled": reverse("support-cancelled"),
            "support-give": reverse("support-give"),
            "stripe-webhook": reverse("stripe-webhook"),
            "feed": "/feed/",
            "robots": "/robots.txt",
            "favicon": "/favicon.ico",
            "sitemap": "/sitemap.xml",
            "news-sitemap": "/news-sitemap.xml",
            "articles:story": story.get_absolute_url(),
            "articles:month": f"/{month:%Y}/{month:%m}/",
            "articles:year": f"/{month:%Y}/",
            "articles:section": reverse("articles:section", args=["harbour"]),
            "articles:section-feed": reverse("articles:section-feed", args=["harbour"]),
            "articles:author": reverse("articles:author", args=["hal-harbour"]),
            "articles:tag": reverse("articles:tag", args=["ferries"]),
            "articles:tag-feed": reverse("articles:tag-feed", args=["ferries"]),
            "articles:person": reverse("articles:person", args=[self.person.slug]),
            "articles:source": reverse("articles:source", args=[self.source.pk]),
            "articles:metric": reverse("articles:metric", args=[self.metric.slug]),
            "articles:corrections": reverse("articles:corrections"),
            "comments:form_token": reverse("comments:form_token") + f"?article={story.pk}",
            "comments:flag": reverse("comments:flag", args=[self.comment.pk]),
            "comments:unsubscribe": unsubscribe_url("reader@example.test").split("testserver")[-1],
            "comments:confirm": reverse(
                "comments:confirm", args=[confirmation_token(self.comment)]
            ),
            "comments:post": reverse("comments:post", args=[story.pk]),
            "newsletter:page": reverse("newsletter:page"),
            "newsletter:form_token": reverse("newsletter:form_token"),
            "newsletter:subscribe": reverse("newsletter:subscribe"),
            "newsletter:check_inbox": reverse("newsletter:check_inbox"),
            "newsletter:confirm": reverse(
                "newsletter:confirm",
                args=[
                    newsletter_tokens.confirmation_token(self.subscriber.pk, [self.newsletter.pk])
                ],
            ),
            "newsletter:renew": reverse("newsletter:renew"),
            "newsletter:unsubscribe": reverse(
                "newsletter:unsubscribe",
                args=[newsletter_tokens.unsubscribe_token(self.subscription.pk)],
            ),
            "anymail webhooks": reverse("anymail:postmark_tracking_webhook"),
            "admin:newsletter_edition_preview": reverse(
                "admin:newsletter_edition_preview", args=[self.edition.pk]
            ),
            "admin:newsletter_edition_send_test": reverse(
                "admin:newsletter_edition_send_test", args=[self.edition.pk]
            ),
            "articles:preview": reverse("articles:preview", args=[self.other_draft.pk]),
            "articles:preview own draft": reverse("articles:preview", args=[self.own_draft.pk]),
            "articles:shared_preview": self.shared_preview.get_absolute_url(),
            "admin:articles_article_share_preview": reverse(
                "admin:articles_article_share_preview", args=[self.own_draft.pk]
            ),
            "moderation:queue": reverse("moderation:queue"),
            "moderation:log": reverse("moderation:log"),
            "moderation:log_csv": reverse("moderation:log_csv"),
            "moderation:act": reverse("moderation:act", args=[self.comment.pk]),
            "moderation:bulk": reverse("moderation:bulk"),
            "moderation:claim": reverse("moderation:claim", args=[self.comment.pk]),
            "moderation:commenter": reverse("moderation:commenter", args=[self.comment.pk]),
            "moderation:pick": reverse("moderation:pick", args=[self.comment.pk]),
            "admin:index": reverse("admin:index"),
            "admin:login": reverse("admin:login"),
            "admin:logout": reverse("admin:logout"),
            "admin:password_change": reverse("admin:password_change"),
            "admin:password_change_done": reverse("admin:password_change_done"),
            "admin:jsi18n": reverse("admin:jsi18n"),
            "admin:view_on_site": reverse("admin:view_on_site", args=[article_type.pk, story.pk]),
            "admin:autocomplete": reverse("admin:autocomplete")
            + "?app_label=articles&model_name=article&field_name=section&term=Har",
            "admin:articles_article_tag_suggestions": reverse(
                "admin:articles_article_tag_suggestions"
            )
            + "?q=fer",
            "admin:articles_article_autosave": reverse(
                "admin:articles_article_autosave", args=[story.pk]
            ),
            "admin:articles_article_autosave_new": reverse("admin:articles_article_autosave_new"),
            "admin:articles_image_figure": reverse(
                "admin:articles_image_figure", args=[self.image.pk]
            ),
            "admin:articles_article_simple_history": reverse(
                "admin:articles_article_simple_history", args=[story.pk, self.story_history]
            ),
            "admin:articles_article_simple_history own draft": reverse(
                "admin:articles_article_simple_history",
                args=[self.own_draft.pk, self.own_draft_history],
            ),
            "admin:taggit_tag_merge_tags": reverse("admin:taggit_tag_merge_tags"),
            "admin:auth_user_password_change": reverse(
                "admin:auth_user_password_change", args=[self.user.pk]
            ),
            "two_factor_verify": reverse("two_factor_verify"),
            "two_factor_enrol": reverse("two_factor_enrol"),
            "admin_password_reset": reverse("admin_password_reset"),
            "password_reset_done": reverse("password_reset_done"),
            "password_reset_confirm": reverse(
                "password_reset_confirm", args=["MQ", "set-password"]
            ),
            "password_reset_complete": reverse("password_reset_complete"),
            "admin:otp_totp_totpdevice_config": reverse(
                "admin:otp_totp_totpdevice_config", args=[self.totp_device.pk]
            ),
            "admin:otp_totp_totpdevice_qrcode": reverse(
                "admin:otp_totp_totpdevice_qrcode", args=[self.totp_device.pk]
            ),
            **{
                f"admin:app_list {app}": reverse("admin:app_list", args=[app])
                for app in (
                    "articles",
                    "comments",
                    "taggit",
                    "newsroom",
                    "newsletter",
                    "auth",
                    "axes",
                    "otp_totp",
                    "otp_static",
                )
            },
            "route admin object shortcut": f"/admin/articles/section/{self.section.pk}/",
            "route admin catch-all": "/admin/no-such-page/",
            "route media": "/media/no-such-file.jpg",
        }


def classify(route: Route, model_urls: dict[str, str]) -> list[str]:
    """The keys of OTHER_URLS (or admin model URLs) this route is tested under."""
    if route.name in model_urls:
        return [route.name]
    if route.name and route.name.startswith("anymail:"):
        return ["anymail webhooks"]
    if route.name == "admin:app_list":
        return [k for k in OTHER_URLS if k.startswith("admin:app_list ")]
    if route.name:
        keys = [k for k in OTHER_URLS if k == route.name or k.startswith(route.name + " ")]
        return keys
    if re.fullmatch(r"admin/\w+/\w+/<path:object_id>/", route.route):
        return ["route admin object shortcut"]
    if route.route == "admin/(?P<url>.*)$":
        return ["route admin catch-all"]
    if route.route.startswith("^media/"):
        return ["route media"]
    return []


# --- Running a request and naming its outcome -----------------------------------------------


def outcome(response: Any) -> str:
    status = response.status_code
    if status in {301, 302}:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "login"
        if location == reverse("admin:index"):
            return "index"
        return "moved"
    return {
        200: "ok",
        400: "bad",
        403: "denied",
        404: "missing",
        405: "not-allowed",
    }.get(status, str(status))


@pytest.fixture
def clients(writer, editor, moderator, nobody) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role, user in [
        ("nobody", nobody),
        ("writer", writer),
        ("editor", editor),
        ("moderator", moderator),
    ]:
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


@pytest.fixture
def objects(writer, editor, moderator) -> Objects:
    return Objects(writer, editor, moderator)


def test_every_url_pattern_is_classified() -> None:
    model_urls = admin_model_urls()
    unclassified = [
        route.name or route.route for route in all_routes() if not classify(route, model_urls)
    ]
    assert unclassified == [], f"URL patterns missing from the permissions matrix: {unclassified}"
    # Every registered model is in the table, and the table names no model the admin lacks.
    assert set(MODELS) == set(model_urls.values())


def test_every_role_gets_exactly_what_the_roles_table_allows(clients, objects) -> None:
    model_urls = admin_model_urls()
    paths = objects.other_paths()
    cells: list[tuple[str, str, str, str]] = []  # (label, role, path, expected)
    for route in all_routes():
        for key in classify(route, model_urls):
            if key in model_urls:
                model = model_urls[key]
                kind = key.rsplit("_", 1)[1]
                variants = ARTICLE_OBJECTS if model == "articles.article" else [""]
                for variant in variants:
                    obj = objects.for_model(model, variant)
                    args = [] if kind in {"changelist", "add"} else [obj.pk]
                    path = reverse(key, args=args)
                    for role in ROLES:
                        expected = admin_expectation(model, kind, role, variant)
                        cells.append((f"{key} {variant}".strip(), role, path, expected))
            else:
                path = paths[key]
                if key == "route admin object shortcut":
                    # admin/<app>/<model>/<id>/ forwards to that model's change page.
                    app, model_name = route.route.split("/")[1:3]
                    obj = objects.for_model(f"{app}.{model_name}")
                    path = f"/admin/{app}/{model_name}/{obj.pk}/"
                for role in ROLES:
                    cells.append((key, role, path, OTHER_URLS[key][role]))

    wrong = []
    for label, role, path, expected in cells:
        got = outcome(clients[role].get(path))
        if got != expected:
            wrong.append(f"{label} as {role}: expected {expected}, got {got} ({path})")
    patterns = len(list(all_routes()))
    print(f"\npermissions matrix: {patterns} URL patterns, {len(cells)} URL×role cells checked")
    assert wrong == [], "\n".join(wrong)


# --- POST: the buttons and verbs that change things ---------------------------------------------


def _verb_cells(clients: dict[str, Client], objects: Objects) -> list[str]:
    """Each role presses each button once, on a fresh object; the database says what happened."""
    wrong = []

    def check(label: str, role: str, expected: bool, done: bool, response: Any) -> None:
        if expected != done:
            wrong.append(
                f"{label} as {role}: {'allowed' if done else 'refused'} ({outcome(response)})"
            )

    may_moderate = {"editor", "moderator"}
    for role in ROLES:
        client = clients[role]
        for verb, status in [
            ("approve", Comment.Status.APPROVED),
            ("reject", Comment.Status.REJECTED),
            ("spam", Comment.Status.SPAM),
            ("remove", Comment.Status.REMOVED),
            ("block", None),
        ]:
            comment = CommentFactory(article=objects.story, status=Comment.Status.PENDING)
            response = client.post(reverse("moderation:act", args=[comment.pk]), {"action": verb})
            comment.refresh_from_db()
            done = (
                Block.objects.filter(value=comment.email).exists()
                if verb == "block"
                else comment.status == status
            )
            check(f"moderation {verb}", role, role in may_moderate, done, response)

        comment = CommentFactory(article=objects.story, status=Comment.Status.PENDING)
        response = client.post(
            reverse("moderation:bulk"), {"action": "approve", "comments": [comment.pk]}
        )
        comment.refresh_from_db()
        check(
            "moderation bulk approve",
            role,
            role in may_moderate,
            comment.status == "approved",
            response,
        )

        comment = CommentFactory(article=objects.story, status=Comment.Status.PENDING)
        response = client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", "_selected_action": [comment.pk], "index": 0},
        )
        comment.refresh_from_db()
        check(
            "admin comment action publish",
            role,
            role in may_moderate,
            comment.status == "approved",
            response,
        )

        # "Save and publish" on the writer's own draft: only editors publish.
        draft = ArticleFactory(created_by=objects.writer, section=objects.section)
        response = client.post(
            reverse("admin:articles_article_change", args=[draft.pk]),
            {**story_post_data(objects.section, draft), "_publish": "Save and publish"},
        )
        draft.refresh_from_db()
        check(
            "story Save and publish", role, role == "editor", draft.status == "published", response
        )

        draft = ArticleFactory(created_by=objects.writer, section=objects.section)
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_now", "_selected_action": [draft.pk], "index": 0},
        )
        draft.refresh_from_db()
        check(
            "story action Publish now",
            role,
            role == "editor",
            draft.status == "published",
            response,
        )

        # Submitting for review is a writer's (and an editor's) step on a story they may edit.
        draft = ArticleFactory(created_by=objects.writer, section=objects.section)
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "submit_for_review", "_selected_action": [draft.pk], "index": 0},
        )
        draft.refresh_from_db()
        check(
            "story action Submit for review",
            role,
            role in {"writer", "editor"},
            draft.status == "review",
            response,
        )

        victim = ArticleFactory(created_by=objects.writer, section=objects.section)
        response = client.post(
            reverse("admin:articles_article_delete", args=[victim.pk]), {"post": "yes"}
        )
        deleted = not Article.objects.filter(pk=victim.pk).exists()
        check("story delete", role, role == "editor", deleted, response)

        # Merging tags through taggit's action and page re-tags every story.
        old, _ = Tag.objects.get_or_create(name=f"old-{role}")
        objects.story.tags.add(old)
        client.post(
            reverse("admin:taggit_tag_changelist"),
            {"action": "render_tag_form", "_selected_action": [old.pk], "index": 0},
        )
        response = client.post(
            reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": f"merged-{role}"}
        )
        merged = objects.story.tags.filter(name=f"merged-{role}").exists()
        check("tag merge", role, role == "editor", merged, response)
    return wrong


def test_only_the_right_roles_can_press_the_buttons(clients, objects) -> None:
    wrong = _verb_cells(clients, objects)
    print(f"\npermissions matrix: {13 * len(ROLES)} POST verb×role cells checked")
    assert wrong == [], "\n".join(wrong)
