"""The email sender against moto: the stream handler and SES, through the same
handler code path as Lambda (`chalice.test.Client`)."""

from __future__ import annotations

import re
import threading

from chalice.local import LambdaContext

from app import app
from chalicelib.core.deliveries import DeliveryRef
from chalicelib.storage.deliveries import DeliveryStore
from tests.alerts import events
from tests.alerts.items import case_of, invitation_item, reset_items, update_items
from tests.factories import contact
from tests.support import STRONG_PASSWORD, body, post_json


def _link(text: str, fragment: str) -> str:
    match = re.search(rf"https://[^\s\"]+#{fragment}=([A-Za-z0-9_.-]+)", text)
    assert match, text
    return match.group(1)


def _registered_case(journey, registered: int, invited: int = 0):
    """A case whose first `registered` contacts have registered; then `invited` who have not."""
    contacts = [contact() for _ in range(registered + invited)]
    number, _, created = journey.create_case(contacts=contacts)
    for i in range(registered):
        response = journey.register(number, {"contacts": [created["contacts"][i]]}, contacts[i])
        assert response.status_code == 201, response.body
    return number, contacts


def test_an_invitation_insert_sends_one_email_whose_link_registers_the_contact(journey, ses, invoke):
    number, person, created = journey.create_case()
    item = invitation_item(number, created["contacts"][0]["id"])

    invoke("send_emails", events.batch(events.insert(item)))

    [email] = ses.sent()
    assert email.recipient == person["email"]
    assert email.subject == "Set up your Track My Crime account"
    token = _link(email.text, "invitation")
    assert token == _link(email.html, "invitation")
    response = post_json(journey.client, "/victim/register",
                         {"invitation": token, "dateOfBirth": person["dateOfBirth"],
                          "password": STRONG_PASSWORD})
    assert response.status_code == 201, response.body
    assert body(response) == {"crimeNumber": number}


def test_the_same_stream_record_delivered_twice_sends_one_email(journey, ses, invoke):
    number, _, created = journey.create_case()
    record = events.insert(invitation_item(number, created["contacts"][0]["id"]))

    invoke("send_emails", events.batch(record))
    invoke("send_emails", events.batch(record, record))

    assert len(ses.sent()) == 1


def test_two_invocations_at_once_send_each_alert_once(journey, ses):
    number, contacts = _registered_case(journey, registered=3)
    journey.post_update(number)
    batch = events.batch(*[events.insert(u) for u in update_items(number)])
    barrier = threading.Barrier(4)
    # The handler as Lambda calls it; not through chalice.test's invoke, which
    # swaps os.environ for each call and so cannot run in several threads at once.
    handler = app.handler_map["send_emails"]

    def run() -> None:
        barrier.wait()
        handler(batch, LambdaContext("send_emails", memory_size=512, max_runtime_ms=60_000))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(m.recipient for m in ses.sent()) == sorted(c["email"] for c in contacts)


def test_an_update_alerts_every_registered_contact_and_no_one_still_invited(journey, ses, invoke):
    number, contacts = _registered_case(journey, registered=2, invited=1)
    journey.post_update(number, text="The suspect was arrested at 14 Acacia Avenue.")

    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))

    sent = ses.sent()
    assert sorted(m.recipient for m in sent) == sorted(c["email"] for c in contacts[:2])
    assert all(m.subject == "You have a new update on Track My Crime" for m in sent)
    assert all("https://victims.example.police.uk/sign-in.html" in m.text for m in sent)
    assert not any("Acacia" in m.text or "Acacia" in m.html for m in sent)


def test_a_reset_insert_sends_an_email_whose_link_resets_the_password(journey, ses, invoke):
    number, [person] = _registered_case(journey, registered=1)
    contact_id = case_of(number).contacts[0].id
    response = post_json(journey.client, "/victim/password-reset",
                         {"crimeNumber": number, "surname": person["surname"],
                          "dateOfBirth": person["dateOfBirth"]})
    assert response.status_code == 202
    [reset] = reset_items(contact_id)

    invoke("send_emails", events.batch(events.insert(reset)))

    [email] = ses.sent()
    assert email.subject == "Reset your Track My Crime password"
    response = post_json(journey.client, "/victim/password-reset/complete",
                         {"token": _link(email.text, "token"), "password": "a different long passphrase"})
    assert response.status_code == 204, response.body


def test_modify_remove_and_ttl_events_send_nothing(journey, ses, invoke):
    number, _ = _registered_case(journey, registered=1)
    journey.post_update(number)
    [update] = update_items(number)
    invitation = invitation_item(number, case_of(number).contacts[0].id)

    invoke("send_emails", events.batch(
        events.modify(update), events.modify(invitation),
        events.remove(update), events.remove(invitation),
        events.remove(invitation, ttl=True), events.remove(update, ttl=True)))

    assert ses.sent() == []


def test_throttling_on_every_other_call_still_sends_every_email_exactly_once(journey, ses, invoke, later):
    ses.faults.throttle_every_other = True
    number, contacts = _registered_case(journey, registered=4)
    for text in ("First update.", "Second update."):
        journey.post_update(number, text=text)
    batch = events.batch(*[events.insert(u) for u in update_items(number)])

    invoke("send_emails", batch)
    invoke("send_emails", batch)  # and the stream delivers the batch again
    later.retry_until_idle()  # whatever stayed throttled through its tries in the invocation

    recipients = [m.recipient for m in ses.sent()]
    assert sorted(recipients) == sorted(c["email"] for c in contacts for _ in range(2))
    assert ses.faults.calls >= 2 * len(recipients) - 1


def test_a_rejected_address_is_shown_to_the_officer_and_every_other_alert_is_sent(journey, ses, invoke):
    number, contacts = _registered_case(journey, registered=4)
    refused = contacts[1]["email"]
    ses.faults.reject = {refused}
    journey.post_update(number)

    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))

    others = sorted(c["email"] for c in contacts if c["email"] != refused)
    assert sorted(m.recipient for m in ses.sent()) == others
    shown = body(journey.client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    failing = [c for c in shown["contacts"] if c["alertsFailing"]]
    assert [(c["surname"], c["status"]) for c in failing] == [(contacts[1]["surname"], "alerts_failing")]
    assert "phone" in failing[0]["alertsFailingReason"]


def test_a_permanent_bounce_marks_the_contact_failing(journey, ses, invoke):
    number, [person] = _registered_case(journey, registered=1)
    journey.post_update(number)
    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))
    case = case_of(number)
    ref = DeliveryRef("alert", case.updates[0].id, case.key, case.contacts[0].id, "lincs")
    assert DeliveryStore().status(ref) == "sent"

    sns = journey.client.events.generate_sns_event(
        message=events.ses_notification("Bounce", _message_id_of(ses), person["email"]))
    invoke("email_events", sns)

    shown = body(journey.client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    assert shown["contacts"][0]["status"] == "alerts_failing"
    assert "bounce" in shown["contacts"][0]["alertsFailingReason"]


def test_a_soft_bounce_changes_nothing(journey, ses, invoke):
    number, [person] = _registered_case(journey, registered=1)
    journey.post_update(number)
    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))

    sns = journey.client.events.generate_sns_event(message=events.ses_notification(
        "Bounce", _message_id_of(ses), person["email"], bounce_type="Transient"))
    invoke("email_events", sns)

    assert case_of(number).contacts[0].alerts_failing is False


def test_a_complaint_from_a_configuration_set_event_marks_the_contact_failing(journey, ses, invoke):
    number, [person] = _registered_case(journey, registered=1)
    journey.post_update(number)
    invoke("send_emails", events.batch(*[events.insert(u) for u in update_items(number)]))

    sns = journey.client.events.generate_sns_event(message=events.ses_notification(
        "Complaint", _message_id_of(ses), person["email"], configuration_set=True))
    invoke("email_events", sns)

    assert case_of(number).contacts[0].alerts_failing is True


def _message_id_of(ses) -> str:
    from moto.ses.models import ses_backends

    return ses_backends["123456789012"]["eu-west-2"].sent_messages[-1].id
