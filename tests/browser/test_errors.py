"""Every validation error state: the API decides what is wrong; the page shows
the GOV.UK pattern (focused error summary, inline messages, values kept,
"Error: " in the title) and passes axe."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.support import check_state, invitation_link, reset_link

pytestmark = pytest.mark.browser


def fill_date(page, day: str, month: str, year: str) -> None:
    page.fill("#dateOfBirth-day", day)
    page.fill("#dateOfBirth-month", month)
    page.fill("#dateOfBirth-year", year)


def submit(page, path: str) -> None:
    with page.expect_response(f"**/api{path}"):
        page.click("button[type=submit]")


def assert_error_pattern(page, page_name: str, fields: list[str]) -> None:
    """The summary has focus and links each problem to its field; each field
    shows its message inline; the title starts with "Error: "."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(rf"^Error: {re.escape(page_name)} – "))
    links = summary.locator("a")
    expect(links).to_have_count(len(fields))
    for index, field in enumerate(fields):
        target = "dateOfBirth-day" if field == "dateOfBirth" else field
        expect(links.nth(index)).to_have_attribute("href", f"#{target}")
        message = page.locator(f"#{field}-error")
        expect(message).to_be_visible()
        expect(message).to_contain_text(links.nth(index).inner_text())
        described = page.locator(f"#{field}" if field != "dateOfBirth" else "fieldset")
        expect(described).to_have_attribute("aria-describedby", re.compile(rf"\b{field}-error\b"))


def test_sign_in_with_nothing_entered(page, stack):
    page.goto(f"{stack.site_url}/sign-in.html")
    submit(page, "/victim/sign-in")
    assert_error_pattern(page, "Sign in", ["surname", "crimeNumber", "dateOfBirth", "password"])
    check_state(page, "sign-in-error-empty")

    # A summary link moves focus to its field.
    page.locator(".govuk-error-summary a").nth(1).click()
    expect(page.locator("#crimeNumber")).to_be_focused()


def test_sign_in_with_an_impossible_date_keeps_what_was_typed(page, stack):
    page.goto(f"{stack.site_url}/sign-in.html")
    page.fill("#surname", "O'Brien-Smith")
    page.fill("#crimeNumber", "LC-2026-1")
    fill_date(page, "31", "2", "1980")
    page.fill("#password", "some password here")
    submit(page, "/victim/sign-in")
    assert_error_pattern(page, "Sign in", ["dateOfBirth"])
    expect(page.locator("#surname")).to_have_value("O'Brien-Smith")
    expect(page.locator("#dateOfBirth-day")).to_have_value("31")
    expect(page.locator("#dateOfBirth-month")).to_have_value("2")
    check_state(page, "sign-in-error-date")

    # Correcting the date and trying again replaces the errors, not adds to them.
    fill_date(page, "28", "2", "1980")
    submit(page, "/victim/sign-in")
    expect(page.locator(".govuk-error-summary")).to_have_count(1)
    expect(page.locator(".govuk-error-message")).to_have_count(0)


def test_sign_in_that_matches_nothing_names_no_field(page, stack, registered_victim):
    page.goto(f"{stack.site_url}/sign-in.html")
    page.fill("#surname", registered_victim.surname)
    page.fill("#crimeNumber", registered_victim.crime_number)
    fill_date(page, *registered_victim.dob_parts)
    page.fill("#password", "not the right password")
    submit(page, "/victim/sign-in")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in – "))
    # One message for every kind of mismatch, from the API; no field is marked.
    generic = requests.post(f"{stack.api_url}/victim/sign-in", timeout=10, json={
        "crimeNumber": "LC-0000-0", "surname": "Nobody", "dateOfBirth": "1970-01-01",
        "password": "whatever it is"}).json()["message"]
    expect(summary.locator("a")).to_have_text([generic, "reset your password"])
    expect(summary).to_contain_text("Check your surname, crime number, date of birth and password")
    expect(summary.locator("a").nth(1)).to_have_attribute("href", "/forgotten-password.html")
    expect(page.locator(".govuk-error-message")).to_have_count(0)
    expect(page.locator("#password")).to_have_value("not the right password")
    check_state(page, "sign-in-error-no-match")


def test_a_date_with_a_wrong_month_names_the_month_and_marks_only_that_box(page, stack):
    """Typed as people write dates: 12 13 84."""
    page.goto(f"{stack.site_url}/sign-in.html")
    page.fill("#surname", "Taylor")
    page.fill("#crimeNumber", "LC-2026-1")
    fill_date(page, "12", "13", "84")
    page.fill("#password", "some password here")
    submit(page, "/victim/sign-in")
    summary = page.locator(".govuk-error-summary")
    expect(summary.locator("a")).to_have_text(["Month must be a number from 1 to 12"])
    expect(summary.locator("a")).to_have_attribute("href", "#dateOfBirth-month")
    expect(page.locator(".govuk-input--error")).to_have_count(1)
    expect(page.locator("#dateOfBirth-month")).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    check_state(page, "sign-in-error-month")
    # Put right, the year is next: it must have 4 numbers.
    page.fill("#dateOfBirth-month", "Jul")
    submit(page, "/victim/sign-in")
    expect(summary.locator("a")).to_have_text(["Year must include 4 numbers"])
    expect(page.locator(".govuk-input--error")).to_have_count(1)
    expect(page.locator("#dateOfBirth-year")).to_have_class(re.compile(r"\bgovuk-input--error\b"))


def test_a_crime_number_copied_with_spaces_and_lower_case_signs_in(page, stack, registered_victim):
    page.goto(f"{stack.site_url}/sign-in.html")
    page.fill("#surname", registered_victim.surname)
    page.fill("#crimeNumber", " " + registered_victim.crime_number.lower().replace("-", " ") + " ")
    fill_date(page, *registered_victim.dob_parts)
    page.fill("#password", registered_victim.password)
    with page.expect_navigation(url=re.compile(r"/case\.html$")):
        page.click("button[type=submit]")


def test_a_service_failure_is_explained_with_what_to_do(page, stack):
    page.route("**/api/victim/sign-in", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"code": "unavailable", "message": "The service is not available"}'))
    page.goto(f"{stack.site_url}/sign-in.html")
    page.click("button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Try again later, or call 101")
    check_state(page, "sign-in-error-service")


def test_register_with_nothing_entered(page, stack, victim):
    page.goto(invitation_link(stack, victim))
    submit(page, "/victim/register")
    assert_error_pattern(page, "Register", ["dateOfBirth", "password"])
    check_state(page, "register-error-empty")


def test_register_with_a_common_password(page, stack, victim):
    page.goto(invitation_link(stack, victim))
    fill_date(page, *victim.dob_parts)
    page.fill("#password", "password123")
    submit(page, "/victim/register")
    assert_error_pattern(page, "Register", ["password"])
    check_state(page, "register-error-password")


def test_register_with_the_wrong_date_of_birth(page, stack, victim):
    page.goto(invitation_link(stack, victim))
    fill_date(page, "1", "1", "1970")
    page.fill("#password", "a perfectly fine long password")
    submit(page, "/victim/register")
    assert_error_pattern(page, "Register", ["dateOfBirth"])
    expect(page.locator("#password")).to_have_value("a perfectly fine long password")
    check_state(page, "register-error-date")
    # After the third wrong date, how many tries are left; after the fifth, the
    # link is locked and the page says how to get a new one.
    summary = page.locator(".govuk-error-summary")
    submit(page, "/victim/register")
    expect(summary).not_to_contain_text("tries")
    submit(page, "/victim/register")
    expect(summary).to_contain_text("You have 2 more tries before this link is locked")
    submit(page, "/victim/register")
    expect(summary).to_contain_text("You have 1 more try before this link is locked")
    submit(page, "/victim/register")
    expect(page.locator("h1:visible")).to_have_text("Your invitation link cannot be used")
    expect(page.locator("[data-tmc-message]")).to_contain_text("This invitation link is now locked")
    expect(page.locator("[data-tmc-message]")).to_contain_text("send you a new link")
    check_state(page, "register-invitation-locked")


def test_register_from_a_broken_invitation_link(page, stack):
    page.goto(f"{stack.site_url}/register.html#invitation=not-a-real-token")
    fill_date(page, "9", "7", "1984")
    page.fill("#password", "a perfectly fine long password")
    submit(page, "/victim/register")
    expect(page.locator("h1:visible")).to_have_text("Your invitation link cannot be used")
    expect(page.locator("h1:visible")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Your invitation link cannot be used – "))
    expect(page.locator("[data-tmc-message]")).not_to_be_empty()
    check_state(page, "register-invitation-invalid")


def test_forgotten_password_with_nothing_entered(page, stack):
    page.goto(f"{stack.site_url}/forgotten-password.html")
    submit(page, "/victim/password-reset")
    assert_error_pattern(page, "Reset your password", ["surname", "crimeNumber", "dateOfBirth"])
    check_state(page, "forgotten-password-error-empty")


def test_new_password_that_is_too_short(page, stack, registered_victim):
    requests.post(f"{stack.api_url}/victim/password-reset", timeout=10, json={
        "crimeNumber": registered_victim.crime_number, "surname": registered_victim.surname,
        "dateOfBirth": registered_victim.date_of_birth})
    page.goto(reset_link(stack, registered_victim))
    page.fill("#password", "short")
    submit(page, "/victim/password-reset/complete")
    assert_error_pattern(page, "Choose a new password", ["password"])
    check_state(page, "reset-password-error-password")


def test_new_password_from_a_broken_link(page, stack):
    page.goto(f"{stack.site_url}/reset-password.html#token=nonsense")
    page.fill("#password", "a perfectly fine long password")
    submit(page, "/victim/password-reset/complete")
    expect(page.locator("h1:visible")).to_have_text("Your password reset link cannot be used")
    check_state(page, "reset-password-token-invalid")
