"""Officer endpoints through chalice.test.Client: success and failure paths."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from tests.api import JSON
from tests.factories import case_body, contact, crime_number
from tests.support import body, post_json


def test_create_case_answers_201_with_contact_ids(client, issuer):
    payload = case_body(contacts=[contact(), contact(role="witness")])
    response = post_json(client, "/officer/cases", payload, issuer.headers())
    assert response.status_code == 201
    created = body(response)
    assert created["crimeNumber"] == payload["crimeNumber"]
    assert [c["role"] for c in created["contacts"]] == ["victim", "witness"]
    assert all(len(c["id"]) >= 22 and c["status"] == "invited" for c in created["contacts"])


def test_create_case_twice_answers_409(client, issuer):
    payload = case_body()
    assert post_json(client, "/officer/cases", payload, issuer.headers()).status_code == 201
    again = case_body(number="  " + payload["crimeNumber"].lower() + " ")
    response = post_json(client, "/officer/cases", again, issuer.headers())
    assert response.status_code == 409
    assert body(response)["code"] == "conflict"


def test_same_crime_number_in_another_force_is_a_different_case(client, issuer):
    payload = case_body()
    assert post_json(client, "/officer/cases", payload, issuer.headers("lincs")).status_code == 201
    assert post_json(client, "/officer/cases", payload, issuer.headers("avon")).status_code == 201


def test_create_case_reports_every_invalid_field(client, issuer):
    payload = case_body(contacts=[contact(email="not-an-email", dateOfBirth="1980-02-30", role="suspect")])
    payload["unexpected"] = "x"
    del payload["officer"]["name"]
    response = post_json(client, "/officer/cases", payload, issuer.headers())
    assert response.status_code == 400
    fields = body(response)["fields"]
    assert set(fields) == {"contacts[0].email", "contacts[0].dateOfBirth", "contacts[0].role",
                           "officer.name", "unexpected"}


def test_invalid_case_changes_nothing(client, issuer):
    payload = case_body(contacts=[contact(), contact(email="bad")])
    assert post_json(client, "/officer/cases", payload, issuer.headers()).status_code == 400
    response = client.http.get(f"/officer/cases/{payload['crimeNumber']}", headers=issuer.headers())
    assert response.status_code == 404


def test_officer_reads_case_with_contact_status_and_updates(journey, client, issuer):
    number, _, _ = journey.create_case()
    journey.post_update(number, type="suspect_arrested", text="A man was arrested today.")
    response = client.http.get(f"/officer/cases/{number.lower()}", headers=issuer.headers())
    assert response.status_code == 200
    case = body(response)
    assert case["crimeNumber"] == number
    assert case["contacts"][0]["status"] == "invited"
    assert [u["type"] for u in case["updates"]] == ["suspect_arrested"]


def test_another_forces_case_answers_404(journey, client, issuer):
    number, _, _ = journey.create_case()
    assert client.http.get(f"/officer/cases/{number}", headers=issuer.headers("avon")).status_code == 404
    response = post_json(client, f"/officer/cases/{number}/updates",
                         {"type": "progress_update", "text": "x"}, issuer.headers("avon"))
    assert response.status_code == 404


def test_unknown_case_answers_404(client, issuer):
    assert client.http.get("/officer/cases/NOPE-1", headers=issuer.headers()).status_code == 404


def test_post_update_answers_201_with_id(journey):
    number, _, _ = journey.create_case()
    response = journey.post_update(number)
    assert response.status_code == 201
    assert body(response)["created"] is True


def test_same_client_reference_answers_the_existing_update(journey, client, issuer):
    number, _, _ = journey.create_case()
    first = journey.post_update(number, clientReference="rms-42")
    second = journey.post_update(number, clientReference="rms-42", text="A different text")
    assert first.status_code == 201 and second.status_code == 200
    assert body(first)["id"] == body(second)["id"]
    case = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    assert len(case["updates"]) == 1


def test_update_type_must_come_from_the_victims_code(journey):
    number, _, _ = journey.create_case()
    response = journey.post_update(number, type="gossip", text="x" * 5001)
    assert response.status_code == 400
    assert set(body(response)["fields"]) == {"type", "text"}


def test_update_to_unknown_case_answers_404(journey):
    assert journey.post_update("NO-SUCH-1").status_code == 404


def test_updates_are_listed_newest_first(journey, client, issuer):
    number, _, _ = journey.create_case()
    for text in ("first", "second", "third"):
        assert journey.post_update(number, text=text).status_code == 201
    case = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    assert [u["text"] for u in case["updates"]] == ["third", "second", "first"]


def test_closing_update_moves_status(journey, client, issuer):
    number, _, _ = journey.create_case()
    journey.post_update(number, type="case_closed", text="No further lines of enquiry.")
    case = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    assert case["status"] == "closed" and case["closedAt"]


def test_auditor_role_cannot_write(client, issuer):
    response = post_json(client, "/officer/cases", case_body(), issuer.headers(role="auditor"))
    assert response.status_code == 403


def test_officer_role_cannot_batch_upload(client, issuer):
    response = post_json(client, "/officer/uploads", {"items": []}, issuer.headers(role="officer"))
    assert response.status_code == 403


# -- the access token ---------------------------------------------------------------------


def _forged(issuer, **changes):
    now = int(time.time())
    claims = {"iss": issuer.url, "aud": "track-my-crime", "sub": "x", "force": "lincs",
              "roles": ["officer"], "iat": now, "nbf": now, "exp": now + 600}
    claims.update(changes)
    return claims


def _unsigned(claims):
    def b64(data):
        import base64

        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hand_signed(header: dict, claims: dict, key: bytes) -> str:
    """A token signed with HMAC by hand (PyJWT refuses to make this attack)."""
    import hashlib
    import hmac

    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def _bad_token(issuer, case):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def sign(claims, key=issuer.dev.private_pem):
        return "Bearer " + jwt.encode(claims, key, algorithm="RS256", headers={"kid": issuer.dev.kid})

    now = int(time.time())
    if case == "other_key":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return sign(_forged(issuer), other)
    makers = {
        "not_bearer": lambda: "Basic dXNlcjpwYXNz",
        "garbage": lambda: "Bearer not.a.token",
        "alg_none": lambda: "Bearer " + _unsigned(_forged(issuer)),
        "wrong_issuer": lambda: sign(_forged(issuer, iss="https://evil.example")),
        "wrong_audience": lambda: sign(_forged(issuer, aud="someone-else")),
        "expired": lambda: sign(_forged(issuer, iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        "not_yet_valid": lambda: sign(_forged(issuer, nbf=now + 3600)),
        "no_expiry": lambda: sign({k: v for k, v in _forged(issuer).items() if k != "exp"}),
        "no_force": lambda: sign({k: v for k, v in _forged(issuer).items() if k != "force"}),
        "unknown_force": lambda: sign(_forged(issuer, force="atlantis")),
        "no_role": lambda: sign(_forged(issuer, roles=["cleaner"])),
        "unknown_kid": lambda: "Bearer " + jwt.encode(_forged(issuer), issuer.dev.private_pem,
                                                      algorithm="RS256", headers={"kid": "nope"}),
        # The classic confusion attack: HMAC keyed with the issuer's public key.
        "hs256_with_public_key": lambda: "Bearer " + _hand_signed(
            {"alg": "HS256", "typ": "JWT", "kid": issuer.dev.kid}, _forged(issuer),
            json.dumps(issuer.dev.jwks()["keys"][0]).encode()),
    }
    return makers[case]()


@pytest.mark.parametrize("case", [
    "not_bearer", "garbage", "alg_none", "other_key", "wrong_issuer", "wrong_audience", "expired",
    "not_yet_valid", "no_expiry", "no_force", "unknown_force", "no_role", "unknown_kid",
    "hs256_with_public_key",
])
def test_bad_officer_tokens_answer_401(client, issuer, case):
    headers = {**JSON, "Authorization": _bad_token(issuer, case)}
    response = post_json(client, "/officer/cases", case_body(), headers)
    assert response.status_code == 401
    assert body(response)["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_missing_officer_token_answers_401(client):
    response = post_json(client, "/officer/cases", case_body())
    assert response.status_code == 401


def test_refused_token_reaches_no_view_on_any_officer_route(client, issuer):
    headers = {**JSON, "Authorization": _bad_token(issuer, "other_key")}
    assert client.http.get("/officer/cases/X-1", headers=headers).status_code == 401
    assert post_json(client, "/officer/cases/X-1/updates", {}, headers).status_code == 401
    assert post_json(client, "/officer/uploads", {"items": []}, headers).status_code == 401


def test_force_in_body_cannot_override_the_tokens_force(client, issuer):
    payload = case_body()
    payload["force"] = "avon"
    response = post_json(client, "/officer/cases", payload, issuer.headers("lincs"))
    assert response.status_code == 400
    assert "force" in body(response)["fields"]


def test_oversized_body_answers_413(client, issuer):
    payload = case_body()
    payload["contacts"][0]["forename"] = "x" * 20_000
    response = post_json(client, "/officer/cases", payload, issuer.headers())
    assert response.status_code == 413


def test_non_json_body_answers_415(client, issuer):
    headers = {**issuer.headers(), "Content-Type": "application/x-www-form-urlencoded"}
    response = client.http.post("/officer/cases", headers=headers, body="crimeNumber=1")
    assert response.status_code == 415
    assert body(response)["code"] == "unsupported_media_type"


def test_malformed_json_answers_400(client, issuer):
    response = client.http.post("/officer/cases", headers=issuer.headers(), body="{not json")
    assert response.status_code == 400
    assert body(response)["fields"] == {"body": "Is not valid JSON"}


def test_crime_numbers_are_trimmed_and_case_insensitive(journey, client, issuer):
    number = crime_number().lower()
    journey.create_case(number=f"  {number} ")
    response = client.http.get(f"/officer/cases/{number.upper()}", headers=issuer.headers())
    assert response.status_code == 200
