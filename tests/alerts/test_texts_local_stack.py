"""`make run`'s text journey on the real local stack (issue 14's acceptance):
a victim with only a mobile number is invited by text, registers from its
link, chooses texts only with an anti-phishing phrase, and an update then
sends exactly one text, carrying the phrase, and no email."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.api import Api

pytestmark = pytest.mark.stack

CRIME_NUMBER = "LC-2026-51515"
MOBILE = "+447700900515"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    from tests.stack_process import running_stack

    with running_stack(tmp_path_factory.mktemp("text-stack")) as running:
        yield running


def _texts(stack: Any) -> list[tuple[Path, str, str]]:
    """(file, recipient, body) of every .sms in the outbox, oldest first."""
    out = []
    for path in sorted(Path(stack.outbox_dir).glob("*.sms")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        out.append((path, head.removeprefix("To: "), body.strip()))
    return out


def _wait_for_texts(stack: Any, count: int, within: float = 5.0) -> list[tuple[Path, str, str]]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        texts = _texts(stack)
        if len(texts) >= count:
            return texts
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} texts within {within} s: {_texts(stack)}")


def test_a_victim_with_only_a_mobile_is_invited_and_alerted_by_text_with_their_phrase(stack):
    api = Api(stack.api_url)
    officer = {"Authorization": f"Bearer {stack.officer_token()}"}
    victim = {"role": "victim", "forename": "Jo", "surname": "Mobileonly", "dateOfBirth": "1990-01-02",
              "mobile": "07700 900 515"}
    created = api.post("/officer/cases", {
        "crimeNumber": CRIME_NUMBER, "contacts": [victim],
        "officer": {"name": "PC 1 Alex Morgan", "email": "alex.morgan@lincs.police.example"}}, officer)
    assert created.status_code == 201, created.body

    ((_, to, invitation),) = _wait_for_texts(stack, 1)  # the demo victim has an email only
    assert to == MOBILE
    token = re.search(r"#invitation=([\w.\-]+)", invitation).group(1)
    assert api.post("/victim/register", {"invitation": token, "dateOfBirth": victim["dateOfBirth"],
                                         "password": "a long passphrase here"}).status_code == 201
    signed_in = api.post("/victim/sign-in", {"crimeNumber": CRIME_NUMBER, "surname": "Mobileonly",
                                             "dateOfBirth": victim["dateOfBirth"],
                                             "password": "a long passphrase here"})
    cookie = {"Cookie": signed_in.headers["Set-Cookie"].split(";")[0]}
    agreement = api.request("PUT", "/victim/contact-agreement", {
        "channels": "text", "quietHours": "none", "language": "en", "safeContact": False,
        "phrase": "blue kettle sings"}, cookie)
    assert agreement.status_code == 200, agreement.body
    assert agreement.json()["phrase"] == "blue kettle sings"

    emails_before = set(Path(stack.outbox_dir).glob("*.eml"))  # the demo case's invitation, say
    posted = api.post(f"/officer/cases/{CRIME_NUMBER}/updates",
                      {"type": "suspect_arrested", "text": "We arrested a suspect on Tuesday."}, officer)
    assert posted.status_code == 201
    texts = _wait_for_texts(stack, 2)
    time.sleep(1.5)  # anything else the update caused has been sent by now
    texts = _texts(stack)
    assert len(texts) == 2  # the invitation, then exactly one alert
    _, to, alert = texts[1]
    assert to == MOBILE
    assert "blue kettle sings" in alert
    assert "arrested" not in alert.lower() and CRIME_NUMBER not in alert and "Mobileonly" not in alert
    assert f"{stack.site_url}/sign-in.html" in alert
    assert set(Path(stack.outbox_dir).glob("*.eml")) == emails_before  # and no email
