"""The answers API Gateway makes itself (no token, unknown path, throttled, body
too large, its own errors), with the app's security headers and the contract's
error shape, and how they reach API Gateway.

Chalice has no setting for gateway responses, and every `chalice deploy`
replaces the API's definition (ImportRestApi, then PutRestApi mode=overwrite),
which drops any put beside it. So they go *into* the definition: under
`chalice deploy` and `chalice package` (never inside Lambda), `app.py` calls
`include_in_chalice_swagger()`, and the Swagger document Chalice sends carries
`x-amazon-apigateway-gateway-responses`. They exist from the moment the API
does, and no deploy removes them. (Upstream, this would be a Chalice config
setting for Swagger extensions; until then this is the one place that reaches
into Chalice's deployer.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chalicelib.web.http import SECURITY_HEADERS

SWAGGER_EXTENSION = "x-amazon-apigateway-gateway-responses"

# (response type, status or None for API Gateway's own, code, message)
_SHAPES = [
    ("UNAUTHORIZED", None, "unauthorized", "A valid officer access token is required."),
    ("ACCESS_DENIED", None, "unauthorized", "A valid officer access token is required."),
    # An unknown path answers 404, as the app does, rather than API Gateway's 403.
    ("MISSING_AUTHENTICATION_TOKEN", "404", "not_found", "Not found."),
    ("THROTTLED", None, "too_many_requests", "Too many requests. Try again later."),
    ("REQUEST_TOO_LARGE", None, "payload_too_large", "The request body is too large."),
    ("DEFAULT_4XX", None, "error", "The request could not be handled."),
    ("DEFAULT_5XX", None, "service_unavailable", "The service is unavailable. Try again shortly."),
]


def gateway_responses(security_headers: Mapping[str, str] = SECURITY_HEADERS) -> list[dict[str, Any]]:
    """PutGatewayResponse arguments, one per response type."""
    # A static value is quoted in single quotes; quotes inside it (CSP's
    # 'self') are escaped with a backslash.
    parameters = {f"gatewayresponse.header.{name}": "'{}'".format(value.replace("'", "\\'"))
                  for name, value in security_headers.items()}
    parameters["gatewayresponse.header.Content-Type"] = "'application/json'"
    responses = []
    for response_type, status, code, message in _SHAPES:
        response: dict[str, Any] = {
            "responseType": response_type,
            "responseParameters": dict(parameters),
            "responseTemplates": {"application/json": json.dumps({"code": code, "message": message})},
        }
        if status:
            response["statusCode"] = status
        responses.append(response)
    return responses


def swagger_extension(security_headers: Mapping[str, str] = SECURITY_HEADERS) -> dict[str, Any]:
    """The same responses as the Swagger extension API Gateway imports."""
    extension: dict[str, Any] = {}
    for response in gateway_responses(security_headers):
        entry: dict[str, Any] = {"responseParameters": response["responseParameters"],
                                 "responseTemplates": response["responseTemplates"]}
        if "statusCode" in response:
            entry["statusCode"] = int(response["statusCode"])
        extension[response["responseType"]] = entry
    return extension


def include_in_chalice_swagger() -> None:
    """Every Swagger document Chalice generates in this process carries the
    gateway responses. Idempotent. Only for the Chalice CLI's process."""
    from chalice.deploy import swagger

    generator = swagger.SwaggerGenerator
    original = generator.generate_swagger
    if getattr(original, "_with_gateway_responses", False):
        return

    def generate_swagger(self: Any, app: Any, rest_api: Any = None) -> dict[str, Any]:
        document: dict[str, Any] = original(self, app, rest_api)
        document[SWAGGER_EXTENSION] = swagger_extension()
        return document

    generate_swagger._with_gateway_responses = True  # type: ignore[attr-defined]
    generator.generate_swagger = generate_swagger  # type: ignore[method-assign]
