"""HTTP concerns shared by every route: bodies in, errors and headers out.

Domain errors are mapped to statuses here and only here. Every response,
errors included, carries the security headers.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any

from chalice import Response

from chalicelib.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    OfficerUnauthorized,
    PayloadTooLarge,
    ServiceUnavailable,
    SignedOut,
    SignInFailed,
    SignInPaused,
    TooManyRequests,
    UnsupportedMediaType,
)
from chalicelib.core.i18n import t
from chalicelib.core.validation import is_text
from chalicelib.observability import logger

SESSION_COOKIE = "__Host-tmc_session"
MAX_JSON_BYTES = 16 * 1024
MAX_UPLOAD_BYTES = 1024 * 1024
# No request of the contract nests more than 3 levels (an upload row's contact's
# field); 32 leaves room and stops a body of `[[[[...` long before Python's stack.
MAX_JSON_DEPTH = 32

STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400,
    SignInFailed: 401,
    SignInPaused: 429,
    SignedOut: 401,
    OfficerUnauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    TooManyRequests: 429,
    ServiceUnavailable: 503,
}

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Content-Security-Policy": ("default-src 'self'; object-src 'none'; base-uri 'none'; "
                                "frame-ancestors 'none'; form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return body


def error_response(error: DomainError) -> Response:
    headers: dict[str, str | list[str]] = {}
    if isinstance(error, OfficerUnauthorized):
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return Response(body=error_body(error.code, error.message, error.fields),
                    status_code=status_for(error), headers=headers)


def handled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Maps domain errors to their responses; anything unexpected becomes a
    generic 500 with nothing of the exception in it (the log has the trace)."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            if status_for(error) >= 500:
                logger.exception("service unavailable")
            return error_response(error)
        except Exception:
            logger.exception("unhandled error")
            return Response(body=error_body("internal_error", t("error.internal_error")),
                            status_code=500)
    return wrapper


def with_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


# CORS (V3.4.2): only the configured site origin, only the victim's routes (the
# officer API is called by records systems and scripts, never by a browser),
# credentials allowed because the session is a cookie. Any other origin gets
# no Access-Control-* header at all, so the browser withholds the answer.
CORS_PATHS = ("/victim/", "/health")
PREFLIGHT_MAX_AGE = 600


def _cors_allowed(path: str, origin: str | None, site_origin: str) -> bool:
    return bool(origin) and origin == site_origin and path.startswith(CORS_PATHS)


def with_cors(response: Response, path: str, origin: str | None, site_origin: str) -> Response:
    response.headers["Vary"] = "Origin"
    if _cors_allowed(path, origin, site_origin):
        response.headers["Access-Control-Allow-Origin"] = str(origin)
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


def preflight_response(path: str, origin: str | None, site_origin: str, methods: list[str]) -> Response:
    """The answer to a CORS preflight: what the site may send, or nothing."""
    headers: dict[str, str | list[str]] = {}
    if _cors_allowed(path, origin, site_origin):
        headers = {"Access-Control-Allow-Methods": ", ".join(sorted(methods)),
                   "Access-Control-Allow-Headers": "Content-Type",
                   "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE)}
    return Response(body="", status_code=204, headers=headers)


def normalise_framework_error(response: Response) -> Response:
    """Chalice answers some errors itself (415, 405, 500) as {Code, Message};
    give them the contract's shape."""
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = {415: "unsupported_media_type", 405: "method_not_allowed",
                400: "bad_request"}.get(response.status_code, "internal_error")
        message = {415: UnsupportedMediaType.message, 405: t("error.method_not_allowed")}.get(
            response.status_code) or t("error.internal_error")
        response.body = error_body(code, message)
    return response


def _content_type(request: Any) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def raw_body(request: Any, limit: int) -> bytes:
    body = request.raw_body or b""
    if len(body) > limit:
        raise PayloadTooLarge(fields={"body": t("body.too_large", kilobytes=limit // 1024)})
    return body


def json_body(request: Any, limit: int = MAX_JSON_BYTES, *, allow_empty: bool = False) -> Any:
    """The request's JSON body. State-changing requests must say
    application/json, which a plain cross-site form cannot send."""
    if _content_type(request) != "application/json":
        raise UnsupportedMediaType()
    body = raw_body(request, limit)
    if not body.strip():
        if allow_empty:
            return {}
        raise InvalidInput(fields={"body": t("body.send_json_object")})
    try:
        parsed = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError as exc:  # nesting deeper than the parser's stack
        raise InvalidInput(fields={"body": t("body.too_deep", depth=MAX_JSON_DEPTH)}) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(fields={"body": t("body.not_json")}) from exc
    check_text(parsed)
    return parsed


def _refuse_constant(name: str) -> Any:
    # NaN, Infinity and -Infinity: Python's json reads them, JSON does not have them.
    raise ValueError(f"{name} is not JSON")


def check_text(value: Any) -> None:
    """Every string of a parsed body, keys included, must be text that can be
    encoded: JSON's `\\ud800` escape gives Python a lone surrogate, which
    would fail deep inside (hashing, storage) with a 500. Nesting is bounded
    too. Walked without recursion; the first problem found is reported with
    its field's path."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(fields={"body": t("body.too_deep", depth=MAX_JSON_DEPTH)})
        if isinstance(item, str):
            if not is_text(item):
                raise InvalidInput(fields={path or "body": t("body.bad_characters")})
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                if not is_text(key):
                    raise InvalidInput(fields={path or "body": t("body.bad_field_name")})
                stack.append((child, where, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def empty_json_body(request: Any) -> None:
    """A state-changing request with nothing to say (sign-out): still JSON, so a
    cross-site form cannot send it, and `{}` or nothing at all."""
    if json_body(request, allow_empty=True) != {}:
        raise InvalidInput(fields={"body": t("body.send_empty_object")})


def upload_body(request: Any) -> tuple[str, Any]:
    """('json', parsed) or ('csv', text) for the batch upload endpoint."""
    kind = _content_type(request)
    if kind == "text/csv":
        try:
            return "csv", raw_body(request, MAX_UPLOAD_BYTES).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(fields={"body": t("body.csv_utf8")}) from exc
    return "json", json_body(request, MAX_UPLOAD_BYTES)


def session_token(request: Any) -> str | None:
    header = request.headers.get("cookie")
    if not header:
        return None
    try:
        cookie = SimpleCookie(header)
    except CookieError:
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def session_cookie(token: str, expires_at: datetime) -> str:
    max_age = max(0, int((expires_at - datetime.now(expires_at.tzinfo)).total_seconds()))
    return f"{SESSION_COOKIE}={token}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Strict"


def expired_session_cookie() -> str:
    return f"{SESSION_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict"


def source_ip(request: Any) -> str:
    """The address a request is throttled by: the viewer's, as CloudFront saw it,
    when the request proved it came through CloudFront (web/edge.py); otherwise
    the address API Gateway saw. A header alone never decides it."""
    from chalicelib.config import get_settings
    from chalicelib.web import edge

    viewer = edge.trusted_viewer_ip(request.headers or {}, get_settings())
    if viewer:
        return viewer
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def query_param(request: Any, name: str) -> str | None:
    """One query parameter as given (the view checks it), or None."""
    params = request.query_params or {}
    value = params.get(name)
    return value if isinstance(value, str) else None
