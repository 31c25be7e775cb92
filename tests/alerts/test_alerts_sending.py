"""The email sender's rules, with fakes: pacing, throttling, rejection, what a
stream record calls for, and what is never sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.core.domain import case_key
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.notify.mailer import Rejected, Throttled, Unavailable
from chalicelib.notify.sender import MAX_ROUNDS, RETRY_DELAYS, THROTTLE_TRIES, Pacer
from chalicelib.notify.ses import classify
from chalicelib.storage.models import CaseItem, ContactItem
from tests.alerts import events, stream_items
from tests.factories import NOW, case, handle_stream, registered, sender
from tests.fakes import Clock, FakeCaseStore, FakeMailer


def _ses_error(code: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "SendRawEmail")


class _ManualTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.starts: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_pacer_never_starts_more_sends_a_second_than_the_rate():
    time = _ManualTime()
    pacer = Pacer(14, clock=time.clock, sleep=time.sleep)

    for _ in range(100):
        assert pacer.wait()
        time.starts.append(time.now)

    for start in time.starts:  # (less a nanosecond for floating-point sums)
        assert sum(1 for s in time.starts if start <= s < start + 1.0 - 1e-9) <= 14


def test_a_send_that_started_late_does_not_lose_its_place():
    time = _ManualTime()
    pacer = Pacer(10, clock=time.clock, sleep=time.sleep)
    for _ in range(10):
        pacer.wait()
    time.now = 2.5  # the workers were busy elsewhere

    for _ in range(10):
        assert pacer.wait()

    assert time.now == 2.5


def test_the_pacer_refuses_a_turn_that_would_come_after_the_deadline():
    time = _ManualTime()
    pacer = Pacer(10, clock=time.clock, sleep=time.sleep)

    turns = [pacer.wait(not_after=0.45) for _ in range(12)]

    assert turns == [True] * 10 + [False] * 2


@pytest.mark.parametrize(("error", "outcome"), [
    (_ses_error("Throttling", "Maximum sending rate exceeded."), Throttled),
    (_ses_error("Throttling", "Daily message quota exceeded."), Throttled),
    (_ses_error("MessageRejected", "Address blacklisted."), Rejected),
    (_ses_error("InvalidParameterValue", "Missing final '@domain'"), Rejected),
    (_ses_error("MessageRejected", "Email address is not verified: no-reply@lincs.police.example"),
     Unavailable),
    (_ses_error("AccountSendingPausedException"), Unavailable),
    (_ses_error("ServiceUnavailable"), Unavailable),
    (EndpointConnectionError(endpoint_url="https://email.eu-west-2.amazonaws.com"), Unavailable),
])
def test_each_ses_failure_means_retry_soon_retry_later_or_give_up(error, outcome):
    assert type(classify(error, "no-reply@lincs.police.example")) is outcome


def _one_alert():
    contact = registered()
    the_case = case(contacts=(contact,))
    return FakeCaseStore(the_case), [events.insert(stream_items.update(the_case))], contact


def test_a_throttled_send_is_tried_again_with_growing_pauses_and_sent_once():
    cases, records, contact = _one_alert()
    email_sender, mailer, _deliveries, _ = sender(cases, FakeMailer([Throttled("t")] * 3),
                                                  ses_max_send_rate=1000.0)

    outcomes = handle_stream(email_sender, records)

    assert outcomes == {"sent": 1, "throttled": 3}
    assert [o.recipient for o in mailer.sent] == [contact.email]
    pauses = email_sender._sleep.seconds  # the fake's record of backoff pauses
    backoffs = [p for p in pauses if p >= 0.01]  # the pacer's own waits are 1 ms here
    assert len(backoffs) == 3 and backoffs[0] < 0.11 and backoffs[-1] >= 0.2


def test_a_send_throttled_on_every_try_waits_for_the_scheduled_retry():
    cases, records, _ = _one_alert()
    clock = Clock(NOW)
    email_sender, mailer, deliveries, _ = sender(cases, FakeMailer([Throttled("t")] * THROTTLE_TRIES),
                                                 clock=clock)

    assert handle_stream(email_sender, records) == {"retry_scheduled": 1, "throttled": THROTTLE_TRIES}
    assert deliveries.due(NOW, 10) == []
    clock.now = NOW + RETRY_DELAYS[0]
    assert email_sender.retry_due() == {"sent": 1}
    assert len(mailer.sent) == 1


def test_the_scheduled_retry_gives_up_after_the_bound_and_marks_the_contact():
    cases, records, contact = _one_alert()
    clock = Clock(NOW)
    email_sender, mailer, deliveries, _ = sender(cases, FakeMailer([Unavailable("down")] * 100), clock=clock)

    handle_stream(email_sender, records)
    outcomes = []
    for delay in RETRY_DELAYS:
        clock.now += delay
        outcomes.append(dict(email_sender.retry_due()))

    assert mailer.calls == MAX_ROUNDS
    assert outcomes[-1] == {"failed": 1}
    assert list(deliveries.failing) == [(case_key("lincs", "LC-2026-00001"), contact.id)]


def test_a_rejected_address_fails_that_contact_only():
    refused, fine = registered("c1", "refused@example.com"), registered("c2", "fine@example.com")
    the_case = case(contacts=(refused, fine))
    mailer = FakeMailer(per_recipient={"refused@example.com": Rejected("SES MessageRejected")})
    email_sender, mailer, deliveries, _ = sender(FakeCaseStore(the_case), mailer)

    outcomes = handle_stream(email_sender, [events.insert(stream_items.update(the_case))])

    assert outcomes == {"sent": 1, "rejected": 1}
    assert [o.recipient for o in mailer.sent] == ["fine@example.com"]
    assert list(deliveries.failing) == [(the_case.key, "c1")]


def test_an_unreadable_record_is_skipped_and_the_rest_of_the_batch_is_sent():
    cases, records, _ = _one_alert()
    broken = events.insert(stream_items.update(case(contacts=(registered("c9", "x@example.com"),))))
    del broken["dynamodb"]["NewImage"]["update_id"]
    email_sender, _mailer, _, _ = sender(cases)

    outcomes = handle_stream(email_sender, [broken, *records])

    assert outcomes == {"sent": 1, "unreadable": 1}


def test_an_update_of_an_expired_case_alerts_no_one():
    the_case = case(contacts=(registered(),), expires_at=NOW)
    email_sender, mailer, _, _ = sender(FakeCaseStore(the_case))

    assert handle_stream(email_sender, [events.insert(stream_items.update(the_case))]) == {}
    assert mailer.sent == []


def test_other_kinds_of_item_send_nothing():
    the_case = case(contacts=(registered(),))
    email_sender, mailer, _, _ = sender(FakeCaseStore(the_case))
    records = [events.insert(CaseItem("CASE#lincs#X", "CASE", force="lincs", crime_number="X", status="s",
                                      officer_name="o", officer_email="e", created_by="c",
                                      created_at=NOW, updated_at=NOW)),
               events.insert(ContactItem("CASE#lincs#X", "CONTACT#1", contact_id="1", role="victim",
                                         forename="f", surname="s", surname_key="s",
                                         date_of_birth="1980-01-01", email="e@example.com",
                                         status="registered"))]

    assert handle_stream(email_sender, records) == {}
    assert mailer.sent == []


def test_a_dynamodb_failure_fails_the_batch_after_the_other_emails_are_sent():
    broken, fine = registered("c1", "a@example.com"), registered("c2", "b@example.com")
    the_case = case(contacts=(broken, fine))
    email_sender, mailer, deliveries, _ = sender(FakeCaseStore(the_case))
    deliveries.broken = {"c1"}

    with pytest.raises(ServiceUnavailable):
        handle_stream(email_sender, [events.insert(stream_items.update(the_case))])

    assert [o.recipient for o in mailer.sent] == ["b@example.com"]


def test_each_email_sent_is_audited_as_a_disclosure_with_ids_only():
    cases, records, contact = _one_alert()
    email_sender, _, _, audit = sender(cases)

    handle_stream(email_sender, records)

    assert audit.events() == [("disclosure", "alert_email_sent", contact.id)]


class _BrokenMailer(FakeMailer):
    def send(self, outgoing):
        if outgoing.recipient == "broken@example.com":
            raise RuntimeError("a bug, say")
        return super().send(outgoing)


def test_an_unexpected_error_in_one_email_neither_fails_the_batch_nor_stops_the_others():
    broken, fine = registered("c1", "broken@example.com"), registered("c2", "fine@example.com")
    the_case = case(contacts=(broken, fine))
    email_sender, mailer, deliveries, _ = sender(FakeCaseStore(the_case), _BrokenMailer())

    outcomes = handle_stream(email_sender, [events.insert(stream_items.update(the_case))])

    assert outcomes == {"sent": 1, "error": 1}
    assert [o.recipient for o in mailer.sent] == ["fine@example.com"]
    assert sorted(deliveries.statuses().values()) == ["sending", "sent"]  # its claim will run out


def test_an_email_that_errs_every_round_is_given_up_after_the_bound():
    the_case = case(contacts=(registered("c1", "broken@example.com"),))
    clock = Clock(NOW)
    email_sender, _, deliveries, _ = sender(FakeCaseStore(the_case), _BrokenMailer(), clock=clock)

    handle_stream(email_sender, [events.insert(stream_items.update(the_case))])
    for _ in range(MAX_ROUNDS + 1):
        clock.now += timedelta(hours=1)
        email_sender.retry_due()

    assert list(deliveries.statuses().values()) == ["failed"]
    assert list(deliveries.failing) == [(the_case.key, "c1")]
