"""An officer sends a new invitation to a victim or witness who has not
registered: the last one expired, or never arrived (often a mistyped address).
The new link works, the old one stops, the email goes once to the address on
record (or the corrected one), and nothing else about the contact changes."""

from __future__ import annotations

from tests.alerts import events
from tests.alerts.items import invitation_item
from tests.factories import contact
from tests.support import STRONG_PASSWORD, audit_records, body, invitation_token, post_json


def _reissue(journey, number: str, contact_id: str, payload=None, headers=None):
    return post_json(journey.client, f"/officer/cases/{number}/contacts/{contact_id}/invitation",
                     {} if payload is None else payload, headers or journey.officer)


def _register(journey, token: str, person) -> int:
    return post_json(journey.client, "/victim/register", {
        "invitation": token, "dateOfBirth": person["dateOfBirth"], "password": STRONG_PASSWORD}).status_code


def _send_invitation(invoke, number: str, contact_id: str) -> None:
    invoke("send_emails", events.batch(events.insert(invitation_item(number, contact_id))))


def test_an_expired_invitation_is_replaced_and_only_the_new_link_works(
        journey, aws, ses, invoke, clock):
    person = contact()
    number, _, created = journey.create_case(contacts=[person])
    contact_id = created["contacts"][0]["id"]
    old_token = invitation_token(aws, number, contact_id)
    clock.advance(days=15)  # past the 14-day invitation

    response = _reissue(journey, number, contact_id)
    assert response.status_code == 201, response.body
    answer = body(response)
    assert answer["id"] == contact_id and answer["status"] == "invited"
    read = body(journey.client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    assert read["contacts"][0]["status"] == "invited"
    assert read["contacts"][0]["invitationExpiresAt"] == answer["invitationExpiresAt"]

    # The email goes once, to the address on record, with the new link only.
    new_token = invitation_token(aws, number, contact_id)
    assert new_token != old_token
    _send_invitation(invoke, number, contact_id)
    _send_invitation(invoke, number, contact_id)  # the stream record delivered twice
    sent = ses.sent_to(person["email"])
    assert len(sent) == 1
    assert new_token in sent[0].text and old_token not in sent[0].text

    assert _register(journey, old_token, person) == 400
    assert _register(journey, new_token, person) == 201


def test_a_corrected_address_gets_the_invitation(journey, aws, ses, invoke, clock):
    person = contact(email="jo.bloggs@exmaple.com")  # the typo that means it never arrived
    number, _, created = journey.create_case(contacts=[person])
    contact_id = created["contacts"][0]["id"]
    clock.advance(days=1)
    response = _reissue(journey, number, contact_id, {"email": "jo.bloggs@example.com"})
    assert response.status_code == 201, response.body
    _send_invitation(invoke, number, contact_id)
    assert len(ses.sent_to("jo.bloggs@example.com")) == 1
    assert ses.sent_to("jo.bloggs@exmaple.com") == []


def test_what_cannot_be_reissued_is_refused_and_changes_nothing(journey, aws, issuer, clock):
    from chalicelib.core.domain import case_key

    registered, waiting = contact(), contact()
    number, _, created = journey.create_case(contacts=[registered, waiting])
    registered_id, waiting_id = (c["id"] for c in created["contacts"])
    assert journey.register(number, created, registered).status_code == 201
    token = invitation_token(aws, number, waiting_id)
    before = body(journey.client.http.get(f"/officer/cases/{number}", headers=journey.officer))

    # Invited a minute ago: too soon, so a double click cannot send two emails.
    too_soon = _reissue(journey, number, waiting_id)
    assert too_soon.status_code == 409 and "15 minutes" in body(too_soon)["message"]
    clock.advance(days=1)
    has_registered = _reissue(journey, number, registered_id)
    assert has_registered.status_code == 409
    assert body(has_registered)["fields"] == {"contactId": "Has registered already"}
    assert _reissue(journey, number, "no-such-contact").status_code == 404
    unknown_case = _reissue(journey, "LC-1999-000001", waiting_id)
    other_force = _reissue(journey, number, waiting_id, headers=issuer.headers(force="avon"))
    assert unknown_case.status_code == other_force.status_code == 404
    assert other_force.body == unknown_case.body  # another force's case is as good as absent
    assert _reissue(journey, number, waiting_id, headers=issuer.headers(role="auditor")).status_code == 403
    bad = _reissue(journey, number, waiting_id, {"email": "not an address", "name": "x"})
    assert bad.status_code == 400
    assert set(body(bad)["fields"]) == {"email", "name"}

    after = body(journey.client.http.get(f"/officer/cases/{number}", headers=journey.officer))
    assert after["contacts"] == before["contacts"]
    assert invitation_token(aws, number, waiting_id) == token
    assert "invitation_reissued" not in [r.event for r in audit_records(case_key("lincs", number))]

    # The one that is allowed is audited, naming the contact, not the address.
    assert _reissue(journey, number, waiting_id).status_code == 201
    reissued = [r for r in audit_records(case_key("lincs", number)) if r.event == "invitation_reissued"]
    assert [(r.action, r.actor, r.subject) for r in reissued] == [
        ("alteration", "officer:dev-lincs-officer", waiting_id)]
