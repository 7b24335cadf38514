"""The site in the outlet's language (NEWSROOM_LANGUAGE): settings, pages, dates, feeds,
the news sitemap, search on both databases, and the sourcing check's languages.

A test switches the language as a deployment does, through LANGUAGE_CODE (the setting
NEWSROOM_LANGUAGE sets); the site has no per-reader language.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import languages
from articles.models import Article
from articles.search import (
    fold_accents,
    reindex_articles,
    remake_sqlite_table,
    search_articles,
    sqlite_tokenizer_in_use,
)
from articles.sourcing import ProblemKind, sourcing_problems
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, published_article
from tests.test_password_reset import mailbox  # noqa: F401  (the real SMTP server fixture)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site_language():
    """Switch the site's language for one test, with the page cache emptied either side."""
    overrides = []

    def switch(code: str) -> None:
        override = override_settings(LANGUAGE_CODE=code)
        override.enable()
        overrides.append(override)
        for cache in caches.all():
            cache.clear()

    yield switch
    for override in reversed(overrides):
        override.disable()
    for cache in caches.all():
        cache.clear()


# --- The setting ----------------------------------------------------------------------------


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    code = "from django.conf import settings; print(settings.LANGUAGE_CODE, settings.LANGUAGES)"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "NEWSROOM_DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_newsroom_language_sets_the_language_code() -> None:
    assert _settings_with().stdout.startswith("en-gb ")
    assert _settings_with(NEWSROOM_LANGUAGE="es").stdout.startswith("es ")
    # Any code Django knows, written as people write it, and added to LANGUAGES.
    welsh = _settings_with(NEWSROOM_LANGUAGE="CY")
    assert welsh.stdout.startswith("cy ") and "('cy', 'Cymraeg')" in welsh.stdout


def test_an_unknown_language_stops_start_up_with_the_variable_named() -> None:
    result = _settings_with(NEWSROOM_LANGUAGE="klingon")
    assert result.returncode != 0
    assert "NEWSROOM_LANGUAGE must be a language code Django knows" in result.stderr


@pytest.mark.parametrize(
    ("code", "tag", "direction", "news", "postgres", "fts5"),
    [
        ("en-gb", "en-GB", "ltr", "en", "english", "porter unicode61 remove_diacritics 2"),
        ("es", "es", "ltr", "es", "spanish", "unicode61 remove_diacritics 2"),
        ("ar", "ar", "rtl", "ar", "arabic", "unicode61 remove_diacritics 2"),
        ("he", "he", "rtl", "he", "simple", "unicode61 remove_diacritics 2"),
        ("fa", "fa", "rtl", "fa", "simple", "unicode61 remove_diacritics 2"),
        ("ur", "ur", "rtl", "ur", "simple", "unicode61 remove_diacritics 2"),
        ("zh-hant", "zh-Hant", "ltr", "zh-tw", "simple", "unicode61 remove_diacritics 2"),
        ("cy", "cy", "ltr", "cy", "simple", "unicode61 remove_diacritics 2"),
    ],
)
def test_each_consumer_spells_the_language_its_own_way(
    code: str, tag: str, direction: str, news: str, postgres: str, fts5: str
) -> None:
    assert languages.html_tag(code) == tag
    assert languages.direction(code) == direction
    assert languages.news_sitemap_language(code) == news
    assert languages.postgres_search_config(code) == postgres
    assert languages.fts5_tokenizer(code) == fts5


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_english_page_is_unchanged(client) -> None:
    published_article(headline="Ferry timetable changes")
    page = client.get("/").content.decode()
    assert '<html lang="en-GB" dir="ltr">' in page
    assert "Skip to content" in page and "Front page" in page


@pytest.mark.django_db
def test_a_spanish_site_speaks_spanish_with_spanish_dates(client, site_language) -> None:
    site_language("es")
    at = timezone.make_aware(dt.datetime(2026, 3, 14, 9, 30))
    story = published_article(
        at=at, headline="El ayuntamiento aprueba el nuevo muelle", authors=[AuthorFactory()]
    )
    front = client.get("/").content.decode()
    assert '<html lang="es" dir="ltr">' in front
    for words in [
        "Ir al contenido",
        "Portada",
        "Buscar noticias",
        "Periodismo local independiente.",
    ]:
        assert words in front
    assert "Skip to content" not in front and "Front page" not in front
    assert "14 de marzo de 2026" in front

    page = client.get(story.get_absolute_url()).content.decode()
    assert "Publicado" in page and "min de lectura" in page and "Por " in page
    assert "14 de marzo de 2026, 09:30" in page

    search = client.get(reverse("search"), {"q": "muelle"}).content.decode()
    assert "1 noticia con" in search and "de más a menos relevante" in search


@pytest.mark.django_db
def test_a_right_to_left_site_says_so(client, site_language) -> None:
    site_language("ar")
    published_article(headline="ميناء المدينة يستقبل سفينة جديدة")
    page = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "انتقل إلى المحتوى" in page  # Skip to content
    assert "الصفحة الأولى" in page  # Front page
    # The partial catalogue: a string it lacks falls back to English, never to an empty string.
    assert "Sources and figures" not in page


@pytest.mark.django_db
def test_the_error_pages_wear_the_language(client, site_language) -> None:
    site_language("es")
    page = client.get("/no-such-page/").content.decode()
    assert '<html lang="es" dir="ltr">' in page and "No encontramos esa página" in page
    from newsroom.views import server_error

    error = server_error(None).content.decode()  # type: ignore[arg-type]
    assert '<html lang="es" dir="ltr">' in error and "Algo ha fallado" in error


# --- Feeds and the news sitemap ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "feed", "news"), [("en-gb", "en-gb", "en"), ("es", "es", "es")])
def test_feeds_and_the_news_sitemap_carry_the_language(
    client, site_language, code: str, feed: str, news: str
) -> None:
    site_language(code)
    section = SectionFactory(name="Puerto")
    published_article(section=section)
    assert f"<language>{feed}</language>" in client.get(reverse("feed")).content.decode()
    section_feed = client.get(reverse("articles:section-feed", kwargs={"slug": section.slug}))
    assert f"<language>{feed}</language>" in section_feed.content.decode()
    sitemap = client.get(reverse("news-sitemap")).content.decode()
    assert f"<news:language>{news}</news:language>" in sitemap


@pytest.mark.django_db
def test_the_feed_description_is_translated(client, site_language) -> None:
    site_language("es")
    published_article()
    assert "Las últimas noticias de" in client.get(reverse("feed")).content.decode()


# --- Search in Spanish, on SQLite and on PostgreSQL -----------------------------------------


@pytest.fixture
def spanish_index(site_language):
    """The site in Spanish with its index made for Spanish; English again afterwards."""
    site_language("es")
    remake_sqlite_table()
    yield
    remake_sqlite_table(languages.fts5_tokenizer("en-gb"))


def _reindex() -> None:
    reindex_articles(Article.objects.with_bylines())


@pytest.mark.django_db(transaction=True)
def test_search_in_spanish_ignores_accents_both_ways(spanish_index) -> None:
    camion = published_article(
        headline="Un camión cae al agua en el muelle de pescadores",
        body="<p>La grúa sacó el vehículo antes del mediodía.</p>",
    )
    politica = published_article(
        headline="Politica portuaria", body="<p>El pleno debatió la ampliación del puerto.</p>"
    )
    _reindex()
    if connection.vendor == "sqlite":
        assert sqlite_tokenizer_in_use() == "unicode61 remove_diacritics 2"
    assert list(search_articles("camion")) == [camion]
    assert list(search_articles("CAMIÓN")) == [camion]
    assert list(search_articles("grua mediodia")) == [camion]
    assert list(search_articles("política")) == [politica]
    assert list(search_articles("ampliacion")) == [politica]
    assert list(search_articles("camión política")) == []


@pytest.mark.django_db(transaction=True)
def test_postgres_stems_spanish_words_and_sqlite_matches_them_as_written(spanish_index) -> None:
    story = published_article(headline="Los pescadores protestan", body="<p>Nuevas redes.</p>")
    _reindex()
    assert list(search_articles("pescadores protestan")) == [story]
    # PostgreSQL's Spanish stemmer gives "pescador" and "protesta" the headline's stems;
    # FTS5 has no Spanish stemmer (Porter is English), so there the words must match.
    stemmed = list(search_articles("pescador protesta"))
    assert stemmed == ([story] if connection.vendor == "postgresql" else [])


def test_accents_fold_to_their_letters() -> None:
    assert fold_accents("Camión, Ñandú, façade, Ærø") == "Camion, Nandu, facade, Ærø"


# --- The figure finder and quote detector read English only ---------------------------------

SPANISH_BODY = (
    "<p>El ayuntamiento gastará 4,2 millones de euros en el dique. "
    "«Es una inversión necesaria para el puerto», dijo la alcaldesa Lucía Ferrán.</p>"
)


@pytest.mark.django_db
def test_in_spanish_the_check_says_it_cannot_read_figures_or_quotes(site_language) -> None:
    site_language("es")
    problems = sourcing_problems(ArticleFactory(body=SPANISH_BODY))
    kinds = [p.kind for p in problems]
    assert ProblemKind.UNRECORDED_FIGURE not in kinds
    assert ProblemKind.UNRECORDED_QUOTE not in kinds
    messages = [str(p) for p in problems if p.kind == ProblemKind.CHECK_UNAVAILABLE]
    assert len(messages) == 2
    assert "cifras no está disponible en español" in messages[0]
    assert "citas no está disponible en español" in messages[1]


@pytest.mark.django_db
def test_the_advice_names_the_language_in_english_too(site_language) -> None:
    from django.utils import translation

    site_language("es")
    with translation.override("en-gb"):
        problems = sourcing_problems(ArticleFactory(body=SPANISH_BODY))
    texts = " ".join(str(p) for p in problems)
    assert "The figure check is not available in español" in texts


@pytest.mark.django_db
def test_advice_never_holds_a_spanish_story_back(site_language) -> None:
    from articles.sourcing import blocking_problems

    site_language("es")
    assert blocking_problems(ArticleFactory(body=SPANISH_BODY)) == []


@pytest.mark.django_db
def test_in_english_the_check_reads_figures_and_quotes_as_before() -> None:
    body = '<p>The council will spend £4.2 million. "It is money well spent," said Ana Ruiz.</p>'
    kinds = [p.kind for p in sourcing_problems(ArticleFactory(body=body))]
    assert ProblemKind.UNRECORDED_FIGURE in kinds
    assert ProblemKind.UNRECORDED_QUOTE in kinds
    assert ProblemKind.CHECK_UNAVAILABLE not in kinds


def test_the_helpers_name_the_languages_they_read() -> None:
    from articles import figures, quotes

    assert figures.LANGUAGES == quotes.LANGUAGES == frozenset({"en"})
    assert figures.understands("en-gb") and figures.understands("en-US")
    assert not figures.understands("es") and not quotes.understands("ar")


# --- Editors and e-mail recipients ----------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_sign_in_is_in_the_sites_language(site_language) -> None:
    from tests.signing_in import browser

    site_language("es")
    html = browser().get(reverse("admin:login")).content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert "¿Has olvidado tu contraseña?" in html  # ours
    assert "Nombre de usuario" in html  # Django's own catalogue


@pytest.mark.django_db
def test_the_password_reset_mail_is_in_the_sites_language(
    site_language,
    mailbox,  # noqa: F811  (the fixture imported above)
    editor,
) -> None:
    from email.header import decode_header, make_header

    from tests.signing_in import browser
    from tests.test_password_reset import ask_for_reset

    site_language("es")
    ask_for_reset(browser(), editor.email)
    (message,) = mailbox.wait_for(1)
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "Elige una contraseña nueva para The Harbour Gazette"
    body = message.get_payload(decode=True).decode()
    assert "Para elegirla, abre este enlace antes de una hora." in body
