"""Fixtures for the attack tests: the service on moto through chalice.test.Client
(tests/conftest.py's `client`, `issuer`, `aws`), with a clock the test moves by
hand, a chosen source address per request, and a spy on password checks."""

from __future__ import annotations

import fcntl
import json
import os
from collections import Counter as Tally
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.api import JSON
from tests.fakes import Clock
from tests.support import Journey, body, post_json

ROOT = Path(__file__).resolve().parents[2]
# chalice.test.Client swaps os.environ for a copy holding the stage's variables
# while it handles a request, and puts the one it found back afterwards. Two
# threads using it at once can leave the copy in place for good (the dev
# stage's tables and sender): every test here starts and ends with the real one.
_REAL_ENVIRON = os.environ
SOURCE_HEADER = "x-test-source"  # tests only: which address a request comes from
_FIGURES: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _real_environment():
    os.environ = _REAL_ENVIRON  # noqa: B003 - putting the real one back
    yield
    os.environ = _REAL_ENVIRON  # noqa: B003 - putting the real one back


@pytest.fixture(scope="session")
def figures():
    """Figures for the closing note (attempts per attack, matrix size...):
    written to test-artifacts/security-figures.json at the end of the run."""
    yield _FIGURES
    if _FIGURES:
        out = ROOT / "test-artifacts" / "security-figures.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        # Both xdist workers merge their figures into the one file, one at a time.
        with open(out.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            previous = json.loads(out.read_text()) if out.exists() else {}
            out.write_text(json.dumps({**previous, **_FIGURES}, indent=2, sort_keys=True))


@pytest.fixture
def clock(clock) -> Clock:
    """The service's clock, standing still and moved by hand, from one second
    into a 5-minute throttling window."""
    now = datetime.now(UTC).replace(microsecond=0)
    clock.ticking = False
    clock.now = now - timedelta(minutes=now.minute % 5, seconds=now.second - 1)
    return clock


@pytest.fixture
def sources(monkeypatch):
    """Each request may say where it comes from (the `x-test-source` header);
    without it, the test client's own address."""
    from chalicelib.web import http

    real = http.source_ip
    monkeypatch.setattr(http, "source_ip",
                        lambda request: request.headers.get(SOURCE_HEADER) or real(request))


class PasswordSpy:
    """Counts argon2 verifications: against a contact's real hash, and in total
    (an unknown account or a throttled attempt verifies against a dummy hash)."""

    def __init__(self):
        self.tally: Tally[str] = Tally()

    @property
    def real(self) -> int:
        return self.tally["real"]

    @property
    def total(self) -> int:
        return self.tally["real"] + self.tally["dummy"]

    def reset(self) -> None:
        self.tally.clear()


@pytest.fixture
def password_spy(monkeypatch) -> PasswordSpy:
    """Counts the argon2 verifications passlib really runs (not calls to our
    wrapper), telling the dummy hash from a contact's."""
    from chalicelib.core import passwords

    spy = PasswordSpy()
    context = passwords._context()
    real_verify = context.verify
    dummy = passwords._dummy_hash()

    def counting(secret, stored, *args, **kwargs):
        spy.tally["dummy" if stored == dummy else "real"] += 1
        return real_verify(secret, stored, *args, **kwargs)

    monkeypatch.setattr(context, "verify", counting)
    return spy


class Victim:
    """A registered victim of a case, and how to sign in as them."""

    def __init__(self, journey: Journey, number: str, contact: dict[str, Any], contact_id: str):
        self.journey, self.number, self.contact, self.id = journey, number, contact, contact_id

    def identity(self, **overrides: Any) -> dict[str, Any]:
        return {"crimeNumber": self.number, "surname": self.contact["surname"],
                "dateOfBirth": self.contact["dateOfBirth"], **overrides}

    def sign_in(self, password: str | None = None, source: str | None = None, **overrides: Any) -> Any:
        from tests.support import STRONG_PASSWORD

        headers = {SOURCE_HEADER: source} if source else {}
        return post_json(self.journey.client, "/victim/sign-in",
                         {**self.identity(**overrides), "password": password or STRONG_PASSWORD}, headers)

    def cookie(self, **kwargs: Any) -> str:
        response = self.sign_in(**kwargs)
        assert response.status_code == 200, response.body
        return response.headers["Set-Cookie"].split(";")[0]

    def read(self, cookie: str) -> Any:
        return self.journey.client.http.get("/victim/case", headers={"Cookie": cookie})


@pytest.fixture
def victim(journey) -> Victim:
    number, contact, created = journey.create_case()
    assert journey.register(number, created, contact).status_code == 201
    return Victim(journey, number, contact, created["contacts"][0]["id"])


def sign_out(client: Any, cookie: str) -> Any:
    return client.http.post("/victim/sign-out", headers={**JSON, "Cookie": cookie}, body="{}")


__all__ = ["JSON", "SOURCE_HEADER", "PasswordSpy", "Victim", "body", "post_json", "sign_out"]
