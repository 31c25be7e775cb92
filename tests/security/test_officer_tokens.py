"""Officer access tokens (ASVS V9/V8): every forged, stale or incomplete token is
refused with 401 on every officer route, before any view runs; the force and
role come from the token only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.factories import case_body
from tests.security.conftest import JSON, body, post_json


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(issuer, **changes):
    now = int(time.time())
    claims = {"iss": issuer.url, "aud": "track-my-crime", "sub": "attacker", "name": "PC Mallory",
              "force": "lincs", "roles": ["supervisor"], "iat": now, "nbf": now, "exp": now + 600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(issuer, claims, key=None, algorithm="RS256", kid=None):
    return jwt.encode(claims, key or issuer.dev.private_pem, algorithm=algorithm,
                      headers={"kid": kid or issuer.dev.kid})


def _unsigned(header, claims):
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _hmac_signed(header, claims, key: bytes):
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def _other_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _bad_tokens(issuer) -> dict[str, str]:
    now = int(time.time())
    good = _claims(issuer)
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return {
        "alg none": _unsigned({"alg": "none", "typ": "JWT", "kid": issuer.dev.kid}, good),
        "alg None, signature kept": _unsigned({"alg": "None", "kid": issuer.dev.kid}, good) + "c2ln",
        "signed with another key": _sign(issuer, good, _other_rsa_key()),
        "another key under the issuer's kid": _sign(issuer, good, _other_rsa_key(), kid=issuer.dev.kid),
        "an unlisted algorithm (ES256)": _sign(issuer, good, ec_key, algorithm="ES256"),
        "HS256 keyed with the public JWK": _hmac_signed({"alg": "HS256", "kid": issuer.dev.kid}, good,
                                                        json.dumps(issuer.dev.jwks()["keys"][0]).encode()),
        "unknown kid": _sign(issuer, good, kid="no-such-key"),
        "wrong issuer": _sign(issuer, _claims(issuer, iss="https://evil.example")),
        "wrong audience": _sign(issuer, _claims(issuer, aud="another-api")),
        "expired": _sign(issuer, _claims(issuer, iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        "not yet valid": _sign(issuer, _claims(issuer, nbf=now + 3600)),
        "no expiry": _sign(issuer, _claims(issuer, exp=None)),
        "no subject": _sign(issuer, _claims(issuer, sub=None)),
        "no force claim": _sign(issuer, _claims(issuer, force=None)),
        "a force not in this deployment": _sign(issuer, _claims(issuer, force="atlantis")),
        "no role claim": _sign(issuer, _claims(issuer, roles=None)),
        "only unknown roles": _sign(issuer, _claims(issuer, roles=["admin", "root"])),
        "tampered payload": (lambda t: t.split(".")[0] + "." + _b64(json.dumps(
            _claims(issuer, force="avon")).encode()) + "." + t.split(".")[2])(_sign(issuer, good)),
        "garbage": "not.a.token",
        "empty": "",
    }


def _routes(number: str):
    return [("POST", "/officer/cases", case_body()),
            ("GET", f"/officer/cases/{number}", None),
            ("POST", f"/officer/cases/{number}/updates", {"type": "charged", "text": "Forged."}),
            ("POST", "/officer/uploads", {"items": [{"kind": "update", "crimeNumber": number, "type": "charged",
                                                     "text": "Forged.", "clientReference": "forged-1"}]})]


def test_every_bad_token_is_refused_on_every_officer_route(client, issuer, journey, figures):
    number, _, _ = journey.create_case()
    before = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    tried = 0
    wrong = []
    for name, token in _bad_tokens(issuer).items():
        for scheme in ("Bearer", "bearer"):
            headers = {**JSON, "Authorization": f"{scheme} {token}".strip()}
            for method, path, payload in _routes(number):
                response = client.http.request(method, path, headers=headers,
                                               body=json.dumps(payload) if payload is not None else b"")
                tried += 1
                if response.status_code != 401 or body(response)["code"] != "unauthorized" \
                        or not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
                    wrong.append((name, scheme, method, path, response.status_code))
    assert not wrong, wrong
    after = body(client.http.get(f"/officer/cases/{number}", headers=issuer.headers()))
    assert after["updates"] == before["updates"]  # nothing was written
    figures["officer_token_attacks"] = {"kinds": len(_bad_tokens(issuer)), "requests": tried}


def test_a_token_in_the_query_string_is_not_accepted(client, issuer, journey):
    number, _, _ = journey.create_case()
    token = issuer.token()
    for query in (f"access_token={token}", f"token={token}"):
        assert client.http.get(f"/officer/cases/{number}?{query}").status_code == 401


@pytest.mark.parametrize("field", ["force", "officerId", "roles"])
def test_force_and_role_cannot_come_from_the_body(client, issuer, field):
    payload = case_body()
    payload[field] = "avon" if field == "force" else "supervisor"
    response = post_json(client, "/officer/cases", payload, issuer.headers("lincs"))
    assert response.status_code == 400 and field in body(response)["fields"]


def test_the_auditor_role_reads_but_cannot_write(client, issuer, journey):
    number, _, _ = journey.create_case()
    auditor = issuer.headers(role="auditor")
    assert client.http.get(f"/officer/cases/{number}", headers=auditor).status_code == 200
    assert post_json(client, f"/officer/cases/{number}/updates", {"type": "charged", "text": "x"},
                     auditor).status_code == 403
    assert post_json(client, "/officer/cases", case_body(), auditor).status_code == 403
