"""The API answers only requests that came through CloudFront.

API Gateway's own `execute-api` address stays reachable from anywhere (Chalice
cannot turn it off, and CloudFront needs an address to send to), and a direct
request would miss CloudFront's response headers, its WAF and its TLS policy,
and could say anything about where it came from. So CloudFront adds a secret
header to every request it sends to the API (`X-Origin-Verify`, from Secrets
Manager through infra/edge.yaml; CloudFront overwrites a viewer's own header
of that name), and the app refuses any request without it: 403, in the
contract's error shape.

Only a request that carried the secret may say who the viewer is:
CloudFront's `CloudFront-Viewer-Address` (`ip:port`; an IPv6 address is not
bracketed) then names the address to throttle by; otherwise the address API
Gateway saw is used, whatever the request's headers say.

Off unless `ORIGIN_VERIFY_SECRET` names the secret (local runs and tests).
The secret's current and previous values are both accepted, read at most every
`REFRESH` seconds, so it can be rotated without refusing anything
(docs/deploy.md).
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.config import Settings
from chalicelib.core.errors import DomainError, Forbidden, ServiceUnavailable
from chalicelib.core.i18n import t
from chalicelib.observability import logger

ORIGIN_HEADER = "x-origin-verify"
VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"
REFRESH = 300.0  # seconds
REFUSED = t("edge.refused", lang="en")  # the English words; a refusal is in the request's language
STAGES = ("AWSCURRENT", "AWSPREVIOUS")

Fetch = Callable[[str, str], str | None]


def _fetch_from_secrets_manager(secret_id: str, stage: str) -> str | None:
    """One version of the secret; None if the secret has no such version."""
    import boto3
    from botocore.exceptions import ClientError

    try:
        return str(boto3.client("secretsmanager").get_secret_value(
            SecretId=secret_id, VersionStage=stage)["SecretString"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException" and stage != STAGES[0]:
            return None
        raise


class OriginSecret:
    """The values the origin header may carry, read from Secrets Manager and kept
    for `REFRESH` seconds."""

    def __init__(self, secret_id: str, fetch: Fetch = _fetch_from_secrets_manager,
                 clock: Callable[[], float] = time.monotonic):
        self._secret_id = secret_id
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._values: tuple[bytes, ...] = ()
        self._read_at = -float("inf")

    def values(self) -> tuple[bytes, ...]:
        with self._lock:
            if self._clock() - self._read_at >= REFRESH:
                found = (self._fetch(self._secret_id, stage) for stage in STAGES)
                self._values = tuple(value.encode() for value in found if value)
                self._read_at = self._clock()
            return self._values

    def matches(self, presented: str | None) -> bool:
        """Constant-time: compares the presented value with every accepted one."""
        given = (presented or "").encode()
        matched = False
        for value in self.values():
            matched |= hmac.compare_digest(given, value)
        return matched and bool(given)


_secrets: dict[str, OriginSecret] = {}
_secrets_lock = threading.Lock()


def _secret(secret_id: str) -> OriginSecret:
    with _secrets_lock:
        if secret_id not in _secrets:
            _secrets[secret_id] = OriginSecret(secret_id)
        return _secrets[secret_id]


def _verified(headers: Mapping[str, Any], settings: Settings) -> bool:
    """The request carries the origin secret (raises if it cannot be read)."""
    assert settings.origin_verify_secret
    return _secret(settings.origin_verify_secret).matches(headers.get(ORIGIN_HEADER))


def refusal(headers: Mapping[str, Any], settings: Settings) -> DomainError | None:
    """Why this request is refused (it did not come through CloudFront, or the
    secret cannot be read), or None: it did, or the check is off."""
    if not settings.origin_verify_secret:
        return None
    try:
        if _verified(headers, settings):
            return None
    except Exception:
        logger.exception("origin secret unavailable")
        return ServiceUnavailable()
    logger.warning("request refused: not through CloudFront")
    return Forbidden(t("edge.refused"))


def viewer_ip(value: str | None) -> str | None:
    """The IP address of a `CloudFront-Viewer-Address` value (`198.51.100.10:46532`,
    `2001:db8::1:46532`), or None if it is not one."""
    host = (value or "").strip().rpartition(":")[0].strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


_missing_viewer_logged = False


def trusted_viewer_ip(headers: Mapping[str, Any], settings: Settings) -> str | None:
    """The viewer's address as CloudFront saw it, only for a request that carried
    the origin secret; None otherwise (the caller then uses API Gateway's)."""
    global _missing_viewer_logged
    if not settings.origin_verify_secret:
        return None
    try:
        if not _verified(headers, settings):
            return None
    except Exception:
        return None
    address = viewer_ip(headers.get(VIEWER_ADDRESS_HEADER))
    if address is None and not _missing_viewer_logged:
        # CloudFront's origin request policy should forward it (AllViewerExceptHostHeader).
        logger.warning("a request through CloudFront carried no CloudFront-Viewer-Address")
        _missing_viewer_logged = True
    return address
