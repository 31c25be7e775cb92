"""Brute force against sign-in (ASVS V6.1.1, V6.3.1): at most 10 wrong guesses per
account in any 5 minutes, paced by an escalating delay, never a permanent lock;
a limit per source address; counters that lose no update under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.core.throttle import Limits, delay_after
from tests.security.conftest import body, post_json

WRONG = "not the right password"
ATTACKER, VICTIM_HOME = "203.0.113.66", "198.51.100.7"


def _counters(prefix: str) -> dict[str, int]:
    from chalicelib.storage.models import CounterItem

    return {item.pk: int(item.failures) for item in CounterItem.scan() if item.pk.startswith(prefix)}


def _guess_paced(victim, clock, failures_so_far: int, password: str = WRONG):
    """A guess made as soon as the escalating delay allows it."""
    clock.advance(seconds=delay_after(failures_so_far, Limits()).total_seconds())
    return victim.sign_in(password, source=ATTACKER)


def test_the_limits_are_10_per_account_and_100_per_source_in_5_minutes():
    limits = Limits()
    assert (limits.per_account, limits.per_source) == (10, 100)


def test_the_delay_doubles_after_the_third_failure():
    waits = [delay_after(n, Limits()).total_seconds() for n in range(10)]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 64]


def test_the_right_password_is_refused_after_10_wrong_guesses(victim, clock, sources, password_spy, figures):
    for n in range(10):
        assert _guess_paced(victim, clock, n).status_code == 401
    assert password_spy.real == 10  # each paced guess was really checked
    clock.advance(minutes=4)
    refused = victim.sign_in(source=VICTIM_HOME)
    assert refused.status_code == 429 and body(refused)["code"] == "sign_in_paused"
    assert password_spy.real == 10  # ...and the right one was not even compared
    figures["brute_force_paced_guesses_before_lock"] = 10


def test_each_wait_is_enforced_to_the_second(victim, clock, sources, password_spy):
    """After n failures, a guess 1 s before the wait is up is refused without
    being checked; at the wait, it is checked."""
    checked_early = []
    for n in range(9):
        wait = delay_after(n, Limits())
        if wait:
            clock.advance(seconds=wait.total_seconds() - 1)
            before = password_spy.real
            assert victim.sign_in(WRONG, source=ATTACKER).status_code == 429  # paused: not checked
            checked_early.append(password_spy.real - before)
            clock.advance(seconds=1)
        assert victim.sign_in(WRONG, source=ATTACKER).status_code == 401
    assert checked_early == [0] * 6
    assert password_spy.real == 9


def test_the_lock_is_never_permanent_the_victim_is_back_within_10_minutes(victim, clock, sources):
    for n in range(10):
        _guess_paced(victim, clock, n)
    clock.advance(minutes=10)
    assert victim.sign_in(source=VICTIM_HOME).status_code == 200


def test_hammering_a_locked_account_does_not_extend_the_lock(victim, clock, sources, figures):
    for n in range(10):
        _guess_paced(victim, clock, n)
    for _ in range(20):  # a guess every 25 s for the next 8 minutes 20 s
        clock.advance(seconds=25)
        assert victim.sign_in(WRONG, source=ATTACKER).status_code in (401, 429)  # checked, or paused
    clock.advance(seconds=100)  # 10 minutes after the 10th failure
    assert victim.sign_in(source=VICTIM_HOME).status_code == 200
    figures["brute_force_hammering_attempts_while_locked"] = 20


def test_a_stranger_who_knows_only_the_crime_number_cannot_lock_the_victim_out(victim, clock, sources, figures):
    """The account is crime number + surname + date of birth: guesses at the
    other two count against accounts that are not the victim's."""
    for n in range(30):
        guess = {"surname": f"Guess{n}"} if n % 2 else {"dateOfBirth": f"19{50 + n}-01-01"}
        assert victim.sign_in(WRONG, source=f"203.0.113.{n}", **guess).status_code == 401
    assert victim.sign_in(source=VICTIM_HOME).status_code == 200
    figures["stranger_guesses_with_only_the_crime_number"] = 30


def test_no_five_minutes_hold_more_than_10_guesses_across_a_window_boundary(victim, clock, sources, password_spy):
    """Ten guesses at the end of one window and more at the start of the next:
    the limit counts the previous window too."""
    clock.advance(minutes=2)
    for n in range(10):
        _guess_paced(victim, clock, n)  # ends about 2 min 7 s before the boundary
    clock.advance(minutes=3)  # now in the next window
    for _ in range(5):
        clock.advance(seconds=10)
        victim.sign_in(WRONG, source=ATTACKER)
    assert password_spy.real == 10


def test_50_concurrent_wrong_guesses_count_50_and_at_most_10_are_checked(
        victim, clock, sources, password_spy, figures):
    # The clock stands still: on a slow machine the burst can outlast the first
    # escalating delay, and the right password would then rightly be accepted.
    def guess(_):
        return victim.sign_in(WRONG, source=ATTACKER).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(guess, range(50)))
    # Each is refused: 401 when its guess was checked, 429 when it was paused unchecked.
    assert set(statuses) <= {401, 429} and statuses.count(401) == password_spy.real
    source_counts = _counters(f"THROTTLE#sign-in#source#{ATTACKER}#")
    account_counts = _counters("THROTTLE#sign-in#account#")
    assert sum(source_counts.values()) == 50  # every failure counted, none lost
    # However the burst interleaves, no more than 10 guesses reach the password
    # (fewer when the escalating delay already refuses the later ones), and each
    # one that did is counted against the account.
    assert 1 <= password_spy.real <= 10
    assert sum(account_counts.values()) == password_spy.real
    assert password_spy.total == 50  # the refused ones still spent a hash: timing tells nothing
    assert victim.sign_in(source=VICTIM_HOME).status_code == 429  # the right one, refused too
    figures["concurrent_guesses"] = {"sent": 50, "counted_for_the_source": 50,
                                     "checked_against_the_password": password_spy.real}


def test_concurrent_increments_of_one_counter_are_never_lost(aws):
    from chalicelib import bootstrap
    from chalicelib.core.domain import utcnow

    store = bootstrap.services().sessions
    expires = utcnow() + timedelta(minutes=10)
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda _: store.add("THROTTLE#test#race", 1, expires), range(50)))
    assert store.counters(["THROTTLE#test#race"])["THROTTLE#test#race"].count == 50


def test_one_source_is_stopped_after_100_failures_across_accounts(victim, clock, sources, figures):
    """Spraying one guess at many accounts from one address: each account is
    far from its own limit, the address is not."""
    def spray(n):
        return victim.sign_in(WRONG, source=ATTACKER, surname=f"Spray{n}").status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(spray, range(100))) == {401}
    assert victim.sign_in(source=ATTACKER).status_code == 429  # the right details, from that address
    assert victim.sign_in(source=VICTIM_HOME).status_code == 200  # from anywhere else, fine
    figures["password_spray_attempts_from_one_source"] = 100


def test_password_reset_requests_are_limited_per_account(victim, clock, sources, figures):
    from chalicelib.storage.models import ResetItem

    for _ in range(15):
        response = post_json(victim.journey.client, "/victim/password-reset", victim.identity())
        assert response.status_code == 202
    resets = [r for r in ResetItem.scan() if r.contact_id == victim.id]
    assert len(resets) == 10
    figures["reset_requests_sent_and_honoured"] = [15, len(resets)]


@pytest.mark.parametrize("wrong", ["surname", "dateOfBirth", "password"])
def test_a_guess_at_any_field_counts_against_that_account(victim, clock, sources, wrong):
    values = {"surname": "Somebody", "dateOfBirth": "1970-01-01", "password": WRONG}
    overrides = {k: v for k, v in values.items() if k == wrong and k != "password"}
    password = WRONG if wrong == "password" else None
    for n in range(10):
        clock.advance(seconds=delay_after(n, Limits()).total_seconds())
        victim.sign_in(password, source=ATTACKER, **overrides)
    counts = _counters("THROTTLE#sign-in#account#")
    assert sorted(counts.values()) == [10]
