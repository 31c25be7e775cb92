"""Every page on its own: accessibility, titles, headers, no third parties,
and what people without JavaScript are told."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import SITE_DIST
from tests.browser.support import check_state

pytestmark = pytest.mark.browser

# path, name of the state for the report, the page's name in its title
PAGES = [
    ("/", "start", "Follow the investigation of a crime"),
    ("/sign-in.html", "sign-in", "Sign in"),
    ("/forgotten-password.html", "forgotten-password", "Reset your password"),
    ("/register.html", "register-no-invitation", "Use the link in your invitation email"),
    ("/reset-password.html", "reset-password-no-token", "Use the link in your email"),
    ("/signed-out.html", "signed-out-directly", "You have signed out"),
    ("/timed-out.html", "timed-out", "You have been signed out"),
    ("/help.html", "help", "Help"),
    ("/rights.html", "rights", "Your rights"),
    ("/support.html", "support", "Support near you"),
    ("/accessibility.html", "accessibility", "Accessibility statement"),
    ("/privacy.html", "privacy", "Privacy notice"),
    ("/cookies.html", "cookies", "Cookies"),
    ("/no-such-page", "not-found", "Page not found"),
]


@pytest.mark.parametrize(("path", "name", "title"), PAGES, ids=[p[1] for p in PAGES])
def test_page_is_accessible_and_self_contained(page, stack, watch, path, name, title):
    if name == "not-found":
        watch.expected_failed_loads.append(path)
    response = page.goto(stack.site_url + path)
    expect(page).to_have_title(f"{title} – Track My Crime – Demo Constabulary")
    assert response.status == (404 if name == "not-found" else 200)
    expect(page.get_by_role("button", name="Leave this site quickly")).to_be_visible()
    page.wait_for_load_state("networkidle")
    check_state(page, name)
    assert watch.third_party == [], "the site must not load anything from another origin"


class _Titles(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_title = False
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.in_title = tag == "title"
        for name, value in attrs:
            if name == "data-title":
                self.names.append(value)

    def handle_data(self, data):
        if self.in_title:
            self.names.append(data.split(" – ")[0])
            self.in_title = False


def test_every_page_and_state_has_its_own_title():
    titles: list[str] = []
    for file in sorted(SITE_DIST.glob("*.html")):
        parser = _Titles()
        parser.feed(file.read_text())
        # A page's first state shares the page's title; count it once.
        titles.extend(dict.fromkeys(parser.names))
    assert len(titles) == len(set(titles)), sorted(titles)
    assert len(titles) >= 20


def test_static_files_carry_the_security_headers(stack):
    for path in ("/", "/sign-in.html", "/js/main.mjs", "/css/site.css", "/no-such-page"):
        headers = requests.get(stack.site_url + path, timeout=10).headers
        csp = headers["Content-Security-Policy"]
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                          "frame-ancestors 'none'", "form-action 'self'", "script-src 'self'",
                          "style-src 'self'"):
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert re.match(r"max-age=(\d+); includeSubDomains", headers["Strict-Transport-Security"])
        assert int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"]).group(1)) >= 31536000


def test_the_site_server_passes_api_answers_through(stack):
    response = requests.post(f"{stack.site_url}/api/victim/sign-in", timeout=10, data="surname=x",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert response.json()["code"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style():
    for file in SITE_DIST.glob("*.html"):
        html = file.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), file.name
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), file.name


def test_the_site_does_not_serve_the_unit_tests():
    assert (SITE_DIST / "js" / "main.mjs").is_file()
    assert sorted(SITE_DIST.rglob("*.test.mjs")) == []


NEEDS_JAVASCRIPT = ["/sign-in.html", "/register.html#invitation=abc", "/forgotten-password.html",
                    "/reset-password.html#token=abc", "/case.html"]


@pytest.mark.parametrize("path", NEEDS_JAVASCRIPT)
def test_without_javascript_the_page_says_what_to_do_instead(no_js_page, stack, path):
    no_js_page.goto(stack.site_url + path)
    message = no_js_page.locator(".tmc-no-js")
    expect(message).to_be_visible()
    expect(message).to_contain_text("call 101")
    # The case page's message form is there too, hidden like the others.
    forms = no_js_page.locator("form")
    assert forms.count() >= 1
    for index in range(forms.count()):
        expect(forms.nth(index)).to_be_hidden()


def test_the_case_page_sends_a_signed_out_person_to_sign_in(page, stack):
    page.goto(f"{stack.site_url}/case.html")
    expect(page).to_have_title(re.compile(r"^Sign in – "))


def test_the_site_server_serves_nothing_outside_the_site(stack):
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(stack.site_url).netloc
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fREADME.md", "//etc/passwd"):
        connection = http.client.HTTPConnection(host, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 404, path
        assert b"root:" not in body
