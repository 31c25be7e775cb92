"""Victim endpoints through chalice.test.Client: success and failure paths."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api import JSON
from tests.support import STRONG_PASSWORD, body, invitation_token, post_json


def test_register_answers_201_with_the_crime_number(journey):
    number, contact, created = journey.create_case()
    response = journey.register(number, created, contact)
    assert response.status_code == 201
    assert body(response) == {"crimeNumber": number}


def test_registered_contact_shows_as_registered_to_the_officer(journey, client, issuer):
    number, contact, created = journey.create_case()
    journey.register(number, created, contact)
    case = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    assert case["contacts"][0]["status"] == "registered"


def test_second_registration_from_the_same_invitation_is_refused(journey):
    number, contact, created = journey.create_case()
    assert journey.register(number, created, contact).status_code == 201
    again = journey.register(number, created, contact, password="another long passphrase")
    assert again.status_code == 400
    assert "invitation" in body(again)["fields"]


def test_concurrent_registrations_from_one_invitation_exactly_one_wins(journey, aws):
    number, contact, created = journey.create_case()
    token = invitation_token(aws, number, created["contacts"][0]["id"])

    def attempt(i):
        return post_json(journey.client, "/victim/register", {
            "invitation": token, "dateOfBirth": contact["dateOfBirth"],
            "password": f"{STRONG_PASSWORD} number {i}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(8)))
    assert sorted(statuses) == [201] + [400] * 7


def test_register_with_wrong_date_of_birth_is_refused(journey):
    number, contact, created = journey.create_case()
    response = journey.register(number, created, {**contact, "dateOfBirth": "1981-03-31"})
    assert response.status_code == 400
    assert set(body(response)["fields"]) == {"dateOfBirth"}


def test_invitation_is_spent_after_five_wrong_dates_of_birth(journey):
    number, contact, created = journey.create_case()
    for _ in range(5):
        journey.register(number, created, {**contact, "dateOfBirth": "1981-03-31"})
    response = journey.register(number, created, contact)
    assert response.status_code == 400
    assert set(body(response)["fields"]) == {"invitation"}


@pytest.mark.parametrize("token", ["", "x", "a.b", "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"])
def test_register_with_a_bad_invitation_token_is_refused(client, token):
    response = post_json(client, "/victim/register",
                         {"invitation": token, "dateOfBirth": "1980-03-31", "password": STRONG_PASSWORD})
    assert response.status_code == 400
    assert "invitation" in body(response)["fields"]


@pytest.mark.parametrize(("password", "reason"), [
    ("short", "8 characters"),
    ("qwertyuiop", "too common"),
    ("x" * 129, "128 characters"),
])
def test_register_refuses_weak_passwords(journey, password, reason):
    number, contact, created = journey.create_case()
    response = journey.register(number, created, contact, password=password)
    assert response.status_code == 400
    assert reason in body(response)["fields"]["password"]


def test_register_refuses_a_password_containing_the_surname(journey):
    number, contact, created = journey.create_case()
    response = journey.register(number, created, contact, password=f"my name is {contact['surname']}!")
    assert response.status_code == 400
    assert "surname" in body(response)["fields"]["password"]


def test_sign_in_sets_a_host_only_secure_session_cookie(journey):
    number, contact, created = journey.create_case()
    journey.register(number, created, contact)
    response = journey.sign_in(number, contact)
    assert response.status_code == 200
    assert set(body(response)) == {"expiresAt", "idleTimeoutSeconds"}
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-tmc_session=")
    attributes = {part.strip().split("=")[0] for part in cookie.split(";")[1:]}
    assert {"Path", "Secure", "HttpOnly", "SameSite", "Max-Age"} <= attributes
    assert "SameSite=Strict" in cookie and "Domain" not in cookie


def test_sign_in_accepts_crime_number_in_any_case_with_spaces(journey):
    number, contact, created = journey.create_case()
    journey.register(number, created, contact)
    response = journey.sign_in(f"  {number.lower()} ", contact, surname=contact["surname"].upper())
    assert response.status_code == 200


def test_every_sign_in_mismatch_gets_the_same_answer(journey):
    number, contact, created = journey.create_case()
    journey.register(number, created, contact)
    unregistered_number, unregistered, _ = journey.create_case()
    answers = [
        journey.sign_in("NO-SUCH-CASE", contact),
        journey.sign_in(number, contact, surname="Somebody"),
        journey.sign_in(number, contact, dateOfBirth="1979-01-01"),
        journey.sign_in(number, contact, password="not the password at all"),
        journey.sign_in(unregistered_number, unregistered),
    ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.body for a in answers}) == 1
    assert len({json.dumps(sorted(a.headers.items())) for a in answers}) == 1
    assert body(answers[0])["code"] == "sign_in_failed"


def test_sign_in_validation_errors_name_the_fields(client):
    response = post_json(client, "/victim/sign-in", {"crimeNumber": "", "dateOfBirth": "31/03/1980"})
    assert response.status_code == 400
    fields = body(response)["fields"]
    assert set(fields) == {"crimeNumber", "surname", "dateOfBirth", "password"}
    assert fields["surname"] == "Enter your surname" and fields["password"] == "Enter your password"


def test_victim_reads_their_case_newest_first(journey, client):
    number, _, cookie = journey.registered_victim()
    journey.post_update(number, type="suspect_arrested", text="A man has been arrested.")
    journey.post_update(number, type="charged", text="He has been charged with burglary.")
    response = client.http.get("/victim/case", headers={"Cookie": cookie})
    assert response.status_code == 200
    case = body(response)
    assert case["crimeNumber"] == number
    assert case["status"] == "charged"
    assert case["officer"] == {"name": "PC 1234 Alex Morgan", "role": "Officer in charge",
                               "collarNumber": None, "phone": None}
    assert [u["type"] for u in case["updates"]] == ["charged", "suspect_arrested"]
    assert set(case["updates"][0]) == {"id", "postedAt", "type", "typeLabel", "text", "officerName"}


def test_victim_sees_nothing_of_other_contacts(journey, client):
    _, _, cookie = journey.registered_victim()
    case = body(client.http.get("/victim/case", headers={"Cookie": cookie}))
    assert "contacts" not in case and "email" not in json.dumps(case)


def test_case_without_a_session_answers_401(client):
    assert client.http.get("/victim/case").status_code == 401
    response = client.http.get("/victim/case", headers={"Cookie": "__Host-tmc_session=forged"})
    assert response.status_code == 401
    assert body(response)["code"] == "signed_out"


def test_sign_out_ends_the_session(journey, client):
    _, _, cookie = journey.registered_victim()
    response = client.http.post("/victim/sign-out", headers={**JSON, "Cookie": cookie}, body="{}")
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 401


def test_sign_out_ends_every_session_of_that_contact(journey, client):
    number, contact, first = journey.registered_victim()
    second = journey.sign_in(number, contact).headers["Set-Cookie"].split(";")[0]
    client.http.post("/victim/sign-out", headers={**JSON, "Cookie": first}, body="{}")
    assert client.http.get("/victim/case", headers={"Cookie": second}).status_code == 401


def test_sign_out_needs_a_json_request_so_a_cross_site_form_cannot_forge_it(journey, client):
    _, _, cookie = journey.registered_victim()
    response = client.http.post("/victim/sign-out", body="",
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Cookie": cookie})
    assert response.status_code == 415
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200


def test_password_reset_request_always_answers_202(journey, client):
    number, contact, _ = journey.registered_victim()
    known = post_json(client, "/victim/password-reset", {
        "crimeNumber": number, "surname": contact["surname"], "dateOfBirth": contact["dateOfBirth"]})
    unknown = post_json(client, "/victim/password-reset", {
        "crimeNumber": "NOPE-1", "surname": "Nobody", "dateOfBirth": "1970-01-01"})
    assert known.status_code == unknown.status_code == 202
    assert known.body == unknown.body


def _reset_token(aws, number, contact_id):
    """The reset link's token, as the reset email would carry it."""
    from chalicelib.core import tokens
    from chalicelib.storage.models import ResetItem

    resets = [r for r in ResetItem.scan() if r.contact_id == contact_id]
    assert len(resets) == 1
    return tokens.link_token(aws.token_secret, tokens.RESET, resets[0].pk.split("#", 1)[1])


def test_password_reset_sets_a_new_password_and_ends_sessions(journey, client, aws):
    number, contact, cookie = journey.registered_victim()
    post_json(client, "/victim/password-reset", {
        "crimeNumber": number, "surname": contact["surname"], "dateOfBirth": contact["dateOfBirth"]})
    officer_view = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    contact_id = officer_view["contacts"][0]["id"]
    token = _reset_token(aws, number, contact_id)
    new_password = "a brand new long passphrase"
    response = post_json(client, "/victim/password-reset/complete",
                         {"token": token, "password": new_password})
    assert response.status_code == 204
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 401
    assert journey.sign_in(number, contact).status_code == 401
    assert journey.sign_in(number, contact, password=new_password).status_code == 200
    again = post_json(client, "/victim/password-reset/complete", {"token": token, "password": new_password})
    assert again.status_code == 400 and "token" in body(again)["fields"]


def test_password_reset_complete_refuses_a_bad_token(client):
    response = post_json(client, "/victim/password-reset/complete",
                         {"token": "bad.token", "password": STRONG_PASSWORD})
    assert response.status_code == 400
    assert set(body(response)["fields"]) == {"token"}


def test_every_response_carries_the_security_headers(journey, client):
    for response in (client.http.get("/health"), client.http.get("/victim/case"),
                     post_json(client, "/victim/sign-in", {})):
        headers = response.headers
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
