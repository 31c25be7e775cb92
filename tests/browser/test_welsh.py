"""The victim site in Welsh (issue 15): every page at /cy/ passes axe and the
320 px reflow check with no English left in it and no message key shown; the
whole journey (invitation, register, sign in, read an update, reset the
password) works in Welsh, its emails too; the toggle switches language and the
start page remembers the choice."""

from __future__ import annotations

import re
import secrets
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import GOOD_PASSWORD, ROOT, Victim, check_state, link_from_email
from tests.factories import case_body, contact
from tests.i18n_support import english_in, keys_in

pytestmark = pytest.mark.browser

PAGES = sorted(p.stem for p in (ROOT / "site" / "src" / "pages").glob("*.html"))
SIGNED_IN = {"case", "account", "change-email", "change-mobile", "change-password", "how-we-contact-you",
             "discreet-messages", "stop"}
ENGLISH_DATE_WORDS = re.compile(r"\b(January|February|March|April|June|July|August|September|October|November|"
                                r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# Pages that need a link's token or a session: shown here as a person without one sees them.
PUBLIC = [p for p in PAGES if p not in SIGNED_IN]


def _assert_welsh(page, where: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    text = page.evaluate("document.title + '\\n' + document.body.innerText")
    assert keys_in(text) == [], f"{where}: message keys shown"
    assert english_in(text) == [], f"{where}: English left in the Welsh page"
    assert ENGLISH_DATE_WORDS.findall(text) == [], f"{where}: an English date in the Welsh page"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_page_in_welsh(page, stack, watch, name):
    path = f"/cy/{name}.html"
    if name == "404":
        watch.expected_failed_loads.append(path)
    page.goto(stack.site_url + path)
    page.wait_for_load_state("networkidle")
    _assert_welsh(page, path)
    # Every phone number is a number to tap.
    for link in page.locator("a[href^='tel:']").all():
        assert re.fullmatch(r"tel:\+?\d{3,15}", link.get_attribute("href") or "")
    check_state(page, f"cy-{name}")


def _welsh_victim(stack, officer, surname: str = "Hughes") -> Victim:
    number = f"LC-2026-{secrets.randbelow(900000) + 100000}"
    email = f"dioddefwr.{secrets.token_hex(4)}@example.com"
    payload = case_body(number, [contact(forename="Elin", surname=surname, dateOfBirth="1984-07-09", email=email,
                                         language="cy")],
                        officer={"name": "PC 2417 Jordan Reid", "email": "jordan.reid@lincs.police.example",
                                 "collarNumber": "2417", "phone": "01632 960 001"})
    response = officer.api.post("/officer/cases", payload, officer.headers)
    assert response.status_code == 201, response.body
    return Victim(crime_number=number, forename="Elin", surname=surname, date_of_birth="1984-07-09", email=email,
                  contact_id=response.json()["contacts"][0]["id"])


def _newest_email(stack, to: str, subject_has: str | None = None):
    for file in sorted(Path(stack.outbox_dir).glob("*.eml"), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(file.read_bytes())
        if to in str(message.get("To", "")) and (subject_has is None or subject_has in str(message["Subject"])):
            return message
    raise AssertionError(f"no email to {to}")


def _assert_welsh_email(message, where: str) -> None:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert english_in(str(message["Subject"]) + "\n" + text) == [], f"{where}: English in the Welsh email"
    assert 'lang="cy"' in html
    assert keys_in(text) == []


def _fill_date(page, day: str, month: str, year: str) -> None:
    for box, value in (("day", day), ("month", month), ("year", year)):
        page.fill(f"#dateOfBirth-{box}", value)


def _sign_in(page, stack, victim: Victim) -> None:
    page.goto(f"{stack.site_url}/cy/sign-in.html")
    page.fill("#surname", victim.surname)
    page.fill("#crimeNumber", victim.crime_number)
    _fill_date(page, *victim.dob_parts)
    page.fill("#password", victim.password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/cy/case\.html"))


def test_the_whole_journey_in_welsh(page, stack, officer):
    victim = _welsh_victim(stack, officer)
    officer.post_update(victim.crime_number, "crime_recorded", "Rydym wedi cofnodi eich adroddiad.")

    # The invitation: Welsh, its link to the Welsh page.
    link = link_from_email(stack, victim.email, r"https?://[^\s\"'<>]+/register\.html#invitation=[\w.\-]+")
    assert "/cy/register.html#invitation=" in link
    _assert_welsh_email(_newest_email(stack, victim.email), "invitation")

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/cy/register\.html$"))
    _assert_welsh(page, "register")
    # A month that cannot be: the Welsh message names the month, only its box is marked.
    _fill_date(page, "12", "13", "84")
    page.fill("#password", GOOD_PASSWORD)
    page.click("button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("mis")
    _assert_welsh(page, "register with a bad date")
    check_state(page, "cy-register-error")
    day, month, year = victim.dob_parts
    _fill_date(page, day, month, year)
    page.click("button[type=submit]")
    expect(page.locator('[data-tmc-answer="crimeNumber"]')).to_have_text(victim.crime_number)
    _assert_welsh(page, "registered")
    check_state(page, "cy-register-done")

    _sign_in(page, stack, victim)
    updates = page.locator(".tmc-update")
    expect(updates).to_have_count(1)
    expect(updates.first).to_contain_text("Rydym wedi cofnodi eich adroddiad.")
    expect(page.locator('[data-tmc-field="status"]')).not_to_have_text("Being investigated")
    # The officer in charge, reachable: collar number and a number to tap.
    officer_part = page.locator('[data-tmc-field="officer"]').locator("xpath=..")
    expect(officer_part).to_contain_text("2417")
    expect(page.locator("a[href='tel:01632960001']")).to_have_count(1)
    _assert_welsh(page, "case")
    check_state(page, "cy-case")

    # Their language, as the officer set it, is theirs to change.
    page.goto(f"{stack.site_url}/cy/how-we-contact-you.html")
    expect(page.locator("#language-cy")).to_be_checked()

    for name in sorted(SIGNED_IN - {"case", "stop"}):
        page.goto(f"{stack.site_url}/cy/{name}.html")
        page.wait_for_load_state("networkidle")
        expect(page).to_have_url(re.compile(rf"/cy/{name}\.html"))
        _assert_welsh(page, name)
        check_state(page, f"cy-{name}")

    # An alert about a new update: Welsh.
    officer.post_update(victim.crime_number, "suspect_arrested", "Mae dyn wedi cael ei arestio.")
    _assert_welsh_email(_newest_email(stack, victim.email), "alert")

    # Reset the password, in Welsh.
    page.goto(f"{stack.site_url}/cy/signed-out.html")
    page.goto(f"{stack.site_url}/cy/forgotten-password.html")
    page.fill("#surname", victim.surname)
    page.fill("#crimeNumber", victim.crime_number)
    _fill_date(page, day, month, year)
    page.click("button[type=submit]")
    expect(page.locator(".govuk-panel, h1:visible").first).to_be_visible()
    _assert_welsh(page, "forgotten password sent")
    reset = link_from_email(stack, victim.email, r"https?://[^\s\"'<>]+/reset-password\.html#token=[\w.\-]+")
    assert "/cy/reset-password.html#token=" in reset
    _assert_welsh_email(_newest_email(stack, victim.email), "reset")
    page.goto(reset)
    victim.password = "harbwr tawel lemwn beic"
    page.fill("#password", victim.password)
    page.click("button[type=submit]")
    _assert_welsh(page, "password changed")
    check_state(page, "cy-reset-password-done")
    _sign_in(page, stack, victim)


def test_the_toggle_switches_language_and_the_start_page_remembers(page, stack):
    page.goto(f"{stack.site_url}/sign-in.html")
    toggle = page.get_by_role("navigation", name="Language")
    toggle.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/cy/sign-in\.html$"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.goto(f"{stack.site_url}/")
    expect(page).to_have_url(re.compile(r"/cy/index\.html$"))
    # And back: English chosen, English remembered.
    page.get_by_role("navigation", name="Iaith").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/index\.html$"))
    page.goto(f"{stack.site_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _submit_and_check(page, where: str, form: str = "main form:visible") -> None:
    """Send the form as it is; the error summary and its messages are Welsh, axe is clean."""
    page.locator(f"{form} button[type=submit]").first.click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Gwall: "), page.title()
    _assert_welsh(page, where)
    check_state(page, f"cy-{where}")


def test_the_error_states_in_welsh(page, stack, officer):
    """Each form's errors, as a Welsh speaker meets them: nothing entered, details
    that match nothing, a wrong date of birth at registration, a signed-in form."""
    page.goto(f"{stack.site_url}/cy/sign-in.html")
    _submit_and_check(page, "sign-in-empty")
    page.fill("#surname", "Neb")
    page.fill("#crimeNumber", "LC-2026-000001")
    _fill_date(page, "1", "Ionawr", "1980")
    page.fill("#password", "nid dyma fy nghyfrinair")
    _submit_and_check(page, "sign-in-no-match")
    expect(page.locator(".govuk-error-summary a[href$='/cy/forgotten-password.html'], "
                        ".govuk-error-summary a[href='/cy/forgotten-password.html']")).to_have_count(1)

    page.goto(f"{stack.site_url}/cy/forgotten-password.html")
    _submit_and_check(page, "forgotten-password-empty")

    victim = _welsh_victim(stack, officer, surname="Pritchard")
    page.goto(link_from_email(stack, victim.email, r"https?://[^\s\"'<>]+/register\.html#invitation=[\w.\-]+"))
    _submit_and_check(page, "register-empty")
    _fill_date(page, "2", "2", "1990")
    page.fill("#password", GOOD_PASSWORD)
    _submit_and_check(page, "register-wrong-date")
    day, month, year = victim.dob_parts
    _fill_date(page, day, month, year)
    page.click("main form:visible button[type=submit]")
    expect(page.locator('[data-tmc-answer="crimeNumber"]')).to_have_text(victim.crime_number)

    _sign_in(page, stack, victim)
    page.goto(f"{stack.site_url}/cy/change-password.html")
    page.wait_for_selector("body.govuk-frontend-supported", state="attached")
    _submit_and_check(page, "change-password-empty")
    page.goto(f"{stack.site_url}/cy/change-email.html")
    page.wait_for_load_state("networkidle")
    _submit_and_check(page, "change-email-empty")
