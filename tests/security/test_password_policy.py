"""Password policy (ASVS V6.2): 8 to 128 characters of any Unicode, no composition
rules, no truncation, the most common passwords and context words refused."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core import passwords
from tests.security.conftest import body, post_json

# Any Unicode but surrogates (which JSON cannot carry as text) and controls.
_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))


def _acceptable(text: str) -> bool:
    return 8 <= passwords.length(text) <= 128 and passwords.problem_with(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(_CHARACTERS, min_size=8, max_size=128))
def test_any_unicode_password_of_8_to_128_characters_passes_the_policy(password):
    if 8 <= passwords.length(password) <= 128 and passwords.normalise(password).casefold() \
            not in passwords.common_passwords():
        assert passwords.problem_with(password) is None


@settings(max_examples=300, deadline=None)
@given(st.text(_CHARACTERS, min_size=0, max_size=7))
def test_fewer_than_8_characters_are_refused(password):
    if passwords.length(password) < 8:
        assert passwords.problem_with(password) is not None


@settings(max_examples=100, deadline=None)
@given(st.text(_CHARACTERS, min_size=129, max_size=300))
def test_more_than_128_characters_are_refused(password):
    if passwords.length(password) > 128:
        assert passwords.problem_with(password) is not None


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.text(_CHARACTERS, min_size=8, max_size=128).filter(_acceptable), st.data())
def test_a_unicode_password_verifies_and_any_one_changed_character_does_not(password, data):
    stored = passwords.hash_password(password)
    assert passwords.verify(password, stored) == (True, False)
    position = data.draw(st.integers(0, len(password) - 1))
    replacement = data.draw(_CHARACTERS.filter(
        lambda c: passwords.normalise(password[:position] + c + password[position + 1:])
        != passwords.normalise(password)))
    changed = password[:position] + replacement + password[position + 1:]
    assert passwords.verify(changed, stored)[0] is False


def test_no_truncation_a_100_byte_password_whose_80th_byte_changes_fails():
    password = "".join(random.Random(5).choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(100))
    assert len(password.encode()) == 100
    changed = password[:79] + ("A" if password[79] != "A" else "B") + password[80:]
    stored = passwords.hash_password(password)
    assert passwords.verify(password, stored)[0] is True
    assert passwords.verify(changed, stored)[0] is False


def test_no_truncation_through_the_api(journey, figures):
    """Register with a 100-byte password (multi-byte characters included), then
    sign in with its 80th byte changed: refused; the exact one: accepted."""
    password = "é" * 10 + "x" * 59 + "q" * 21  # 20 + 59 + 21 = 100 bytes in UTF-8
    assert len(password.encode()) == 100 and password.encode()[79:80] == b"q"
    changed = password[:69] + "Q" + password[70:]  # character 70 is byte 80
    assert password.encode()[:79] == changed.encode()[:79] and password.encode()[79] != changed.encode()[79]
    number, contact, created = journey.create_case()
    assert journey.register(number, created, contact, password=password).status_code == 201
    assert journey.sign_in(number, contact, password=changed).status_code == 401
    assert journey.sign_in(number, contact, password=password).status_code == 200
    figures["no_truncation_password_bytes"] = 100


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.filter_too_much])
@given(password=st.text(_CHARACTERS, min_size=8, max_size=128).filter(_acceptable))
def test_a_unicode_password_registers_and_signs_in_through_the_api(journey, password):
    number, contact, created = journey.create_case()
    response = journey.register(number, created, contact, password=password)
    if response.status_code == 400:  # a context word (the surname...) happened to be drawn
        assert set(body(response)["fields"]) == {"password"}
        return
    assert response.status_code == 201
    assert journey.sign_in(number, contact, password=password).status_code == 200


def test_the_shipped_list_holds_at_least_3000_passwords_and_every_one_is_refused(figures):
    common = passwords.common_passwords()
    assert len(common) >= 3000
    long_enough = [p for p in common if len(p) >= 8]
    for password in long_enough:
        assert passwords.problem_with(password) is not None, password
        assert passwords.problem_with(password.upper()) is not None, password
    figures["common_passwords_shipped_and_refused"] = [len(common), len(long_enough)]


def test_composition_is_not_required():
    for password in ("aaaa bbbb cccc dddd", "only lowercase words here", "1234 5678 9012 3456 7"):
        assert passwords.problem_with(password) is None


def test_context_words_are_refused_at_registration(journey):
    number, contact, created = journey.create_case()
    refused = {
        "surname": f"my name is {contact['surname'].lower()} ok",
        "crime number": f"case {number.lower()} please",
        "force code": "lincs lincs lincs",
        "force name": "lincolnshire forever and ever",
    }
    for word, password in refused.items():
        response = journey.register(number, created, contact, password=password)
        assert response.status_code == 400, word
        assert set(body(response)["fields"]) == {"password"}, word


def test_the_policy_applies_to_a_reset_too(journey, victim, aws):
    from chalicelib.core import tokens
    from chalicelib.storage.models import ResetItem

    post_json(journey.client, "/victim/password-reset", victim.identity())
    (reset,) = [r for r in ResetItem.scan() if r.contact_id == victim.id]
    token = tokens.link_token(aws.token_secret, tokens.RESET, reset.pk.split("#", 1)[1])
    for weak in ("short", "password123", victim.contact["surname"] + "12345"):
        response = post_json(journey.client, "/victim/password-reset/complete", {"token": token, "password": weak})
        assert response.status_code == 400 and set(body(response)["fields"]) == {"password"}
