"""Two-way contact on `make run`'s stack, over HTTP, as the README's curl lines
do it: the demo victim asks for an update and sends a message; the officer's
notice (no message, no name) lands in the outbox; the inbox lists the case; the
officer replies; the victim's alert lands in the outbox; the victim reads the
conversation in order, the request answered."""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from tests.api import Api

pytestmark = pytest.mark.stack
PASSWORD = "a long and memorable passphrase"  # the demo victim's, in this test only
MESSAGE = "Has anyone looked at the CCTV from the corner shop yet?"
REPLY = "Yes: it shows a white van. I will update you by Friday."


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    from tests.stack_process import running_stack

    with running_stack(tmp_path_factory.mktemp("two-way"), seed=True) as running:
        yield running


def _call(stack: Any, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None) -> Any:
    return Api(stack.api_url).request(method, path, payload, headers)


def _outbox(stack: Any) -> list[Any]:
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(Path(stack.outbox_dir).glob("*.eml"))]


def _arrived(stack: Any, to: str, subject_part: str, within: float = 15.0) -> list[Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = [m for m in _outbox(stack) if m["To"] == to and subject_part in str(m["Subject"])]
        if found:
            time.sleep(1.0)  # long enough for a duplicate to arrive too
            return [m for m in _outbox(stack) if m["To"] == to and subject_part in str(m["Subject"])]
        time.sleep(0.1)
    return []


def test_the_demo_victim_and_the_officer_talk_through_the_local_stack(stack):
    demo = stack.demo
    officer = {"Authorization": f"Bearer {stack.officer_token()}"}
    assert _call(stack, "POST", "/victim/register", {"invitation": demo["invitation"],
                                                     "dateOfBirth": demo["dateOfBirth"], "password": PASSWORD}
                 ).status_code == 201
    signed_in = _call(stack, "POST", "/victim/sign-in", {"crimeNumber": demo["crimeNumber"], "surname": demo["surname"],
                                                         "dateOfBirth": demo["dateOfBirth"], "password": PASSWORD})
    victim = {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}

    assert _call(stack, "POST", "/victim/update-request", {}, victim).status_code == 201
    assert _call(stack, "POST", "/victim/messages", {"text": MESSAGE}, victim).status_code == 201

    case = _call(stack, "GET", f"/officer/cases/{demo['crimeNumber']}", headers=officer).json()
    notices = _arrived(stack, case["officer"]["email"], demo["crimeNumber"])
    assert len(notices) == 2  # one for the request, one for the message
    for notice in notices:
        text = notice.get_body(("plain",)).get_content()
        assert "CCTV" not in text and demo["surname"] not in text

    inbox = _call(stack, "GET", "/officer/inbox?mine=true", headers=officer).json()["items"]  # as the README does
    contact_id = next(c["id"] for c in case["contacts"] if c["surname"] == demo["surname"])
    assert {(i["crimeNumber"], i["contactId"], i["reason"]) for i in inbox} >= {
        (demo["crimeNumber"], contact_id, "message"), (demo["crimeNumber"], contact_id, "update_request")}

    assert _call(stack, "POST", f"/officer/cases/{demo['crimeNumber']}/contacts/{contact_id}/messages",
                 {"text": REPLY, "clientReference": "demo-reply-1"}, officer).status_code == 201
    alerts = _arrived(stack, demo["email"], "new message")
    assert len(alerts) == 1 and "white van" not in alerts[0].get_body(("plain",)).get_content()

    seen = _call(stack, "GET", "/victim/case", headers=victim).json()
    assert [(m["from"], m["kind"]) for m in seen["messages"]] == [
        ("officer", "message"), ("victim", "message"), ("victim", "update_request")]
    assert seen["messages"][0]["text"] == REPLY
    assert seen["openUpdateRequest"] is None and all(m["answeredAt"] for m in seen["messages"][1:])
