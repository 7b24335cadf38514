"""Shared browser fixtures: Debian's Chromium through Playwright, pages at a given width, axe.

Reusable by any feature's browser tests (comments, moderation): ask for `page_at` to open a
page at a viewport width, and `axe_violations(page)` for the accessibility check.
Never `playwright install`: the browser is the distribution's /usr/bin/chromium.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.2 AA rule set: the level the site promises.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE, DESKTOP = 375, 1280
WIDTHS = [PHONE, DESKTOP]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser: Any) -> Iterator[Callable[..., Any]]:
    """`page_at(375)` opens a fresh page (own cookies) with that viewport width.

    `color_scheme="dark"` makes the page believe the reader's system is in dark mode.
    """
    contexts = []

    def open_page(width: int, height: int = 900, color_scheme: str = "light") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe_violations() -> Callable[[Any], list[dict]]:
    """Run axe-core in the page; return the serious and critical WCAG 2.2 AA violations."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in the project folder")

    def run(page: Any) -> list[dict]:
        # Evaluated through DevTools, not added as a <script>: the site's Content-Security-
        # Policy rightly refuses inline scripts, and the check must see the page as served.
        page.evaluate(AXE_SCRIPT.read_text())
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in result["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]

    return run


@pytest.fixture
def roles(transactional_db: None) -> None:
    """The Writers, Editors and Moderators groups, as the role migrations make them.

    Live-server tests commit their data, so the database is flushed after each one and the
    groups the migrations wrote are gone; the permissions come back with the flush.
    (Serialized rollback cannot help: Playwright's greenlet gets its own connection object,
    without the serialized copy.)
    """
    from django.contrib.auth.models import Group, Permission

    from newsroom.roles import ROLE_PERMISSIONS

    for app_label, table in ROLE_PERMISSIONS.items():
        for group_name, codenames in table.items():
            group, _ = Group.objects.get_or_create(name=group_name)
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
