"""The site's URLs plus one trivial view, for `make bench` only (issue #6).

Used as ROOT_URLCONF only when NEWSROOM_BENCH_VIEWS=1, so production never routes to it. The
view goes through every middleware a page does (the page cache looks it up and, since it is
marked never-cache, does not store it), which makes it the floor the benchmark compares the
real pages with: what Django and the middleware cost before any view work.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache


@never_cache
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The tide is in.", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("newsroom.urls")),
]

handler500 = "newsroom.views.server_error"
