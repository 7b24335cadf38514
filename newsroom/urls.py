from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.feeds import StoriesFeed
from articles.sitemaps import SITEMAPS
from newsroom import views

admin.site.site_header = f"{settings.SITE_NAME} — Newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom"

handler500 = "newsroom.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("support/", views.support, name="support"),
    path("feed/", StoriesFeed(), name="feed"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("moderation/", include("comments.moderation_urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
