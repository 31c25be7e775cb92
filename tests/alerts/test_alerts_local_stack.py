"""`make run`'s email journey on the real local stack: moto server, chalice
local, and the stream poller (issue 3's acceptance)."""

from __future__ import annotations

import re
import time
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from tests.api import Api

pytestmark = pytest.mark.stack

LINK = r"https?://[^\s\"<>]+"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    """The stack in a process of its own (tests/stack_process.py): an in-process
    moto mock elsewhere in the run would otherwise catch the poller's calls."""
    from tests.stack_process import running_stack

    with running_stack(tmp_path_factory.mktemp("email-stack")) as running:
        yield running


def _call(stack: Any, method: str, path: str, payload: Any, token: str | None = None) -> tuple[int, Any]:
    answer = Api(stack.api_url).request(method, path, payload,
                                        {"Authorization": f"Bearer {token}"} if token else None)
    return answer.status_code, answer.json()


def _wait_for_email(stack: Any, recipient: str, subject: str, seen: set[Path], within: float = 5.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for path in sorted(Path(stack.outbox_dir).glob("*.eml")):
            if path in seen:
                continue
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == recipient and message["Subject"] == subject:
                seen.add(path)
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email {subject!r} to {recipient} within {within} s")


def test_invitation_alert_and_reset_emails_reach_the_outbox_within_five_seconds(stack):
    seen: set[Path] = set()
    officer = stack.officer_token()
    victim = {"role": "victim", "forename": "Jo", "surname": "Bloggs", "dateOfBirth": "1990-01-02",
              "email": "jo.bloggs@example.com"}
    witness = {**victim, "role": "witness", "surname": "Smith", "email": "w.smith@example.com"}
    status, _ = _call(stack, "POST", "/officer/cases", {
        "crimeNumber": "LC-2026-42424", "contacts": [victim, witness],
        "officer": {"name": "PC 1 Alex Morgan", "email": "alex.morgan@lincs.police.example"}}, officer)
    assert status == 201

    invitation = _wait_for_email(stack, victim["email"], "Set up your Track My Crime account", seen)
    _wait_for_email(stack, witness["email"], "Set up your Track My Crime account", seen)
    token = re.search(r"#invitation=([\w.\-]+)", invitation.get_body(("plain",)).get_content()).group(1)
    status, answer = _call(stack, "POST", "/victim/register", {
        "invitation": token, "dateOfBirth": victim["dateOfBirth"], "password": "a long passphrase here"})
    assert (status, answer) == (201, {"crimeNumber": "LC-2026-42424"})

    status, _ = _call(stack, "POST", "/officer/cases/LC-2026-42424/updates",
                      {"type": "suspect_arrested", "text": "We arrested a suspect today."}, officer)
    assert status == 201
    alert = _wait_for_email(stack, victim["email"], "You have a new update on Track My Crime", seen)
    links = set(re.findall(LINK, alert.get_body(("plain",)).get_content()))
    assert links == {f"{stack.site_url}/sign-in.html", stack.site_url}  # sign in; the footer's site

    status, _ = _call(stack, "POST", "/victim/password-reset", {
        "crimeNumber": "LC-2026-42424", "surname": "Bloggs", "dateOfBirth": victim["dateOfBirth"]})
    assert status == 202
    _wait_for_email(stack, victim["email"], "Reset your Track My Crime password", seen)

    time.sleep(1)  # the unregistered witness gets no alert, whatever the timing
    subjects = {(m["To"], m["Subject"]) for m in (
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in Path(stack.outbox_dir).glob("*.eml"))}
    assert (witness["email"], "You have a new update on Track My Crime") not in subjects
    with urllib.request.urlopen(f"{stack.moto_url}/moto-api/data.json", timeout=10) as response:
        assert "jo.bloggs@example.com" in response.read().decode()
