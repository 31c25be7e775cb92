"""Helpers for the browser tests: the officer's side through the API, links
from emails, axe-core, screenshots and keyboard moves."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.api import Api
from tests.factories import case_body, contact

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "site" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the issue asks for, nothing else.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
GOOD_PASSWORD = "marble kettle orchard lantern"


@dataclass
class Victim:
    crime_number: str
    forename: str
    surname: str
    date_of_birth: str  # YYYY-MM-DD
    email: str
    contact_id: str
    password: str = GOOD_PASSWORD

    @property
    def dob_parts(self) -> tuple[str, str, str]:
        year, month, day = self.date_of_birth.split("-")
        return str(int(day)), str(int(month)), year


class Officer:
    """The officer's (or RMS's) side, through the real API."""

    def __init__(self, stack: Any):
        self.api = Api(stack.api_url)
        self.headers = {"Authorization": f"Bearer {stack.officer_token()}"}

    def create_case(self, surname: str = "Okafor", date_of_birth: str = "1984-07-09") -> Victim:
        crime_number = f"LC-2026-{secrets.randbelow(900000) + 100000}"
        email = f"victim.{secrets.token_hex(4)}@example.com"
        response = self.api.post("/officer/cases", case_body(crime_number, [contact(
            forename="Ada", surname=surname, dateOfBirth=date_of_birth, email=email)],
            officer={"name": "PC 2417 Jordan Reid", "email": "jordan.reid@lincs.police.example"}), self.headers)
        assert response.status_code == 201, response.body
        contact_id = response.json()["contacts"][0]["id"]
        return Victim(crime_number=response.json()["crimeNumber"], forename="Ada", surname=surname,
                      date_of_birth=date_of_birth, email=email, contact_id=contact_id)

    def post_update(self, crime_number: str, type_: str, text: str) -> str:
        response = self.api.post(f"/officer/cases/{crime_number}/updates", {"type": type_, "text": text},
                                 self.headers)
        assert response.status_code == 201, response.body
        return response.json()["id"]

    def open_case(self, crime_number: str) -> dict[str, Any]:
        """Reads the case as the officer does, which marks what its contacts sent as read."""
        response = self.api.get(f"/officer/cases/{crime_number}", self.headers)
        assert response.status_code == 200, response.body
        return response.json()

    def reply(self, victim: Victim, text: str) -> str:
        response = self.api.post(f"/officer/cases/{victim.crime_number}/contacts/{victim.contact_id}/messages",
                                 {"text": text}, self.headers)
        assert response.status_code == 201, response.body
        return response.json()["id"]


def _links_in_outbox(stack: Any, email: str, pattern: str) -> list[str]:
    """Links matching pattern in the .eml files sent to this address, newest first."""
    found: list[str] = []
    for file in sorted(Path(stack.outbox_dir).glob("*.eml"), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(file.read_bytes())
        if email not in str(message.get("To", "")):
            continue
        for part in message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                found.extend(re.findall(pattern, part.get_content()))
    return found


def link_from_email(stack: Any, email: str, pattern: str, within: float = 20) -> str:
    """The link in the newest email to this address that has one, as the
    person would click it: the local stack writes each email it sends to its outbox."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        links = _links_in_outbox(stack, email, pattern)
        if links:
            return links[0]
        time.sleep(0.2)
    raise AssertionError(f"no email to {email} with a link like {pattern} within {within} s")


def invitation_link(stack: Any, victim: Victim) -> str:
    return link_from_email(stack, victim.email, r"https?://[^\s\"'<>]+/register\.html#invitation=[\w.\-]+")


def reset_link(stack: Any, victim: Victim) -> str:
    return link_from_email(stack, victim.email, r"https?://[^\s\"'<>]+/reset-password\.html#token=[\w.\-]+")


def register_by_api(stack: Any, victim: Victim) -> None:
    token = invitation_link(stack, victim).split("#invitation=")[1]
    response = Api(stack.api_url).post("/victim/register", {
        "invitation": token, "dateOfBirth": victim.date_of_birth, "password": victim.password})
    assert response.status_code == 201, response.body


# -- checks made on every page and state -------------------------------------------------


class AxeLog:
    """Every axe run of the session, written to test-artifacts for the report."""

    def __init__(self) -> None:
        self.runs: list[dict[str, Any]] = []

    def write(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # One summary per pytest-xdist worker: the browser tests run in two groups.
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        (ARTIFACTS / (f"axe-summary-{worker}.json" if worker else "axe-summary.json")).write_text(json.dumps({
            "states": len(self.runs),
            "violations": sum(len(r["violations"]) for r in self.runs),
            "runs": self.runs}, indent=2))


AXE_LOG = AxeLog()


def check_accessibility(page: Page, state: str) -> None:
    """axe-core's WCAG 2.2 A and AA rules on the page as it is now: no violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluate() runs the file in the page without adding a <script>, so
        # the page's strict CSP stays in force for everything else.
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})) }", WCAG_TAGS)
    AXE_LOG.runs.append({"state": state, "url": page.url, "title": page.title(), "violations": result})
    assert result == [], f"axe violations on {state}: {json.dumps(result, indent=2)}"


def screenshot(page: Page, name: str, widths: tuple[int, ...] = (375, 1280)) -> None:
    """Full-page screenshots at 375 px (a phone) and 1280 px (a laptop), or the widths given."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(original)


def check_state(page: Page, name: str, widths: tuple[int, ...] = (375, 1280)) -> None:
    """What every page and state must pass: axe's WCAG A/AA rules, no
    horizontal scrolling at 320 px wide (WCAG 1.4.10 reflow); then screenshots."""
    check_accessibility(page, name)
    original = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 320 px"
    finally:
        page.set_viewport_size(original)
    screenshot(page, name, widths)


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def focused(page: Page) -> str:
    """A short description of the focused element: tag#id or its text."""
    return page.evaluate(
        "() => { const e = document.activeElement; if (!e) return '';"
        " const tag = e.tagName.toLowerCase();"
        " return e.id ? `${tag}#${e.id}` : `${tag}:${e.textContent.trim()}` }")


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching selector has focus: it must be
    reachable by keyboard, in a sensible number of steps.

    The forms are hidden until the page's module has run (main.mjs marks the
    body in the same task that attaches the handlers), and a page's title is
    there before that; tabbing earlier would only cycle through the header
    and footer, so wait for the mark first, as a person waits for the form."""
    page.wait_for_selector("body.govuk-frontend-supported", state="attached")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with Tab; focus ended on {focused(page)}")


def type_date_of_birth(page: Page, victim: Victim) -> None:
    """From the day field: day, Tab, month, Tab, year."""
    day, month, year = victim.dob_parts
    page.keyboard.type(day)
    page.keyboard.press("Tab")
    page.keyboard.type(month)
    page.keyboard.press("Tab")
    page.keyboard.type(year)


def sign_in_with_keyboard(page: Page, site_url: str, victim: Victim) -> None:
    """Signs in as a person using only the keyboard would; ends on the case page, read."""
    page.goto(f"{site_url}/sign-in.html")
    tab_to(page, "#surname")
    page.keyboard.type(victim.surname)
    tab_to(page, "#crimeNumber")
    page.keyboard.type(victim.crime_number)
    tab_to(page, "#dateOfBirth-day")
    type_date_of_birth(page, victim)
    tab_to(page, "#password")
    page.keyboard.type(victim.password)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-tmc-case]:not([hidden])")
