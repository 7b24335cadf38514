"""Django's hello world, for the benchmark's floor: one view, no apps, no middleware, no
database, served by the same gunicorn settings as the site
(`gunicorn --config gunicorn.conf.py loopback.hello:application`). The trivial view is the
same answer through everything the site runs per request; the two side by side say what that
costs."""

from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-only-on-loopback",  # noqa: S106  # nosec B106  # signs nothing
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The tide is in.", content_type="text/plain")


urlpatterns = [path("bench/trivial/", hello)]

application = get_wsgi_application()
