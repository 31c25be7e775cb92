"""How many DynamoDB calls each endpoint makes, counted with a botocore event
hook. The counts are the budget: a change that adds a round trip fails here."""

from __future__ import annotations

import botocore.session
import pytest

from bench.support import CallCounter  # shared with bench/bench_round_trips.py
from tests.api import JSON
from tests.factories import crime_number
from tests.support import STRONG_PASSWORD, Journey, body, invitation_token, post_json

# Endpoint -> expected DynamoDB operations (see the closing note of issue 2).
BUDGET = {
    # nothing left of an erased case (strongly consistent); case+contacts+invitations+audit
    "create_case": {"Query": 1, "TransactWriteItems": 1},
    # A page (issue 17): case+contacts and the newest updates at once, then each contact's
    # newest messages (one contact here, one query each, at once); audit.
    "officer_read": {"Query": 3, "PutItem": 1},
    # The case and its contacts (open requests to answer, who is to read it); update+case+audit+inbox items.
    "post_update": {"Query": 1, "TransactWriteItems": 1},
    # The same clientReference: the transaction is refused, then reference and update are read.
    "post_update_again": {"Query": 1, "TransactWriteItems": 1, "GetItem": 2},
    # invitation; case; the date-of-birth guess reserved; used (guess given back)+password+audit
    "register": {"GetItem": 1, "Query": 1, "UpdateItem": 1, "TransactWriteItems": 1},
    # Throttle counters, the count against the source and the contacts, all at once (issue 17);
    # then the guess reserved (both counts before any comparison: issue 11); then the session +
    # both given back, on the credential version. Five calls, three in sequence (ROUNDS).
    "sign_in": {"BatchGetItem": 1, "UpdateItem": 2, "Query": 1, "TransactWriteItems": 1},
    "sign_in_failure": {"BatchGetItem": 1, "Query": 1, "UpdateItem": 2},  # the two counts are kept
    # Session touch; a page (issue 17): case+contacts, the newest updates, the contact's newest
    # messages, three key ranges read at once (never the idempotency keys: the whole partition is
    # no longer read), and with them the day's message counter (BatchGetItem of one key: the cap's
    # own count for messagesLeftToday, which a page of 20 items cannot give on a busy day); audit,
    # in one write with what is newly read (here: the update) when there is any.
    "victim_read": {"UpdateItem": 1, "Query": 3, "BatchGetItem": 1, "TransactWriteItems": 1},
    # nothing new: the audit record alone
    "victim_read_again": {"UpdateItem": 1, "Query": 3, "BatchGetItem": 1, "PutItem": 1},
    # Session touch; case; message+audit+the contact's open request+inbox item.
    "ask_for_update": {"UpdateItem": 1, "Query": 1, "TransactWriteItems": 1},
    # The case and contacts; the open request read by its key (no page is read): nothing written.
    "ask_for_update_again": {"UpdateItem": 1, "Query": 1, "GetItem": 1},
    # Session touch; the day's message counter; case; message+audit+inbox item.
    "send_message": {"UpdateItem": 2, "Query": 1, "TransactWriteItems": 1},
    # A page as officer_read; audit, in one write with the contact's messages marked read.
    "officer_read_messages": {"Query": 3, "TransactWriteItems": 1},
    # The case and contacts; the contact's items since the last reply, walked back by key (the
    # ones this reply answers, to mark them answered: any page showing them then says when);
    # reply+reference+audit+contact's request answered+inbox items settled+those marks.
    "reply": {"Query": 2, "TransactWriteItems": 1},
    "inbox": {"Query": 1},  # one query of the attention index
    "sign_out": {"UpdateItem": 2, "DeleteItem": 1},  # touch; revoke all; delete this one
    "reset_request": {"BatchGetItem": 1, "Query": 1, "UpdateItem": 2, "PutItem": 1},
}


@pytest.fixture
def counter(monkeypatch, aws):
    """Every botocore session made from now on (the container's one, which
    every DynamoDB connection shares) reports each call."""
    from chalicelib import bootstrap

    counter = CallCounter()
    real_get_session = botocore.session.get_session

    def counting_session(*args, **kwargs):
        session = real_get_session(*args, **kwargs)
        session.register("before-call.dynamodb", counter)
        return session

    monkeypatch.setattr("botocore.session.get_session", counting_session)
    bootstrap.reset()
    return counter


def test_each_endpoint_makes_the_budgeted_dynamodb_calls(client, issuer, aws, counter):
    journey = Journey(client, issuer, aws)
    measured = {}
    number, contact, created = journey.create_case(number=crime_number())
    measured["create_case"] = counter.take()
    client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    measured["officer_read"] = counter.take()
    journey.post_update(number, clientReference="ref-1")
    measured["post_update"] = counter.take()
    journey.post_update(number, clientReference="ref-1")
    measured["post_update_again"] = counter.take()
    token = invitation_token(aws, number, created["contacts"][0]["id"])
    counter.take()
    post_json(client, "/victim/register", {"invitation": token, "dateOfBirth": contact["dateOfBirth"],
                                           "password": STRONG_PASSWORD})
    measured["register"] = counter.take()
    cookie = journey.sign_in(number, contact).headers["Set-Cookie"].split(";")[0]
    measured["sign_in"] = counter.take()
    journey.sign_in(number, contact, password="wrong password here")
    measured["sign_in_failure"] = counter.take()
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
    measured["victim_read"] = counter.take()
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
    measured["victim_read_again"] = counter.take()
    victim = {**JSON, "Cookie": cookie}
    assert client.http.post("/victim/update-request", headers=victim, body="{}").status_code == 201
    measured["ask_for_update"] = counter.take()
    assert client.http.post("/victim/update-request", headers=victim, body="{}").status_code == 200
    measured["ask_for_update_again"] = counter.take()
    assert client.http.post("/victim/messages", headers=victim, body='{"text": "Any news?"}').status_code == 201
    measured["send_message"] = counter.take()
    client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    measured["officer_read_messages"] = counter.take()
    contact_id = created["contacts"][0]["id"]
    assert post_json(client, f"/officer/cases/{number}/contacts/{contact_id}/messages",
                     {"text": "We are still waiting for the forensic report.", "clientReference": "r-1"},
                     journey.officer).status_code == 201
    measured["reply"] = counter.take()
    assert client.http.get("/officer/inbox", headers=journey.officer).status_code == 200
    measured["inbox"] = counter.take()
    client.http.post("/victim/sign-out", headers={**JSON, "Cookie": cookie}, body="{}")
    measured["sign_out"] = counter.take()
    post_json(client, "/victim/password-reset", {
        "crimeNumber": number, "surname": contact["surname"], "dateOfBirth": contact["dateOfBirth"]})
    measured["reset_request"] = counter.take()
    print("\nDynamoDB calls per endpoint:")
    for name, calls in measured.items():
        print(f"  {name:18} {sum(calls.values())}  {calls}")
    assert measured == BUDGET


# Calls in sequence (the rest run at the same time, core/together.py), where that is fewer.
ROUNDS = {
    # [counters | source count | contacts], reserve, session: the reserve must see the
    # source's count, and the session must follow the password check.
    "sign_in": 3,
    # touch (the session names the case), [case+contacts | updates | conversation | counter], audit.
    "victim_read": 3,
    # [case+contacts | updates], the contact's messages (their ids come from the first), audit.
    "officer_read": 3,
}


def test_independent_reads_run_at_once(client, issuer, aws, counter):
    journey = Journey(client, issuer, aws)
    number, contact, _ = journey.registered_victim()
    journey.post_update(number)
    counter.take_rounds()
    client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    measured = {"officer_read": counter.take_rounds()}
    cookie = journey.sign_in(number, contact).headers["Set-Cookie"].split(";")[0]
    measured["sign_in"] = counter.take_rounds()
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
    measured["victim_read"] = counter.take_rounds()
    assert measured == ROUNDS


def test_a_re_sent_export_of_100_rows_is_answered_from_one_batch_read(client, issuer, aws, counter):
    """Each reference read in one BatchGetItem with the case (101 keys: two calls of
    at most 100), nothing posted again, every row a duplicate with its update's id."""
    from chalicelib.core.domain import case_key
    from chalicelib.storage.models import UPDATE_PREFIX, UPDATE_REF_PREFIX, UpdateRefItem, case_pk

    journey = Journey(client, issuer, aws)
    number, _, _ = journey.create_case(number=crime_number())
    pk = case_pk(case_key(aws.default_force, number))
    with UpdateRefItem.batch_write() as batch:  # as the export's first sending left them
        for i in range(100):
            batch.save(UpdateRefItem(pk, f"{UPDATE_REF_PREFIX}export-{i}",
                                     update_sk=f"{UPDATE_PREFIX}2026-11-29T09:00:00.000Z#id-{i}"))
    rows = [{"kind": "update", "crimeNumber": number, "type": "progress_update", "text": "Seen a witness.",
             "clientReference": f"export-{i}"} for i in range(100)]
    counter.take()
    response = post_json(client, "/officer/uploads", {"items": rows}, issuer.headers(role="integration"))
    assert counter.take() == {"BatchGetItem": 2}
    results = body(response)["results"]
    assert [(r["status"], r["id"]) for r in results] == [("duplicate", f"id-{i}") for i in range(100)]


def test_no_request_path_scans(client, issuer, aws, counter):
    journey = Journey(client, issuer, aws)
    number, _, cookie = journey.registered_victim()
    journey.post_update(number)
    client.http.get("/victim/case", headers={"Cookie": cookie})
    client.http.get(f"/officer/cases/{number}", headers=journey.officer)
    post_json(client, "/officer/uploads", {"items": [
        {"kind": "update", "crimeNumber": number, "type": "charged", "text": "x", "clientReference": "u1"}]},
        issuer.headers(role="integration"))
    assert body(client.http.get("/victim/case", headers={"Cookie": cookie}))["updates"]
    assert "Scan" not in counter.take()


def test_a_reset_request_for_no_account_makes_the_same_calls_as_one_for_an_account(client, issuer, aws, counter):
    """The reset path's timing defence (issue 11): a request that matches no
    account writes a decoy where a matching one writes its reset record, so the
    two make the same calls, in the same order, of the same size.
    `bench/bench_timing_gap.py` measures the time."""
    journey = Journey(client, issuer, aws)
    number, contact, created = journey.create_case(number=crime_number())
    assert journey.register(number, created, contact).status_code == 201
    identity = {"crimeNumber": number, "surname": contact["surname"], "dateOfBirth": contact["dateOfBirth"]}
    sequences = []
    for payload in (identity, {**identity, "crimeNumber": crime_number()}, {**identity, "surname": "Nobody"}):
        counter.take()
        counter.sequence.clear()
        assert post_json(client, "/victim/password-reset", payload).status_code == 202
        counter.take()
        sequences.append(list(counter.sequence))
    operations = [[name for name, _ in sequence] for sequence in sequences]
    assert operations[0] == operations[1] == operations[2]
    assert operations[0][-1] == "PutItem"
    account_put, *no_account_puts = (sequence[-1][1] for sequence in sequences)
    assert all(abs(size - account_put) <= 0.15 * account_put for size in no_account_puts), (
        account_put, no_account_puts)


def test_a_new_export_of_100_rows_is_written_in_a_few_transactions(client, issuer, aws, counter):
    """100 new update rows on 2 cases (one registered contact each). The calls, each argued:
    - BatchGetItem 2: the references (100) and their cases (2), to answer a re-sent export
      without writing (102 keys: a call takes 100);
    - BatchGetItem 1: the cases of the rows not posted before, for the contacts' ids each case
      item lists (the first read would serve, but it runs only for rows with a reference and
      answers duplicates; sharing it would tie the two together for one call);
    - BatchGetItem 1: every contact of those cases by key (the open requests to answer, who is to
      read it), whatever the number of cases, up to 100 contacts a call (a Query a case before);
    - TransactWriteItems 4: a row writes its update, its reference and its audit record (3
      actions; 50 rows a case: 150), and each part of a case the case item, the update-due item
      and its contact's unread item once (3): 306 actions, at most 100 a transaction and never
      the same item twice in one, so a case's 50 rows go in two parts, of 32 rows (99 actions)
      and 18 (57); first fit, a part after its case's earlier one: 4 transactions, which is the
      minimum for 306 actions. The bench's 10 cases of 10 rows: 2 + 1 + 1 + 4 = 8 calls
      (the issue's target: at most 10), the same 8 for any number of cases up to 100 contacts."""
    from chalicelib.storage.models import UpdateItem

    journey = Journey(client, issuer, aws)
    numbers = [journey.registered_victim()[0] for _ in range(2)]
    rows = [{"kind": "update", "crimeNumber": numbers[i % 2], "type": "progress_update",
             "text": f"Seen witness {i}.", "clientReference": f"new-{i}"} for i in range(100)]
    counter.take()
    response = post_json(client, "/officer/uploads", {"items": rows}, issuer.headers(role="integration"))
    calls = counter.take()
    results = body(response)["results"]
    assert [r["status"] for r in results] == ["created"] * 100
    assert calls == {"BatchGetItem": 4, "TransactWriteItems": 4}, calls
    posted = {i.client_reference: i.update_id for i in UpdateItem.scan() if isinstance(i, UpdateItem)}
    assert [r["id"] for r in results] == [posted[f"new-{i}"] for i in range(100)]
    again = post_json(client, "/officer/uploads", {"items": rows}, issuer.headers(role="integration"))
    assert [(r["status"], r["id"]) for r in body(again)["results"]] == [("duplicate", r["id"]) for r in results]


def test_an_upload_to_a_case_stored_before_it_listed_its_contacts_reads_them_by_query(client, issuer, aws, counter):
    """A case item written before `contact_ids` was kept: its contacts by a Query, as
    before; the other case's by key. Both cases' registered contacts are still told."""
    from chalicelib.core.domain import case_key
    from chalicelib.storage.models import CASE_SK, AttentionItem, CaseItem, case_pk

    journey = Journey(client, issuer, aws)
    numbers = [journey.registered_victim()[0] for _ in range(2)]
    CaseItem(case_pk(case_key(aws.default_force, numbers[0])), CASE_SK).update(
        actions=[CaseItem.contact_ids.remove()])
    rows = [{"kind": "update", "crimeNumber": number, "type": "progress_update", "text": "Seen a witness.",
             "clientReference": f"old-{i}"} for i, number in enumerate(numbers)]
    counter.take()
    response = post_json(client, "/officer/uploads", {"items": rows}, issuer.headers(role="integration"))
    assert [r["status"] for r in body(response)["results"]] == ["created"] * 2
    # references and cases; the cases again; the listed case's contact; the other case by Query
    assert counter.take() == {"BatchGetItem": 3, "Query": 1, "TransactWriteItems": 1}
    unread = {item.pk for item in AttentionItem.scan() if isinstance(item, AttentionItem) and item.reason == "unread"}
    assert {case_pk(case_key(aws.default_force, n)) for n in numbers} <= unread
