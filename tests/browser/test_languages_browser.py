"""The reader site in Spanish and in Arabic (right to left), in Chromium.

The demo outlet is loaded, its front-page stories are given headlines in the language, and the
site's language is switched as NEWSROOM_LANGUAGE does (LANGUAGE_CODE). Each page is checked
for its lang and dir, the words and dates a reader of that language sees, a mirrored layout
in Arabic, and axe-core's serious or critical WCAG 2.2 AA violations (there must be none).
NEWSROOM_SCREENSHOTS=1 refreshes the pictures in docs/screenshots/.
"""

from __future__ import annotations

import os
import re
from functools import partial
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings

from articles.models import Article
from newsroom.demo import pictures as demo_content
from tests.browser.conftest import DESKTOP, PHONE, WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Fictional headlines and standfirsts for The Harbour Gazette in each language.
HEADLINES = {
    "es": [
        (
            "El pleno aprueba la reparación del malecón",
            "Las obras durarán ocho meses y cerrarán el paseo por tramos.",
        ),
        (
            "Los pescadores piden más amarres en el muelle norte",
            "La cofradía calcula que faltan cuarenta plazas.",
        ),
        (
            "La biblioteca del puerto abrirá también los domingos",
            "El horario nuevo empieza en primavera.",
        ),
        (
            "Un velero histórico vuelve a la bahía tras su restauración",
            "Tres años de trabajo de voluntarios.",
        ),
        (
            "Cierra la lonja antigua y abre la nueva junto a la estación",
            "Los puestos se trasladan el lunes.",
        ),
        (
            "La marea más alta del año anega la calle del Faro",
            "Los vecinos reclaman una barrera permanente.",
        ),
    ],
    "ar": [
        (
            "المجلس يوافق على إصلاح جدار الميناء",
            "تستمر الأعمال ثمانية أشهر وتغلق الممشى على مراحل.",
        ),
        ("الصيادون يطالبون بمراسٍ إضافية في الرصيف الشمالي", "تقدّر الجمعية النقص بأربعين مرسى."),
        ("مكتبة الميناء تفتح أبوابها أيام الأحد أيضًا", "يبدأ الدوام الجديد في الربيع."),
        ("سفينة شراعية تاريخية تعود إلى الخليج بعد ترميمها", "ثلاث سنوات من عمل المتطوعين."),
        ("إغلاق سوق السمك القديم وافتتاح الجديد قرب المحطة", "تنتقل الأكشاك يوم الاثنين."),
        ("أعلى مدّ في العام يغمر شارع المنارة", "السكان يطالبون بحاجز دائم."),
    ],
}


@pytest.fixture
def site_in(live_server, roles, monkeypatch):
    """`site_in("es")`: the demo, its newest stories retitled in the language, the site in it."""
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "a-demo-password-for-tests")
    monkeypatch.setattr(
        demo_content, "draw_image", partial(demo_content.draw_image, size=(800, 450))
    )
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    overrides = []

    def switch(code: str) -> str:
        stories = Article.objects.published().order_by(
            F("featured_position").asc(nulls_last=True), "-published_at"
        )
        for story, (headline, standfirst) in zip(stories, HEADLINES[code], strict=False):
            story.headline, story.standfirst = headline, standfirst
            story.save(update_fields=["headline", "standfirst"])
        override = override_settings(LANGUAGE_CODE=code)
        override.enable()
        overrides.append(override)
        for cache in caches.all():
            cache.clear()
        return live_server.url

    yield switch
    for override in overrides:
        override.disable()
    for cache in caches.all():
        cache.clear()


def _lead() -> Article:
    return Article.objects.published().get(slug="council-approves-harbour-wall-repairs")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_and_a_story_in_spanish(site_in, page_at, axe_violations, width):
    url = site_in("es")
    page = page_at(width)
    page.goto(url + "/")
    assert page.evaluate("[document.documentElement.lang, document.dir]") == ["es", "ltr"]
    assert page.locator(".skip-link").inner_text() == "Ir al contenido"
    assert page.get_by_role("search").get_by_role("button").inner_text() == "Buscar"
    assert page.locator(".lead h3").inner_text() == HEADLINES["es"][0][0]
    assert page.locator(".lead .byline").inner_text().startswith("Por ")
    headings = [h.strip().lower() for h in page.locator("main h2.block-heading").all_inner_texts()]
    assert headings[:2] == ["destacadas", "lo último"]
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}", page.locator(".lead time").inner_text())
    assert axe_violations(page) == []

    page.goto(url + _lead().get_absolute_url())
    meta = page.locator(".story__meta").inner_text()
    assert "Publicado" in meta and "min de lectura" in meta
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}, \d{2}:\d{2}", meta)
    assert page.get_by_role("heading", name="Fuentes y cifras").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_and_a_story_right_to_left(site_in, page_at, axe_violations, width):
    url = site_in("ar")
    page = page_at(width)
    page.goto(url + "/")
    assert page.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    assert page.locator(".skip-link").inner_text() == "انتقل إلى المحتوى"
    assert page.locator(".lead h3").inner_text() == HEADLINES["ar"][0][0]
    # Mirrored: the outlet's name starts at the right edge, text aligns right.
    name = page.locator(".site-name").bounding_box()
    assert name is not None and name["x"] + name["width"] > width * 0.9
    assert name["x"] > 0.5 * width or width == PHONE
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []

    page.goto(url + _lead().get_absolute_url())
    assert page.evaluate("document.dir") == "rtl"
    headline = page.locator("h1").bounding_box()
    assert headline is not None and headline["x"] + headline["width"] > width * 0.6
    assert axe_violations(page) == []


def test_screenshots_in_spanish_and_arabic(site_in, page_at, tmp_path):
    """Set NEWSROOM_SCREENSHOTS=1 to refresh the committed pictures in docs/screenshots/."""
    folder = SCREENSHOTS if os.environ.get("NEWSROOM_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    url = site_in("es")
    for code in ["es", "ar"]:
        if code == "ar":
            url = site_in("ar")
        for name, width, height in [("desktop", DESKTOP, 1300), ("phone", PHONE, 1500)]:
            page = page_at(width, height)
            page.goto(url + "/")
            path = folder / f"front-page-{code}-{name}.png"
            page.screenshot(path=str(path))
            assert 10_000 < path.stat().st_size < 2_000_000
