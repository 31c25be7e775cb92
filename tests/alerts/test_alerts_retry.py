"""What the email sender does when an email cannot go now: the scheduled retry,
its bound, running out of time, and a claim whose holder died (moto)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import bootstrap
from chalicelib.core.deliveries import DeliveryRef
from chalicelib.core.domain import utcnow
from chalicelib.notify.sender import LEASE, MAX_ROUNDS
from chalicelib.storage.deliveries import DeliveryStore
from chalicelib.storage.models import CasesTableItem, case_pk
from tests.alerts import events
from tests.alerts.items import case_of, invitation_item, reset_items, update_items
from tests.alerts.test_alerts_delivery import _registered_case
from tests.factories import handle_stream
from tests.support import body, post_json


@dataclass
class FakeContext:
    """A Lambda context with `remaining_ms` left."""

    remaining_ms: int

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def test_an_email_ses_cannot_take_now_is_sent_by_the_scheduled_retry(journey, ses, invoke, later):
    number, _, created = journey.create_case()
    ses.faults.unavailable = True
    invoke("send_emails", events.batch(events.insert(invitation_item(number, created["contacts"][0]["id"]))))
    assert ses.sent() == []

    ses.faults.unavailable = False
    runs = later.retry_until_idle()

    assert len(ses.sent()) == 1
    assert runs[0].get("sent") == 1


def test_the_scheduled_retry_does_nothing_before_the_next_attempt_is_due(journey, ses, invoke):
    number, _, created = journey.create_case()
    ses.faults.unavailable = True
    invoke("send_emails", events.batch(events.insert(invitation_item(number, created["contacts"][0]["id"]))))
    ses.faults.unavailable = False

    invoke("retry_emails", journey.client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))

    assert ses.sent() == []


def test_an_email_that_never_goes_is_given_up_after_the_bound_and_shown_to_the_officer(
        journey, ses, invoke, later):
    number, _ = _registered_case(journey, registered=1)
    journey.post_update(number)
    ses.faults.unavailable = True
    calls_before = ses.faults.calls

    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))
    runs = later.retry_until_idle()

    assert ses.faults.calls - calls_before == MAX_ROUNDS
    assert runs[-1] == {"failed": 1}
    shown = body(journey.client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    assert shown["contacts"][0]["status"] == "alerts_failing"
    assert "several hours" in shown["contacts"][0]["alertsFailingReason"]
    assert later.retry_until_idle() == [{}]


def test_a_reset_email_whose_link_expired_while_waiting_is_cancelled_not_sent(journey, ses, invoke, later):
    number, [person] = _registered_case(journey, registered=1)
    post_json(journey.client, "/victim/password-reset", {
        "crimeNumber": number, "surname": person["surname"], "dateOfBirth": person["dateOfBirth"]})
    [reset] = reset_items(case_of(number).contacts[0].id)
    ses.faults.unavailable = True
    invoke("send_emails", events.batch(events.insert(reset)))
    ses.faults.unavailable = False

    runs = later.retry_until_idle(step_hours=2)

    assert runs == [{"cancelled": 1}]
    assert ses.sent() == []
    assert case_of(number).contacts[0].alerts_failing is False


def test_emails_the_invocation_has_no_time_for_are_deferred_then_sent_once(journey, ses, later):
    number, contacts = _registered_case(journey, registered=3)
    journey.post_update(number)
    records = [events.insert(u) for u in update_items(number)]

    outcomes = handle_stream(bootstrap.services().email_sender, records, FakeContext(remaining_ms=0))
    assert dict(outcomes) == {"deferred": 3}
    assert ses.sent() == []
    later.retry_until_idle()

    assert sorted(m.recipient for m in ses.sent()) == sorted(c["email"] for c in contacts)


def test_a_claim_whose_holder_died_is_taken_over_by_the_scheduled_retry(journey, ses, invoke, later):
    number, _, created = journey.create_case()
    item = invitation_item(number, created["contacts"][0]["id"])
    case = case_of(number)
    ref = DeliveryRef("invitation", item.pk.split("#", 1)[1], case.key, item.contact_id, "lincs")
    assert DeliveryStore().claim_new(ref, utcnow(), LEASE)  # ...and the holder dies before sending

    invoke("send_emails", events.batch(events.insert(item)))  # the stream's retry of the batch
    assert ses.sent() == []
    later.clock.advance(seconds=LEASE.total_seconds())
    runs = later.retry_until_idle(step_hours=1 / 60)

    assert runs[0] == {"reclaimed": 1, "sent": 1}
    assert len(ses.sent()) == 1


def test_a_deleted_case_cancels_its_waiting_alerts(journey, ses, invoke, later):
    number, _ = _registered_case(journey, registered=1)
    journey.post_update(number)
    ses.faults.unavailable = True
    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))
    ses.faults.unavailable = False
    for item in CasesTableItem.query(case_pk(case_of(number).key)):
        item.delete()

    assert later.retry_until_idle() == [{"cancelled": 1}]
    assert ses.sent() == []
