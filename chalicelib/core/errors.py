"""Domain errors. `chalicelib.web.http` maps each to one HTTP status, in one place.

An error's message is the catalogue's `error.<code>` (chalicelib/core/locale),
looked up when it is read, so it is in the language of the request that reads
it; a message given when the error is raised wins.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.i18n import t


class _CatalogueMessage:
    """`error.message` (and `SomeError.message` on the class): the explicit
    message if one was given, else the catalogue's words for the error's code,
    in the current language."""

    def __get__(self, instance: Any, owner: type[DomainError]) -> str:
        explicit = instance.__dict__.get("_explicit") if instance is not None else None
        return explicit or t(f"error.{owner.code}")


class DomainError(Exception):
    code = "error"
    message = _CatalogueMessage()

    def __init__(self, message: str | None = None, fields: dict[str, str] | None = None):
        # The exception's own text (logs, tracebacks) is English, whatever the reader's language.
        super().__init__(message or t(f"error.{self.code}", lang="en"))
        self._explicit = message
        self.fields = fields or {}


class InvalidInput(DomainError):
    code = "invalid_input"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class SignInFailed(DomainError):
    """Every mismatch, whichever answer was wrong: one message, worded for the
    common case (a mistyped password), naming no field."""
    code = "sign_in_failed"


class SignInPaused(DomainError):
    """Too many attempts at these details, or from this connection, for now. Says
    nothing a failed attempt does not: the count is the caller's own (the
    account key is made from what was typed, so a pause happens whether or not
    the details belong to anyone)."""
    code = "sign_in_paused"


class SignedOut(DomainError):
    code = "signed_out"


class OfficerUnauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class TooManyRequests(DomainError):
    code = "too_many_requests"


class ServiceUnavailable(DomainError):
    code = "service_unavailable"


class ConditionFailed(Conflict):
    """A conditional write lost a race or found the item in the wrong state.
    A use-case turns it into what the person should be told; if one ever
    escapes, it answers 409, never 500."""
