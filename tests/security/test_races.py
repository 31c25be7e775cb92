"""Attacks that only work concurrently, or with a link that should be dead
(issue 11, defects 2-5): real threads against moto, the way the outside
attacker ran them.

- Sessions made while a password reset completes must not outlive it.
- Every reset link asked for before a new password (reset, change) or a
  sign-out stops working.
- A burst of registrations cannot compare more dates of birth than the
  invitation allows, and a replaced invitation link gets no guesses at all.
- A burst of re-invitations sends one email.
"""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.core import tokens
from tests.security.conftest import JSON, SOURCE_HEADER, body, post_json
from tests.support import STRONG_PASSWORD, invitation_token

ROUNDS = 8


@pytest.fixture
def all_read_first(monkeypatch):
    """The worst interleaving of a burst, every time: each request reads the case
    and then waits until all of them have, before any of them writes. (Left to
    the scheduler, a burst through the in-process client often runs one request
    after another, and a missing condition would go unseen.)"""
    from chalicelib.storage.cases import CaseStore

    real = CaseStore.case_with_contacts

    def arm(parties: int) -> None:
        """The next `parties` reads wait for one another; later ones do not."""
        barrier, taken, lock = threading.Barrier(parties, timeout=10), [0], threading.Lock()

        def read_then_wait(self, key):
            found = real(self, key)
            with lock:
                taken[0] += 1
                waits = taken[0] <= parties
            if waits:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
            return found

        monkeypatch.setattr(CaseStore, "case_with_contacts", read_then_wait)

    return arm


def _reset_token(aws, victim) -> str:
    """A reset link for the victim, as the emailed one (its record made the way
    `POST /victim/password-reset` makes it)."""
    from chalicelib import bootstrap
    from chalicelib.core.domain import case_key

    services = bootstrap.services()
    case = services.cases.case_with_contacts(case_key("lincs", victim.number))
    reset_id = tokens.new_id()
    services.cases.create_reset(reset_id, case.key, case.contact(victim.id), "lincs",
                                services.clock() + timedelta(hours=1))
    return tokens.link_token(aws.token_secret, tokens.RESET, reset_id)


def test_no_session_made_during_a_reset_survives_it(victim, journey, aws, clock, sources, figures):
    """Two threads sign in with the current password, again and again, while the
    reset completes; afterwards not one of their sessions reads the case."""
    password, made, survivors = STRONG_PASSWORD, 0, []
    for n in range(ROUNDS):
        token = _reset_token(aws, victim)
        stop, cookies = threading.Event(), []

        def sign_in_again_and_again(source: str, current: str = password, stop: threading.Event = stop,
                                    cookies: list[str] = cookies) -> None:
            while not stop.is_set():
                response = victim.sign_in(current, source=source)
                if response.status_code == 200:
                    cookies.append(response.headers["Set-Cookie"].split(";")[0])

        threads = [threading.Thread(target=sign_in_again_and_again, args=(f"198.51.100.{n * 2 + i}",))
                   for i in range(2)]
        for thread in threads:
            thread.start()
        # The reset starts once the loops are signing in (on a busy machine a
        # thread can take longer to start than the reset takes to complete).
        started = time.monotonic()
        while not cookies and time.monotonic() - started < 20:
            time.sleep(0.005)
        new_password = f"round {n} brand new passphrase"
        completed = post_json(journey.client, "/victim/password-reset/complete",
                              {"token": token, "password": new_password})
        stop.set()
        for thread in threads:
            thread.join()
        assert completed.status_code == 204, completed.body
        made += len(cookies)
        survivors += [c for c in cookies if victim.read(c).status_code != 401]
        password = new_password
        clock.advance(minutes=11)  # the round's failed guesses age out of the throttle
        victim.contact_password = password
    assert made >= ROUNDS  # the loops did sign in while the reset ran
    assert survivors == []
    figures["sessions_during_reset"] = {"rounds": ROUNDS, "sessions_made": made, "survived": 0}


def test_every_older_reset_link_ends_with_a_new_password_or_a_sign_out(victim, journey, aws, clock):
    older, newer = _reset_token(aws, victim), _reset_token(aws, victim)
    complete = "/victim/password-reset/complete"
    assert post_json(journey.client, complete, {"token": newer, "password": "the newest passphrase 1"}
                     ).status_code == 204
    unknown = post_json(journey.client, complete, {"token": "x" * 43, "password": "another passphrase 2"})
    stale = post_json(journey.client, complete, {"token": older, "password": "another passphrase 2"})
    assert (stale.status_code, body(stale)) == (unknown.status_code, body(unknown)) == (400, body(unknown))
    # A link asked for before a password change:
    before_change = _reset_token(aws, victim)
    cookie = victim.sign_in("the newest passphrase 1").headers["Set-Cookie"].split(";")[0]
    changed = journey.client.http.post("/victim/password", headers={**JSON, "Cookie": cookie},
                                       body='{"currentPassword": "the newest passphrase 1", '
                                            '"newPassword": "changed passphrase 3"}')
    assert changed.status_code == 204
    assert post_json(journey.client, complete, {"token": before_change, "password": "attacker passphrase 4"}
                     ).status_code == 400
    # ...and before a sign-out:
    before_sign_out = _reset_token(aws, victim)
    cookie = victim.sign_in("changed passphrase 3").headers["Set-Cookie"].split(";")[0]
    journey.client.http.post("/victim/sign-out", headers={**JSON, "Cookie": cookie}, body="{}")
    assert post_json(journey.client, complete, {"token": before_sign_out, "password": "attacker passphrase 4"}
                     ).status_code == 400
    assert victim.sign_in("changed passphrase 3").status_code == 200  # the password is still the victim's


def _invited(journey):
    number, contact, created = journey.create_case()
    return number, contact, created["contacts"][0]["id"]


def test_a_burst_of_registrations_compares_at_most_5_wrong_dates(journey, aws, figures, all_read_first):
    """12 registrations at once against one invitation, each with another date of
    birth (one of them right) and a password too short to accept, three times."""
    from chalicelib.storage.models import InvitationItem

    revealed_runs, compared = 0, []
    for run in range(3):
        number, contact, contact_id = _invited(journey)
        token = invitation_token(aws, number, contact_id)
        dates = [f"19{50 + i}-0{1 + i % 9}-1{i % 9}" for i in range(12)]
        dates[7 + run] = contact["dateOfBirth"]

        all_read_first(12)

        def register(date: str, token: str = token):
            return post_json(journey.client, "/victim/register",
                             {"invitation": token, "dateOfBirth": date, "password": "short"})

        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = [body(a)["fields"] for a in pool.map(register, dates)]
        wrong_compared = sum("dateOfBirth" in fields for fields in answers)
        revealed_runs += any("password" in fields for fields in answers)
        compared.append(wrong_compared)
        assert wrong_compared <= 5, answers
        stored = InvitationItem.get(f"INVITATION#{tokens.record_id_from(aws.token_secret, tokens.INVITATION, token)}",
                                    "INVITATION")
        assert int(stored.failed_attempts) == wrong_compared  # every compared wrong date is counted
    figures["concurrent_registrations"] = {"runs": 3, "requests_per_run": 12, "wrong_dates_compared": compared,
                                           "runs_where_a_short_password_told_the_date": revealed_runs}


def test_a_replaced_invitation_link_gets_no_guesses_and_answers_as_an_unknown_one(journey, aws, clock):
    from chalicelib.storage.models import InvitationItem

    number, contact, contact_id = _invited(journey)
    old = invitation_token(aws, number, contact_id)
    clock.advance(minutes=16)
    resent = post_json(journey.client, f"/officer/cases/{number}/contacts/{contact_id}/invitation", {},
                       journey.officer)
    assert resent.status_code == 201
    attempt = {"invitation": old, "dateOfBirth": contact["dateOfBirth"], "password": STRONG_PASSWORD}
    replaced = post_json(journey.client, "/victim/register", attempt)
    unknown = post_json(journey.client, "/victim/register", {**attempt, "invitation": "z" * 43})
    assert (replaced.status_code, body(replaced)) == (unknown.status_code, body(unknown))
    assert replaced.status_code == 400 and "invitation" in body(replaced)["fields"]
    old_id = tokens.record_id_from(aws.token_secret, tokens.INVITATION, old)
    assert int(InvitationItem.get(f"INVITATION#{old_id}", "INVITATION").failed_attempts or 0) == 0
    fresh = invitation_token(aws, number, contact_id)
    assert post_json(journey.client, "/victim/register", {**attempt, "invitation": fresh}).status_code == 201


def test_a_burst_of_re_invitations_sends_one(journey, aws, clock, client, figures, all_read_first):
    from chalicelib.storage.models import AuditItem, InvitationItem

    number, _contact, contact_id = _invited(journey)
    clock.advance(minutes=16)
    all_read_first(8)
    path = f"/officer/cases/{number}/contacts/{contact_id}/invitation"
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: post_json(client, path, {}, journey.officer).status_code, range(8)))
    assert statuses == [201] + [409] * 7
    invitations = [i for i in InvitationItem.scan() if i.contact_id == contact_id]
    assert len(invitations) == 2  # the first and the one re-sent; the emails follow these one for one
    assert len([i for i in invitations if i.expires_at > clock()]) == 1
    assert len([a for a in AuditItem.scan() if a.event == "invitation_reissued" and a.subject == contact_id]) == 1
    figures["concurrent_reinvitations"] = {"sent": 8, "answered_201": 1, "answered_409": 7}


def test_the_tests_source_header_is_not_trusted_by_the_service(victim):
    """Guards the fixture the burst tests rely on: the `x-test-source` header
    names the source only through the `sources` fixture, never by the service."""
    from chalicelib.storage.models import CounterItem

    response = post_json(victim.journey.client, "/victim/sign-in",
                         {**victim.identity(), "password": "not the right password"}, {SOURCE_HEADER: "192.0.2.1"})
    assert response.status_code == 401
    sources = [c.pk for c in CounterItem.scan() if c.pk.startswith("THROTTLE#sign-in#source#")]
    assert sources and not [pk for pk in sources if "192.0.2.1" in pk]


def test_a_burst_of_reset_requests_is_held_to_the_limit(victim, journey, sources, figures):
    """50 reset requests for one account at once (each would send an email): no
    more reset links than the account's limit, however they interleave."""
    from chalicelib.storage.models import ResetItem

    def ask(n: int):
        return post_json(journey.client, "/victim/password-reset", victim.identity(),
                         {SOURCE_HEADER: f"203.0.113.{n % 50}"}).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(ask, range(50)))
    assert statuses == [202] * 50  # the same answer, always
    links = [r for r in ResetItem.scan() if r.contact_id == victim.id]
    assert 1 <= len(links) <= 10
    figures["concurrent_reset_requests"] = {"sent": 50, "reset_links_made": len(links), "limit": 10}


def test_a_burst_from_one_source_across_many_accounts_is_held_to_the_source_limit(journey, sources, password_spy):
    """120 sign-ins at once from one address, each for another (unknown) account:
    at most the source's limit (100) are checked."""
    def guess(n: int) -> int:
        return post_json(journey.client, "/victim/sign-in",
                         {"crimeNumber": f"LC-NOBODY-{n}", "surname": "Nobody", "dateOfBirth": "1970-01-01",
                          "password": "not the right password"}, {SOURCE_HEADER: "198.51.100.99"}).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = set(pool.map(guess, range(120)))
    assert statuses == {401, 429}  # checked and refused, then paused past the source's 100
    from chalicelib.storage.models import CounterItem

    counted = sum(int(c.failures) for c in CounterItem.scan()
                  if c.pk.startswith("THROTTLE#sign-in#source#198.51.100.99#"))
    assert counted == 120  # every attempt counted against the source...
    reached = sum(int(c.failures) for c in CounterItem.scan() if c.pk.startswith("THROTTLE#sign-in#account#"))
    assert reached <= 100  # ...and no more than its limit went on to an account
