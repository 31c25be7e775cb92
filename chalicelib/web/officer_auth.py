"""Officer access tokens: standard OIDC bearer JWTs, checked with PyJWT.

Signature against the issuer's JWKS, issuer, audience, expiry and not-before,
and only the configured algorithms (never `none`). The officer's id, name,
force and roles come from the token's claims, never from a request body.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.config import Settings
from chalicelib.core.domain import ROLE_PERMISSIONS, Officer
from chalicelib.core.errors import OfficerUnauthorized
from chalicelib.core.validation import is_printable_name, is_text
from chalicelib.observability import logger

# PyJWT pulls in cryptography: the largest import of the package (docs/performance.md).
# Only the officers' routes check tokens, so it is imported there, not on a victim's cold start.
if TYPE_CHECKING:
    import jwt

JwksFetcher = Callable[[], dict[str, Any]]
FORCE_CLAIM = "force"
ROLE_CLAIMS = ("roles", "role")


def http_jwks_fetcher(url: str, timeout: float = 3.0) -> JwksFetcher:
    def fetch() -> dict[str, Any]:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - URL from config
            return json.loads(response.read(1_000_000))
    return fetch


class JwksCache:
    """Signing keys by `kid`, fetched on first use and again (at most once a
    minute) when a token names a key not yet seen, as issuers rotate keys."""

    def __init__(self, fetch: JwksFetcher, min_refresh_seconds: float = 60.0):
        self._fetch = fetch
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._min_refresh = min_refresh_seconds
        self._lock = threading.Lock()

    def key(self, kid: str | None) -> jwt.PyJWK | None:
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
                import jwt

                self._fetched_at = time.monotonic()
                jwks = jwt.PyJWKSet.from_dict(self._fetch())
                self._keys = {k.key_id: k for k in jwks.keys if k.key_id}
            return self._keys.get(kid or "")


class OfficerTokenVerifier:
    def __init__(self, settings: Settings, jwks: JwksCache):
        self._settings = settings
        self._jwks = jwks

    def verify(self, authorization: str | None) -> Officer:
        import jwt

        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in self._settings.oidc_algorithms:
                raise OfficerUnauthorized()
            key = self._jwks.key(header.get("kid"))
            if key is None:
                raise OfficerUnauthorized()
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=list(self._settings.oidc_algorithms),
                audience=self._settings.oidc_audience,
                issuer=self._settings.oidc_issuer,
                leeway=30,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except OfficerUnauthorized:
            logger.info("officer token refused", extra={"reason": "algorithm or key"})
            raise
        except (jwt.PyJWTError, ValueError, OSError) as exc:
            logger.info("officer token refused", extra={"reason": type(exc).__name__})
            raise OfficerUnauthorized() from exc
        return _officer_from(claims, self._settings)


def _bearer(authorization: str | None) -> str:
    if not authorization or not authorization.startswith("Bearer "):
        raise OfficerUnauthorized()
    token = authorization[len("Bearer "):].strip()
    if not token or len(token) > 8192:
        raise OfficerUnauthorized()
    return token


def _officer_from(claims: dict[str, Any], settings: Settings) -> Officer:
    force = claims.get(FORCE_CLAIM)
    roles: set[str] = set()
    for name in ROLE_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str):
            roles.add(value)
        elif isinstance(value, list):
            roles.update(v for v in value if isinstance(v, str))
    roles &= set(ROLE_PERMISSIONS)
    if not isinstance(force, str) or force.lower() not in settings.forces or not roles:
        logger.info("officer token refused", extra={"reason": "force or role claim"})
        raise OfficerUnauthorized()
    subject, name = claims["sub"], claims.get("name") or claims.get("preferred_username") or claims["sub"]
    # Claims are input like any other: the name is shown to victims beside each
    # update and stored with it, the id goes into audit records and keys.
    if not (isinstance(subject, str) and _SUBJECT.fullmatch(subject)) or not _is_name(name):
        logger.info("officer token refused", extra={"reason": "sub or name claim"})
        raise OfficerUnauthorized()
    return Officer(id=subject, name=" ".join(name.split()), force=force.lower(), roles=frozenset(roles))


_SUBJECT = re.compile(r"[A-Za-z0-9._:@|+=/-]{1,128}")
_NAME_REFUSED = re.compile(r"[<>\\{}\[\]`|^~=;$]")


def _is_name(name: Any) -> bool:
    """A person's name as an identity provider gives it: 1-100 characters of
    printable text in any script, on one line, with no markup."""
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 100 or not is_text(name):
        return False
    return is_printable_name(name) and not _NAME_REFUSED.search(name)


def officer_to_context(officer: Officer) -> dict[str, str]:
    """API Gateway passes an authorizer's context to the route as strings."""
    return {"officerId": officer.id, "officerName": officer.name, "force": officer.force,
            "roles": ",".join(sorted(officer.roles))}


def officer_from_context(context: dict[str, Any] | None) -> Officer:
    if not context or not context.get("officerId") or not context.get("force"):
        raise OfficerUnauthorized()
    return Officer(id=context["officerId"], name=context.get("officerName", ""),
                   force=context["force"],
                   roles=frozenset(filter(None, str(context.get("roles", "")).split(","))))
