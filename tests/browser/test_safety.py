"""Leaving quickly and being signed out when idle."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_state
from tests.browser.test_journey import sign_in

pytestmark = pytest.mark.browser

EXIT_URL = "https://www.bbc.co.uk/weather"


def case_is_readable(page, stack) -> bool:
    """Whether this browser's session can still read the case."""
    answer = page.context.request.get(f"{stack.site_url}/api/victim/case")
    return answer.status == 200


def test_leave_this_site_quickly_goes_elsewhere_and_signs_out(page, stack, watch, registered_victim):
    sign_in(page, stack, registered_victim)
    assert case_is_readable(page, stack)
    page.get_by_role("button", name="Leave this site quickly").click()
    expect(page).to_have_url(EXIT_URL)
    # The sign-out request outlives the page that sent it (fetch keepalive).
    deadline = time.monotonic() + 10
    while case_is_readable(page, stack) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not case_is_readable(page, stack)
    assert watch.third_party == [EXIT_URL], "the only other site is the one the person chose to go to"


def test_pressing_shift_three_times_leaves_quickly(page, stack):
    page.goto(f"{stack.site_url}/help.html")
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)


def test_idle_warning_then_sign_out(page, stack, registered_victim):
    # The page's clock is Playwright's: minutes pass in an instant.
    page.clock.install()
    sign_in(page, stack, registered_victim)
    dialog = page.locator("[data-tmc-idle-warning]")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("13:01")  # 15-minute idle timeout, warned 2 minutes before
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()  # a modal dialog takes focus
    check_state(page, "case-idle-warning")

    # Staying signed in makes an authenticated request, which resets the idle time.
    with page.expect_response("**/api/victim/case") as read:
        page.keyboard.press("Enter")
    assert read.value.status == 200
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("13:01")
    expect(dialog).to_be_visible()
    page.clock.fast_forward("02:00")
    expect(page).to_have_title(re.compile(r"^You have been signed out – "))
    page.wait_for_load_state("networkidle")
    assert not case_is_readable(page, stack)


def test_near_the_four_hour_limit_the_warning_offers_no_way_to_stay(page, stack, registered_victim):
    page.clock.install()
    sign_in(page, stack, registered_victim)
    # As if the session had begun nearly 4 hours ago: its absolute end is 3 minutes away.
    page.evaluate("sessionStorage.setItem('tmc.expiresAt', new Date(Date.now() + 3 * 60 * 1000).toISOString())")
    page.reload()
    expect(page.locator("[data-tmc-case]")).to_be_visible()

    page.clock.fast_forward("01:01")
    dialog = page.locator("[data-tmc-idle-warning]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("signed in for the longest time allowed")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    expect(dialog.get_by_role("link", name="Sign out")).to_be_focused()
    check_state(page, "case-time-limit-warning")

    page.clock.fast_forward("02:00")
    expect(page).to_have_title(re.compile(r"^You have been signed out – "))
