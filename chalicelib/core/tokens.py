"""One-time link tokens (invitation, password reset) and session tokens.

A link token is `<id>.<mac>`: 128 random bits from `secrets` that name the
stored record, and an HMAC-SHA256 of the id under the deployment's secret. The
database keeps only the id, so a copy of the table holds no usable link; the
email sender, which has the secret, can rebuild the link from the stream record
without the raw token ever being stored.

Session tokens are 256 random bits; only their SHA-256 is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

# What a link token is for: its MAC covers the purpose, so a reset link can
# never pass as an invitation, nor the other way round.
INVITATION = "invitation"
RESET = "reset"
ADDRESS_CHANGE = "address-change"
CODE_DIGITS = 6

ID_BYTES = 16  # 128 bits
MAC_BYTES = 16


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_id() -> str:
    return _b64(secrets.token_bytes(ID_BYTES))


def _mac(secret: bytes, purpose: str, record_id: str) -> str:
    digest = hmac.new(secret, f"{purpose}:{record_id}".encode(), hashlib.sha256).digest()
    return _b64(digest[:MAC_BYTES])


def link_token(secret: bytes, purpose: str, record_id: str) -> str:
    return f"{record_id}.{_mac(secret, purpose, record_id)}"


def record_id_from(secret: bytes, purpose: str, token: object, previous: Sequence[bytes] = ()) -> str | None:
    """The record id a genuine token names, or None for anything else. A link
    sealed with a `previous` secret still opens: after the secret is rotated,
    links already emailed keep working (config reads the previous secret only
    for as long as a link can live)."""
    if not isinstance(token, str) or len(token) > 100 or token.count(".") != 1:
        return None
    record_id, mac = token.strip().split(".")
    try:
        if len(_unb64(record_id)) != ID_BYTES:
            return None
    except ValueError:
        return None
    # Every candidate is compared (no early exit), so timing says nothing of which one matched.
    matched = [hmac.compare_digest(mac, _mac(key, purpose, record_id)) for key in (secret, *previous)]
    return record_id if any(matched) else None


def change_code(secret: bytes, change_id: str) -> str:
    """The 6-digit code that confirms a new email address or mobile number:
    derived from the change's id under the secret (never stored), like a link.
    Guessing is bounded by the tries allowed (5 in a million), not by length."""
    digest = hmac.new(secret, f"{ADDRESS_CHANGE}:{change_id}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def code_matches(secret: bytes, change_id: str, typed: object, previous: Sequence[bytes] = ()) -> bool:
    """Whether `typed` (spaces and dashes allowed, as people copy codes) is the change's code."""
    if not isinstance(typed, str) or len(typed) > 20:
        return False
    digits = "".join(c for c in typed if c not in " -")
    matched = [hmac.compare_digest(digits.encode("utf-8", "replace"), change_code(key, change_id).encode())
               for key in (secret, *previous)]
    return any(matched)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
