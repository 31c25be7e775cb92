"""Audit (DPA 2018 s.62; ASVS V16) and retention. An audit record, in UTC, for each
collection, alteration, consultation, disclosure and erasure: who, what, when,
which case, never the content; records can only be added. Each force keeps a
closed case for its own period; an expired case is never served, even before
DynamoDB's TTL removes it; its erasure is audited without content."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from tests.alerts import events
from tests.alerts.items import invitation_item
from tests.factories import case_body, contact
from tests.security.conftest import body, post_json
from tests.support import STRONG_PASSWORD, emf_metrics, invitation_token
from tests.support import audit_records as _audit_records

UPDATE_TEXT = "The suspect was interviewed under caution at Lincoln custody suite."


def _case_key(number: str, force: str = "lincs") -> str:
    from chalicelib.core.domain import case_key

    return case_key(force, number)


@pytest.fixture
def invoke(client):
    return lambda name, event: client.lambda_.invoke(name, event).payload


def test_each_kind_of_processing_is_audited_who_what_when_which_case(journey, client, issuer, aws, invoke, figures):
    import boto3

    # The sender's identity, verified again: after tests/functional's concurrent
    # registrations, moto's SES can refuse it (see the note on _REAL_ENVIRON).
    boto3.client("ses", region_name=aws.region).verify_email_identity(EmailAddress=aws.mail_from)
    person = contact()
    number, _, created = journey.create_case(contacts=[person])
    invoke("send_emails", events.batch(events.insert(invitation_item(number, created["contacts"][0]["id"]))))
    assert journey.register(number, created, person).status_code == 201
    cookie = journey.sign_in(number, person).headers["Set-Cookie"].split(";")[0]
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
    assert journey.post_update(number, type="interviewed_under_caution", text=UPDATE_TEXT).status_code == 201
    assert client.http.get(f"/officer/cases/{number}", headers=journey.officer).status_code == 200
    records = _audit_records(_case_key(number))
    kinds = [(r.action, r.event) for r in records]
    for expected in [("collection", "case_created"), ("disclosure", "invitation_email_sent"),
                     ("alteration", "contact_registered"), ("consultation", "case_read_by_contact"),
                     ("alteration", "update_posted"), ("consultation", "case_read_by_officer")]:
        assert expected in kinds, (expected, kinds)
    for record in records:
        assert record.actor and record.action and record.event and record.case == _case_key(number)
        assert record.at.tzinfo is not None and record.at.utcoffset() == timedelta(0)
        assert record.sk.startswith(record.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    actors = {r.actor for r in records}
    assert "officer:dev-lincs-officer" in actors and f"contact:{created['contacts'][0]['id']}" in actors
    figures["audit_kinds_seen"] = sorted({a for a, _ in kinds})


def test_a_change_and_its_audit_record_are_written_together(journey, client, aws):
    """Each change's record rides in the change's own transaction: one record
    per change made, none for a change refused (a repeat, a missing case, a used
    invitation), so the log never claims a change that did not happen or misses
    one that did."""
    person = contact()
    number, _, created = journey.create_case(contacts=[person])
    again = case_body(number, contacts=[contact()])
    assert post_json(client, "/officer/cases", again, journey.officer).status_code == 409
    assert journey.register(number, created, person).status_code == 201
    assert journey.register(number, created, person).status_code == 400  # the invitation is used
    assert journey.post_update(number, clientReference="rms-77").status_code == 201
    assert journey.post_update(number, clientReference="rms-77").status_code == 200  # the same update
    assert journey.post_update("LC-1999-000001").status_code == 404
    events = [r.event for r in _audit_records(_case_key(number))]
    assert sorted(events) == ["case_created", "contact_registered", "update_posted"], events
    assert not _audit_records(_case_key("LC-1999-000001"))


def test_a_change_whose_audit_record_cannot_be_written_is_not_made(journey, client, aws, monkeypatch):
    """The other half: if the record cannot be written, neither is the change."""
    import dataclasses

    from chalicelib.core.audit import Audit
    from chalicelib.storage.audit_log import AuditLog

    number, _, _ = journey.create_case()
    real_entry = Audit.entry

    def colliding(self, *args, **kwargs):  # an entry whose place in the log is already taken
        record = dataclasses.replace(real_entry(self, *args, **kwargs), record_id="taken")
        AuditLog().record(dataclasses.replace(record, event="already here"))
        return record

    with monkeypatch.context() as patched:
        patched.setattr(Audit, "entry", colliding)
        assert journey.post_update(number, text="Not to be stored.").status_code == 503
    case = body(client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    assert case["updates"] == []


def test_audit_records_hold_no_content(journey, client, aws):
    person = contact(forename="Alexandra", surname="Worthington-Smythe", dateOfBirth="1977-06-05",
                     email="alexandra.ws@example.com")
    number, _, created = journey.create_case(contacts=[person])
    journey.register(number, created, person)
    cookie = journey.sign_in(number, person).headers["Set-Cookie"].split(";")[0]
    journey.post_update(number, text=UPDATE_TEXT)
    client.http.get("/victim/case", headers={"Cookie": cookie})
    dump = repr([r.attribute_values for r in _audit_records(_case_key(number))])
    for content in (UPDATE_TEXT, "Alexandra", "Worthington", "1977-06-05", "alexandra.ws@example.com",
                    STRONG_PASSWORD, cookie.split("=", 1)[1], "PC 1234 Alex Morgan"):
        assert content not in dump, content


def test_audit_records_can_be_added_but_not_overwritten(aws):
    from chalicelib.core.domain import AuditRecord, utcnow
    from chalicelib.core.errors import ServiceUnavailable
    from chalicelib.storage.audit_log import AuditLog

    log, at = AuditLog(), utcnow()
    log.record(AuditRecord(at=at, action="consultation", event="original", actor="officer:a",
                           case_key="lincs#X-1", record_id="fixed-id"))
    with pytest.raises(ServiceUnavailable):
        log.record(AuditRecord(at=at, action="erasure", event="forged", actor="officer:b",
                               case_key="lincs#X-1", record_id="fixed-id"))
    assert [r.event for r in _audit_records("lincs#X-1")] == ["original"]
    assert [m for m in dir(AuditLog) if not m.startswith("_")] == ["record"]  # no update, no delete


def test_an_unknown_audit_action_is_refused():
    from chalicelib.core.audit import Audit
    from tests.fakes import FakeAuditLog

    with pytest.raises(ValueError, match="unknown audit action"):
        Audit(FakeAuditLog()).record("deletion", "x", actor="officer:a")


# -- retention ----------------------------------------------------------------------------


@pytest.fixture
def per_force_retention(aws, monkeypatch):
    """Lincolnshire keeps closed cases 365 days (the default); Avon 30."""
    from chalicelib import bootstrap

    monkeypatch.setenv("RETENTION_DAYS_BY_FORCE", "avon=30")
    bootstrap.reset()  # the next test's `aws` fixture resets again, without it
    return bootstrap.services().settings


def test_each_force_sets_its_own_retention_period(per_force_retention, clock, client, issuer):
    from chalicelib import bootstrap

    assert per_force_retention.retention_days_for("lincs") == 365
    assert per_force_retention.retention_days_for("avon") == 30
    for force, days in (("lincs", 365), ("avon", 30)):
        headers = issuer.headers(force=force)
        payload = case_body()
        assert post_json(client, "/officer/cases", payload, headers).status_code == 201
        post_json(client, f"/officer/cases/{payload['crimeNumber']}/updates",
                  {"type": "case_closed", "text": "Closed."}, headers)
        case = bootstrap.services().cases.case(_case_key(payload["crimeNumber"], force))
        assert case.expires_at - case.closed_at == timedelta(days=days)


def _closed_case_with_contacts(journey, client, issuer, aws):
    """A case with a registered, signed-in victim and an invited witness, closed."""
    victim, witness = contact(), contact(role="witness")
    number, _, created = journey.create_case(contacts=[victim, witness])
    victim_id, witness_id = (c["id"] for c in created["contacts"])
    post_json(client, "/victim/register", {"invitation": invitation_token(aws, number, victim_id),
                                           "dateOfBirth": victim["dateOfBirth"], "password": STRONG_PASSWORD})
    cookie = journey.sign_in(number, victim).headers["Set-Cookie"].split(";")[0]
    witness_invitation = invitation_token(aws, number, witness_id)
    assert journey.post_update(number, type="case_closed", text="Closed: no further action.").status_code == 201
    return number, victim, witness, witness_invitation, cookie


def test_an_expired_case_is_never_served_even_before_ttl_deletes_it(journey, client, issuer, aws, clock, figures):
    from chalicelib import bootstrap
    from chalicelib.storage.models import ResetItem

    number, victim, witness, witness_invitation, cookie = _closed_case_with_contacts(journey, client, issuer, aws)
    expires = bootstrap.services().cases.case(_case_key(number)).expires_at
    clock.now = expires - timedelta(seconds=1)
    assert client.http.get("/victim/case", headers={"Cookie": journey.sign_in(number, victim).headers[
        "Set-Cookie"].split(";")[0]}).status_code == 200  # the last second: still there
    clock.now = expires
    officer = journey.officer
    refused = {
        "officer reads": client.http.get(f"/officer/cases/{number}", headers=officer).status_code,
        "officer posts an update": journey.post_update(number).status_code,
        "officer reopens it": journey.post_update(number, type="case_reopened", text="Reopened.").status_code,
        "victim reads (old session)": client.http.get("/victim/case", headers={"Cookie": cookie}).status_code,
        "victim signs in": journey.sign_in(number, victim).status_code,
        "witness registers": post_json(client, "/victim/register", {
            "invitation": witness_invitation, "dateOfBirth": witness["dateOfBirth"],
            "password": STRONG_PASSWORD}).status_code,
    }
    upload = post_json(client, "/officer/uploads", {"items": [
        {"kind": "update", "crimeNumber": number, "type": "charged", "text": "x", "clientReference": "late-1"}]},
        issuer.headers(role="supervisor"))
    refused["upload row"] = body(upload)["results"][0]["status"]
    post_json(client, "/victim/password-reset", {"crimeNumber": number, "surname": victim["surname"],
                                                 "dateOfBirth": victim["dateOfBirth"]})
    refused["reset link made"] = len([r for r in ResetItem.scan() if number in r.case_pk])
    assert refused == {"officer reads": 404, "officer posts an update": 404, "officer reopens it": 404,
                       "victim reads (old session)": 401, "victim signs in": 401, "witness registers": 400,
                       "upload row": "rejected", "reset link made": 0}
    assert bootstrap.services().cases.case(_case_key(number)) is not None  # ...though TTL has not deleted it yet
    figures["expired_case_paths_refused"] = len(refused)


def test_no_alert_is_sent_for_an_expired_case(journey, client, issuer, aws, invoke, monkeypatch):
    """The email sender runs on the real clock: a force that keeps nothing after
    closure (0 days) makes the case expire as it closes."""
    from moto.ses.models import ses_backends

    from chalicelib import bootstrap
    from tests.alerts.items import update_items

    monkeypatch.setenv("RETENTION_DAYS_AFTER_CLOSURE", "0")
    bootstrap.reset()
    number, *_ = _closed_case_with_contacts(journey, client, issuer, aws)
    (closing,) = [u for u in update_items(number) if u.type == "case_closed"]
    sent = ses_backends["123456789012"]["eu-west-2"].sent_messages
    before = len(sent)
    invoke("send_emails", events.batch(events.insert(closing)))
    assert len(sent) == before


def test_ttl_removing_the_case_erases_the_rest_and_audits_it_without_content(journey, client, issuer, aws, invoke):
    from chalicelib.storage.models import CASE_SK, CaseItem, CasesTableItem, case_pk

    number, victim, *_ = _closed_case_with_contacts(journey, client, issuer, aws)
    pk = case_pk(_case_key(number))
    case_item = CaseItem.get(pk, CASE_SK)
    left_over = len(list(CasesTableItem.query(pk)))
    assert left_over >= 4  # case, two contacts, updates
    case_item.delete()  # what TTL does, then the stream says so
    invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))
    assert list(CasesTableItem.query(pk)) == []
    erasures = [r for r in _audit_records(_case_key(number)) if r.action == "erasure"]
    assert len(erasures) == 1
    assert erasures[0].actor == "system:retention" and erasures[0].event == "case_erased"
    dump = repr(erasures[0].attribute_values)
    for content in (victim["surname"], victim["email"], victim["dateOfBirth"], "Closed: no further action."):
        assert content not in dump


def test_a_remove_that_is_not_ttl_erases_nothing(journey, client, issuer, aws, invoke):
    from chalicelib.storage.models import CASE_SK, CaseItem, CasesTableItem, case_pk

    number, *_ = _closed_case_with_contacts(journey, client, issuer, aws)
    pk = case_pk(_case_key(number))
    case_item = CaseItem.get(pk, CASE_SK)
    invoke("send_emails", events.batch(events.remove(case_item, ttl=False)))
    assert len(list(CasesTableItem.query(pk))) >= 4
    assert not [r for r in _audit_records(_case_key(number)) if r.action == "erasure"]


def test_a_failing_erasure_never_fails_the_stream_batch(journey, client, issuer, aws, invoke, monkeypatch, capsys):
    from chalicelib.core.errors import ServiceUnavailable
    from chalicelib.storage.cases import CaseStore
    from chalicelib.storage.models import CASE_SK, CaseItem, case_pk

    number, *_ = _closed_case_with_contacts(journey, client, issuer, aws)
    case_item = CaseItem.get(case_pk(_case_key(number)), CASE_SK)

    def denied(self, case_key):
        raise ServiceUnavailable()

    monkeypatch.setattr(CaseStore, "erase_case", denied)
    capsys.readouterr()
    invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))  # does not raise
    assert emf_metrics(capsys.readouterr().out) == {"ErasureFailures": 1}  # counted, never silent



SCHEDULED = {"version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "111122223333", "time": "2026-11-29T18:00:00Z", "region": "eu-west-2",
             "resources": [], "detail": {}}


def test_leftovers_of_a_half_erased_case_never_join_a_new_one_and_the_erasure_is_retried(
        journey, client, issuer, aws, invoke, monkeypatch, clock, capsys, figures):
    """Erasure after retention stops part-way (DynamoDB refuses half-way through):
    the same crime number cannot be created again while anything is left, the old
    victim cannot sign in, and the scheduled retry finishes the job."""
    from chalicelib.core.errors import ServiceUnavailable
    from chalicelib.storage.cases import CaseStore
    from chalicelib.storage.models import CASE_SK, CaseItem, CasesTableItem, PendingErasureItem, case_pk

    number, victim, *_ = _closed_case_with_contacts(journey, client, issuer, aws)
    pk = case_pk(_case_key(number))
    case_item = CaseItem.get(pk, CASE_SK)
    case_item.delete()  # what TTL does
    real_erase = CaseStore.erase_case

    def half_way(self, case_key):
        first = next(iter(CasesTableItem.query(case_pk(case_key))))
        first.delete()
        raise ServiceUnavailable()

    monkeypatch.setattr(CaseStore, "erase_case", half_way)
    capsys.readouterr()
    invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))  # does not raise
    assert emf_metrics(capsys.readouterr().out) == {"ErasureFailures": 1}
    left = len(list(CasesTableItem.query(pk)))
    assert left >= 2  # a contact, the update...
    def waiting():
        return [p for p in PendingErasureItem.scan(PendingErasureItem.pk.startswith("ERASURE#"))]

    assert [p.case_key for p in waiting()] == [_case_key(number)]

    again = post_json(client, "/officer/cases", case_body(number=number, contacts=[victim]), journey.officer)
    assert again.status_code == 409 and "being erased" in body(again)["fields"]["crimeNumber"]
    assert len(list(CasesTableItem.query(pk))) == left  # nothing joined the leftovers
    assert journey.sign_in(number, victim).status_code == 401

    invoke("retry_erasures", SCHEDULED)
    assert list(CasesTableItem.query(pk))  # failed again, part-way: retried, and counted again
    assert [p.attempts for p in waiting()] == [1]

    monkeypatch.setattr(CaseStore, "erase_case", real_erase)
    clock.advance(minutes=3)  # past the pause before the next attempt
    capsys.readouterr()
    invoke("retry_erasures", SCHEDULED)
    assert emf_metrics(capsys.readouterr().out).get("CasesErased") == 1
    assert list(CasesTableItem.query(pk)) == [] and waiting() == []
    assert [r.event for r in _audit_records(_case_key(number)) if r.action == "erasure"] == ["case_erased"]
    assert post_json(client, "/officer/cases", case_body(number=number, contacts=[victim]),
                     journey.officer).status_code == 201
    figures["half_erased_case"] = {"left_after_failure": left, "recreate_while_left": 409,
                                   "retries_until_erased": 2}
