"""Domain errors. `chalicelib.web.http` maps each to one HTTP status, in one place."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    message = "Something went wrong."

    def __init__(self, message: str | None = None, fields: dict[str, str] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}


class InvalidInput(DomainError):
    code = "invalid_input"
    message = "Some of the information given is not valid."


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    message = "Send the request body as application/json."


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    message = "The request body is too large."


class NotFound(DomainError):
    code = "not_found"
    message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    message = "That already exists."


class SignInFailed(DomainError):
    """Every mismatch, whichever answer was wrong: one message, worded for the
    common case (a mistyped password), naming no field."""
    code = "sign_in_failed"
    message = ("We could not sign you in with those details. Check your surname, crime number, "
               "date of birth and password, then try again.")


class SignInPaused(DomainError):
    """Too many attempts at these details, or from this connection, for now. Says
    nothing a failed attempt does not: the count is the caller's own (the
    account key is made from what was typed, so a pause happens whether or not
    the details belong to anyone)."""
    code = "sign_in_paused"
    message = "You have tried to sign in too many times. Wait 10 minutes, then try again."


class SignedOut(DomainError):
    code = "signed_out"
    message = "You are not signed in, or your session has ended. Sign in again."


class OfficerUnauthorized(DomainError):
    code = "unauthorized"
    message = "A valid officer access token is required."


class Forbidden(DomainError):
    code = "forbidden"
    message = "Your role does not allow this."


class TooManyRequests(DomainError):
    code = "too_many_requests"
    message = "Too many requests. Try again later."


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    message = "The service is unavailable. Try again shortly."


class ConditionFailed(Conflict):
    """A conditional write lost a race or found the item in the wrong state.
    A use-case turns it into what the person should be told; if one ever
    escapes, it answers 409, never 500."""
