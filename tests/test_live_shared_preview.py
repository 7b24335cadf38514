"""A shared preview behind the shipped nginx config: never stored by nginx, so a revoked link
is a 404 at once and no reader is ever served someone's preview from the cache."""

from __future__ import annotations

import pytest

from loopback.servers import Site, fetch

pytestmark = pytest.mark.live


def test_nginx_never_keeps_a_shared_preview_and_a_revoked_one_is_gone_at_once(
    live_site: Site,
) -> None:
    out = live_site.shell(
        "from django.contrib.auth.models import User\n"
        "from articles.models import Article, PreviewLink\n"
        "section = Article.objects.published().first().section\n"
        "draft = Article.objects.create(headline='Nginx drill: embargoed harbour sale',"
        " slug='nginx-drill-preview', section=section, body='<p>Not out yet.</p>')\n"
        "editor = User.objects.get(username='editor')\n"
        "link = PreviewLink.create(article=draft, by=editor)\n"
        "print(link.pk, link.get_absolute_url())"
    )
    pk, path = out.split()

    first, second = fetch(live_site.nginx_url + path), fetch(live_site.nginx_url + path)

    assert (first.status, second.status) == (200, 200)
    assert "Preview — not published." in second.body.decode()
    assert second.header("X-Cache-Status") != "HIT"
    assert "no-store" in second.header("Cache-Control")

    live_site.shell(
        f"from articles.models import PreviewLink\nPreviewLink.objects.get(pk={pk}).revoke(by=None)"
    )
    gone = fetch(live_site.nginx_url + path)
    assert gone.status == 404
    assert "embargoed harbour sale" not in gone.body.decode()
