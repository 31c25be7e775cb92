"""The officer console (issue 13) on the real local stack: signing in through
the development issuer's page (authorization code with PKCE), the inbox, a
case, replying, posting an update, recording a case, the error states, another
force's case, an auditor's read-only view, and signing out, with the keyboard
alone. One sign-in per officer; every page and state checked with axe."""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.api import Api
from tests.browser.support import check_state, focused, tab_to
from tests.i18n_support import english_in, keys_in

pytestmark = pytest.mark.browser

CONSOLE = "/officer/index.html"
# The development issuer's demo officers, in the order its page lists them (local/dev_issuer.py).
LINCS_OFFICER, LINCS_SUPERVISOR, LINCS_AUDITOR, AVON_OFFICER = range(4)


def tab_on_issuer_page(page, selector: str, limit: int = 20) -> None:
    """tab_to for the issuer's page, which runs no script (so nothing marks it as started)."""
    page.wait_for_selector(selector, state="visible")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with Tab; focus ended on {focused(page)}")


def sign_in_with_keyboard(page, site_url: str, officer: int, path: str = CONSOLE) -> None:
    """From the console's sign-in view, through the issuer's page, back to the console."""
    page.goto(site_url + path)
    tab_to(page, "[data-tmc-sign-in]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/oidc/authorize\?"))
    # The first officer is chosen already; arrows move the choice within the group.
    tab_on_issuer_page(page, "input[name=officer]:checked")
    for _ in range(officer):
        page.keyboard.press("ArrowDown")
    tab_on_issuer_page(page, "#sign-in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/officer/index\.html#"))
    expect(page.locator("[data-tmc-officer-nav]")).to_be_visible()


def sign_out_with_keyboard(page) -> None:
    tab_to(page, "[data-tmc-sign-out]", limit=80)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/officer/signed-out\.html$"))


def emails_to(stack, address: str) -> int:
    count = 0
    for file in Path(stack.outbox_dir).glob("*.eml"):
        message = BytesParser(policy=policy.default).parsebytes(file.read_bytes())
        if address in str(message.get("To", "")):
            count += 1
    return count


def victim_sends_a_message(stack, victim, text: str) -> None:
    api = Api(stack.api_url)
    signed_in = api.post("/victim/sign-in", {"crimeNumber": victim.crime_number, "surname": victim.surname,
                                             "dateOfBirth": victim.date_of_birth, "password": victim.password})
    assert signed_in.status_code == 200, signed_in.body
    cookie = {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}
    sent = api.post("/victim/messages", {"text": text}, cookie)
    assert sent.status_code == 201, sent.body


def fill_person_with_keyboard(page, number: int, forename: str | None, surname: str, email: str) -> None:
    """Person `number` on "Record a case": a victim (unless chosen already), names, 2 1 1990, email."""
    if forename is not None:
        tab_to(page, f"#person-{number}-role")
        page.keyboard.press("Space")
        tab_to(page, f"#person-{number}-forename")
        page.keyboard.type(forename)
    tab_to(page, f"#person-{number}-surname")
    page.keyboard.type(surname)
    tab_to(page, f"#person-{number}-dob-day")
    for part in ("2", "1", "1990"):
        page.keyboard.type(part)
        page.keyboard.press("Tab")
    page.keyboard.type(email)


def submit_with_enter(page, path_glob: str) -> int:
    with page.expect_response(path_glob) as answer:
        page.keyboard.press("Enter")
    return answer.value.status


def test_an_officer_signs_in_answers_a_message_posts_an_update_records_a_case_and_signs_out(
        page, stack, watch, registered_victim):
    victim = registered_victim
    message = "Has anyone looked at the CCTV yet? <b>not bold</b>"
    victim_sends_a_message(stack, victim, message)

    # Signed out: the console asks for a sign-in, and shows nothing else.
    page.goto(stack.site_url + CONSOLE)
    expect(page).to_have_title(re.compile(r"^Sign in – Track My Crime officer console – "))
    check_state(page, "officer-sign-in")
    tab_to(page, "[data-tmc-sign-in]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/oidc/authorize\?"))
    expect(page.locator("input[name=officer]")).to_have_count(4)
    check_state(page, "officer-issuer-sign-in")
    tab_on_issuer_page(page, "#sign-in")
    page.keyboard.press("Enter")

    # The inbox: the victim's message waits on this officer's case.
    page.wait_for_url(re.compile(r"/officer/index\.html#inbox$"))
    expect(page).to_have_title(re.compile(r"^Inbox – "))
    row = page.locator("tbody tr", has_text=victim.crime_number)
    expect(row).to_contain_text("Message waiting for a reply")
    expect(page.locator("[data-tmc-officer-name]")).to_have_text("Signed in as PC 1234 Alex Morgan")
    assert page.evaluate("() => Object.keys(localStorage).length") == 0
    # Only the sign-in request's state (removed once read) ever goes to sessionStorage.
    assert page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('oidc.')).length") == 0
    check_state(page, "officer-inbox")

    # The case: the message shown as text.
    tab_to(page, f'a[href="#case/{victim.crime_number}"]')
    with page.expect_response(f"**/api/officer/cases/{victim.crime_number}"):
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(victim.crime_number)
    entry = page.locator("[data-tmc-conversation] li").first
    expect(entry.locator("h5")).to_have_text(f"Message from {victim.forename} {victim.surname}")
    expect(entry.locator(".tmc-update__text")).to_have_text(message)
    assert entry.locator(".tmc-update__text b").count() == 0
    expect(page.locator("[data-tmc-contact] .govuk-tag")).to_have_text("Registered")
    check_state(page, "officer-case")

    # Reply: the victim gets an alert email.
    before = emails_to(stack, victim.email)
    tab_to(page, "[data-tmc-reply-form] textarea", limit=60)
    reply = "Yes, it shows a van. I will update you on Friday."
    page.keyboard.type(reply)
    tab_to(page, "[data-tmc-reply-form] button[type=submit]")
    # The sign-in has ended meanwhile (the API refuses the token): nothing is
    # lost, and the officer is told what to do, not shown a 401.
    page.route("**/messages", lambda route: route.fulfill(
        status=401, content_type="application/json", body='{"code": "unauthorized", "message": "Unauthorized"}'))
    assert submit_with_enter(page, "**/messages") == 401
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your sign-in has ended, so this has not been sent. Copy what you have written")
    expect(summary.locator("[data-tmc-sign-in-again]")).to_be_visible()
    expect(page.locator("[data-tmc-reply-form] textarea")).to_have_value(reply)
    check_state(page, "officer-reply-signed-out", widths=(375,))
    page.unroute("**/messages")
    tab_to(page, "[data-tmc-reply-form] button[type=submit]", limit=80)
    assert submit_with_enter(page, "**/messages") == 201
    banner = page.locator("[data-tmc-banner] .govuk-notification-banner--success")
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("Reply sent")
    expect(page.locator("[data-tmc-conversation] li").first.locator("h5")).to_have_text(
        "Reply from PC 1234 Alex Morgan")
    for _ in range(100):
        if emails_to(stack, victim.email) > before:
            break
        page.wait_for_timeout(100)
    assert emails_to(stack, victim.email) == before + 1, "the victim's alert is not in the outbox"
    check_state(page, "officer-case-replied")

    # Post an update: empty first, then with the keyboard.
    tab_to(page, "[data-tmc-update-form] button[type=submit]", limit=80)
    assert submit_with_enter(page, "**/updates") == 400
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_text(["Choose what has happened", "Enter the text to send"])
    expect(page).to_have_title(re.compile(rf"^Error: Case {victim.crime_number} – "))
    check_state(page, "officer-update-errors")
    page.keyboard.press("Tab")
    assert focused(page) == "a:Choose what has happened"
    page.keyboard.press("Enter")
    expect(page.locator("#update-type")).to_be_focused()
    page.keyboard.type("Suspect arrested")
    expect(page.locator("#update-type")).to_have_value("suspect_arrested")
    tab_to(page, "#update-text")
    page.keyboard.type("A man has been arrested and is being interviewed.")
    tab_to(page, "[data-tmc-update-form] button[type=submit]")
    assert submit_with_enter(page, "**/updates") == 201
    expect(banner).to_contain_text("Update posted")
    expect(page.locator("[data-tmc-updates] li").first.locator("h3")).to_have_text("Suspect arrested")

    # Record a case: empty first (the API's messages, named), then filled in.
    tab_to(page, '[data-tmc-nav="new-case"]', limit=80)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Record a case – "))
    expect(page.locator("#officer-name")).to_have_value("PC 1234 Alex Morgan")
    tab_to(page, "#crime-number")
    page.keyboard.press("Tab")
    tab_to(page, "[data-tmc-new-case-form] button[type=submit]")
    assert submit_with_enter(page, "**/api/officer/cases") == 400
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the crime number")
    expect(summary).to_contain_text("Enter their date of birth")
    check_state(page, "officer-new-case-errors")
    crime_number = f"LC-2026-C{victim.crime_number[-6:]}"
    tab_to(page, "#crime-number")
    page.keyboard.type(crime_number)
    fill_person_with_keyboard(page, 1, "Jo", "Bloggs", "jo.bloggs@example.com")
    # A second and a third person; the third is removed again.
    for number in (2, 3):
        tab_to(page, "[data-tmc-add-person]", limit=60)
        page.keyboard.press("Enter")
        expect(page.locator(f"#person-{number}-role")).to_be_focused()
        expect(page.locator("[data-tmc-person-heading]").nth(number - 1)).to_have_text(f"Person {number}")
    expect(page.locator("[data-tmc-people-status]")).to_have_text("Person 3 added. There are 3 people on this case.")
    # Round the page from person 3 (each person has a language to choose, and the page a language toggle).
    tab_to(page, "#person-2-role", limit=60)
    page.keyboard.press("Space")
    tab_to(page, "#person-2-forename")
    page.keyboard.type("Sam")
    tab_to(page, "[data-tmc-new-case-form] button[type=submit]", limit=60)
    assert submit_with_enter(page, "**/api/officer/cases") == 400
    # Each error names its person and leads to that person's field.
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the last name of person 2")
    expect(summary).to_contain_text("Choose whether person 3 is a victim or a witness")
    check_state(page, "officer-new-case-people-errors", widths=(375,))
    link = summary.get_by_role("link", name="Enter the email address or mobile number of person 2")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#person-2-email")).to_be_focused()
    expect(page.locator("[data-field='contacts[1].email'] .govuk-error-message")).to_contain_text(
        "Enter the email address or mobile number of person 2")
    tab_to(page, '[data-tmc-person]:nth-child(3) [data-tmc-remove-person]', limit=60)
    page.keyboard.press("Enter")
    expect(page.locator("[data-tmc-person]")).to_have_count(2)
    expect(page.locator("[data-tmc-person-heading]").nth(1)).to_be_focused()
    expect(page.locator("[data-tmc-people-status]")).to_have_text("Person removed. There are 2 people on this case.")
    fill_person_with_keyboard(page, 2, None, "Taylor", "sam.taylor@example.com")
    tab_to(page, "[data-tmc-new-case-form] button[type=submit]")
    assert submit_with_enter(page, "**/api/officer/cases") == 201
    expect(banner).to_contain_text("Case recorded")
    expect(banner).to_contain_text("We have sent Jo Bloggs and Sam Taylor an invitation")
    expect(page.locator("h1")).to_have_text(crime_number)
    expect(page.locator("[data-tmc-contact] .govuk-tag")).to_have_text(["Invited, not registered yet"] * 2)
    check_state(page, "officer-case-recorded")

    # Sign out, then Back: nothing of any case comes back.
    sign_out_with_keyboard(page)
    check_state(page, "officer-signed-out")
    page.go_back()
    expect(page).to_have_title(re.compile(r"^Sign in – "))
    body = page.locator("body").inner_text()
    assert victim.crime_number not in body and crime_number not in body
    expect(page.locator("[data-tmc-officer-nav]")).to_be_hidden()
    assert watch.third_party == [], "the console must not load anything from another origin"


def test_another_forces_officer_cannot_see_the_case_and_an_auditor_only_reads_it(page, stack, watch, victim):
    # A clock the test can move on, for the idle warning at the end.
    page.clock.install()
    sign_in_with_keyboard(page, stack.site_url, AVON_OFFICER, f"{CONSOLE}#case/{victim.crime_number}")
    expect(page.locator("h1")).to_have_text("Case not found")
    expect(page.locator("[data-tmc-not-found-text]")).to_have_text(
        f"There is no case with the crime number {victim.crime_number} that you can see.")
    assert victim.forename not in page.locator("body").inner_text()
    check_state(page, "officer-case-not-found")
    sign_out_with_keyboard(page)

    sign_in_with_keyboard(page, stack.site_url, LINCS_AUDITOR, f"{CONSOLE}#case/{victim.crime_number}")
    expect(page.locator("h1")).to_have_text(victim.crime_number)
    expect(page.locator("[data-tmc-read-only]")).to_be_visible()
    expect(page.locator("[data-tmc-view] form")).to_have_count(0)
    expect(page.locator('[data-tmc-nav="new-case"]')).to_be_hidden()
    check_state(page, "officer-case-auditor")

    # Idle for 13 minutes: a warning, with focus in it; Escape keeps the officer signed in.
    page.clock.fast_forward("13:00")
    warning = page.locator("[data-tmc-idle-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You have not used the console for 13 minutes. To protect the information"
                                    " on this page, we will sign you out in 2 minutes.")
    expect(page.locator("[data-tmc-stay]")).to_be_focused()
    check_state(page, "officer-idle-warning")
    page.keyboard.press("Escape")
    expect(warning).to_be_hidden()
    expect(page.locator("[data-tmc-view] h1")).to_be_focused()

    # The team's inbox, a page at a time. A hundred and more things waiting are
    # costly to make on the stack, so the API's two pages are stubbed here (the
    # API's own tests cover its cursor).
    stub_inbox_pages(page)
    tab_to(page, '[data-tmc-nav="inbox"]', limit=80)
    page.keyboard.press("Enter")
    tab_to(page, '[data-tmc-scope="team"]')
    page.keyboard.press("Enter")
    caption = page.locator("[data-tmc-inbox-items] caption")
    expect(caption).to_have_text("The 100 things waiting longest, oldest first")
    # "Show more" comes next after the list's last case.
    page.locator("tbody tr a").last.focus()
    page.keyboard.press("Tab")
    expect(page.locator("[data-tmc-show-more]")).to_be_focused()
    with page.expect_response("**/api/officer/inbox?cursor=page-2"):
        page.keyboard.press("Enter")
    # The officer's place is kept: focus on the first case of the new page.
    expect(page.get_by_role("link", name="LC-STUB-100")).to_be_focused()
    expect(page.locator("tbody tr")).to_have_count(102)
    expect(caption).to_have_text("102 things waiting, oldest first")
    expect(page.locator("[data-tmc-inbox-more-text]")).to_have_text("That is everything waiting.")
    expect(page.locator("[data-tmc-show-more]")).to_have_count(0)
    check_state(page, "officer-inbox-more", widths=())  # a hundred rows: too long to look at

    # Then 15 minutes with nothing done: signed out, and told why.
    page.clock.fast_forward("15:00")
    page.wait_for_url(re.compile(r"/officer/timed-out\.html$"))
    assert "LC-STUB" not in page.locator("body").inner_text()
    assert watch.third_party == []


def assert_welsh(page, where: str) -> None:
    """The page is Welsh: <html lang="cy">, no English catalogue phrase and no message key in its words
    (leaving out what people wrote: the updates and messages, written in English by the fixtures)."""
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    text = page.locator("body").inner_text()
    for written in page.locator(".tmc-update__text").all_inner_texts():
        text = text.replace(written, "")
    assert english_in(text) == [], f"{where}: English in the Welsh console"
    assert keys_in(text) == [], f"{where}: message keys shown"


def test_an_officer_uses_the_console_in_welsh_and_records_a_welsh_speaking_person(
        page, stack, watch, registered_victim):
    victim = registered_victim
    victim_sends_a_message(stack, victim, "Oes rhywun wedi edrych ar y camerâu?")

    # Cymraeg from the toggle, remembered as on the victim site; the sign-in view in Welsh.
    page.goto(stack.site_url + CONSOLE)
    tab_to(page, '.tmc-language-toggle a[hreflang="cy"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cy/officer/index\.html$"))
    expect(page).to_have_title(re.compile(r"^Mewngofnodi – consol swyddogion Track My Crime – "))
    assert page.evaluate("() => localStorage.getItem('tmc-language')") == "cy"
    assert_welsh(page, "sign-in")
    check_state(page, "cy-officer-sign-in", widths=(375,))

    # The identity provider returns to the registered (English) address; the
    # English page sends the answer on to the Welsh console, which signs in.
    tab_to(page, "[data-tmc-sign-in]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/oidc/authorize\?.*redirect_uri=[^&]*%2Fofficer%2Findex\.html"))
    tab_on_issuer_page(page, "#sign-in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cy/officer/index\.html#inbox$"))
    expect(page).to_have_title(re.compile(r"^Mewnflwch – "))
    expect(page.locator("[data-tmc-officer-name]")).to_have_text("Wedi mewngofnodi fel PC 1234 Alex Morgan")
    expect(page.locator("tbody tr", has_text=victim.crime_number)).to_contain_text("Neges yn aros am ateb")
    assert_welsh(page, "inbox")
    check_state(page, "cy-officer-inbox")

    # A case.
    tab_to(page, f'a[href="#case/{victim.crime_number}"]')
    with page.expect_response(f"**/api/officer/cases/{victim.crime_number}"):
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(victim.crime_number)
    expect(page.locator("[data-tmc-contact] .govuk-tag")).to_have_text("Wedi cofrestru")
    expect(page.locator('[data-tmc-contact] [data-tmc-field="language"]')).to_have_text("Saesneg")
    assert_welsh(page, "case")
    check_state(page, "cy-officer-case")

    # Record a case, with a person whose emails and texts are to be in Welsh.
    tab_to(page, '[data-tmc-nav="new-case"]', limit=80)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Cofnodi achos – "))
    expect(page.locator("#person-1-language")).to_be_checked()
    assert_welsh(page, "new case")
    check_state(page, "cy-officer-new-case")
    crime_number = f"LC-2026-W{victim.crime_number[-6:]}"
    tab_to(page, "#crime-number")
    page.keyboard.type(crime_number)
    fill_person_with_keyboard(page, 1, "Siân", "Jones", "sian.jones@example.com")
    tab_to(page, "#person-1-language")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#person-1-language-cy")).to_be_checked()
    # Another person (English by default) leaves the first one's choice as it was; then goes again.
    tab_to(page, "[data-tmc-add-person]", limit=60)
    page.keyboard.press("Enter")
    expect(page.locator("[data-tmc-people-status]")).to_have_text(
        "Person 2 wedi’i ychwanegu. Mae 2 berson ar yr achos hwn.")
    expect(page.locator("#person-2-language")).to_be_checked()
    expect(page.locator("#person-1-language-cy")).to_be_checked()
    tab_to(page, "[data-tmc-person]:nth-child(2) [data-tmc-remove-person]", limit=60)
    page.keyboard.press("Enter")
    expect(page.locator("[data-tmc-person]")).to_have_count(1)
    expect(page.locator("#person-1-language-cy")).to_be_checked()
    tab_to(page, "[data-tmc-new-case-form] button[type=submit]", limit=60)
    with page.expect_response("**/api/officer/cases") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 201
    assert [c["language"] for c in answer.value.request.post_data_json["contacts"]] == ["cy"]
    banner = page.locator("[data-tmc-banner] .govuk-notification-banner--success")
    expect(banner).to_contain_text("Achos wedi’i gofnodi")
    expect(page.locator("h1")).to_have_text(crime_number)
    # As stored: the case the API gives back says Welsh.
    expect(page.locator('[data-tmc-contact] [data-tmc-field="language"]')).to_have_text("Cymraeg")
    assert_welsh(page, "case recorded")
    check_state(page, "cy-officer-case-recorded", widths=(375,))

    # Signing out returns to the registered English page, which sends the officer on to the Welsh one.
    sign_out = page.locator("[data-tmc-officer-nav] [data-tmc-sign-out]")
    sign_out.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cy/officer/signed-out\.html"))
    expect(page.locator("h1")).to_have_text("Rydych wedi allgofnodi")
    assert_welsh(page, "signed out")
    assert watch.third_party == []


def stub_inbox_pages(page) -> None:
    """The team's inbox as two pages: 100 things and a cursor, then 2 more and no cursor."""
    def item(i: int) -> dict:
        return {"crimeNumber": f"LC-STUB-{i:03}", "contactId": "c1", "reason": "message",
                "waitingSince": f"2026-01-01T09:{i // 60:02}:{i % 60:02}Z", "officerId": "o1"}

    def answer(route) -> None:
        later = "cursor=page-2" in route.request.url
        body = {"items": [item(i) for i in (range(100, 102) if later else range(100))],
                "cursor": None if later else "page-2"}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/api/officer/inbox*", answer)
