"""Two-way contact (issue 12) from the victim's side, on the real stack: asking
for an update, sending a message to the officer in charge, the conversation,
and the error states, with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_state, focused, sign_in_with_keyboard, tab_to

pytestmark = pytest.mark.browser

# The new states are looked at on a small phone (360 px) as well as a laptop.
WIDTHS = (360, 1280)
DUE = r"\w+day \d{1,2} \w+ \d{4}"  # "Friday 4 December 2026"
WHEN = r"\d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm)"
SEND = "[data-tmc-message-form] button[type=submit]"


def entries(page):
    return page.locator("[data-tmc-updates] > li")


def press_enter_and_wait(page, path: str) -> int:
    with page.expect_response(f"**/api{path}") as answer:
        page.keyboard.press("Enter")
    return answer.value.status


def test_ask_for_an_update_send_a_message_and_read_the_reply_with_the_keyboard_alone(
        page, stack, officer, registered_victim):
    sign_in_with_keyboard(page, stack.site_url, registered_victim)
    expect(page.locator("[data-tmc-next-update]")).to_be_visible()
    expect(page.locator('[data-tmc-field="nextUpdateDueBy"]')).to_have_text(re.compile(rf"^By {DUE}$"))
    expect(page.locator("[data-tmc-no-more-today], [data-tmc-messages-left]")).to_have_count(2)
    expect(page.locator("[data-tmc-messages-left]")).to_be_hidden()
    check_state(page, "case-two-way", WIDTHS)

    # Ask for an update.
    tab_to(page, "[data-tmc-ask]")
    assert press_enter_and_wait(page, "/victim/update-request") == 201
    banner = page.locator("[data-tmc-banner] .govuk-notification-banner--success")
    expect(banner).to_be_focused()
    expect(banner.locator(".govuk-notification-banner__heading")).to_have_text("You have asked for an update")
    expect(banner).to_contain_text(re.compile(rf"The officer in charge will reply by {DUE}\."))
    expect(page.locator("[data-tmc-ask]")).to_be_hidden()
    expect(page.locator("[data-tmc-asked]")).to_have_text(re.compile(
        rf"^You asked for an update on {WHEN}\. The officer in charge will reply by {DUE}\. "
        r"We will let you know when they reply\.$"))
    expect(entries(page).first.locator("h3")).to_have_text("You asked for an update")
    expect(entries(page).first.locator(".tmc-update__status li")).to_have_text(
        ["Not read yet", re.compile(rf"^Expect a reply by {DUE}$")])
    check_state(page, "case-asked-for-update", WIDTHS)

    # Send a message: Tab from the banner to the box, type, Tab to "Send message".
    tab_to(page, "#message")
    message = "Has anyone looked at the CCTV yet?\nI can send the doorbell video if it helps."
    page.keyboard.type(message)
    expect(page.locator(".govuk-character-count__status")).to_have_text(
        f"You have {2000 - len(message):,} characters remaining")
    tab_to(page, SEND)
    assert press_enter_and_wait(page, "/victim/messages") == 201
    expect(banner).to_be_focused()
    expect(banner.locator(".govuk-notification-banner__heading")).to_have_text(
        "Your message has been sent to the officer in charge")
    expect(banner.locator("p")).to_have_text([re.compile(rf"^They will reply by {DUE}\.$"),
                                               "We will let you know when they reply."])
    expect(entries(page)).to_have_count(3)
    mine = entries(page).first
    expect(mine.locator("h3")).to_have_text("Message from you")
    expect(mine.locator(".tmc-update__meta")).to_have_text(re.compile(rf"^{WHEN}$"))
    # The line break is kept, as text.
    assert mine.locator(".tmc-update__text").inner_text() == message
    expect(entries(page).nth(1).locator("h3")).to_have_text("You asked for an update")
    expect(page.locator("#message")).to_have_value("")
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 2,000 characters remaining")
    check_state(page, "case-message-sent", WIDTHS)

    # The officer opens the case (reading both) and replies; the person checks.
    officer.open_case(registered_victim.crime_number)
    officer.reply(registered_victim, "I have asked for the CCTV. Yes please, send the doorbell video to me by email.")
    tab_to(page, "[data-tmc-refresh]")
    assert press_enter_and_wait(page, "/victim/case") == 200
    expect(entries(page)).to_have_count(4)
    expect(banner).to_have_count(0)  # the check's result replaces the earlier banner
    reply = entries(page).first
    expect(reply.locator("h3")).to_have_text(re.compile(r"^Message from \S"))
    expect(reply.locator(".tmc-update__status")).to_have_count(0)
    for index in (1, 2):
        expect(entries(page).nth(index).locator(".tmc-update__status li")).to_have_text(
            [re.compile(rf"^Read by the officer on {WHEN}$"), "Answered"])
    expect(page.locator("[data-tmc-refresh-status]")).to_contain_text("1 update and 3 messages")
    # The request was answered: the button is back.
    expect(page.locator("[data-tmc-ask]")).to_be_visible()
    check_state(page, "case-reply", WIDTHS)


def test_asking_again_while_a_request_is_open_says_so(page, stack, registered_victim):
    sign_in_with_keyboard(page, stack.site_url, registered_victim)
    first = page.evaluate("""async () => (await fetch('/api/victim/update-request', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{}'})).status""")
    assert first == 201
    # This page still offers the button, as a second tab would.
    tab_to(page, "[data-tmc-ask]")
    assert press_enter_and_wait(page, "/victim/update-request") == 200
    banner = page.locator("[data-tmc-banner] .govuk-notification-banner")
    expect(banner.locator(".govuk-notification-banner__heading")).to_have_text("You have already asked for an update")
    expect(banner).to_contain_text(re.compile(rf"You asked for an update on {WHEN}\."))
    expect(entries(page).filter(has_text="You asked for an update")).to_have_count(1)


def assert_summary_focused(page, message: str | re.Pattern[str]) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_text([message])
    expect(page).to_have_title(re.compile(r"^Error: Your case – "))
    expect(page.locator("[data-tmc-banner] .govuk-notification-banner")).to_have_count(0)


def test_an_empty_or_too_long_message_shows_the_error_summary_linked_to_the_box(page, stack, registered_victim):
    sign_in_with_keyboard(page, stack.site_url, registered_victim)
    tab_to(page, SEND)
    assert press_enter_and_wait(page, "/victim/messages") == 400
    assert_summary_focused(page, "Enter your message")
    expect(page.locator(".govuk-error-summary a")).to_have_attribute("href", "#message")
    expect(page.locator("#text-error")).to_have_text("Error: Enter your message")
    expect(page.locator("#message")).to_have_attribute("aria-describedby", re.compile(r"\btext-error\b"))
    check_state(page, "case-message-error-empty", WIDTHS)

    # The summary's link takes the keyboard to the box.
    page.keyboard.press("Tab")
    assert focused(page) == "a:Enter your message"
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_be_focused()

    # Too long: the count says so as it is typed (pasted here), and so does the API.
    page.keyboard.insert_text("x" * 2001)
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 1 character too many")
    tab_to(page, SEND)
    assert press_enter_and_wait(page, "/victim/messages") == 400
    assert_summary_focused(page, re.compile(r"2,?000 characters or fewer"))
    expect(page.locator("#message")).to_have_value("x" * 2001)
    # The count's own message is kept beside the API's.
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 1 character too many")
    expect(page.locator(".govuk-error-message:visible")).to_have_count(2)
    check_state(page, "case-message-error-too-long", WIDTHS)


def test_past_the_daily_limit_the_summary_says_when_and_who_to_call(page, stack, registered_victim):
    sign_in_with_keyboard(page, stack.site_url, registered_victim)
    # Ten messages from this session, as if sent from another tab.
    statuses = page.evaluate("""async () => {
        const statuses = []
        for (let i = 1; i <= 10; i += 1) {
            const answer = await fetch('/api/victim/messages', {method: 'POST',
                headers: {'Content-Type': 'application/json'}, body: JSON.stringify({text: `Message ${i}`})})
            statuses.push(answer.status)
        }
        return statuses }""")
    assert statuses == [201] * 10

    tab_to(page, "#message")
    page.keyboard.type("One more thing")
    tab_to(page, SEND)
    assert press_enter_and_wait(page, "/victim/messages") == 429
    assert_summary_focused(page, re.compile(r"You can send more tomorrow\..*call 101\..*call 999\."))
    expect(page.locator(".govuk-error-summary a")).to_have_count(0)
    expect(page.locator("#message")).to_have_value("One more thing")
    check_state(page, "case-message-error-limit", WIDTHS)

    # Read again, the page says so before anyone types.
    page.reload()
    page.wait_for_selector("[data-tmc-case]:not([hidden])")
    expect(page.locator("[data-tmc-message-form] form")).to_be_hidden()
    expect(page.locator("[data-tmc-no-more-today]")).to_have_text(
        "You have sent as many messages as you can today. You can send more tomorrow. "
        "If it is urgent, call 101. In an emergency, call 999.")
    expect(entries(page).filter(has_text="Message from you")).to_have_count(10)
    check_state(page, "case-no-more-messages-today", WIDTHS)


def test_message_text_is_shown_as_text_and_runs_nothing(page, stack, registered_victim):
    sign_in_with_keyboard(page, stack.site_url, registered_victim)
    hostile = '<img src=x onerror="window.__pwned = 1"> <b>bold?</b>'
    tab_to(page, "#message")
    page.keyboard.insert_text(hostile)
    tab_to(page, SEND)
    assert press_enter_and_wait(page, "/victim/messages") == 201
    text = entries(page).first.locator(".tmc-update__text")
    expect(text).to_have_text(hostile)
    assert text.locator("img, b").count() == 0
    assert page.evaluate("window.__pwned") is None
