"""Log hygiene (ASVS V16.2.5, V16.3, V16.4.1): every line logged during the full
journeys, the service's own at DEBUG and every other logger at INFO (the level
the stages run at), holds no password, token, date of birth, email address,
mobile number, anti-phishing phrase or update text; each of the service's lines is one JSON object, so input cannot
forge a line; sign-in failures and refused tokens are logged."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tests.alerts import events
from tests.alerts.items import invitation_item
from tests.factories import contact
from tests.security.conftest import JSON, post_json, sign_out

PASSWORD = "violet marmalade umbrella 1987"
NEW_PASSWORD = "a second secret passphrase"
WRONG = "wrong horse battery staple"
DOB = "1966-09-14"
UPDATE_TEXT = "Officers recovered the stolen bicycle from a garage on Ermine Street."
MESSAGE_TEXT = "My neighbour at number 12 saw the van again on Tuesday night."
REPLY_TEXT = "Thank you: I have passed the sighting of the van to the detective sergeant."
MOBILE_TYPED, MOBILE = "07700 900 314", "+447700900314"
NEW_MOBILE_TYPED, NEW_MOBILE = "07700 900 271", "+447700900271"
PHRASE = "heron over the lake"


class Capture(logging.Handler):
    def __init__(self, formatter: logging.Formatter | None):
        super().__init__(logging.DEBUG)
        if formatter:
            self.setFormatter(formatter)
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, self.format(record)))


@pytest.fixture
def captured():
    service = logging.getLogger("track-my-crime")
    formatter = next((h.formatter for h in service.handlers if h.formatter), None)
    capture = Capture(formatter)
    root = logging.getLogger()
    saved = (service.level, root.level)
    service.addHandler(capture)
    root.addHandler(capture)
    service.setLevel(logging.DEBUG)
    root.setLevel(logging.INFO)
    yield capture
    service.removeHandler(capture)
    root.removeHandler(capture)
    service.setLevel(saved[0])
    root.setLevel(saved[1])


def _journeys(client, issuer, aws, journey) -> dict[str, str]:
    """Every journey, with its failure paths; returns the secrets it used."""
    from chalicelib.core import tokens
    from chalicelib.storage.models import ResetItem
    from tests.support import invitation_token

    person = contact(dateOfBirth=DOB, email="kim.hollis@example.com", mobile=MOBILE_TYPED)
    number, _, created = journey.create_case(contacts=[person])
    contact_id = created["contacts"][0]["id"]
    invitation = invitation_token(aws, number, contact_id)
    client.lambda_.invoke("send_emails", events.batch(events.insert(invitation_item(number, contact_id))))
    post_json(client, "/victim/register", {"invitation": invitation, "dateOfBirth": "1966-09-15", "password": PASSWORD})
    post_json(client, "/victim/register", {"invitation": invitation, "dateOfBirth": DOB, "password": "password"})
    post_json(client, "/victim/register", {"invitation": invitation, "dateOfBirth": DOB, "password": PASSWORD})
    identity = {"crimeNumber": number, "surname": person["surname"], "dateOfBirth": DOB}
    post_json(client, "/victim/sign-in", {**identity, "password": WRONG})
    post_json(client, "/victim/sign-in", {**identity, "password": PASSWORD + "\n{\"level\":\"ERROR\"}"})
    signed_in = post_json(client, "/victim/sign-in", {**identity, "password": PASSWORD})
    cookie = signed_in.headers["Set-Cookie"].split(";")[0]
    # Issue 14: the agreement with a phrase, a new mobile number and its codes (one wrong).
    victim = {**JSON, "Cookie": cookie}
    client.http.put("/victim/contact-agreement", headers=victim, body=json.dumps({
        "channels": "both", "quietHours": "none", "language": "en", "safeContact": False, "phrase": PHRASE}))
    client.http.post("/victim/account/mobile", headers=victim, body=json.dumps({"mobile": NEW_MOBILE_TYPED}))
    client.http.post("/victim/account/mobile", headers=victim, body=json.dumps({"mobile": "07700 9"}))
    client.http.post("/victim/account/confirm", headers=victim, body=json.dumps({"code": "12 34 56"}))
    from chalicelib.storage.models import ChangeItem

    for change in ChangeItem.scan():
        client.lambda_.invoke("send_emails", events.batch(events.insert(change)))
    journey.post_update(number, text=UPDATE_TEXT)
    from chalicelib.core.domain import case_key as _key
    from chalicelib.storage.models import CasesTableItem as _Items
    from chalicelib.storage.models import UpdateItem
    from chalicelib.storage.models import case_pk as _pk

    for item in _Items.query(_pk(_key("lincs", number))):
        if isinstance(item, UpdateItem):
            client.lambda_.invoke("send_emails", events.batch(events.insert(item)))
    client.http.post("/victim/messages", headers={**JSON, "Cookie": cookie}, body=json.dumps({"text": MESSAGE_TEXT}))
    client.http.post("/victim/messages", headers={**JSON, "Cookie": cookie},
                     body=json.dumps({"text": MESSAGE_TEXT + "\u0000"}))  # refused: logged without it
    post_json(client, f"/officer/cases/{number}/contacts/{contact_id}/messages", {"text": REPLY_TEXT},
              journey.officer)
    from chalicelib.core.domain import case_key
    from chalicelib.storage.models import CasesTableItem, MessageItem, case_pk

    for item in CasesTableItem.query(case_pk(case_key("lincs", number))):
        if isinstance(item, MessageItem):
            client.lambda_.invoke("send_emails", events.batch(events.insert(item)))
    client.http.get("/officer/inbox", headers=journey.officer)
    client.http.get("/victim/case", headers={"Cookie": cookie})
    client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    client.http.get(f"/officer/cases/{number}%0A%7B%22forged%22%3Atrue%7D", headers=journey.officer)
    post_json(client, "/officer/uploads", {"items": [{"kind": "update", "crimeNumber": number, "type": "charged",
                                                      "text": UPDATE_TEXT + " (batch)", "clientReference": "r-1"}]},
              issuer.headers(role="supervisor"))
    post_json(client, "/victim/password-reset", identity)
    (reset,) = [r for r in ResetItem.scan() if r.contact_id == contact_id]
    reset_token = tokens.link_token(aws.token_secret, tokens.RESET, reset.pk.split("#", 1)[1])
    client.lambda_.invoke("send_emails", events.batch(events.insert(reset)))
    post_json(client, "/victim/password-reset/complete", {"token": reset_token, "password": "short"})
    post_json(client, "/victim/password-reset/complete", {"token": reset_token, "password": NEW_PASSWORD})
    signed_in = post_json(client, "/victim/sign-in", {**identity, "password": NEW_PASSWORD})
    cookie = signed_in.headers["Set-Cookie"].split(";")[0]
    sign_out(client, cookie)
    client.http.get("/victim/case", headers={"Cookie": cookie})
    bearer = issuer.token()
    client.http.get(f"/officer/cases/{number}", headers={"Authorization": f"Bearer {bearer}x"})
    client.http.post("/victim/sign-in", headers=JSON, body=json.dumps({**identity, "password": PASSWORD})[:-5])
    return {"password": PASSWORD, "new password": NEW_PASSWORD, "wrong password": WRONG,
            "session token": cookie.split("=", 1)[1], "invitation token": invitation,
            "invitation id": invitation.split(".")[0], "reset token": reset_token,
            "reset id": reset_token.split(".")[0], "bearer token": bearer, "bearer signature": bearer.split(".")[2],
            "date of birth": DOB, "date of birth (other forms)": "14/09/1966", "email": person["email"],
            "update text": UPDATE_TEXT, "update text (start)": UPDATE_TEXT[:30],
            "message text": MESSAGE_TEXT[:30], "reply text": REPLY_TEXT[:30],
            "mobile": MOBILE, "mobile (national)": MOBILE[3:], "new mobile": NEW_MOBILE, "new mobile (national)":
            NEW_MOBILE[3:], "phrase": PHRASE}


def test_no_secret_or_personal_data_reaches_the_logs(client, issuer, aws, journey, captured, figures):
    secrets = _journeys(client, issuer, aws, journey)
    assert len(captured.lines) > 20
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    texted = {number for number, _ in sns_backends[DEFAULT_ACCOUNT_ID]["eu-west-2"].sms_messages.values()}
    assert {MOBILE, NEW_MOBILE} <= texted  # texts went, to both numbers (an alert; the new number's code)
    found = {name: [line for _, line in captured.lines if value in line] for name, value in secrets.items()}
    assert not {name: lines for name, lines in found.items() if lines}
    # Dates of birth in any form: none at all.
    assert not [line for _, line in captured.lines if re.search(r"\b1966\b", line)]
    figures["log_hygiene"] = {"lines_checked": len(captured.lines), "secrets_looked_for": len(secrets)}


def test_the_service_logs_one_json_object_a_line_so_input_cannot_forge_one(client, issuer, aws, journey, captured):
    _journeys(client, issuer, aws, journey)
    service_lines = [line for name, line in captured.lines if name == "track-my-crime"]
    assert service_lines
    for line in service_lines:
        assert "\n" not in line.strip() or line.lstrip().startswith("{")
        record = json.loads(line)
        assert "forged" not in record and record.get("level") in {"DEBUG", "INFO", "WARNING", "ERROR"}


def test_sign_in_failures_and_refused_tokens_are_logged(client, issuer, aws, journey, captured):
    _journeys(client, issuer, aws, journey)
    messages = [json.loads(line).get("message") for name, line in captured.lines if name == "track-my-crime"]
    assert messages.count("sign-in failed") >= 2
    assert "sign-in succeeded" in messages
    assert "officer token refused" in messages
