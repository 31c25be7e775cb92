"""Response headers (ASVS V3.4, V14.3.2): on every route and every outcome,
successes, errors and CORS preflights alike; CORS only for the site's origin."""

from __future__ import annotations

import json

import pytest

from tests.security.conftest import JSON, post_json

SITE = "https://victims.example.police.uk"  # SITE_URL in tests/conftest.py
HOSTILE_ORIGINS = ("https://evil.example", "null", "http://victims.example.police.uk",
                   "https://victims.example.police.uk:8443", "https://victims.example.police.uk.evil.example",
                   "https://evil-victims.example.police.uk", "https://sub.victims.example.police.uk")


def assert_security_headers(response, where: str = "") -> None:
    h = response.headers
    assert "Strict-Transport-Security" in h, (where, response.status_code, dict(h))
    hsts = h.get("Strict-Transport-Security", "")
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000 and "includeSubDomains" in hsts, where
    csp = {d.strip().split(" ", 1)[0]: d.strip() for d in h.get("Content-Security-Policy", "").split(";")}
    assert csp["default-src"] == "default-src 'self'", where
    assert csp["object-src"] == "object-src 'none'", where
    assert csp["base-uri"] == "base-uri 'none'", where
    assert csp["frame-ancestors"] == "frame-ancestors 'none'", where
    assert "unsafe-inline" not in h["Content-Security-Policy"] and "script-src" not in csp, where
    assert h.get("X-Content-Type-Options") == "nosniff", where
    assert h.get("Referrer-Policy") == "no-referrer", where
    assert h.get("Cache-Control") == "no-store", where


def _every_outcome(client, issuer, cookie, number):
    """(name, response) for each route and kind of answer the app gives."""
    officer = issuer.headers()
    outcomes = [
        ("health", client.http.get("/health")),
        ("victim case 200", client.http.get("/victim/case", headers={"Cookie": cookie})),
        ("victim case 401", client.http.get("/victim/case")),
        ("sign-in 400", post_json(client, "/victim/sign-in", {})),
        ("sign-in 401", post_json(client, "/victim/sign-in", {"crimeNumber": "X-123", "surname": "A",
                                                              "dateOfBirth": "1980-01-01", "password": "x" * 8})),
        ("sign-in 413", post_json(client, "/victim/sign-in", {"surname": "x" * 20_000})),
        ("sign-in 415", client.http.post("/victim/sign-in", body="a=b",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})),
        ("register 400", post_json(client, "/victim/register", {"invitation": "x"})),
        ("reset 202", post_json(client, "/victim/password-reset", {"crimeNumber": "X-123", "surname": "A",
                                                                   "dateOfBirth": "1980-01-01"})),
        ("reset complete 400", post_json(client, "/victim/password-reset/complete", {"token": "a", "password": "b"})),
        ("sign-out 400", client.http.post("/victim/sign-out", headers=JSON, body="[1]")),
        ("officer case 200", client.http.get(f"/officer/cases/{number}", headers=officer)),
        ("officer case 404", client.http.get("/officer/cases/NOPE-1", headers=officer)),
        ("officer case 401", client.http.get(f"/officer/cases/{number}",
                                             headers={"Authorization": "Bearer forged"})),
        ("officer update 201", post_json(client, f"/officer/cases/{number}/updates",
                                         {"type": "charged", "text": "x"}, officer)),
        ("officer create 403", post_json(client, "/officer/cases", {}, issuer.headers(role="auditor"))),
        ("officer create 409", post_json(client, "/officer/cases", {
            "crimeNumber": number, "officer": {"name": "PC A", "email": "a@police.example"},
            "contacts": [{"role": "victim", "forename": "A", "surname": "B", "dateOfBirth": "1980-01-01",
                          "email": "b@example.com"}]}, officer)),
        ("upload 200", post_json(client, "/officer/uploads", {"items": [{"kind": "x"}]},
                                 issuer.headers(role="supervisor"))),
        ("405", client.http.request("PUT", "/victim/sign-in", body=b"{}", headers=JSON)),
        ("500", None),
    ]
    return outcomes


def test_every_outcome_carries_the_security_headers(client, issuer, journey, monkeypatch, figures):
    from chalicelib import bootstrap

    number, _, cookie = journey.registered_victim()
    outcomes = _every_outcome(client, issuer, cookie, number)
    # An unexpected failure inside a view: a generic 500, headers still on.
    monkeypatch.setattr(bootstrap.services().victims, "read_case",
                        lambda *_: (_ for _ in ()).throw(RuntimeError("boom")))
    outcomes[-1] = ("500", client.http.get("/victim/case", headers={"Cookie": cookie}))
    statuses = set()
    for name, response in outcomes:
        assert_security_headers(response, name)
        statuses.add(response.status_code)
    assert statuses >= {200, 201, 202, 400, 401, 403, 404, 405, 409, 413, 415, 500}
    assert b"boom" not in outcomes[-1][1].body
    figures["header_checks"] = {"responses": len(outcomes), "statuses": sorted(statuses)}


def test_answers_api_gateway_makes_itself_carry_the_headers_too():
    """With no Authorization header at all, or an unknown path, API Gateway
    answers before the app: infra/deploy.py installs these gateway responses."""
    from chalicelib.web.http import SECURITY_HEADERS
    from infra.deploy import gateway_responses

    responses = {r["responseType"]: r for r in gateway_responses(SECURITY_HEADERS)}
    assert {"UNAUTHORIZED", "MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for response in responses.values():
        headers = {k.removeprefix("gatewayresponse.header."): v for k, v in response["responseParameters"].items()}
        for name, value in SECURITY_HEADERS.items():
            assert headers[name] == "'{}'".format(value.replace("'", "\\'")), (response["responseType"], name)


def _routes():
    from app import app

    return sorted(app.routes)


@pytest.mark.parametrize("origin", [SITE, *HOSTILE_ORIGINS[:2]])
def test_every_route_answers_its_preflight_with_the_headers(client, origin):
    for path in _routes():
        response = client.http.request("OPTIONS", path.replace("{crime_number}", "X-123"), headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert response.status_code == 204, path
        assert_security_headers(response, path)
        allowed = response.headers.get("Access-Control-Allow-Origin")
        if origin == SITE and not path.startswith("/officer/"):
            assert allowed == SITE and response.headers["Access-Control-Allow-Credentials"] == "true"
            assert "Authorization" not in response.headers["Access-Control-Allow-Headers"]
        else:
            assert allowed is None and "Access-Control-Allow-Methods" not in response.headers, (path, origin)


def test_the_site_origin_gets_cors_on_the_victim_routes(client, journey):
    _, _, cookie = journey.registered_victim()
    response = client.http.get("/victim/case", headers={"Cookie": cookie, "Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize("origin", HOSTILE_ORIGINS)
def test_no_other_origin_gets_cors_anywhere(client, issuer, journey, origin, figures):
    number, _, _ = journey.create_case()
    cookie = "__Host-tmc_session=whatever"  # CORS never depends on who is signed in
    responses = [
        client.http.get("/victim/case", headers={"Cookie": cookie, "Origin": origin}),
        client.http.get("/health", headers={"Origin": origin}),
        client.http.post("/victim/sign-in", headers={**JSON, "Origin": origin}, body=json.dumps({})),
        client.http.get(f"/officer/cases/{number}", headers={**issuer.headers(), "Origin": origin}),
    ]
    for response in responses:
        assert not [h for h in response.headers if h.lower().startswith("access-control-")], origin
        assert_security_headers(response)
    figures["cors_hostile_origins"] = len(HOSTILE_ORIGINS)


def test_officer_routes_get_no_cors_even_from_the_site(client, issuer, journey):
    number, _, _ = journey.create_case()
    response = client.http.get(f"/officer/cases/{number}", headers={**issuer.headers(), "Origin": SITE})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_every_route_refuses_other_methods_with_405_and_the_headers(client, issuer):
    from app import app

    tried = 0
    for path, methods in app.routes.items():
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(methods):
            response = client.http.request(method, path.replace("{crime_number}", "X-123"),
                                           headers=issuer.headers(), body=b"{}")
            # An officer route answers 401 first when the method has no authorizer to run.
            expected = {405, 401} if path.startswith("/officer/") else {405}
            assert response.status_code in expected, (method, path, response.status_code)
            assert_security_headers(response, f"{method} {path}")
            tried += 1
    assert tried >= 40
