"""The API answers only through CloudFront (chalicelib/web/edge.py), and only a
request that proved it came through CloudFront may say who the viewer is.

With `ORIGIN_VERIFY_SECRET` set, a request must carry the secret CloudFront
adds (`X-Origin-Verify`): without it, 403 in the contract's error shape,
before anything else runs. The sign-in throttle counts failures per viewer
address (`CloudFront-Viewer-Address`) for such a request, and per API
Gateway's address otherwise, whatever the headers say.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.web import edge
from tests.support import body

VIEWER = "198.51.100.7"
GATEWAY_SOURCE = "127.0.0.1"  # what chalice's test client gives as API Gateway's sourceIp


@dataclass
class Origin:
    arn: str
    value: str

    @property
    def header(self) -> dict[str, str]:
        return {"X-Origin-Verify": self.value}


def _secrets() -> Any:
    import boto3

    return boto3.client("secretsmanager")


@pytest.fixture
def origin(aws, monkeypatch) -> Origin:
    """The check on, with a secret of its own (a new name each test: the app
    keeps a secret's values for a while)."""
    from chalicelib import bootstrap

    value = uuid.uuid4().hex + uuid.uuid4().hex
    arn = _secrets().create_secret(Name=f"track-my-crime/test/origin-verify-{uuid.uuid4().hex[:8]}",
                                   SecretString=value)["ARN"]
    monkeypatch.setenv("ORIGIN_VERIFY_SECRET", arn)
    bootstrap.reset()
    yield Origin(arn, value)
    bootstrap.reset()


def _source_counters() -> set[str]:
    """The addresses the sign-in throttle has counted failures for."""
    from chalicelib.storage.models import CounterItem

    return {item.pk.split("#")[3] for item in CounterItem.scan() if item.pk.startswith("THROTTLE#sign-in#source#")}


def _failed_sign_in(client: Any, headers: dict[str, str]) -> Any:
    from tests.api import Api

    return Api(client).post("/victim/sign-in", {"crimeNumber": "LC-2026-99999", "surname": "Nobody",
                                                "dateOfBirth": "1980-01-01", "password": "not the password"},
                            headers)


# -- the direct path is closed ------------------------------------------------------------


def test_without_the_setting_nothing_is_asked_of_a_request(client):
    assert client.http.get("/health").status_code == 200


def test_a_request_without_the_origin_header_is_refused_in_the_contracts_shape(client, origin):
    response = client.http.get("/health")
    assert response.status_code == 403
    assert body(response) == {"code": "forbidden", "message": edge.REFUSED}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("wrong", ["", "x", "{value}x", "{short}", "{upper}"])
def test_a_wrong_origin_header_is_refused(client, origin, wrong):
    value = wrong.format(value=origin.value, short=origin.value[:-1], upper=origin.value.upper())
    response = client.http.get("/health", headers={"X-Origin-Verify": value})
    assert response.status_code == 403


def test_the_right_origin_header_passes(client, origin):
    response = client.http.get("/health", headers=origin.header)
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}


def test_the_check_comes_before_the_officer_token_and_the_preflight(client, issuer, origin):
    officer = issuer.headers()
    assert client.http.get("/officer/cases/LC-2026-00001", headers=officer).status_code == 403
    assert client.http.get("/officer/cases/LC-2026-00001", headers={**officer, **origin.header}).status_code == 404
    preflight = {"Origin": "https://victims.example.police.uk", "Access-Control-Request-Method": "POST"}
    assert client.http.request("OPTIONS", "/victim/sign-in", headers=preflight).status_code == 403
    assert client.http.request("OPTIONS", "/victim/sign-in",
                               headers={**preflight, **origin.header}).status_code == 204


def test_a_rotated_secret_refuses_nothing_in_flight(client, origin, monkeypatch):
    monkeypatch.setattr(edge, "REFRESH", 0.0)  # read the secret on every request
    assert client.http.get("/health", headers=origin.header).status_code == 200
    _secrets().put_secret_value(SecretId=origin.arn, SecretString="second-" + origin.value)
    # CloudFront still sends the old value until the edge stack is updated: both pass.
    assert client.http.get("/health", headers=origin.header).status_code == 200
    assert client.http.get("/health", headers={"X-Origin-Verify": "second-" + origin.value}).status_code == 200
    _secrets().put_secret_value(SecretId=origin.arn, SecretString="third-" + origin.value)
    assert client.http.get("/health", headers=origin.header).status_code == 403  # two rotations old


def test_an_unreadable_secret_refuses_everything(client, aws, monkeypatch):
    from chalicelib import bootstrap

    monkeypatch.setenv("ORIGIN_VERIFY_SECRET", f"track-my-crime/test/missing-{uuid.uuid4().hex}")
    bootstrap.reset()
    response = client.http.get("/health", headers={"X-Origin-Verify": "anything"})
    assert response.status_code == 503
    assert body(response)["code"] == "service_unavailable"


# -- the throttle's address ------------------------------------------------------------------


def test_the_viewer_address_is_throttled_when_the_request_came_through_cloudfront(client, origin):
    for viewer in (f"{VIEWER}:44321", "2001:db8::8a2e:370:7334:51000"):
        assert _failed_sign_in(client, {**origin.header, "CloudFront-Viewer-Address": viewer}).status_code == 401
    assert _source_counters() == {VIEWER, "2001:db8::8a2e:370:7334"}


def test_a_viewer_address_without_the_secret_is_ignored(client):
    # The check off (as locally): nothing proves the header came from CloudFront.
    assert _failed_sign_in(client, {"CloudFront-Viewer-Address": f"{VIEWER}:44321"}).status_code == 401
    assert _source_counters() == {GATEWAY_SOURCE}


def test_a_viewer_address_with_a_wrong_secret_is_ignored(aws, origin):
    from chalice.app import Request

    from chalicelib.web import http

    def request(headers: dict[str, str]) -> Request:
        return Request({"multiValueQueryStringParameters": None, "headers": headers, "pathParameters": None,
                        "requestContext": {"httpMethod": "POST", "resourcePath": "/victim/sign-in",
                                           "identity": {"sourceIp": "203.0.113.9"}},
                        "httpMethod": "POST", "stageVariables": None, "body": None, "isBase64Encoded": False})

    spoofed = {"cloudfront-viewer-address": f"{VIEWER}:1"}
    assert http.source_ip(request({**spoofed, "x-origin-verify": "guess"})) == "203.0.113.9"
    assert http.source_ip(request(spoofed)) == "203.0.113.9"
    assert http.source_ip(request({**spoofed, "x-origin-verify": origin.value})) == VIEWER
    # Through CloudFront but with no viewer header: API Gateway's address.
    assert http.source_ip(request({"x-origin-verify": origin.value})) == "203.0.113.9"


@pytest.mark.parametrize(("header", "address"), [
    ("198.51.100.10:46532", "198.51.100.10"),
    ("2001:db8::8a2e:370:7334:46532", "2001:db8::8a2e:370:7334"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("2001:0db8:0000:0000:0000:0000:0000:0001:80", "2001:db8::1"),
    ("198.51.100.10", None),  # no port: not CloudFront's format
    ("not-an-address:80", None),
    ("", None),
    (None, None),
])
def test_cloudfront_viewer_address_is_read_as_ip_and_port(header, address):
    assert edge.viewer_ip(header) == address


def test_the_secret_is_compared_in_constant_time_against_each_accepted_value(monkeypatch):
    import hmac

    seen: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a.decode(), b.decode()))
        return real(a, b)

    monkeypatch.setattr(edge.hmac, "compare_digest", spy)
    secret = edge.OriginSecret("s", fetch=lambda _id, stage: {"AWSCURRENT": "new", "AWSPREVIOUS": "old"}[stage],
                               clock=lambda: 0.0)
    assert secret.matches("new") and secret.matches("old") and not secret.matches("neW")
    assert seen[:2] == [("new", "new"), ("new", "old")]  # no early exit on a match
