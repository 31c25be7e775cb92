"""The OpenAPI document is current and lists exactly the routes the app has."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.web.openapi import document

ROOT = Path(__file__).resolve().parents[2]


def test_committed_openapi_json_is_current():
    committed = json.loads((ROOT / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(document())), "run `make openapi` and commit openapi.json"


def test_openapi_lists_exactly_the_apps_routes():
    from app import app

    routes = {(path, method.lower())
              for path, methods in app.routes.items() for method in methods
              if method != "OPTIONS"}  # CORS preflights: not API operations
    documented = {(path, method) for path, item in document()["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"}}
    assert documented == routes


def test_every_officer_operation_requires_the_bearer_token():
    for path, item in document()["paths"].items():
        if path.startswith("/officer/"):
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    assert operation["security"] == [{"officerToken": []}]


def test_request_schemas_refuse_unknown_fields():
    for item in document()["paths"].values():
        for operation in item.values():
            schema = (operation.get("requestBody", {}).get("content", {})
                      .get("application/json", {}).get("schema")) if isinstance(operation, dict) else None
            if schema and schema.get("type") == "object" and "properties" in schema:
                assert schema["additionalProperties"] is False
