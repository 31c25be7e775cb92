"""Test helpers: an issuer, the API-call helpers and the journey through the service."""

from __future__ import annotations

import json
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from local.dev_issuer import DevIssuer, serve_jwks
from tests.api import Answer, Api
from tests.factories import case_body


@dataclass
class Issuer:
    dev: DevIssuer
    server: ThreadingHTTPServer
    url: str

    def token(self, force: str = "lincs", role: str = "officer", **claims: Any) -> str:
        return self.dev.mint(force=force, role=role, **claims)

    def headers(self, force: str = "lincs", role: str = "officer", **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(force, role, **claims)}",
                "Content-Type": "application/json"}


def start_issuer() -> Issuer:
    server_probe = ThreadingHTTPServer(("127.0.0.1", 0), None)  # type: ignore[arg-type]
    port = server_probe.server_address[1]
    server_probe.server_close()
    url = f"http://127.0.0.1:{port}"
    dev = DevIssuer.create(url)
    server = serve_jwks(dev, "127.0.0.1", port)
    return Issuer(dev=dev, server=server, url=url)


def body(response: Any) -> Any:
    return json.loads(response.body) if response.body else None


def post_json(client: Any, path: str, payload: Any, headers: dict[str, str] | None = None) -> Answer:
    """POST a JSON body to the API of `client` (a chalice.test.Client, or a base URL)."""
    return Api(client).post(path, payload, headers)


def invitation_token(settings: Any, crime_number_text: str, contact_id: str, force: str = "lincs") -> str:
    """The token the invitation email carries (derived, as the email sender does)."""
    from chalicelib import bootstrap
    from chalicelib.core import tokens
    from chalicelib.core.domain import case_key

    case = bootstrap.services().cases.case_with_contacts(case_key(force, crime_number_text))
    invitation_id = case.contact(contact_id).invitation_id
    return tokens.link_token(settings.token_secret, tokens.INVITATION, invitation_id)


def emf_metrics(output: str) -> dict[str, float]:
    """The metric values in the EMF documents among these output lines."""
    found: dict[str, float] = {}
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        document = json.loads(line)
        for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                found[metric["Name"]] = found.get(metric["Name"], 0) + (sum(value) if isinstance(value, list)
                                                                        else value)
    return found


def audit_records(case_key: str | None = None) -> list[Any]:
    """Tests only (a scan): the audit records of one case (`force#NUMBER`), or all, oldest first."""
    from chalicelib.storage.models import AuditItem

    return sorted((i for i in AuditItem.scan() if case_key is None or i.case == case_key), key=lambda i: i.sk)


STRONG_PASSWORD = "correct horse battery staple"


class Journey:
    """An officer and a victim going through the service with the test client."""

    def __init__(self, client: Any, issuer: Issuer, settings: Any, force: str = "lincs"):
        self.client, self.issuer, self.settings, self.force = client, issuer, settings, force
        self.officer = issuer.headers(force=force)

    def create_case(self, **kwargs: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
        payload = case_body(**kwargs)
        response = post_json(self.client, "/officer/cases", payload, self.officer)
        assert response.status_code == 201, response.body
        return payload["crimeNumber"], payload["contacts"][0], body(response)

    def register(self, number: str, created: dict[str, Any], contact_payload: dict[str, Any],
                 password: str = STRONG_PASSWORD) -> Any:
        token = invitation_token(self.settings, number, created["contacts"][0]["id"], self.force)
        return post_json(self.client, "/victim/register",
                         {"invitation": token, "dateOfBirth": contact_payload["dateOfBirth"],
                          "password": password})

    def sign_in(self, number: str, contact_payload: dict[str, Any], password: str = STRONG_PASSWORD,
                **overrides: Any) -> Any:
        return post_json(self.client, "/victim/sign-in", {
            "crimeNumber": number, "surname": contact_payload["surname"],
            "dateOfBirth": contact_payload["dateOfBirth"], "password": password, **overrides})

    def registered_victim(self) -> tuple[str, dict[str, Any], str]:
        """A case with one registered, signed-in victim: (crime number, contact, cookie)."""
        number, contact_payload, created = self.create_case()
        assert self.register(number, created, contact_payload).status_code == 201
        response = self.sign_in(number, contact_payload)
        assert response.status_code == 200, response.body
        cookie = response.headers["Set-Cookie"].split(";")[0]
        return number, contact_payload, cookie

    def post_update(self, number: str, **fields: Any) -> Any:
        payload = {"type": "progress_update", "text": "We have spoken to a witness.", **fields}
        return post_json(self.client, f"/officer/cases/{number}/updates", payload, self.officer)
