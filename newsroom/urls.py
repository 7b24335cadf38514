from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles.feeds import StoriesFeed
from articles.sitemaps import SITEMAPS
from newsroom import mail_webhooks, support_views, two_factor, views
from newsroom.staff_auth import StaffPasswordResetForm

admin.site.site_header = f"{settings.SITE_NAME} — Newsroom"
# The app list beside every page repeats the admin home and took a fifth of a 1280 px screen,
# squeezing the story list and its inlines into sideways scrolling.
admin.site.enable_nav_sidebar = False
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom"

handler500 = "newsroom.views.server_error"

# The e-mail services' delivery webhooks (bounces, complaints: newsletter/bounces.py), answered
# only for NEWSLETTER_ESP (newsroom/mail_webhooks.py).
anymail_tracking = mail_webhooks.tracking_patterns()

# Django's own password-reset views, in the admin's design (its registration/ templates want the
# admin's header), for staff: the admin's sign-in page links the first.
_ADMIN_LOOK = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
staff_sign_in = [
    path("admin/sign-in/code/", two_factor.verify, name="two_factor_verify"),
    path("admin/sign-in/authenticator/", two_factor.enrol, name="two_factor_enrol"),
    path(
        "admin/password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=StaffPasswordResetForm,
            extra_context=_ADMIN_LOOK,
            extra_email_context={"site_name": settings.SITE_NAME},
        ),
        name="admin_password_reset",
    ),
    path(
        "admin/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(extra_context=_ADMIN_LOOK),
        name="password_reset_done",
    ),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(extra_context=_ADMIN_LOOK),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=_ADMIN_LOOK),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("support/", views.support, name="support"),
    path("support/give/", support_views.give, name="support-give"),
    path("support/thanks/", support_views.thanks, name="support-thanks"),
    path("support/cancelled/", support_views.cancelled, name="support-cancelled"),
    path("support/stripe-webhook/", support_views.stripe_webhook, name="stripe-webhook"),
    path("feed/", StoriesFeed(), name="feed"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    # Before the admin's own, whose catch-all would answer these with a 404.
    *staff_sign_in,
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("moderation/", include("comments.moderation_urls")),
    path("newsletter/webhooks/", include((anymail_tracking, "anymail"))),
    path("newsletter/", include("newsletter.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
