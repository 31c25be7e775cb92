"""A development OIDC issuer for the local stack: an RSA key made at start-up,
its JWKS served over HTTP on loopback, and tokens signed with it. For the
officer console it is also a small OIDC provider: authorization code with PKCE
(S256) through a page that lists demo officers of two forces, a token
endpoint, and an end-session endpoint.

This file is never packaged (Chalice bundles app.py and chalicelib/ only), and
the prod stage refuses a loopback issuer (chalicelib/config.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "track-my-crime"


@dataclass
class DevIssuer:
    issuer: str
    private_pem: bytes
    kid: str
    audience: str = AUDIENCE

    @classmethod
    def create(cls, issuer: str) -> DevIssuer:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        return cls(issuer=issuer, private_pem=pem, kid=uuid.uuid4().hex)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "private.pem").write_bytes(self.private_pem)
        (folder / "private.pem").chmod(0o600)
        (folder / "issuer.json").write_text(json.dumps(
            {"issuer": self.issuer, "kid": self.kid, "audience": self.audience}))

    @classmethod
    def load(cls, folder: Path) -> DevIssuer:
        meta = json.loads((folder / "issuer.json").read_text())
        return cls(issuer=meta["issuer"], private_pem=(folder / "private.pem").read_bytes(),
                   kid=meta["kid"], audience=meta["audience"])

    def jwks(self) -> dict:
        private = serialization.load_pem_private_key(self.private_pem, password=None)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def mint(self, *, force: str = "lincs", role: str = "officer", name: str = "PC Demo Officer",
             subject: str | None = None, lifetime: int = 3600, **extra: object) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "sub": subject or f"dev-{force}-{role}",
                  "name": name, "force": force, "roles": [role], "iat": now, "nbf": now,
                  "exp": now + lifetime, **extra}
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid})


# The officer console's OIDC client, as a force registers it with its identity
# provider: its id, and the only addresses a code or a sign-out may return to.
CONSOLE_CLIENT_ID = "tmc-officer-console"
CONSOLE_PATH = "/officer/index.html"
SIGNED_OUT_PATHS = ("/officer/signed-out.html", "/officer/timed-out.html")
CODE_LIFETIME = 60  # seconds: a code is exchanged at once, or not at all
TOKEN_LIFETIME = 3600


@dataclass(frozen=True)
class DemoOfficer:
    key: str
    name: str
    force: str
    force_name: str
    role: str
    email: str

    @property
    def subject(self) -> str:
        # The subject `mint` gives a force and role: the seeded demo case is
        # dev-lincs-officer's, so that officer's "my cases" lists it.
        return f"dev-{self.force}-{self.role}"


DEMO_OFFICERS = (
    DemoOfficer("lincs-officer", "PC 1234 Alex Morgan", "lincs", "Demo Constabulary", "officer",
                "alex.morgan@lincs.police.example"),
    DemoOfficer("lincs-supervisor", "DS 808 Chris Lee", "lincs", "Demo Constabulary", "supervisor",
                "chris.lee@lincs.police.example"),
    DemoOfficer("lincs-auditor", "Priya Shah", "lincs", "Demo Constabulary", "auditor",
                "priya.shah@lincs.police.example"),
    DemoOfficer("avon-officer", "PC 5678 Jamie Hughes", "avon", "Second Demo Constabulary", "officer",
                "jamie.hughes@avon.police.example"),
)


@dataclass(frozen=True)
class _Code:
    officer: DemoOfficer
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    expires: float


class AuthorizationCodes:
    """Codes issued at the sign-in page: each bound to the client, its
    redirect_uri and PKCE challenge, usable once, for CODE_LIFETIME seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._codes: dict[str, _Code] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def issue(self, officer: DemoOfficer, client_id: str, redirect_uri: str, challenge: str,
              nonce: str | None) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._codes = {k: v for k, v in self._codes.items() if v.expires > now}
            self._codes[code] = _Code(officer, client_id, redirect_uri, challenge, nonce, now + CODE_LIFETIME)
        return code

    def redeem(self, code: str, client_id: str, redirect_uri: str, verifier: str) -> _Code | None:
        """The code's grant if everything matches, else None; either way the code is spent."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.expires <= self._clock():
            return None
        if grant.client_id != client_id or grant.redirect_uri != redirect_uri:
            return None
        if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(s256(verifier), grant.challenge):
            return None
        return grant


def s256(verifier: str) -> str:
    """RFC 7636's S256 code challenge of a code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class SignInProvider:
    """The parts of an OIDC provider the officer console uses: discovery, the
    authorization endpoint (a page listing the demo officers), the token
    endpoint and the end-session endpoint. `public_url` is where a browser
    reaches them: the site server passes its /oidc/ to this server, so the
    console's requests stay on its own origin and its CSP stays 'self'."""

    def __init__(self, issuer: DevIssuer, console_url: str, public_url: str):
        self.issuer = issuer
        self.public_url = public_url.rstrip("/")
        self.redirect_uris = {console_url.rstrip("/") + CONSOLE_PATH}
        self.signed_out_uris = {console_url.rstrip("/") + path for path in SIGNED_OUT_PATHS}
        self.codes = AuthorizationCodes()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer.issuer,
            "jwks_uri": f"{self.issuer.issuer}/.well-known/jwks.json",
            "authorization_endpoint": f"{self.public_url}/authorize",
            "token_endpoint": f"{self.public_url}/token",
            "end_session_endpoint": f"{self.public_url}/end-session",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["none"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def officer(self, key: str) -> DemoOfficer | None:
        return next((o for o in DEMO_OFFICERS if o.key == key), None)

    def authorization_problem(self, params: dict[str, str]) -> str | None:
        """What is wrong with an authorization request, in words, or None."""
        if params.get("client_id") != CONSOLE_CLIENT_ID:
            return "This application is not registered with the identity provider."
        if params.get("redirect_uri") not in self.redirect_uris:
            return "The address to return to is not registered for this application."
        if params.get("response_type") != "code":
            return "Only the authorization code flow is supported."
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "A PKCE code challenge (S256) is required."
        if "openid" not in params.get("scope", "").split():
            return "The openid scope is required."
        return None

    def tokens(self, grant: _Code) -> dict[str, Any]:
        officer = grant.officer
        access = self.issuer.mint(force=officer.force, role=officer.role, name=officer.name,
                                  subject=officer.subject, lifetime=TOKEN_LIFETIME, email=officer.email)
        now = int(time.time())
        id_claims: dict[str, Any] = {
            "iss": self.issuer.issuer, "aud": grant.client_id, "sub": officer.subject, "name": officer.name,
            "email": officer.email, "force": officer.force, "roles": [officer.role],
            "iat": now, "auth_time": now, "exp": now + TOKEN_LIFETIME}
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        id_token = jwt.encode(id_claims, self.issuer.private_pem, algorithm="RS256",
                              headers={"kid": self.issuer.kid})
        return {"access_token": access, "id_token": id_token, "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME, "scope": "openid profile email"}

    def sign_in_page(self, params: dict[str, str]) -> bytes:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params.get(name, ""))}">'
            for name in ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                         "code_challenge", "code_challenge_method"))
        radios = "".join(
            f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="officer-{o.key}" '
            f'name="officer" type="radio" value="{o.key}"{" checked" if i == 0 else ""} '
            f'aria-describedby="officer-{o.key}-hint">'
            f'<label class="govuk-label govuk-radios__label" for="officer-{o.key}">{html.escape(o.name)}</label>'
            f'<div id="officer-{o.key}-hint" class="govuk-hint govuk-radios__hint">'
            f'{html.escape(o.force_name)} ({o.force}), {o.role}</div></div>'
            for i, o in enumerate(DEMO_OFFICERS))
        return _page("Sign in", f"""
<span class="govuk-caption-l">Development identity provider</span>
<h1 class="govuk-heading-l">Sign in</h1>
<p class="govuk-body">This page stands in for your force's identity provider (for example Microsoft Entra ID)
on this machine only. There are no passwords: choose who to sign in as.</p>
<form method="post" action="{self.public_url}/authorize" novalidate>
{hidden}
<div class="govuk-form-group"><fieldset class="govuk-fieldset">
<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Demo officers</legend>
<div class="govuk-radios" data-module="govuk-radios">{radios}</div></fieldset></div>
<div class="govuk-button-group">
<button type="submit" name="action" value="sign-in" class="govuk-button" id="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel" class="govuk-button govuk-button--secondary">Cancel</button>
</div>
</form>""")


def _page(title: str, content: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><meta charset="utf-8">
<title>{title} – Development identity provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="stylesheet" href="/css/site.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">{content}</main></div></body></html>""".encode()


def _problem_page(message: str) -> bytes:
    return _page("There is a problem with the sign-in request", f"""
<h1 class="govuk-heading-l">There is a problem with the sign-in request</h1>
<p class="govuk-body">{html.escape(message)}</p>
<p class="govuk-body">Go back to the officer console and try to sign in again.</p>""")


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def serve_jwks(issuer: DevIssuer, host: str, port: int, *, console_url: str | None = None,
               public_url: str | None = None) -> ThreadingHTTPServer:
    """Serves the issuer's discovery document and JWKS in a daemon thread and,
    given the console's address, the sign-in endpoints the console uses."""
    provider = SignInProvider(issuer, console_url, public_url or issuer.issuer) if console_url else None
    jwks = {"keys": issuer.jwks()["keys"]}
    plain_discovery = {"issuer": issuer.issuer, "jwks_uri": f"{issuer.issuer}/.well-known/jwks.json",
                       "id_token_signing_alg_values_supported": ["RS256"]}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            params = {k: v for k, v in parse_qsl(query)}
            if path == "/.well-known/jwks.json":
                self._json(200, jwks)
            elif path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery() if provider else plain_discovery)
            elif provider and path == "/authorize":
                self._authorize_page(provider, params)
            elif provider and path == "/end-session":
                self._end_session(provider, params)
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            path = self.path.partition("?")[0]
            length = int(self.headers.get("Content-Length") or 0)
            if not provider or length > 16384 or \
                    self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
                self._json(404 if not provider else 400, {"error": "invalid_request"})
                return
            form = {k: v for k, v in parse_qsl(self.rfile.read(length).decode("utf-8", "replace"))}
            if path == "/authorize":
                self._authorize(provider, form)
            elif path == "/token":
                self._token(provider, form)
            else:
                self._json(404, {"error": "not found"})

        def _authorize_page(self, provider: SignInProvider, params: dict[str, str]) -> None:
            problem = provider.authorization_problem(params)
            if problem:
                self._html(400, _problem_page(problem))
            else:
                self._html(200, provider.sign_in_page(params))

        def _authorize(self, provider: SignInProvider, form: dict[str, str]) -> None:
            problem = provider.authorization_problem(form)
            if problem:
                self._html(400, _problem_page(problem))
                return
            redirect, state = form["redirect_uri"], form.get("state", "")
            officer = provider.officer(form.get("officer", ""))
            if form.get("action") == "cancel" or officer is None:
                self._redirect(_with_query(redirect, error="access_denied", state=state))
                return
            code = provider.codes.issue(officer, form["client_id"], redirect, form["code_challenge"],
                                        form.get("nonce") or None)
            self._redirect(_with_query(redirect, code=code, state=state))

        def _token(self, provider: SignInProvider, form: dict[str, str]) -> None:
            if form.get("grant_type") != "authorization_code":
                self._json(400, {"error": "unsupported_grant_type"})
                return
            grant = provider.codes.redeem(form.get("code", ""), form.get("client_id", ""),
                                          form.get("redirect_uri", ""), form.get("code_verifier", ""))
            if grant is None:
                self._json(400, {"error": "invalid_grant"})
                return
            self._json(200, provider.tokens(grant))

        def _end_session(self, provider: SignInProvider, params: dict[str, str]) -> None:
            # This provider keeps no session of its own (each sign-in asks again),
            # so ending it is only the checked return to the console.
            back = params.get("post_logout_redirect_uri", "")
            if back not in provider.signed_out_uris:
                self._html(400, _problem_page("The address to return to after signing out is not registered."))
                return
            self._redirect(_with_query(back, state=params["state"]) if params.get("state") else back)

        def _json(self, status: int, document: dict[str, Any]) -> None:
            self._send(status, json.dumps(document).encode(), "application/json")

        def _html(self, status: int, body: bytes) -> None:
            self._send(status, body, "text/html; charset=utf-8")

        def _redirect(self, location: str) -> None:
            self.send_response(303)
            self.send_header("Location", location)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="dev-issuer").start()
    return server


def main() -> None:
    """`make officer-token`: a token from the running local stack's issuer."""
    import argparse

    parser = argparse.ArgumentParser(description="Print an officer token for the local stack.")
    parser.add_argument("--force", default="lincs")
    parser.add_argument("--role", default="officer")
    parser.add_argument("--name", default="PC Demo Officer")
    parser.add_argument("--dir", default=".local/dev-issuer")
    args = parser.parse_args()
    folder = Path(args.dir)
    if not (folder / "issuer.json").exists():
        raise SystemExit("No local issuer yet: start the stack with `make run` first.")
    print(DevIssuer.load(folder).mint(force=args.force, role=args.role, name=args.name))


if __name__ == "__main__":
    main()
