"""The development issuer's sign-in endpoints for the officer console
(local/dev_issuer.py), over HTTP on loopback: no stack, a second or so."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import jwt
import pytest

from local.dev_issuer import CONSOLE_CLIENT_ID, DEMO_OFFICERS, AuthorizationCodes, DevIssuer, serve_jwks

CONSOLE = "http://127.0.0.1:9999"
REDIRECT = f"{CONSOLE}/officer/index.html"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


@pytest.fixture(scope="module")
def issuer() -> Iterator[tuple[DevIssuer, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    dev = DevIssuer.create(url)
    server = serve_jwks(dev, "127.0.0.1", port, console_url=CONSOLE)
    yield dev, url
    server.shutdown()


def call(url: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def authorize(url: str, challenge: str, officer: str = "lincs-officer", **overrides: str) -> tuple[int, str]:
    form = {"client_id": CONSOLE_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
            "scope": "openid profile", "state": "s1", "code_challenge": challenge,
            "code_challenge_method": "S256", "officer": officer, "action": "sign-in", **overrides}
    status, headers, _ = call(f"{url}/authorize", form)
    return status, headers.get("Location", "")


def code_from(location: str) -> str:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def token(url: str, code: str, verifier: str, redirect: str = REDIRECT) -> tuple[int, dict]:
    status, _, body = call(f"{url}/token", {"grant_type": "authorization_code", "code": code,
                                             "redirect_uri": redirect, "code_verifier": verifier,
                                             "client_id": CONSOLE_CLIENT_ID})
    return status, json.loads(body)


def test_discovery_names_the_sign_in_endpoints(issuer):
    _, url = issuer
    status, _, body = call(f"{url}/.well-known/openid-configuration")
    document = json.loads(body)
    assert status == 200
    assert document["issuer"] == url
    assert document["authorization_endpoint"] == f"{url}/authorize"
    assert document["token_endpoint"] == f"{url}/token"
    assert document["end_session_endpoint"] == f"{url}/end-session"
    assert document["code_challenge_methods_supported"] == ["S256"]


def test_the_sign_in_page_lists_the_demo_officers_of_two_forces(issuer):
    _, url = issuer
    _, challenge = pkce()
    query = urllib.parse.urlencode({"client_id": CONSOLE_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
                                    "scope": "openid", "state": "s1", "code_challenge": challenge,
                                    "code_challenge_method": "S256"})
    status, headers, body = call(f"{url}/authorize?{query}")
    page = body.decode()
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert {o.force for o in DEMO_OFFICERS} == {"lincs", "avon"}
    for officer in DEMO_OFFICERS:
        assert f'value="{officer.key}"' in page


def test_a_code_exchanged_with_its_verifier_gives_a_token_the_api_accepts(issuer):
    dev, url = issuer
    verifier, challenge = pkce()
    status, location = authorize(url, challenge, officer="avon-officer")
    assert status == 303 and location.startswith(REDIRECT + "?")
    status, tokens = token(url, code_from(location), verifier)
    assert status == 200
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    public = jwt.PyJWK(dev.jwks()["keys"][0]).key
    access = jwt.decode(tokens["access_token"], public, algorithms=["RS256"], audience=dev.audience, issuer=url)
    assert (access["force"], access["roles"], access["sub"]) == ("avon", ["officer"], "dev-avon-officer")
    identity = jwt.decode(tokens["id_token"], public, algorithms=["RS256"], audience=CONSOLE_CLIENT_ID, issuer=url)
    assert identity["name"] == "PC 5678 Jamie Hughes"


def test_a_code_works_once(issuer):
    _, url = issuer
    verifier, challenge = pkce()
    code = code_from(authorize(url, challenge)[1])
    assert token(url, code, verifier)[0] == 200
    assert token(url, code, verifier) == (400, {"error": "invalid_grant"})


def test_a_burst_of_exchanges_of_one_code_gets_one_token(issuer):
    """Twenty token requests at once with the same code and verifier: the
    code is spent by exactly one of them."""
    from concurrent.futures import ThreadPoolExecutor

    _, url = issuer
    verifier, challenge = pkce()
    code = code_from(authorize(url, challenge)[1])
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(status for status, _ in pool.map(lambda _: token(url, code, verifier), range(20)))
    assert statuses == [200] + [400] * 19


def test_odd_text_in_a_token_request_is_refused_not_failed(issuer):
    _, url = issuer
    verifier, challenge = pkce()
    code = code_from(authorize(url, challenge)[1])
    for odd in ("\x00", "\ud800", "\u202e" + verifier, verifier + "\x00", "x" * 5000):
        raw = urllib.parse.quote(odd, safe="", errors="surrogatepass").encode()
        request = urllib.request.Request(f"{url}/token", data=b"grant_type=authorization_code&client_id="
                                         + CONSOLE_CLIENT_ID.encode() + b"&code=" + raw + b"&code_verifier=" + raw)
        try:
            status = urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 400, odd
    assert token(url, code, verifier)[0] == 200  # the real code was never spent by them


def test_a_wrong_verifier_spends_the_code(issuer):
    _, url = issuer
    verifier, challenge = pkce()
    code = code_from(authorize(url, challenge)[1])
    assert token(url, code, pkce()[0]) == (400, {"error": "invalid_grant"})
    assert token(url, code, verifier) == (400, {"error": "invalid_grant"})


def test_a_code_is_bound_to_its_redirect_uri(issuer):
    _, url = issuer
    verifier, challenge = pkce()
    code = code_from(authorize(url, challenge)[1])
    assert token(url, code, verifier, redirect=f"{CONSOLE}/elsewhere")[0] == 400


def test_an_unregistered_redirect_uri_gets_no_code_and_no_redirect(issuer):
    _, url = issuer
    status, location = authorize(url, pkce()[1], redirect_uri="https://attacker.example/officer/index.html")
    assert status == 400 and location == ""


def test_a_request_without_a_pkce_challenge_is_refused(issuer):
    _, url = issuer
    status, _ = authorize(url, "", code_challenge_method="plain")
    assert status == 400


def test_cancel_returns_access_denied(issuer):
    _, url = issuer
    status, location = authorize(url, pkce()[1], action="cancel")
    assert status == 303 and re.search(r"[?&]error=access_denied(&|$)", location)


def test_a_code_expires():
    now = [0.0]
    codes = AuthorizationCodes(clock=lambda: now[0])
    verifier, challenge = pkce()
    code = codes.issue(DEMO_OFFICERS[0], CONSOLE_CLIENT_ID, REDIRECT, challenge, None)
    now[0] = 61
    assert codes.redeem(code, CONSOLE_CLIENT_ID, REDIRECT, verifier) is None


def test_end_session_returns_only_to_a_registered_address(issuer):
    _, url = issuer
    status, headers, _ = call(f"{url}/end-session?" + urllib.parse.urlencode(
        {"post_logout_redirect_uri": f"{CONSOLE}/officer/signed-out.html"}))
    assert status == 303 and headers["Location"] == f"{CONSOLE}/officer/signed-out.html"
    status, headers, _ = call(f"{url}/end-session?" + urllib.parse.urlencode(
        {"post_logout_redirect_uri": "https://attacker.example/"}))
    assert status == 400 and "Location" not in headers


def test_the_console_lists_the_update_types_the_api_accepts():
    from pathlib import Path

    from chalicelib.core.domain import UPDATE_TYPES

    source = (Path(__file__).resolve().parents[2] / "site" / "src" / "js" / "officer" / "labels.mjs").read_text()
    listed = dict(re.findall(r"\['([a-z_]+)', '([^']+)'\]", source))
    assert listed == UPDATE_TYPES
