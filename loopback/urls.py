"""The site's URLs plus the test-only pages of loopback/views.py: the ROOT_URLCONF settings.py
picks when NEWSROOM_TEST_ROUTES=1, and only then. The test pages come first but share no address
with the site, so every real page resolves as it does in production."""

from django.urls import include, path

from loopback import views

planted = [
    path("", views.index),
    path("echo/", views.echo),
    path("lookup/", views.lookup),
]

urlpatterns = [
    path("bench/trivial/", views.trivial, name="bench-trivial"),
    path("bench/plain/<int:pk>/", views.plain_story, name="bench-plain-story"),
    path("__battery__/", include(planted)),
    path("", include("newsroom.urls")),
]

handler500 = "newsroom.views.server_error"
