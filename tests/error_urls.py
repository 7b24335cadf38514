"""The site's URLs plus one view that fails, to see the 500 page as a reader would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from newsroom.urls import handler500
from newsroom.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure for the 500 page test")


urlpatterns = [path("deliberate-failure/", fail), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
