"""The victim's journeys end to end, as a person does them, on the real stack."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.support import (
    check_state,
    invitation_link,
    link_from_email,
    register_by_api,
    reset_link,
    tab_to,
    type_date_of_birth,
)

pytestmark = pytest.mark.browser


def test_whole_journey_with_the_keyboard_alone(page, stack, officer, victim):
    """Invitation link → register → sign in → read → a new update appears → sign out,
    with no mouse: every control is reached with Tab and used with Enter or typing."""
    officer.post_update(victim.crime_number, "crime_recorded",
                        "We have recorded your report of a burglary. I am the officer in charge.")

    # The invitation email's link: the token is in the fragment, never sent to a server.
    page.goto(invitation_link(stack, victim))
    expect(page).to_have_title(re.compile(r"^Register – "))
    expect(page).to_have_url(re.compile(r"/register\.html$"))  # the token leaves the address bar

    tab_to(page, "#dateOfBirth-day")
    type_date_of_birth(page, victim)
    tab_to(page, "#password")
    page.keyboard.type(victim.password)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("h1:visible")).to_have_text("You have registered")
    expect(page.locator('[data-tmc-answer="crimeNumber"]')).to_have_text(victim.crime_number)
    expect(page).to_have_title(re.compile(r"^You have registered – "))
    check_state(page, "register-done")

    # "Sign in" on the confirmation.
    tab_to(page, "main a.govuk-button")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Sign in – "))

    tab_to(page, "#surname")
    page.keyboard.type(victim.surname)
    tab_to(page, "#crimeNumber")
    # Crime numbers are matched ignoring case and surrounding spaces.
    page.keyboard.type(f" {victim.crime_number.lower()} ")
    tab_to(page, "#dateOfBirth-day")
    type_date_of_birth(page, victim)
    tab_to(page, "#password")
    page.keyboard.type(victim.password)
    page.keyboard.press("Enter")  # submits the form from the last field

    expect(page).to_have_title(re.compile(r"^Your case – "))
    updates = page.locator(".tmc-update")
    expect(updates).to_have_count(1)
    expect(updates.first).to_contain_text("Crime recorded")
    expect(updates.first).to_contain_text("We have recorded your report of a burglary.")
    expect(updates.first.locator(".tmc-update__meta")).to_have_text(
        re.compile(r"^\d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm), by \S"))
    expect(page.locator('[data-tmc-field="crimeNumber"]')).to_have_text(victim.crime_number)
    expect(page.locator('[data-tmc-field="status"]')).to_have_text("Being investigated")
    expect(page.locator('[data-tmc-field="officer"]')).to_contain_text("PC 2417 Jordan Reid")

    # The officer posts a second update; the victim checks and sees it first.
    officer.post_update(victim.crime_number, "suspect_arrested",
                        "A man was arrested this morning and is being interviewed.")
    tab_to(page, "[data-tmc-refresh]")
    page.keyboard.press("Enter")
    expect(updates).to_have_count(2)
    expect(updates.first).to_contain_text("Suspect arrested")
    expect(updates.nth(1)).to_contain_text("Crime recorded")
    expect(page.locator("[data-tmc-refresh-status]")).to_contain_text("2 updates")
    check_state(page, "case")

    # The alert email says only that there is an update, and links to sign in.
    alert = link_from_email(stack, victim.email, r"https?://[^\s\"'<>]+/sign-in\.html\b")
    assert alert == f"{stack.site_url}/sign-in.html"

    # Sign out, from the navigation at the top: reached by Shift+Tab from the page.
    page.locator("h1:visible").focus()
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.matches('[data-tmc-sign-out]')"):
            break
    with page.expect_response("**/api/victim/sign-out") as signed_out:
        page.keyboard.press("Enter")
    assert signed_out.value.status == 204
    expect(page).to_have_title(re.compile(r"^You have signed out – "))
    check_state(page, "signed-out")

    # The session is over on the server: the case page sends the person to sign in.
    page.goto(f"{stack.site_url}/case.html")
    expect(page).to_have_title(re.compile(r"^Sign in – "))


def test_the_session_cookie_is_host_only_secure_http_only_and_strict(page, stack, registered_victim):
    sign_in(page, stack, registered_victim)
    cookies = {c["name"]: c for c in page.context.cookies()}
    cookie = cookies["__Host-tmc_session"]
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert page.evaluate("document.cookie") == "", "scripts must not see the session"


def sign_in(page, stack, victim) -> None:
    page.goto(f"{stack.site_url}/sign-in.html")
    page.fill("#surname", victim.surname)
    page.fill("#crimeNumber", victim.crime_number)
    day, month, year = victim.dob_parts
    page.fill("#dateOfBirth-day", day)
    page.fill("#dateOfBirth-month", month)
    page.fill("#dateOfBirth-year", year)
    page.fill("#password", victim.password)
    page.click("button[type=submit]")
    expect(page).to_have_title(re.compile(r"^Your case – "))
    expect(page.locator("[data-tmc-case]")).to_be_visible()


def test_update_text_is_shown_as_text_and_runs_nothing(page, stack, officer, registered_victim):
    hostile = ('<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> '
               '<b>bold?</b>')
    officer.post_update(registered_victim.crime_number, "progress_update", hostile)
    sign_in(page, stack, registered_victim)
    newest = page.locator(".tmc-update__text").first
    expect(newest).to_have_text(hostile)
    assert newest.locator("script, img, b").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    check_state(page, "case-hostile-update")


def test_older_updates_come_a_page_at_a_time_by_keyboard(page, stack, officer, registered_victim):
    """The case page shows the newest 20 items; the rest come on request, focus
    moving to the first of them and the page saying how many came (issue 17)."""
    for i in range(20):
        officer.post_update(registered_victim.crime_number, "progress_update", f"Progress note {i}")
    sign_in(page, stack, registered_victim)
    expect(page.locator("[data-tmc-updates] li.tmc-update")).to_have_count(20)
    tab_to(page, "[data-tmc-older]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-tmc-updates] li.tmc-update")).to_have_count(21)
    expect(page.locator("[data-tmc-older-status]")).to_have_text("1 older item shown below. These are the oldest.")
    focused = page.locator("[data-tmc-updates] li.tmc-update").last
    expect(focused).to_be_focused()
    expect(focused).to_contain_text("We have recorded your report.")
    expect(page.locator("[data-tmc-older]")).to_be_hidden()


def test_forgotten_password_journey(page, stack, registered_victim):
    page.goto(f"{stack.site_url}/sign-in.html")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page).to_have_title(re.compile(r"^Reset your password – "))
    page.fill("#surname", registered_victim.surname)
    page.fill("#crimeNumber", registered_victim.crime_number)
    day, month, year = registered_victim.dob_parts
    page.fill("#dateOfBirth-day", day)
    page.fill("#dateOfBirth-month", month)
    page.fill("#dateOfBirth-year", year)
    page.click("button[type=submit]")
    expect(page.locator("h1:visible")).to_have_text("Check your email or text messages")
    check_state(page, "forgotten-password-sent")

    page.goto(reset_link(stack, registered_victim))
    expect(page).to_have_title(re.compile(r"^Choose a new password – "))
    expect(page).to_have_url(re.compile(r"/reset-password\.html$"))
    registered_victim.password = "quiet harbour lemon bicycle"
    page.fill("#password", registered_victim.password)
    page.click("button[type=submit]")
    expect(page.locator("h1:visible")).to_have_text("Your password has been changed")
    check_state(page, "reset-password-done")

    page.get_by_role("button", name="Sign in").click()
    sign_in(page, stack, registered_victim)


def test_a_reset_link_works_once(page, stack, registered_victim):
    requests.post(f"{stack.api_url}/victim/password-reset", timeout=30, json={
        "crimeNumber": registered_victim.crime_number, "surname": registered_victim.surname,
        "dateOfBirth": registered_victim.date_of_birth})
    link = reset_link(stack, registered_victim)
    page.goto(link)
    page.fill("#password", "silver meadow copper trumpet")
    page.click("button[type=submit]")
    expect(page.locator("h1:visible")).to_have_text("Your password has been changed")

    page.goto("about:blank")  # as a fresh click on the email's link would be
    page.goto(link)
    page.fill("#password", "another long enough phrase")
    page.click("button[type=submit]")
    expect(page.locator("h1:visible")).to_have_text("Your password reset link cannot be used")
    expect(page).to_have_title(re.compile(r"^Your password reset link cannot be used – "))
    check_state(page, "reset-password-used-link")


def test_a_case_without_updates_says_so(page, stack, victim):
    register_by_api(stack, victim)
    sign_in(page, stack, victim)
    expect(page.locator("[data-tmc-no-updates]")).to_be_visible()
    expect(page.locator(".tmc-update")).to_have_count(0)
    check_state(page, "case-no-updates")
