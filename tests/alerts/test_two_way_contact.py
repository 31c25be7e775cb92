"""Two-way contact (issue 12), through the HTTP contract and the email pipeline:
a victim or witness asks for an update and messages the officer in charge; the
officer is told (no content), sees it in the inbox, replies; the contact is
alerted (no content) and reads the conversation. One contact never sees
another's messages; nothing is sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.domain import case_key
from tests.alerts import events
from tests.api import JSON
from tests.factories import contact as new_contact
from tests.support import STRONG_PASSWORD, body, invitation_token, post_json


class People:
    """A case with a registered victim and a registered witness, each signed in."""

    def __init__(self, journey, client, aws):
        self.journey, self.client = journey, client
        self.victim_payload, self.witness_payload = new_contact(), new_contact(role="witness")
        self.number, _, created = journey.create_case(contacts=[self.victim_payload, self.witness_payload])
        self.victim_id, self.witness_id = (c["id"] for c in created["contacts"])
        self.cookies = {}
        for who, payload, contact_id in (("victim", self.victim_payload, self.victim_id),
                                         ("witness", self.witness_payload, self.witness_id)):
            token = invitation_token(aws, self.number, contact_id)
            assert post_json(client, "/victim/register", {"invitation": token, "dateOfBirth": payload["dateOfBirth"],
                                                          "password": STRONG_PASSWORD}).status_code == 201
            signed_in = journey.sign_in(self.number, payload)
            self.cookies[who] = signed_in.headers["Set-Cookie"].split(";")[0]

    def as_(self, who: str) -> dict[str, str]:
        return {**JSON, "Cookie": self.cookies[who]}

    def case(self, who: str) -> dict:
        response = self.client.http.get("/victim/case", headers={"Cookie": self.cookies[who]})
        assert response.status_code == 200, response.body
        return body(response)

    def send(self, who: str, text: str):
        return self.client.http.post("/victim/messages", headers=self.as_(who), body=JSON_BODY(text=text))

    def reply(self, contact_id: str, text: str, **extra):
        return post_json(self.client, f"/officer/cases/{self.number}/contacts/{contact_id}/messages",
                         {"text": text, **extra}, self.journey.officer)

    def inbox(self, headers=None, **query):
        path = "/officer/inbox" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        response = self.client.http.get(path, headers=headers or self.journey.officer)
        assert response.status_code == 200, response.body
        return body(response)["items"]


def JSON_BODY(**fields) -> str:
    import json

    return json.dumps(fields)


@pytest.fixture
def people(journey, client, aws) -> People:
    return People(journey, client, aws)


def _message_items(number: str):
    from chalicelib.storage.models import CasesTableItem, MessageItem, case_pk

    return [i for i in CasesTableItem.query(case_pk(case_key("lincs", number))) if isinstance(i, MessageItem)]


def test_the_whole_conversation_as_the_victim_and_the_officer_see_it(people, ses, invoke, aws):
    asked = people.client.http.post("/victim/update-request", headers=people.as_("victim"), body="{}")
    assert asked.status_code == 201
    again = people.client.http.post("/victim/update-request", headers=people.as_("victim"), body="{}")
    assert again.status_code == 200 and body(again)["id"] == body(asked)["id"]  # the open one
    sent = people.send("victim", "Has anyone looked at the CCTV from the shop yet?")
    assert sent.status_code == 201

    # The officer in charge is told, once per item, with no content.
    items = _message_items(people.number)
    batch = events.batch(*[events.insert(i) for i in items])
    invoke("send_emails", batch)
    invoke("send_emails", batch)  # the stream delivers it again: nothing more
    notices = ses.sent_to("alex.morgan@lincs.police.example")
    assert len(notices) == 2
    for notice in notices:
        assert people.number in notice.subject
        for secret in ("CCTV", people.victim_payload["surname"], people.victim_payload["forename"],
                       people.victim_payload["email"]):
            assert secret not in notice.text and secret not in notice.html

    waiting = people.inbox()
    assert {(i["crimeNumber"], i["contactId"], i["reason"]) for i in waiting} >= {
        (people.number, people.victim_id, "update_request"), (people.number, people.victim_id, "message")}

    officer_view = body(people.client.http.get(f"/officer/cases/{people.number}", headers=people.journey.officer))
    victim_row = next(c for c in officer_view["contacts"] if c["id"] == people.victim_id)
    assert [m["kind"] for m in victim_row["messages"]] == ["message", "update_request"]
    assert all(m["readAt"] for m in victim_row["messages"])  # opening the case read them

    replied = people.reply(people.victim_id, "Yes: it shows the van. We will update you on Friday.",
                           clientReference="rms-77")
    assert replied.status_code == 201
    assert people.reply(people.victim_id, "Yes: it shows the van.", clientReference="rms-77").status_code == 200
    assert not [i for i in people.inbox() if i["contactId"] == people.victim_id and i["reason"] != "unread"]

    reply_item = next(i for i in _message_items(people.number) if i.author == "officer")
    invoke("send_emails", events.batch(events.insert(reply_item)))
    invoke("send_emails", events.batch(events.insert(reply_item)))
    alerts = ses.sent_to(people.victim_payload["email"])
    assert len(alerts) == 1 and "the van" not in alerts[0].text and "message" in alerts[0].subject
    assert not ses.sent_to(people.witness_payload["email"])

    case = people.case("victim")
    assert [(m["from"], m["kind"]) for m in case["messages"]] == [
        ("officer", "message"), ("victim", "message"), ("victim", "update_request")]
    assert all(m["answeredAt"] for m in case["messages"][1:])
    assert case["openUpdateRequest"] is None and case["messagesLeftToday"] == 9
    assert case["nextUpdateDueBy"]


def test_one_contact_never_sees_another_s_messages_either_way(people):
    assert people.send("victim", "Only for the officer, from the victim").status_code == 201
    assert people.send("witness", "Only for the officer, from the witness").status_code == 201
    assert people.reply(people.victim_id, "To the victim alone").status_code == 201
    assert people.reply(people.witness_id, "To the witness alone").status_code == 201
    victim, witness = people.case("victim"), people.case("witness")
    assert {m["text"] for m in victim["messages"]} == {"Only for the officer, from the victim", "To the victim alone"}
    assert {m["text"] for m in witness["messages"]} == {"Only for the officer, from the witness",
                                                        "To the witness alone"}


def test_the_inbox_never_lists_another_force_s_cases(people, issuer):
    assert people.send("victim", "Is there any news?").status_code == 201
    avon = people.inbox(headers=issuer.headers(force="avon"))
    assert all(i["crimeNumber"] != people.number for i in avon)
    assert any(i["crimeNumber"] == people.number for i in people.inbox())
    assert any(i["crimeNumber"] == people.number for i in people.inbox(mine="true"))
    colleague = issuer.headers(subject="dev-lincs-colleague")
    assert any(i["crimeNumber"] == people.number for i in people.inbox(headers=colleague))  # the team's view
    assert all(i["crimeNumber"] != people.number for i in people.inbox(headers=colleague, mine="true"))


def test_bad_inbox_queries_are_a_400_with_field_details(people):
    for query, field in (("mine=perhaps", "mine"), ("since=yesterday", "since"), ("cursor=bm90LWEtY3Vyc29y", "cursor")):
        response = people.client.http.get(f"/officer/inbox?{query}", headers=people.journey.officer)
        assert response.status_code == 400 and field in body(response)["fields"], (query, response.body)


def test_an_update_unread_for_7_days_is_listed_until_it_is_read(people, clock):
    assert people.journey.post_update(people.number, text="The suspect was interviewed.").status_code == 201
    people.case("witness")  # the witness reads it; the victim does not
    assert not [i for i in people.inbox() if i["reason"] == "unread" and i["crimeNumber"] == people.number]
    clock.advance(days=7, minutes=1)
    unread = [i for i in people.inbox() if i["reason"] == "unread" and i["crimeNumber"] == people.number]
    assert [i["contactId"] for i in unread] == [people.victim_id]
    people.cookies["victim"] = people.journey.sign_in(people.number, people.victim_payload).headers[
        "Set-Cookie"].split(";")[0]
    people.case("victim")
    assert not [i for i in people.inbox() if i["reason"] == "unread" and i["crimeNumber"] == people.number]


def test_posting_an_update_answers_an_open_request_and_moves_the_clock(people):
    assert people.client.http.post("/victim/update-request", headers=people.as_("victim"), body="{}").status_code == 201
    assert people.case("victim")["openUpdateRequest"] is not None
    assert people.journey.post_update(people.number, text="Forensics are back.",
                                      nextUpdateDueBy="2099-01-01").status_code == 400  # more than a year ahead
    assert people.journey.post_update(people.number, text="Forensics are back.").status_code == 201
    case = people.case("victim")
    assert case["openUpdateRequest"] is None
    assert case["messages"][0]["answeredAt"] is not None
    assert not [i for i in people.inbox() if i["reason"] == "update_request" and i["crimeNumber"] == people.number]


def test_a_day_s_messages_are_capped_with_a_clear_429(people):
    for n in range(10):
        assert people.send("victim", f"Message {n}").status_code == 201
    refused = people.send("victim", "One too many")
    assert refused.status_code == 429
    assert "tomorrow" in body(refused)["message"] and "999" in body(refused)["message"]
    assert people.case("victim")["messagesLeftToday"] == 0
    assert people.send("witness", "The witness still can").status_code == 201


@pytest.mark.parametrize("payload, field", [({"text": ""}, "text"), ({"text": "x" * 2001}, "text"),
                                            ({"text": "a\x00b"}, "text"), ({"text": "hi", "file": "x"}, "file"),
                                            ({}, "text")])
def test_a_message_that_cannot_be_sent_is_a_400_naming_the_field(people, payload, field):
    import json

    response = people.client.http.post("/victim/messages", headers=people.as_("victim"), body=json.dumps(payload))
    assert response.status_code == 400 and field in body(response)["fields"]
    assert not _message_items(people.number)


def test_nothing_is_sent_to_an_expired_case(people, clock):
    from chalicelib import bootstrap

    assert people.journey.post_update(people.number, type="case_closed", text="Closed.").status_code == 201
    expires = bootstrap.services().cases.case(case_key("lincs", people.number)).expires_at
    clock.now = expires + timedelta(seconds=1)
    assert people.send("victim", "Hello?").status_code == 401
    assert people.reply(people.victim_id, "Hello").status_code == 404
    assert not _message_items(people.number)


def test_signed_out_and_unauthenticated_requests_change_nothing(people, client):
    assert client.http.post("/victim/messages", headers=JSON, body='{"text": "hi"}').status_code == 401
    assert client.http.post("/victim/update-request", headers=JSON, body="{}").status_code == 401
    assert client.http.get("/officer/inbox").status_code == 401
    assert not _message_items(people.number)


def test_a_records_system_reads_the_inbox_as_a_feed_a_page_at_a_time(journey, client, aws, monkeypatch, clock):
    from chalicelib.officers import service

    first, second = People(journey, client, aws), People(journey, client, aws)
    start = clock()
    for people in (first, second):
        assert people.send("victim", "Any news?").status_code == 201
        assert people.send("witness", "Any news?").status_code == 201
    monkeypatch.setattr(service, "INBOX_PAGE", 3)
    since = start.isoformat().replace("+00:00", "Z")
    page = body(client.http.get(f"/officer/inbox?since={since}", headers=journey.officer))
    assert len(page["items"]) == 3 and page["cursor"]
    rest = body(client.http.get(f"/officer/inbox?since={since}&cursor={page['cursor']}", headers=journey.officer))
    seen = page["items"] + rest["items"]
    assert len(seen) == 4 and len({(i["crimeNumber"], i["contactId"]) for i in seen}) == 4
    assert [i["waitingSince"] for i in seen] == sorted(i["waitingSince"] for i in seen)  # oldest first
    tampered = page["cursor"][:-4] + "AAAA"
    assert client.http.get(f"/officer/inbox?cursor={tampered}", headers=journey.officer).status_code == 400
