"""Odd input to the fields of issue 14: a mobile number, quiet hours and the
anti-phishing phrase. Hypothesis over random strings (any code point, lone
surrogates and NUL included): always a 2xx or a 400 with the field named,
never a 5xx."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.validation import FieldError, mobile, phrase, quiet_hours
from tests.api import Api
from tests.factories import case_body, contact
from tests.support import body, post_json

_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60) | st.from_regex(
    r"\A[+0-9 ()\-.]{0,40}\Z")


@settings(max_examples=2000, deadline=None)
@given(_ANY_TEXT)
def test_the_mobile_validator_answers_e164_or_a_field_message_for_any_string(value):
    try:
        number = mobile(value)
    except FieldError as exc:
        assert str(exc)
    else:
        assert number.startswith("+") and number[1:].isdigit() and len(number) <= 16


@settings(max_examples=1000, deadline=None)
@given(_ANY_TEXT)
def test_the_phrase_and_quiet_hours_validators_never_raise_anything_else(value):
    for validator in (phrase, quiet_hours):
        with contextlib.suppress(FieldError):
            validator(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ANY_TEXT)
def test_any_mobile_at_case_creation_answers_201_or_400_naming_the_field(client, issuer, value):
    response = post_json(client, "/officer/cases", case_body(contacts=[contact(mobile=value)]), issuer.headers())
    assert response.status_code in (201, 400), (value, response.body)
    if response.status_code == 400:
        assert set(body(response)["fields"]) <= {"contacts[0].mobile", "body"}, body(response)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ANY_TEXT, _ANY_TEXT)
def test_any_agreement_answers_200_or_400_never_5xx(journey, client, value, other):
    if not hasattr(test_any_agreement_answers_200_or_400_never_5xx, "cookie"):
        _, _, cookie = journey.registered_victim()
        test_any_agreement_answers_200_or_400_never_5xx.cookie = {"Cookie": cookie}  # type: ignore[attr-defined]
    cookie = test_any_agreement_answers_200_or_400_never_5xx.cookie  # type: ignore[attr-defined]
    api = Api(client)
    for payload in ({"channels": "email", "quietHours": value, "language": "en", "safeContact": False,
                     "phrase": other},
                    {"channels": value, "quietHours": "none", "language": other, "safeContact": True}):
        response = api.request("PUT", "/victim/contact-agreement", payload, cookie)
        assert response.status_code in (200, 400, 401), (payload, response.body)
    for path, field in (("/victim/account/mobile", "mobile"), ("/victim/account/confirm", "code")):
        response = api.post(path, {field: value}, cookie)
        assert response.status_code in (202, 200, 400, 401, 429), (path, value, response.body)
