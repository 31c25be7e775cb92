"""Reading a case a page at a time (issue 17): however many updates and messages
a case holds, a read examines a bounded number of items, never an idempotency
key (UPDREF#, MSGREF#), and answers well under Lambda's 6 MB; a cursor walks
back through everything exactly once; a cursor we did not give out is a 400."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import JSON
from tests.support import body, post_json

PAGE = 20


class ItemsRead:
    """An `after-call.dynamodb` handler: every item each call returned, by sort key."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, parsed=None, **_):
        parsed = parsed or {}
        items = list(parsed.get("Items", []))
        items += [parsed["Item"]] if parsed.get("Item") else []
        for table_items in (parsed.get("Responses") or {}).values():
            items += table_items if isinstance(table_items, list) else []
        self.keys += [i.get("sk", {}).get("S", i.get("pk", {}).get("S", "")) for i in items]

    def take(self) -> list[str]:
        taken, self.keys = self.keys, []
        return taken


@pytest.fixture
def items_read(aws):
    from chalicelib import aws as container
    from chalicelib import bootstrap

    bootstrap.reset()
    handler = ItemsRead()
    container.session().register("after-call.dynamodb", handler)
    return handler


def _seed(number: str, force: str, updates: int, messages_for: str | None = None, messages: int = 0,
          start: datetime | None = None) -> None:
    """Writes updates (each with its idempotency key) and a contact's messages
    straight into the case's partition, one minute apart, oldest first."""
    from chalicelib.core.domain import case_key, iso
    from chalicelib.storage.models import (
        MESSAGE_PREFIX,
        UPDATE_PREFIX,
        UPDATE_REF_PREFIX,
        MessageItem,
        UpdateItem,
        UpdateRefItem,
        case_pk,
    )

    pk = case_pk(case_key(force, number))
    start = start or datetime.now(UTC) - timedelta(days=30)
    with UpdateItem.batch_write() as batch:
        for i in range(updates):
            at = start + timedelta(minutes=2 * i)
            sk = f"{UPDATE_PREFIX}{iso(at)}#seed-u{i:04d}"
            batch.save(UpdateItem(pk, sk, update_id=f"seed-u{i:04d}", force=force, type="progress_update",
                                  text=f"Update {i}: " + "x" * 200, officer_name="PC Reid", officer_id="o1",
                                  posted_at=at, client_reference=f"ref-{i}"))
            batch.save(UpdateRefItem(pk, f"{UPDATE_REF_PREFIX}ref-{i}", update_sk=sk))
        for i in range(messages):
            at = start + timedelta(minutes=2 * i + 1)
            batch.save(MessageItem(pk, f"{MESSAGE_PREFIX}{messages_for}#{iso(at)}#seed-m{i:04d}",
                                   message_id=f"seed-m{i:04d}", contact_id=messages_for, author="victim",
                                   message_kind="message", text=f"Message {i}", sent_at=at, force=force))


def test_older_pages_walk_back_through_updates_and_messages_once_each(journey, client, aws):
    number, _, cookie = journey.registered_victim()
    contact_id = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))["contacts"][0]["id"]
    _seed(number, aws.default_force, 45, messages_for=contact_id, messages=12)
    _seed(number, aws.default_force, 0, messages_for="someone-else", messages=5)  # another contact's: never shown
    seen, cursor, pages = [], None, 0
    while True:
        url = "/victim/case" + (f"?before={cursor}" if cursor else "")
        page = body(client.http.get(url, headers={"Cookie": cookie}))
        entries = [(u["postedAt"], u["id"]) for u in page["updates"]] + \
                  [(m["sentAt"], m["id"]) for m in page["messages"]]
        assert len(entries) <= PAGE
        seen += [i for _, i in sorted(entries, reverse=True)]
        pages += 1
        cursor = page["olderCursor"]
        if not cursor:
            break
    expected = sorted([(2 * i, f"seed-u{i:04d}") for i in range(45)] + [(2 * i + 1, f"seed-m{i:04d}")
                                                                         for i in range(12)], reverse=True)
    assert seen == [i for _, i in expected]
    assert pages == 3

    officer_seen, cursor = [], None
    while True:
        url = f"/officer/cases/{number}" + (f"?before={cursor}" if cursor else "")
        page = body(client.http.get(url, headers=journey.officer))
        officer_seen += [u["id"] for u in page["updates"]]
        cursor = page["olderCursor"]
        if not cursor:
            break
    assert officer_seen == [f"seed-u{i:04d}" for i in range(44, -1, -1)]


def test_the_open_update_request_is_found_when_newer_items_push_it_off_the_page(journey, client, aws):
    number, _, cookie = journey.registered_victim()
    victim = {**JSON, "Cookie": cookie}
    asked = client.http.post("/victim/update-request", headers=victim, body="{}")
    assert asked.status_code == 201
    # 30 messages after it (as if sent since): the request is no longer on the newest page.
    contact_id = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))["contacts"][0]["id"]
    _seed(number, aws.default_force, 0, messages_for=contact_id, messages=30,
          start=datetime.now(UTC) + timedelta(seconds=1))
    page = body(client.http.get("/victim/case", headers={"Cookie": cookie}))
    assert body(asked)["id"] not in [m["id"] for m in page["messages"]]
    assert page["openUpdateRequest"]["id"] == body(asked)["id"]
    again = client.http.post("/victim/update-request", headers=victim, body="{}")
    assert again.status_code == 200 and body(again)["id"] == body(asked)["id"]


BAD_CURSORS = [
    "x", "%00", "e30", "bnVsbA", "eyJ1IjpudWxsLCJtIjpudWxsfQ",  # {}, null, all used up
    "eyJ1IjoiVVBEUkVGI3JlZi0xIiwibSI6IioifQ",  # {"u": "UPDREF#ref-1", "m": "*"}: not an update's key
    "A" * 2000,
]


def test_a_cursor_we_did_not_give_out_is_a_400_naming_it(journey, client):
    number, _, cookie = journey.registered_victim()
    for cursor in BAD_CURSORS:
        response = client.http.get(f"/victim/case?before={cursor}", headers={"Cookie": cookie})
        assert response.status_code == 400 and "before" in body(response)["fields"], cursor
        response = client.http.get(f"/officer/cases/{number}?before={cursor}", headers=journey.officer)
        assert response.status_code == 400 and "before" in body(response)["fields"], cursor


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.binary(max_size=200).map(
    lambda b: __import__("base64").urlsafe_b64encode(b).decode().rstrip("="))))
def test_no_cursor_is_a_5xx(cursor):
    """Anything at all as a cursor: a page or a 400, never a failure (paging.decode
    is what both reads use; the endpoints above show it reaches the client)."""
    from chalicelib.core import paging
    from chalicelib.core.errors import InvalidInput
    from chalicelib.storage.cases import UPDATE_POSITION, _message_position

    try:
        paging.decode(cursor, {"u": UPDATE_POSITION, "m": _message_position("c1")})
    except InvalidInput as problem:
        assert set(problem.fields) == {"before"}


# The big cases last: seeding them takes most of this module's time. (Their items no
# longer slow the tests after them: local/moto_patches.py's transactions copy only the
# items they name, not the table.)
def test_a_case_of_1000_updates_reads_a_bounded_page_and_no_idempotency_keys(journey, client, aws, items_read):
    number, _, cookie = journey.registered_victim()
    _seed(number, aws.default_force, 1000)
    items_read.take()
    response = client.http.get("/victim/case", headers={"Cookie": cookie})
    read = items_read.take()
    page = body(response)
    assert response.status_code == 200
    assert [u["id"] for u in page["updates"]] == [f"seed-u{i:04d}" for i in range(999, 979, -1)]
    assert page["olderCursor"]
    # The case, its contact, and at most PAGE + 1 of each stream (updates, the conversation).
    assert len(read) <= 2 + 2 * (PAGE + 1), len(read)
    assert not [k for k in read if k.startswith(("UPDREF#", "MSGREF#"))]
    assert len(response.body) < 1024 * 1024

    items_read.take()
    officer = client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    read = items_read.take()
    assert officer.status_code == 200 and len(body(officer)["updates"]) == PAGE and body(officer)["olderCursor"]
    assert len(read) <= 2 + PAGE + 1 + PAGE, len(read)
    assert not [k for k in read if k.startswith(("UPDREF#", "MSGREF#"))]



def test_a_conversation_of_1000_messages_reads_a_bounded_page_for_the_victim_and_the_officer(journey, client, aws,
                                                                                            items_read):
    """Messages, like updates (issue 17, item 4): the victim's page merges the newest of
    both; the officer's case shows each contact's newest messages, never the whole
    conversation, and reads no reply's idempotency key."""
    number, _, cookie = journey.registered_victim()
    contact_id = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))["contacts"][0]["id"]
    _seed(number, aws.default_force, 5, messages_for=contact_id, messages=1000)
    items_read.take()
    page = body(client.http.get("/victim/case", headers={"Cookie": cookie}))
    read = items_read.take()
    assert [m["id"] for m in page["messages"]] == [f"seed-m{i:04d}" for i in range(999, 979, -1)]
    assert page["updates"] == [] and page["olderCursor"]
    assert len(read) <= 2 + 2 * (PAGE + 1) + 1, len(read)  # + the open request's item, if any

    items_read.take()
    officer = client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    read = items_read.take()
    messages = body(officer)["contacts"][0]["messages"]
    assert officer.status_code == 200 and [m["id"] for m in messages] == [
        f"seed-m{i:04d}" for i in range(999, 999 - PAGE, -1)]
    assert len(read) <= 2 + PAGE + 1 + PAGE, len(read)
    assert not [k for k in read if k.startswith(("UPDREF#", "MSGREF#"))]
    assert len(officer.body) < 1024 * 1024


def _pages(client, cookie):
    """Every page of the victim's case, newest first."""
    cursor, pages = None, []
    while True:
        page = body(client.http.get("/victim/case" + (f"?before={cursor}" if cursor else ""),
                                    headers={"Cookie": cookie}))
        pages.append(page)
        cursor = page["olderCursor"]
        if not cursor:
            return pages


def test_messages_left_today_comes_from_the_daily_cap_when_the_messages_are_off_the_newest_page(journey, client,
                                                                                              aws):
    number, _, cookie = journey.registered_victim()
    victim = {**JSON, "Cookie": cookie}
    for i in range(4):
        sent = client.http.post("/victim/messages", headers=victim, body=f'{{"text": "Message {i}"}}')
        assert sent.status_code == 201
    _seed(number, aws.default_force, PAGE, start=datetime.now(UTC) + timedelta(seconds=1))  # newer than the 4
    newest = body(client.http.get("/victim/case", headers={"Cookie": cookie}))
    assert newest["messages"] == []  # the page holds none of today's messages...
    assert newest["messagesLeftToday"] == 10 - 4  # ...and still counts them


def test_an_answered_message_on_an_older_page_says_when_the_reply_came(journey, client, aws):
    number, _, cookie = journey.registered_victim()
    contact_id = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))["contacts"][0]["id"]
    long_ago = datetime.now(UTC) - timedelta(days=30)
    _seed(number, aws.default_force, 0, messages_for=contact_id, messages=1, start=long_ago)
    _seed(number, aws.default_force, PAGE + 5, start=long_ago + timedelta(hours=1))
    reply = post_json(client, f"/officer/cases/{number}/contacts/{contact_id}/messages", {"text": "We are on it."},
                      journey.officer)
    assert reply.status_code == 201
    newest, older = _pages(client, cookie)
    replied = next(m for m in newest["messages"] if m["from"] == "officer")
    asked = next(m for m in older["messages"] if m["id"] == "seed-m0000")
    assert asked["answeredAt"] == replied["sentAt"] and asked["replyDueBy"] is None


def test_an_update_request_answered_by_an_update_says_so_on_an_older_page(journey, client, aws, clock):
    number, contact, cookie = journey.registered_victim()
    asked = body(client.http.post("/victim/update-request", headers={**JSON, "Cookie": cookie}, body="{}"))
    contact_id = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))["contacts"][0]["id"]
    _seed(number, aws.default_force, 0, messages_for=contact_id, messages=PAGE + 5,
          start=clock() + timedelta(seconds=1))
    clock.now = clock() + timedelta(hours=2)
    posted = journey.post_update(number)
    assert posted.status_code == 201
    cookie = journey.sign_in(number, contact).headers["Set-Cookie"].split(";")[0]  # idle time passed
    pages = _pages(client, cookie)
    update = pages[0]["updates"][0]
    request = next(m for page in pages[1:] for m in page["messages"] if m["id"] == asked["id"])
    assert request["answeredAt"] == update["postedAt"] and request["replyDueBy"] is None
