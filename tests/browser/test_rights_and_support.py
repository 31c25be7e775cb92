"""Rights and support (issue 15, item 4), and what a case page says once a
decision is made: a closed case, one not investigated, one where no one was
charged; and reading a long update keeps the session (item 0)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_state, tab_to
from tests.browser.test_journey import sign_in

pytestmark = pytest.mark.browser


def test_support_near_you_lists_the_forces_services_with_numbers_to_tap(page, stack, watch):
    page.goto(f"{stack.site_url}/support.html")
    expect(page).to_have_title("Support near you – Track My Crime – Demo Constabulary")
    for heading in ("Help for anyone affected by crime", "Domestic abuse", "Rape and sexual violence"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(page.get_by_role("link", name="08 08 16 89 111")).to_have_attribute("href", "tel:08081689111")
    expect(page.get_by_role("link", name="0808 2000 247")).to_have_attribute("href", "tel:08082000247")
    expect(page.get_by_role("link", name="0808 500 2222")).to_have_attribute("href", "tel:08085002222")
    expect(page.locator(".tmc-support-service", has_text="Demoshire Victim Care")).to_contain_text("Example service")
    # Reachable by keyboard: the first service's number, with the skip link and header before it.
    tab_to(page, "a[href='tel:08081689111']")
    assert watch.third_party == []


def test_your_rights_lists_the_12_rights_and_the_review_time_limits(page, stack):
    page.goto(f"{stack.site_url}/rights.html")
    expect(page.locator("#the-12-rights + p + ol > li")).to_have_count(12)
    review = page.locator("#right-to-review ~ p").filter(has_text="Ask within")
    expect(review.first).to_contain_text("Ask within 3 months of being told about the decision")
    expect(review.nth(1)).to_contain_text("Ask within 5 working days if you can")
    expect(page.get_by_role("link", name=re.compile("Code of Practice for Victims of Crime"))).to_have_attribute(
        "href", "https://www.gov.uk/government/publications/the-code-of-practice-for-victims-of-crime")
    expect(page.get_by_role("heading", name="If you are a witness")).to_be_visible()
    tab_to(page, "a[href$='the-code-of-practice-for-victims-of-crime']", limit=60)


def test_the_case_page_links_to_support_and_rights_by_keyboard(page, stack, registered_victim):
    sign_in(page, stack, registered_victim)
    expect(page.locator("[data-tmc-situation='investigating']")).to_contain_text("What happens next")
    tab_to(page, "[data-tmc-next-steps] a[href='/support.html']")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Support near you – "))


def test_a_closed_case_says_why_what_to_do_and_where_support_is(page, stack, officer, registered_victim):
    officer.post_update(registered_victim.crime_number, "case_closed",
                        "We have closed the case because the CCTV did not show who took the bike.")
    sign_in(page, stack, registered_victim)
    closed = page.locator("[data-tmc-situation='closed']")
    expect(closed).to_be_visible()
    expect(page.locator("[data-tmc-field='status']")).to_have_text("Closed")
    expect(closed.locator("[data-tmc-reason-text]")).to_have_text(
        "We have closed the case because the CCTV did not show who took the bike.")
    expect(closed).to_contain_text("A case can be reopened")
    expect(page.get_by_role("button", name="Check for anything new")).to_be_hidden()
    expect(page.locator("[data-tmc-next-steps]").get_by_role("link", name="Support near you")).to_be_visible()
    check_state(page, "case-closed")


def test_a_case_not_investigated_says_why_and_what_can_change_it(page, stack, officer, registered_victim):
    officer.post_update(registered_victim.crime_number, "not_investigated",
                        "There are no witnesses or CCTV, so we cannot take this further for now.")
    sign_in(page, stack, registered_victim)
    part = page.locator("[data-tmc-situation='not_investigated']")
    expect(part).to_be_visible()
    expect(part.locator("[data-tmc-reason-text]")).to_have_text(
        "There are no witnesses or CCTV, so we cannot take this further for now.")
    expect(part).to_contain_text("If you find out something new")
    expect(page.get_by_role("button", name="Check for anything new")).to_be_hidden()
    check_state(page, "case-not-investigated")
    tab_to(page, "[data-tmc-situation='not_investigated'] a[href='/rights.html#right-to-review']")


def test_after_a_decision_not_to_charge_the_case_says_how_to_ask_for_a_review(page, stack, officer,
                                                                               registered_victim):
    officer.post_update(registered_victim.crime_number, "interviewed_under_caution", "A man was interviewed.")
    officer.post_update(registered_victim.crime_number, "not_charged",
                        "There is not enough evidence to charge him.")
    sign_in(page, stack, registered_victim)
    part = page.locator("[data-tmc-situation='not_charged']")
    expect(part).to_be_visible()
    expect(part.locator("[data-tmc-reason-text]")).to_have_text("There is not enough evidence to charge him.")
    expect(part).to_contain_text("Victims' Right to Review")
    expect(part).to_contain_text("Ask within 3 months of being told about the decision")
    expect(part).to_contain_text("Ask within 5 working days if you can")
    expect(page.get_by_role("button", name="Check for anything new")).to_be_visible()
    check_state(page, "case-not-charged")


def test_reading_a_long_update_keeps_the_session_without_reading_the_case_again(page, stack, officer,
                                                                               registered_victim):
    officer.post_update(registered_victim.crime_number, "progress_update",
                        "\n\n".join(f"Paragraph {i}: what we have done so far, in detail." for i in range(60)))
    page.clock.install()
    sign_in(page, stack, registered_victim)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url.split('/api')[-1]}")
            if "/api/" in r.url else None)
    dialog = page.locator("[data-tmc-idle-warning]")

    page.clock.fast_forward("10:00")
    with page.expect_response("**/api/victim/session/keep-alive") as kept:
        page.mouse.wheel(0, 600)  # reading on, 10 minutes after the case was read
    # The server's clock is real (seconds have passed, not minutes): it kept the session
    # alive under a minute ago, and says so; the page counts from a minute ago at the latest.
    assert kept.value.status in (204, 429)
    page.clock.fast_forward("03:01")
    expect(dialog).to_be_hidden()  # 13 minutes after the case was read, no warning
    assert requests == ["POST /victim/session/keep-alive"], "no case read (it would write a read receipt)"

    page.clock.fast_forward("09:00")  # 15 minutes after the keep-alive, less the 2 of warning
    expect(dialog).to_be_visible()
