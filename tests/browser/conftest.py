"""Browser tests: Debian's Chromium, driven by Playwright, against the real
local stack (moto server, chalice local, the site server), started once."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import (
    AXE_JS,
    AXE_LOG,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Officer,
    Victim,
    register_by_api,
)
from tests.stack_process import RunningStack, running_stack

SITE_DIST = ROOT / "site" / "dist"
SAFE_PAGE = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"


def _build_site() -> None:
    """`make test` builds the site first; this covers `pytest` run on its own."""
    if (SITE_DIST / "index.html").is_file() and AXE_JS.is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the victim site is not built and npm is missing: run `make site`")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT / "site", check=True)
    subprocess.run(["node", "build.mjs"], cwd=ROOT / "site", check=True)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """One local stack (moto server, chalice local, email sender, site server)
    for the whole browser suite, in a process of its own (tests/stack_process.py)."""
    _build_site()
    try:
        with running_stack(tmp_path_factory.mktemp("browser-stack")) as running:
            yield running
    finally:
        AXE_LOG.write()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def officer(stack: Any) -> Officer:
    return Officer(stack)


class PageWatch:
    """What happened in the page that no test should allow: script errors,
    CSP violations, requests to anywhere but the site."""

    def __init__(self, site_url: str):
        self.site_url = site_url
        self.errors: list[str] = []
        self.third_party: list[str] = []
        self.expected_failed_loads: list[str] = []  # paths a test means to fail (the 404 page)

    def on_console(self, message: Any) -> None:
        # Chromium logs every API answer of 400 and over; those are the tests' business.
        url = (message.location or {}).get("url", "")
        failed_load = message.text.startswith("Failed to load resource: the server responded")
        expected = failed_load and (
            "/api/" in url or any(url.endswith(path) for path in self.expected_failed_loads))
        if message.type == "error" and not expected:
            self.errors.append(f"console: {message.text}")

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"page error: {error}")

    def on_route(self, route: Any) -> None:
        self.third_party.append(route.request.url)
        # Never reach the internet: the "leave quickly" destination gets a stub.
        route.fulfill(status=200, content_type="text/html", body=SAFE_PAGE)


@pytest.fixture
def watch(stack: Any) -> PageWatch:
    return PageWatch(stack.site_url)


def _new_page(browser: Any, stack: Any, watch: PageWatch, **context_options: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    context.route(lambda url: not url.startswith(stack.site_url), watch.on_route)
    page = context.new_page()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.on("dialog", lambda dialog: (watch.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page


@pytest.fixture
def page(browser: Any, stack: Any, watch: PageWatch) -> Iterator[Any]:
    page = _new_page(browser, stack, watch)
    yield page
    page.context.close()
    assert watch.errors == [], "\n".join(watch.errors)


@pytest.fixture
def no_js_page(browser: Any, stack: Any, watch: PageWatch) -> Iterator[Any]:
    page = _new_page(browser, stack, watch, java_script_enabled=False)
    yield page
    page.context.close()


@pytest.fixture
def victim(stack: Any, officer: Officer) -> Victim:
    """A victim with a case and an invitation, not yet registered."""
    return officer.create_case()


@pytest.fixture
def registered_victim(stack: Any, officer: Officer) -> Victim:
    victim = officer.create_case(surname="Nakamura", date_of_birth="1991-02-14")
    officer.post_update(victim.crime_number, "crime_recorded",
                        "We have recorded your report. PC Reid is the officer in charge.")
    register_by_api(stack, victim)
    return victim
