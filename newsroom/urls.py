from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom import views

admin.site.site_header = f"{settings.SITE_NAME} — Newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("moderation/", include("comments.moderation_urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
