"""What the fuzzer found, kept as plain tests: each input answered 400, never
500, and never accepted (tests/security/fuzz.py found them; they now pass)."""

from __future__ import annotations

import pytest

from tests.security.conftest import JSON, body, post_json


@pytest.mark.parametrize("payload", [
    {"type": {}, "text": "x"},  # an object where a choice is expected: was a 500 (unhashable)
    {"type": ["charged"], "text": "x"},
    {"type": "charged", "text": "x", "clientReference": ""},  # optional, sent empty: was accepted
    {"type": "charged", "text": "x", "clientReference": " ref-1"},  # outside the pattern: was accepted
    {"type": "charged", "text": "x", "clientReference": None},
])
def test_bad_update_bodies_answer_400(client, issuer, journey, payload):
    number, _, _ = journey.create_case()
    response = post_json(client, f"/officer/cases/{number}/updates", payload, issuer.headers())
    assert response.status_code == 400, response.body


@pytest.mark.parametrize("overrides", [
    {"force": ""}, {"force": None}, {"force": 7},  # optional, sent empty or wrong: was accepted
    {"dateOfBirth": " 1980-03-31"},  # not a date as the schema says: was accepted
    {"surname": " " * 5 + "x" * 100},  # over 100 characters as sent: was accepted after trimming
])
def test_bad_reset_requests_answer_400(client, overrides):
    payload = {"crimeNumber": "LC-1-234", "surname": "Taylor", "dateOfBirth": "1980-03-31", **overrides}
    response = post_json(client, "/victim/password-reset", payload)
    assert response.status_code == 400, response.body


def test_sign_out_with_a_non_empty_body_answers_400(client):
    response = client.http.post("/victim/sign-out", headers=JSON, body='{"x-extra": 42}')
    assert response.status_code == 400 and body(response)["code"] == "invalid_input"


@pytest.mark.parametrize("csv_body", [
    b"\xf2\x83\xbe\x97\xc3\xa8\x07L\r\xc3\xb0",  # a lone carriage return: was a 500
    b"kind,text\nupdate," + b"x" * 200_000,  # a field over csv's own limit: was a 500
])
def test_malformed_csv_uploads_answer_4xx_never_500(client, issuer, csv_body):
    headers = {**issuer.headers(role="supervisor"), "Content-Type": "text/csv"}
    response = client.http.post("/officer/uploads", headers=headers, body=csv_body)
    assert 400 <= response.status_code < 500, response.body
