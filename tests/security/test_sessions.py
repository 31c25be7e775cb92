"""Sessions (ASVS V7, V3.3): timeouts on the server's clock, every session ended
by sign-out and reset, the cookie's flags exactly, and no state change forged
by a plain cross-site form."""

from __future__ import annotations

import base64
from http.cookies import SimpleCookie

import pytest

from tests.security.conftest import JSON, body, post_json, sign_out

COOKIE = "__Host-tmc_session"


def test_idle_session_ends_after_15_minutes_and_activity_extends_it(victim, clock):
    cookie = victim.cookie()
    for _ in range(3):
        clock.advance(minutes=14, seconds=59)
        assert victim.read(cookie).status_code == 200
    clock.advance(minutes=15)
    assert victim.read(cookie).status_code == 401


def test_an_idle_session_is_dead_at_exactly_15_minutes(victim, clock):
    cookie = victim.cookie()
    clock.advance(minutes=15)
    response = victim.read(cookie)
    assert response.status_code == 401 and body(response)["code"] == "signed_out"


def test_a_session_ends_4_hours_after_sign_in_however_active(victim, clock):
    cookie = victim.cookie()
    for _ in range(17):  # every 14 minutes: 3 h 58 min
        clock.advance(minutes=14)
        assert victim.read(cookie).status_code == 200
    clock.advance(minutes=1, seconds=59)
    assert victim.read(cookie).status_code == 200  # 3:59:59
    clock.advance(seconds=1)
    assert victim.read(cookie).status_code == 401  # 4:00:00


def test_sign_out_ends_every_session_of_that_contact_only(journey, victim, clock):
    phone, laptop = victim.cookie(), victim.cookie()
    number, contact, created = journey.create_case()
    journey.register(number, created, contact)
    someone_else = journey.sign_in(number, contact).headers["Set-Cookie"].split(";")[0]
    clock.advance(seconds=1)
    assert sign_out(journey.client, phone).status_code == 204
    assert victim.read(phone).status_code == 401
    assert victim.read(laptop).status_code == 401
    assert victim.read(someone_else).status_code == 200
    clock.advance(seconds=1)
    assert victim.read(victim.cookie()).status_code == 200  # signing in again works


def test_password_reset_ends_every_session(journey, victim, clock, aws):
    from chalicelib.core import tokens
    from chalicelib.storage.models import ResetItem

    phone, laptop = victim.cookie(), victim.cookie()
    clock.advance(seconds=1)
    post_json(journey.client, "/victim/password-reset", victim.identity())
    (reset,) = [r for r in ResetItem.scan() if r.contact_id == victim.id]
    token = tokens.link_token(aws.token_secret, tokens.RESET, reset.pk.split("#", 1)[1])
    response = post_json(journey.client, "/victim/password-reset/complete",
                         {"token": token, "password": "a completely new passphrase"})
    assert response.status_code == 204
    assert victim.read(phone).status_code == 401 and victim.read(laptop).status_code == 401
    clock.advance(seconds=1)
    assert victim.read(victim.cookie(password="a completely new passphrase")).status_code == 200


def _change_password(victim, cookie, current, new="a completely new passphrase"):
    return post_json(victim.journey.client, "/victim/password", {"currentPassword": current, "newPassword": new},
                     {"Cookie": cookie})


def test_a_password_change_ends_every_session_this_one_too(victim, clock):
    from tests.support import STRONG_PASSWORD

    phone, laptop = victim.cookie(), victim.cookie()
    clock.advance(seconds=1)
    response = _change_password(victim, phone, STRONG_PASSWORD)
    assert response.status_code == 204
    assert SimpleCookie(response.headers["Set-Cookie"])[COOKIE]["max-age"] == "0"
    assert victim.read(phone).status_code == 401 and victim.read(laptop).status_code == 401
    clock.advance(seconds=1)
    assert victim.sign_in().status_code == 401
    assert victim.read(victim.cookie(password="a completely new passphrase")).status_code == 200


def test_a_password_change_needs_the_current_password_and_a_session(victim, clock):
    cookie = victim.cookie()
    wrong = _change_password(victim, cookie, "not my password at all")
    assert wrong.status_code == 400 and set(body(wrong)["fields"]) == {"currentPassword"}
    assert victim.read(cookie).status_code == 200  # nothing changed, still signed in
    from tests.support import STRONG_PASSWORD

    assert _change_password(victim, "__Host-tmc_session=nope", STRONG_PASSWORD).status_code == 401
    weak = _change_password(victim, cookie, STRONG_PASSWORD, new="password1")
    assert weak.status_code == 400 and set(body(weak)["fields"]) == {"newPassword"}


def test_guessing_the_current_password_with_a_stolen_session_is_throttled(victim, clock, password_spy):
    from chalicelib.core.throttle import Limits, delay_after
    from tests.support import STRONG_PASSWORD

    cookie = victim.cookie()
    password_spy.reset()
    for n in range(10):
        clock.advance(seconds=delay_after(n, Limits()).total_seconds())
        assert _change_password(victim, cookie, f"guess number {n} here").status_code == 400
    assert password_spy.real == 10
    assert _change_password(victim, cookie, STRONG_PASSWORD).status_code == 400  # the right one, refused
    assert password_spy.real == 10


def test_a_reset_link_expires_after_an_hour_and_works_once(journey, victim, clock, aws):
    from chalicelib.core import tokens
    from chalicelib.storage.models import ResetItem

    post_json(journey.client, "/victim/password-reset", victim.identity())
    (reset,) = [r for r in ResetItem.scan() if r.contact_id == victim.id]
    token = tokens.link_token(aws.token_secret, tokens.RESET, reset.pk.split("#", 1)[1])
    clock.advance(minutes=60)
    late = post_json(journey.client, "/victim/password-reset/complete",
                     {"token": token, "password": "a completely new passphrase"})
    assert late.status_code == 400 and set(body(late)["fields"]) == {"token"}


def test_the_session_cookie_has_exactly_the_listed_flags(victim):
    header = victim.sign_in().headers["Set-Cookie"]
    parts = [p.strip() for p in header.split(";")]
    name, _, token = parts[0].partition("=")
    assert name == COOKIE  # __Host-: the browser refuses it without Secure, with a Domain or another Path
    attributes = {p.partition("=")[0].lower(): p.partition("=")[2] for p in parts[1:]}
    assert attributes == {"max-age": attributes["max-age"], "path": "/", "secure": "", "httponly": "",
                          "samesite": "Strict"}
    assert 14_390 <= int(attributes["max-age"]) <= 14_400  # the absolute timeout, 4 hours
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128


def test_sign_out_clears_the_cookie_with_the_same_flags(journey, victim):
    response = sign_out(journey.client, victim.cookie())
    cookie = SimpleCookie(response.headers["Set-Cookie"])[COOKIE]
    assert cookie.value == "" and cookie["max-age"] == "0"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["domain"]


def test_each_sign_in_makes_a_new_token_stored_only_as_its_hash(journey, victim):
    from chalicelib.storage.models import SessionItem

    tokens = {victim.cookie().split("=", 1)[1] for _ in range(3)}
    assert len(tokens) == 3
    stored = " ".join(repr(item.attribute_values) for item in SessionItem.scan())
    for token in tokens:
        assert token not in stored


def test_a_session_token_in_the_url_is_ignored(journey, victim):
    token = victim.cookie().split("=", 1)[1]
    for path in (f"/victim/case?session={token}", f"/victim/case?{COOKIE}={token}"):
        assert journey.client.http.get(path).status_code == 401


def test_a_token_for_another_cookie_name_is_ignored(journey, victim):
    token = victim.cookie().split("=", 1)[1]
    response = journey.client.http.get("/victim/case", headers={"Cookie": f"tmc_session={token}"})
    assert response.status_code == 401


# -- cross-site forms -------------------------------------------------------------------
# A form on another site can POST only these three content types, and can set no
# other header (no Authorization). Every state-changing route must refuse them.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain")


def _state_changing_routes():
    from app import app

    return sorted((path, method) for path, methods in app.routes.items() for method in methods
                  if method not in ("GET", "HEAD", "OPTIONS"))


def test_every_state_changing_route_is_covered():
    assert len(_state_changing_routes()) == 19  # 13 victim, 6 officer


@pytest.mark.parametrize("content_type", FORM_TYPES)
def test_a_cross_site_form_cannot_change_anything(journey, victim, content_type, figures):
    from chalicelib.storage.models import CasesTableItem, ResetItem

    cookie = victim.cookie()
    before = sorted(repr(i.attribute_values) for i in CasesTableItem.scan())
    answers = {}
    for path, method in _state_changing_routes():
        path = path.replace("{crime_number}", victim.number).replace("{contact_id}", victim.id)
        form = f"crimeNumber={victim.number}&surname={victim.contact['surname']}&type=charged&text=x"
        response = journey.client.http.request(method, path, body=form,
                                               headers={"Content-Type": content_type, "Cookie": cookie})
        answers[path] = response.status_code
    # Victim routes: 415 (not JSON). Officer routes: 401 (a form cannot send a token).
    assert {p: s for p, s in answers.items() if p.startswith("/victim/")} == {
        p: 415 for p in answers if p.startswith("/victim/")}
    assert {s for p, s in answers.items() if p.startswith("/officer/")} == {401}
    assert victim.read(cookie).status_code == 200  # sign-out was not forged
    assert not [r for r in ResetItem.scan() if r.contact_id == victim.id]  # nor a reset request
    assert sorted(repr(i.attribute_values) for i in CasesTableItem.scan()) == before
    figures.setdefault("cross_site_form_requests", 0)
    figures["cross_site_form_requests"] += len(answers)


def test_a_json_sign_out_from_the_site_still_works(journey, victim):
    cookie = victim.cookie()
    response = journey.client.http.post("/victim/sign-out", headers={**JSON, "Cookie": cookie}, body="")
    assert response.status_code == 204
    assert victim.read(cookie).status_code == 401
