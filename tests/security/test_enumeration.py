"""No account enumeration (ASVS V6.3.8): every sign-in and reset failure is the
same in status, body and headers, whichever field was wrong and whether or not the
account exists; a paused (throttled) attempt has its own answer, the same with
the right password as with a wrong one; and each spends exactly one password hash.
(bench/bench_timing_gap.py measures the timing.)"""

from __future__ import annotations

import json

from chalicelib.core.throttle import Limits, delay_after
from tests.security.conftest import post_json

WRONG = "not the right password"


def _fingerprint(response) -> tuple:
    """Everything an attacker sees, minus nothing."""
    return response.status_code, response.body, json.dumps(sorted(response.headers.items()))


def _sign_in_failures(journey, victim, clock):
    unregistered_number, unregistered, _ = journey.create_case()
    closed_number, closed_contact, closed_created = journey.create_case()
    assert journey.register(closed_number, closed_created, closed_contact).status_code == 201
    return {
        "unknown crime number": lambda: victim.sign_in(crimeNumber="NO-SUCH-CASE-1"),
        "case of another force": lambda: victim.sign_in(force="avon"),
        "wrong surname": lambda: victim.sign_in(surname="Somebody"),
        "wrong date of birth": lambda: victim.sign_in(dateOfBirth="1979-01-01"),
        "wrong password": lambda: victim.sign_in(WRONG),
        "invited, never registered": lambda: post_json(journey.client, "/victim/sign-in", {
            "crimeNumber": unregistered_number, "surname": unregistered["surname"],
            "dateOfBirth": unregistered["dateOfBirth"], "password": "any long password at all"}),
    }


def test_every_sign_in_failure_is_identical_in_status_body_and_headers(journey, victim, clock, figures):
    failures = _sign_in_failures(journey, victim, clock)
    seen = {}
    for name, attempt in failures.items():
        clock.advance(minutes=5)  # each on its own, well clear of any wait
        seen[name] = _fingerprint(attempt())
    # Lock the account, then try the right password and a wrong one.
    for n in range(10):
        clock.advance(seconds=delay_after(n, Limits()).total_seconds())
        victim.sign_in(WRONG)
    assert len(set(seen.values())) == 1, seen
    status, raw, _ = next(iter(seen.values()))
    assert status == 401 and json.loads(raw)["code"] == "sign_in_failed"
    # Paused: the right password gets exactly what a wrong one gets.
    paused = {_fingerprint(victim.sign_in()), _fingerprint(victim.sign_in(WRONG))}
    assert len(paused) == 1, paused
    status, raw, _ = paused.pop()
    assert status == 429 and json.loads(raw)["code"] == "sign_in_paused"
    figures["sign_in_failure_kinds_compared"] = len(seen) + 2


def test_every_sign_in_failure_spends_exactly_one_password_hash(journey, victim, clock, password_spy):
    spent = {}
    for name, attempt in _sign_in_failures(journey, victim, clock).items():
        clock.advance(minutes=5)
        password_spy.reset()
        assert attempt().status_code == 401
        spent[name] = password_spy.total
    for n in range(10):
        clock.advance(seconds=delay_after(n, Limits()).total_seconds())
        victim.sign_in(WRONG)
    password_spy.reset()
    victim.sign_in()
    spent["throttled"] = password_spy.total
    assert set(spent.values()) == {1}, spent


def test_every_reset_request_gets_the_same_answer(journey, victim, clock, figures):
    unregistered_number, unregistered, _ = journey.create_case()
    client = journey.client
    requests = {
        "registered contact": victim.identity(),
        "unknown crime number": victim.identity(crimeNumber="NO-SUCH-CASE-2"),
        "wrong surname": victim.identity(surname="Somebody"),
        "wrong date of birth": victim.identity(dateOfBirth="1979-01-01"),
        "another force": victim.identity(force="avon"),
        "never registered": {"crimeNumber": unregistered_number, "surname": unregistered["surname"],
                             "dateOfBirth": unregistered["dateOfBirth"]},
    }
    seen = {name: _fingerprint(post_json(client, "/victim/password-reset", payload))
            for name, payload in requests.items()}
    for _ in range(12):  # past the account's limit: throttled
        last = post_json(client, "/victim/password-reset", victim.identity())
    seen["throttled"] = _fingerprint(last)
    assert len(set(seen.values())) == 1, seen
    assert seen["throttled"][0] == 202
    figures["reset_request_kinds_compared"] = len(seen)


def test_every_bad_reset_link_gets_the_same_answer(journey, victim, aws):
    from chalicelib.core import tokens

    client = journey.client
    never_issued = tokens.link_token(aws.token_secret, tokens.RESET, tokens.new_id())
    wrong_purpose = tokens.link_token(aws.token_secret, tokens.INVITATION, tokens.new_id())
    forged = tokens.link_token(b"x" * 40, tokens.RESET, tokens.new_id())
    answers = [post_json(client, "/victim/password-reset/complete", {"token": token, "password": "a long new password"})
               for token in (never_issued, wrong_purpose, forged, "garbage", "a.b")]
    assert len({_fingerprint(a) for a in answers}) == 1
    assert answers[0].status_code == 400
