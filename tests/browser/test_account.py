"""Your account and the contact agreement (issue 14) from the victim's side,
on the real local stack, with the keyboard alone: the case page's prompt,
"How we contact you" (channels, quiet hours, safety phrase, errors), discreet
messages, changing the password, changing the email address with the code
sent to it, and stopping; then what the officer console shows of it all."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.api import Api
from tests.browser.support import (
    GOOD_PASSWORD,
    Victim,
    check_state,
    link_from_email,
    register_by_api,
    sign_in_with_keyboard,
    tab_to,
)
from tests.browser.test_officer_console import LINCS_OFFICER, submit_with_enter
from tests.browser.test_officer_console import sign_in_with_keyboard as officer_sign_in
from tests.factories import case_body, contact

pytestmark = pytest.mark.browser

MOBILE = "07700 900 982"  # Ofcom's drama range: accepted, reaches no one
SUMMARY = ".govuk-error-summary"
SAVED = "[data-tmc-banner] .govuk-notification-banner--success"


def victim_with_mobile(stack, officer, surname: str = "Achebe") -> Victim:
    """A registered victim with an email address and a mobile number."""
    crime_number = f"LC-2026-{secrets.randbelow(900000) + 100000}"
    email = f"victim.{secrets.token_hex(4)}@example.com"
    answer = officer.api.post("/officer/cases", case_body(crime_number, [contact(
        forename="Ada", surname=surname, dateOfBirth="1988-05-17", email=email, mobile=MOBILE)],
        officer={"name": "PC 2417 Jordan Reid", "email": "jordan.reid@lincs.police.example"}), officer.headers)
    assert answer.status_code == 201, answer.body
    victim = Victim(crime_number=crime_number, forename="Ada", surname=surname, date_of_birth="1988-05-17",
                    email=email, contact_id=answer.json()["contacts"][0]["id"])
    register_by_api(stack, victim)
    return victim


def link_from_text(stack, number: str, pattern: str, within: float = 20) -> str:
    """What matches pattern in the newest text to this E.164 number: the
    local stack writes each text as an .sms file (`To: ...`, a blank line, the body)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for file in sorted(Path(stack.outbox_dir).glob("*.sms"), reverse=True):
            head, _, body = file.read_text().partition("\n\n")
            found = re.search(pattern, body)
            if head.strip() == f"To: {number}" and found:
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no text to {number} with {pattern} within {within} s")


def press_enter_and_wait(page, method: str, path: str) -> int:
    with page.expect_response(lambda r: r.url.endswith(f"/api{path}") and r.request.method == method) as answer:
        page.keyboard.press("Enter")
    return answer.value.status


def go_to_account(page) -> None:
    """From a signed-in page, by the navigation's "Your account"."""
    tab_to(page, "nav a[href='/account.html']", limit=20)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Your account – "))
    expect(page.locator("[data-tmc-account]")).to_be_visible()


def value(page, field: str):
    return page.locator(f"[data-tmc-field='{field}']")


def test_the_case_page_asks_how_to_contact_them_until_they_choose_with_the_keyboard_alone(page, stack, officer):
    victim = victim_with_mobile(stack, officer)
    sign_in_with_keyboard(page, stack.site_url, victim)
    prompt = page.locator("[data-module='tmc-agreement-prompt']")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("Choose how we contact you")
    check_state(page, "case-contact-prompt")

    tab_to(page, "[data-module='tmc-agreement-prompt'] a")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^How we contact you – "))
    form = page.locator("form[data-tmc-agreement]")
    expect(form).to_be_visible()
    # Email and a mobile: all three choices, "both" until they choose; quiet hours off.
    expect(page.locator("[data-tmc-choice]:visible")).to_have_count(3)
    expect(page.locator("#channels-both")).to_be_checked()
    expect(page.locator("#quietHours")).to_be_checked()
    expect(page.locator("#conditional-quiet-hours")).to_be_hidden()
    check_state(page, "how-we-contact-you")

    # Texts only: the checked choice is the group's tab stop; an arrow moves the choice.
    tab_to(page, "#channels-both")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#channels-text")).to_be_checked()
    # Quiet hours: yes reveals the times, 9pm until 8am to start with; make it until 9am.
    tab_to(page, "#quietHours")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#quietHours-yes")).to_be_checked()
    expect(page.locator("#conditional-quiet-hours")).to_be_visible()
    expect(page.locator("#quietFrom")).to_have_value("21:00")
    tab_to(page, "#quietTo")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#quietTo")).to_have_value("09:00")
    # A phrase that is too short, and one that names them: each refused on its field.
    tab_to(page, "#phrase")
    page.keyboard.type("ok")
    tab_to(page, "form[data-tmc-agreement] button[type=submit]")
    assert press_enter_and_wait(page, "PUT", "/victim/contact-agreement") == 400
    summary = page.locator(SUMMARY)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: How we contact you – "))
    link = summary.locator("a[href='#phrase']")
    expect(link).to_contain_text(re.compile(r"4 characters or more"))
    expect(page.locator("#phrase-error")).to_contain_text("4 characters or more")
    check_state(page, "how-we-contact-you-errors")
    # The summary's link leads to the field; what was chosen is kept.
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#phrase")).to_be_focused()
    expect(page.locator("#channels-text")).to_be_checked()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{victim.surname} kettle")
    tab_to(page, "form[data-tmc-agreement] button[type=submit]")
    assert press_enter_and_wait(page, "PUT", "/victim/contact-agreement") == 400
    expect(page.locator("#phrase-error")).to_contain_text("does not include your name")

    tab_to(page, "#phrase", limit=60)
    page.keyboard.press("Control+A")
    page.keyboard.type("yellow teapot on Sunday")
    tab_to(page, "form[data-tmc-agreement] button[type=submit]")
    with page.expect_navigation(url=re.compile(r"/account\.html")):
        assert press_enter_and_wait(page, "PUT", "/victim/contact-agreement") == 200
    banner = page.locator(SAVED)
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("We have saved how we contact you")
    assert "saved=" not in page.url, "the banner is said once: a reload does not repeat it"
    expect(value(page, "channels")).to_have_text("By text message")
    expect(value(page, "quietHours")).to_have_text("No texts between 9pm and 9am")
    expect(value(page, "phrase")).to_have_text("yellow teapot on Sunday")
    expect(value(page, "mobile")).to_have_text(MOBILE)
    expect(value(page, "safeContact")).to_have_text("Off")
    check_state(page, "account-saved")

    # Chosen: the case page no longer asks.
    tab_to(page, f"{SAVED} a[href='/case.html']")
    page.keyboard.press("Enter")
    expect(page.locator("[data-tmc-case]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(prompt).to_be_hidden()


def test_someone_with_only_a_mobile_registers_from_a_text_and_is_offered_texts_only(page, stack, officer):
    crime_number = f"LC-2026-{secrets.randbelow(900000) + 100000}"
    mobile, e164 = "07700 900 456", "+447700900456"
    answer = officer.api.post("/officer/cases", case_body(crime_number, [{
        "role": "witness", "forename": "Tunde", "surname": "Bakare", "dateOfBirth": "1979-11-03", "mobile": mobile}],
        officer={"name": "PC 2417 Jordan Reid", "email": "jordan.reid@lincs.police.example"}), officer.headers)
    assert answer.status_code == 201, answer.body
    victim = Victim(crime_number=crime_number, forename="Tunde", surname="Bakare", date_of_birth="1979-11-03",
                    email="", contact_id=answer.json()["contacts"][0]["id"])
    token = link_from_text(stack, e164, r"/register\.html#invitation=[\w.\-]+").split("#invitation=")[1]
    registered = Api(stack.api_url).post("/victim/register", {
        "invitation": token, "dateOfBirth": victim.date_of_birth, "password": victim.password})
    assert registered.status_code == 201, registered.body

    sign_in_with_keyboard(page, stack.site_url, victim)
    tab_to(page, "[data-module='tmc-agreement-prompt'] a")
    page.keyboard.press("Enter")
    expect(page.locator("form[data-tmc-agreement]")).to_be_visible()
    expect(page.locator("[data-tmc-choices]")).to_be_hidden()
    expect(page.locator("[data-tmc-only-channel]")).to_contain_text(
        "We can only contact you by text message, because we do not have an email address for you.")
    expect(page.locator("[data-tmc-add-address]")).to_have_text("Add an email address")
    expect(page.locator("[data-tmc-quiet]")).to_be_visible()
    check_state(page, "how-we-contact-you-text-only")
    tab_to(page, "#phrase", limit=60)
    page.keyboard.type("blue kettle sings")
    tab_to(page, "form[data-tmc-agreement] button[type=submit]")
    with page.expect_navigation(url=re.compile(r"/account\.html")):
        assert press_enter_and_wait(page, "PUT", "/victim/contact-agreement") == 200
    expect(value(page, "channels")).to_have_text("By text message")
    expect(value(page, "email")).to_have_text("Not given")
    expect(page.locator("[data-tmc-action='email']")).to_have_text("Add email address")
    check_state(page, "account-text-only")


def test_discreet_messages_are_explained_and_turned_on_with_the_keyboard_alone(page, stack, officer):
    victim = victim_with_mobile(stack, officer, surname="Mbeki")
    sign_in_with_keyboard(page, stack.site_url, victim)
    go_to_account(page)
    check_state(page, "account")
    tab_to(page, "a[href='/discreet-messages.html']", limit=60)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Discreet messages – "))
    expect(page.locator("form[data-tmc-agreement]")).to_be_visible()
    expect(page.locator("#safeContact-no")).to_be_checked()
    expect(page.locator(".govuk-warning-text")).to_contain_text("If you are in danger, call 999")
    check_state(page, "discreet-messages")
    tab_to(page, "#safeContact-no", limit=60)
    page.keyboard.press("ArrowUp")
    expect(page.locator("#safeContact")).to_be_checked()
    tab_to(page, "form[data-tmc-agreement] button[type=submit]")
    with page.expect_navigation(url=re.compile(r"/account\.html")):
        assert press_enter_and_wait(page, "PUT", "/victim/contact-agreement") == 200
    expect(page.locator(SAVED)).to_contain_text("Our messages will no longer say they are from the police")
    expect(value(page, "safeContact")).to_have_text("On: messages do not say they are from the police")
    # The rest of the agreement stayed as it was.
    expect(value(page, "channels")).to_have_text("By email and text message")

    case = officer.open_case(victim.crime_number)
    assert case["contacts"][0]["safeContact"] is True


def test_change_password_refuses_a_wrong_current_password_then_signs_out_everywhere(page, stack, officer):
    victim = victim_with_mobile(stack, officer, surname="Adichie")
    sign_in_with_keyboard(page, stack.site_url, victim)
    go_to_account(page)
    tab_to(page, "a[href='/change-password.html']", limit=60)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Change your password – "))
    check_state(page, "change-password")

    tab_to(page, "#currentPassword")
    page.keyboard.type("not my password at all")
    tab_to(page, "#newPassword")
    new_password = "harbour violet lantern quay"
    page.keyboard.type(new_password)
    tab_to(page, "form button[type=submit]")
    assert press_enter_and_wait(page, "POST", "/victim/password") == 400
    expect(page.locator(SUMMARY)).to_be_focused()
    expect(page.locator("#currentPassword-error")).to_contain_text("This is not your current password")
    expect(page.locator("#newPassword")).to_have_value(new_password)
    check_state(page, "change-password-errors")

    tab_to(page, "#currentPassword")
    page.keyboard.press("Control+A")
    page.keyboard.type(GOOD_PASSWORD)
    tab_to(page, "form button[type=submit]")
    assert press_enter_and_wait(page, "POST", "/victim/password") == 204
    expect(page).to_have_title(re.compile(r"^You have changed your password – "))
    expect(page.locator(".govuk-panel h1")).to_be_focused()
    check_state(page, "change-password-done")
    # Every session ended, this one too.
    page.goto(f"{stack.site_url}/account.html")
    expect(page).to_have_title(re.compile(r"^Sign in – "))
    victim.password = new_password
    sign_in_with_keyboard(page, stack.site_url, victim)


def test_change_email_address_with_the_code_sent_to_the_new_one(page, stack, officer):
    victim = victim_with_mobile(stack, officer, surname="Okonkwo")
    sign_in_with_keyboard(page, stack.site_url, victim)
    go_to_account(page)
    tab_to(page, "a[href='/change-email.html']", limit=60)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Change your email address – "))
    expect(page.locator("[data-tmc-current]")).to_have_text(f"Your email address is {victim.email}.")
    check_state(page, "change-email")

    # The same address is refused on its field.
    tab_to(page, "#email")
    page.keyboard.type(victim.email)
    tab_to(page, "form[data-tmc-address-form] button[type=submit]")
    assert press_enter_and_wait(page, "POST", "/victim/account/email") == 400
    expect(page.locator(SUMMARY)).to_be_focused()
    expect(page.locator("#email-error")).to_be_visible()
    check_state(page, "change-email-errors")

    new_email = f"ada.{secrets.token_hex(4)}@example.com"
    tab_to(page, "#email")
    page.keyboard.press("Control+A")
    page.keyboard.type(new_email)
    tab_to(page, "form[data-tmc-address-form] button[type=submit]")
    assert press_enter_and_wait(page, "POST", "/victim/account/email") == 202
    expect(page).to_have_title(re.compile(r"^Enter the code we emailed you – "))
    expect(page.locator("[data-tmc-sent-to]")).to_have_text(f"We have sent an email with a code to {new_email}.")
    check_state(page, "change-email-code")

    tab_to(page, "#code")
    page.keyboard.type("000000")
    tab_to(page, "form[data-tmc-code-form] button[type=submit]")
    assert press_enter_and_wait(page, "POST", "/victim/account/confirm") == 400
    expect(page.locator(SUMMARY)).to_be_focused()
    expect(page.locator("#code-error")).to_be_visible()
    check_state(page, "change-email-code-errors")

    code = link_from_email(stack, new_email, r"\b\d{6}\b")
    tab_to(page, "#code")
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    tab_to(page, "form[data-tmc-code-form] button[type=submit]")
    with page.expect_navigation(url=re.compile(r"/account\.html")):
        assert press_enter_and_wait(page, "POST", "/victim/account/confirm") == 200
    expect(page.locator(SAVED)).to_contain_text("Your email address has been changed")
    expect(value(page, "email")).to_have_text(new_email)


def test_stop_using_the_service_says_what_happens_first_then_ends_the_session_and_tells_the_officer(
        page, stack, officer):
    victim = victim_with_mobile(stack, officer, surname="Soyinka")
    sign_in_with_keyboard(page, stack.site_url, victim)
    go_to_account(page)
    tab_to(page, "a[href='/stop.html']", limit=80)
    page.keyboard.press("Enter")
    expect(page.locator("h1:visible")).to_have_text("Are you sure you want to stop using Track My Crime?")
    expect(page.locator("main")).to_contain_text("Stopping does not close your case or stop the investigation")
    check_state(page, "stop")

    tab_to(page, "form button[type=submit]", limit=60)
    assert press_enter_and_wait(page, "POST", "/victim/stop") == 204
    expect(page).to_have_title(re.compile(r"^You have stopped using Track My Crime – "))
    expect(page.locator(".govuk-panel h1")).to_be_focused()
    check_state(page, "stopped")

    page.goto(f"{stack.site_url}/case.html")
    expect(page).to_have_title(re.compile(r"^Sign in – "))
    case = officer.open_case(victim.crime_number)
    assert case["contacts"][0]["status"] == "wants_other_contact"
    assert case["contacts"][0]["stoppedAt"]

    # Signing in again asks them to choose how we contact them, which starts alerts again.
    sign_in_with_keyboard(page, stack.site_url, victim)
    expect(page.locator("[data-module='tmc-agreement-prompt']")).to_be_visible()


def test_signed_in_pages_send_someone_not_signed_in_to_sign_in(page, stack):
    for path in ("/account.html", "/how-we-contact-you.html", "/discreet-messages.html", "/change-email.html"):
        page.goto(f"{stack.site_url}{path}")
        expect(page).to_have_title(re.compile(r"^Sign in – "))


def test_an_answer_the_api_refuses_as_signed_out_takes_the_person_to_sign_in_again(page, stack, officer):
    victim = victim_with_mobile(stack, officer, surname="Emecheta")
    sign_in_with_keyboard(page, stack.site_url, victim)
    page.goto(f"{stack.site_url}/how-we-contact-you.html")
    expect(page.locator("form[data-tmc-agreement]")).to_be_visible()
    # The session ends elsewhere (signed out on another tab) while the page is open.
    page.evaluate("fetch('/api/victim/sign-out', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                  " body: '{}', credentials: 'same-origin'})")
    page.wait_for_timeout(300)
    tab_to(page, "form[data-tmc-agreement] button[type=submit]", limit=60)
    with page.expect_navigation(url=re.compile(r"/timed-out\.html")):
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^You have been signed out – "))


# -- the officer's side -------------------------------------------------------------------


def test_an_officer_records_a_person_with_only_a_mobile_and_discreet_messages_and_sees_who_stopped(
        page, stack, officer):
    stopped = victim_with_mobile(stack, officer, surname="Nwapa")
    api = Api(stack.api_url)
    signed_in = api.post("/victim/sign-in", {"crimeNumber": stopped.crime_number, "surname": stopped.surname,
                                             "dateOfBirth": stopped.date_of_birth, "password": stopped.password})
    assert signed_in.status_code == 200, signed_in.body
    assert api.post("/victim/stop", {}, {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}).status_code == 204

    # A number that has replied STOP (moto's SNS: any number ending 99 is opted out).
    opted_out = f"LC-2026-S{secrets.randbelow(900000) + 100000}"
    answer = officer.api.post("/officer/cases", case_body(opted_out, [contact(
        forename="Buchi", surname="Emecheta", email=f"b.{secrets.token_hex(4)}@example.com", mobile="07700 900 099")],
        officer={"name": "PC 2417 Jordan Reid", "email": "jordan.reid@lincs.police.example"}), officer.headers)
    assert answer.status_code == 201, answer.body
    for _ in range(100):
        if officer.open_case(opted_out)["contacts"][0]["textsFailing"]:
            break
        page.wait_for_timeout(200)

    officer_sign_in(page, stack.site_url, LINCS_OFFICER)
    tab_to(page, '[data-tmc-nav="new-case"]', limit=80)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Record a case – "))
    crime_number = f"LC-2026-M{secrets.randbelow(900000) + 100000}"
    tab_to(page, "#crime-number")
    page.keyboard.type(crime_number)
    tab_to(page, "#person-1-role")
    page.keyboard.press("Space")
    tab_to(page, "#person-1-forename")
    page.keyboard.type("Kemi")
    tab_to(page, "#person-1-surname")
    page.keyboard.type("Adeyemi")
    tab_to(page, "#person-1-dob-day")
    for part in ("2", "1", "1990"):
        page.keyboard.type(part)
        page.keyboard.press("Tab")
    # No email address; a number that is not a mobile: refused on its field, by name.
    tab_to(page, "#person-1-mobile")
    page.keyboard.type("0114 496 0000")
    tab_to(page, "#person-1-safe")
    page.keyboard.press("Space")
    expect(page.locator("#person-1-safe")).to_be_checked()
    tab_to(page, "[data-tmc-new-case-form] button[type=submit]")
    assert submit_with_enter(page, "**/api/officer/cases") == 400
    summary = page.locator(SUMMARY)
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#person-1-mobile']")).to_contain_text("mobile")
    expect(page.locator("[data-field='contacts[0].mobile'] .govuk-error-message")).to_be_visible()
    check_state(page, "officer-new-case-mobile-error")

    tab_to(page, "#person-1-mobile")
    page.keyboard.press("Control+A")
    page.keyboard.type("07700 900 123")
    tab_to(page, "[data-tmc-new-case-form] button[type=submit]")
    assert submit_with_enter(page, "**/api/officer/cases") == 201
    expect(page.locator("[data-tmc-banner]")).to_contain_text("We have sent Kemi Adeyemi an invitation")
    person = page.locator("[data-tmc-contact]")
    expect(person.locator("[data-tmc-field='channels']")).to_have_text("Text message")
    expect(person.locator("[data-tmc-field='safeContact']")).to_have_text(
        "On: messages do not say they are from the police")
    expect(person.locator("[data-tmc-safe-contact-button]")).to_have_text("Turn off discreet messages")
    check_state(page, "officer-case-text-only")

    # Turn discreet messages off, with the keyboard.
    tab_to(page, "[data-tmc-safe-contact-button]", limit=80)
    assert submit_with_enter(page, "**/safe-contact") == 200
    expect(page.locator("[data-tmc-banner]")).to_contain_text("Discreet messages turned off")
    expect(person.locator("[data-tmc-field='safeContact']")).to_have_text("Off")

    # Texts failing, with the reason and what to do.
    with page.expect_response(f"**/api/officer/cases/{opted_out}"):
        page.evaluate("(hash) => { window.location.hash = hash }", f"#case/{opted_out}")
    expect(person.locator(".govuk-tag")).to_have_text("Texts to them are failing")
    expect(person.locator("[data-tmc-field='status']")).to_contain_text("Texts: The contact replied STOP")
    expect(person.locator("[data-tmc-field='channels']")).to_have_text("Email and text message (texts failing)")
    check_state(page, "officer-case-texts-failing")

    # The person who stopped: "wants other contact", since when, and no alerts.
    # Another case in the same page (a reload would need a new sign-in: the tokens are in memory only).
    with page.expect_response(f"**/api/officer/cases/{stopped.crime_number}"):
        page.evaluate("(hash) => { window.location.hash = hash }", f"#case/{stopped.crime_number}")
    expect(page.locator("h1")).to_have_text(stopped.crime_number)
    expect(person.locator(".govuk-tag")).to_have_text("Wants other contact")
    expect(person.locator("[data-tmc-stopped]")).to_contain_text(
        "Ada Nwapa stopped using Track My Crime on")
    expect(person.locator("[data-tmc-field='channels']")).to_have_text("None: they stopped using Track My Crime")
    expect(person.locator("[data-tmc-invitation-form]")).to_have_count(0)
    check_state(page, "officer-case-wants-other-contact")
