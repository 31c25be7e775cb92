"""Issue 11: on the local stack, a refused DynamoDB transaction must leave the
cases stream as AWS does: no record of it, and nothing after it skipped.

Refused here: a case created twice (409: the case's put fails its condition,
after moto has put the contact and the invitation), and an update re-sent with
its clientReference (200, the existing update: the reference's put fails,
after moto has put the update). After them, a new case and a new update must
still get their emails, exactly once; the refused ones, none. (A lost
registration race is refused the same way, but cannot be staged reliably over
HTTP: tests/integration/test_moto_patches.py covers any refused transaction.)"""

from __future__ import annotations

import re
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from tests.api import Api

pytestmark = pytest.mark.stack

INVITATION = "Set up your Track My Crime account"
ALERT = "You have a new update on Track My Crime"
PASSWORD = "a long and memorable passphrase"
OFFICER = {"name": "PC 1 Alex Morgan", "email": "alex.morgan@lincs.police.example"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    from tests.stack_process import running_stack

    with running_stack(tmp_path_factory.mktemp("refused-transactions")) as running:
        yield running


def _call(stack: Any, method: str, path: str, payload: Any, token: str | None = None) -> tuple[int, Any]:
    answer = Api(stack.api_url).request(method, path, payload,
                                        {"Authorization": f"Bearer {token}"} if token else None)
    return answer.status_code, answer.json()


def _outbox(stack: Any) -> list[Any]:
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(Path(stack.outbox_dir).glob("*.eml"))]


def _sent(stack: Any) -> Counter[tuple[str, str]]:
    return Counter((m["To"], m["Subject"]) for m in _outbox(stack))


def _wait_until_sent(stack: Any, expected: Counter[tuple[str, str]], within: float = 10.0) -> None:
    """Until every expected email is in the outbox, then a little longer, so an
    unexpected one has the time to arrive too (the poller polls every 0.2 s)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not _sent(stack) >= expected:
        time.sleep(0.1)
    time.sleep(1.5)


def _contact(surname: str, email: str) -> dict[str, str]:
    return {"role": "victim", "forename": "Jo", "surname": surname, "dateOfBirth": "1990-01-02", "email": email}


def _invitation_token(stack: Any, recipient: str) -> str:
    message = next(m for m in _outbox(stack) if m["To"] == recipient and m["Subject"] == INVITATION)
    return re.search(r"#invitation=([\w.\-]+)", message.get_body(("plain",)).get_content()).group(1)


def test_refused_transactions_send_nothing_and_skip_nothing(stack):
    officer = stack.officer_token()
    first = _contact("Bloggs", "jo.bloggs@example.com")
    case = {"crimeNumber": "LC-2026-11111", "officer": OFFICER, "contacts": [first]}
    expected: Counter[tuple[str, str]] = Counter()

    assert _call(stack, "POST", "/officer/cases", case, officer)[0] == 201
    expected[(first["email"], INVITATION)] += 1
    _wait_until_sent(stack, expected)
    assert _sent(stack) == expected, "the first invitation"
    token = _invitation_token(stack, first["email"])
    registration = {"invitation": token, "dateOfBirth": first["dateOfBirth"], "password": PASSWORD}
    assert _call(stack, "POST", "/victim/register", registration)[0] == 201

    # Refused: the same case again.
    assert _call(stack, "POST", "/officer/cases", case, officer)[0] == 409
    # An update, then the same update re-sent: the second is the first's repeat.
    update = {"type": "suspect_arrested", "text": "A man has been arrested.", "clientReference": "rms-1"}
    path = f"/officer/cases/{case['crimeNumber']}/updates"
    assert _call(stack, "POST", path, update, officer)[0] == 201
    assert _call(stack, "POST", path, update, officer)[0] == 200
    expected[(first["email"], ALERT)] += 1
    _wait_until_sent(stack, expected)
    assert _sent(stack) == expected, "no invitation for the refused case, one alert for the repeated update"

    # After them all, a new case and a new update still get their emails, once.
    second = _contact("Smith", "jo.smith@example.com")
    assert _call(stack, "POST", "/officer/cases",
                 {"crimeNumber": "LC-2026-22222", "officer": OFFICER, "contacts": [second]}, officer)[0] == 201
    assert _call(stack, "POST", path, {"type": "charged", "text": "He has been charged.",
                                       "clientReference": "rms-2"}, officer)[0] == 201
    expected[(second["email"], INVITATION)] += 1
    expected[(first["email"], ALERT)] += 1
    _wait_until_sent(stack, expected)
    assert _sent(stack) == expected, "the new case's invitation and the new update's alert"
