"""The README's journey against the real local stack: moto server, the dev
issuer and `chalice local`, over HTTP, as a newcomer would with curl."""

from __future__ import annotations

import pytest

from tests.api import Api

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.stack_process import running_stack

    with running_stack(tmp_path_factory.mktemp("local"), seed=True) as running:
        yield running


def call(method, url, payload=None, headers=None):
    answer = Api("").request(method, url, payload if payload is not None else None, headers)
    return answer.status_code, answer.headers, answer.json()


def test_health_answers_200(stack):
    assert call("GET", f"{stack.api_url}/health")[0] == 200


def test_newcomer_journey_with_the_printed_token_and_link(stack):
    officer = {"Authorization": f"Bearer {stack.officer_token()}"}
    demo = stack.demo
    # Create a case with the printed officer token.
    status, _, created = call("POST", f"{stack.api_url}/officer/cases", {
        "crimeNumber": "LC-README-1",
        "officer": {"name": "PC 1234 Alex Morgan", "email": "alex.morgan@lincs.police.example"},
        "contacts": [{"role": "victim", "forename": "Jo", "surname": "Bloggs",
                      "dateOfBirth": "1990-01-02", "email": "jo@example.com"}]}, officer)
    assert status == 201 and created["contacts"][0]["status"] == "invited"
    # Register the demo contact from the printed invitation token.
    status, _, registered = call("POST", f"{stack.api_url}/victim/register", {
        "invitation": demo["invitation"], "dateOfBirth": demo["dateOfBirth"],
        "password": "a long and memorable passphrase"})
    assert status == 201 and registered == {"crimeNumber": demo["crimeNumber"]}
    # Sign in.
    status, headers, _ = call("POST", f"{stack.api_url}/victim/sign-in", {
        "crimeNumber": demo["crimeNumber"], "surname": demo["surname"],
        "dateOfBirth": demo["dateOfBirth"], "password": "a long and memorable passphrase"})
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    # The officer posts an update; the victim reads it, newest first.
    status, _, _ = call("POST", f"{stack.api_url}/officer/cases/{demo['crimeNumber']}/updates",
                        {"type": "suspect_arrested", "text": "A man has been arrested."}, officer)
    assert status == 201
    status, _, case = call("GET", f"{stack.api_url}/victim/case", headers={"Cookie": cookie})
    assert status == 200
    assert [u["type"] for u in case["updates"]] == ["suspect_arrested", "crime_recorded"]


def test_invalid_officer_token_answers_401_through_chalice_local(stack):
    status, headers, error = call("GET", f"{stack.api_url}/officer/cases/X-1",
                                  headers={"Authorization": "Bearer nonsense"})
    assert status == 401 and error["code"] == "unauthorized"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_missing_officer_token_answers_401_through_chalice_local(stack):
    assert call("GET", f"{stack.api_url}/officer/cases/X-1")[0] == 401
