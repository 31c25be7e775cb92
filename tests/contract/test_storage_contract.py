"""One contract, two implementations: every test here runs against the real
DynamoDB adapters (on moto) and against the fakes the unit tests use
(`tests/fakes.py`). A condition the real store enforces and the fake forgets,
or the other way round, fails here: expiry, invitation id, used link,
duplicate reference, registration state, append-only audit."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.deliveries import DeliveryRef, DeliveryStatus, MessageKind
from chalicelib.core.domain import (
    AuditRecord,
    Case,
    CaseStatus,
    Contact,
    ContactStatus,
    NewContact,
    Session,
    Update,
    case_key,
)
from chalicelib.core.errors import ConditionFailed, Conflict, ServiceUnavailable
from chalicelib.core.throttle import Reservation
from tests.fakes import FakeAuditLog, FakeCaseStore, FakeDeliveries, FakeSessionStore

_numbers = itertools.count(1)
LEASE = timedelta(minutes=2)


def now() -> datetime:
    # Whole milliseconds: what the real store keeps.
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@dataclass
class Stores:
    cases: Any
    sessions: Any
    audit_log: Any
    deliveries: Any


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request) -> Stores:
    if request.param == "fake":
        cases = FakeCaseStore()
        return Stores(cases, FakeSessionStore(cases), FakeAuditLog(), FakeDeliveries(cases))
    request.getfixturevalue("aws")
    from chalicelib import bootstrap

    services = bootstrap.services()
    return Stores(services.cases, services.sessions, services.audit_log, services.deliveries)


def audit(event: str = "test") -> AuditRecord:
    return AuditRecord(at=now(), action="alteration", event=event, actor="officer:test",
                       record_id=secrets.token_hex(8))


def new_case(stores: Stores, contacts: int = 1, invitation_days: float = 14) -> tuple[Case, list[NewContact]]:
    at = now()
    number = f"CT-{secrets.token_hex(3)}-{next(_numbers)}"
    people = [NewContact(Contact(id=secrets.token_hex(8), role="victim", forename="Sam", surname=f"Taylor{i}",
                                 date_of_birth=date(1980, 3, 31), email=f"sam{i}@example.com",
                                 status=ContactStatus.INVITED,
                                 invitation_expires_at=at + timedelta(days=invitation_days)),
                         secrets.token_hex(8))
              for i in range(contacts)]
    case = Case(force="lincs", crime_number=number, status=CaseStatus.INVESTIGATING, officer_name="PC Morgan",
                officer_email="pc@police.example", created_at=at, contacts=tuple(p.contact for p in people))
    stores.cases.create_case(case, created_by="officer:test", contacts=people, audit=audit("case_created"))
    return case, people


def update(reference: str | None = None, at: datetime | None = None) -> Update:
    return Update(id=secrets.token_hex(8), type="progress_update", text="An update.", officer_name="PC Morgan",
                  posted_at=at or now(), client_reference=reference)


def post(stores: Stores, case: Case, item: Update, **kwargs: Any) -> tuple[Update, bool]:
    fields = {"new_status": None, "closed_at": None, "expires_at": None, "next_due": None, **kwargs}
    as_read = stores.cases.case_with_contacts(case.key) or case
    return stores.cases.post_update(as_read, item, "officer:test", audit=audit("update_posted"), **fields)


def registered_case(stores: Stores) -> tuple[Case, Contact]:
    case, (person,) = new_case(stores)
    stores.cases.register(stores.cases.invitation(person.invitation_id), "hash-1", now(), audit())
    return case, stores.cases.case(case.key).contact(person.contact.id)


# -- cases -----------------------------------------------------------------------------


def test_a_created_case_reads_back_with_its_invited_contacts(stores):
    case, people = new_case(stores, contacts=2)
    read = stores.cases.case(case.key)
    assert (read.crime_number, read.status, read.updates) == (case.crime_number, CaseStatus.INVESTIGATING, ())
    assert {(c.id, c.status, c.invitation_id) for c in read.contacts} == {
        (p.contact.id, ContactStatus.INVITED, p.invitation_id) for p in people}


def test_a_second_case_with_the_same_crime_number_is_a_conflict(stores):
    case, _ = new_case(stores)
    with pytest.raises(Conflict):
        stores.cases.create_case(case, created_by="officer:other", contacts=[], audit=audit())


def test_each_new_contact_has_a_usable_invitation(stores):
    case, (person,) = new_case(stores)
    invitation = stores.cases.invitation(person.invitation_id)
    assert (invitation.case_key, invitation.contact_id, invitation.email) == (
        case.key, person.contact.id, person.contact.email)
    assert invitation.is_usable(now()) and invitation.failed_attempts == 0


def test_the_contacts_view_leaves_out_the_updates(stores):
    case, _ = new_case(stores)
    post(stores, case, update())
    assert len(stores.cases.case(case.key).updates) == 1
    assert stores.cases.case_with_contacts(case.key).updates == ()


def test_unknown_things_read_as_none(stores):
    assert stores.cases.case(case_key("lincs", "NO-SUCH-1")) is None
    assert stores.cases.case_with_contacts(case_key("lincs", "NO-SUCH-1")) is None
    assert stores.cases.invitation("no-such-invitation") is None
    assert stores.cases.reset("no-such-reset") is None


# -- updates -------------------------------------------------------------------------------


def test_updates_read_newest_first_and_move_the_status(stores):
    case, _ = new_case(stores)
    first, second = update(at=now() - timedelta(minutes=1)), update()
    assert post(stores, case, first) == (first, True)
    post(stores, case, second, new_status=CaseStatus.CHARGED)
    read = stores.cases.case(case.key)
    assert [u.id for u in read.updates] == [second.id, first.id]
    assert read.status == CaseStatus.CHARGED


def test_an_update_to_a_missing_case_fails_its_condition(stores):
    with pytest.raises(ConditionFailed):
        missing = Case(force="lincs", crime_number="NO-SUCH-2", status=CaseStatus.INVESTIGATING,
                       officer_name="PC Morgan", officer_email="pc@police.example", created_at=now())
        stores.cases.post_update(missing, update(), "officer:test", None, None, None, None, audit())


def test_an_update_to_an_expired_case_fails_its_condition(stores):
    case, _ = new_case(stores)
    closed = now()
    post(stores, case, update(at=closed), new_status=CaseStatus.CLOSED, closed_at=closed,
         expires_at=closed + timedelta(days=1))
    with pytest.raises(ConditionFailed):
        post(stores, case, update(at=closed + timedelta(days=1)))
    post(stores, case, update(at=closed + timedelta(hours=23)))  # the day before: still served


def test_closing_sets_the_expiry_and_reopening_clears_it(stores):
    case, _ = new_case(stores)
    closed = now()
    post(stores, case, update(at=closed), new_status=CaseStatus.CLOSED, closed_at=closed,
         expires_at=closed + timedelta(days=30))
    assert stores.cases.case(case.key).expires_at == closed + timedelta(days=30)
    post(stores, case, update(), new_status=CaseStatus.INVESTIGATING)
    reopened = stores.cases.case(case.key)
    assert (reopened.status, reopened.closed_at, reopened.expires_at) == (CaseStatus.INVESTIGATING, None, None)


def test_the_same_client_reference_answers_the_first_update_and_stores_nothing(stores):
    case, _ = new_case(stores)
    first, created = post(stores, case, update("rms-1"))
    again, created_again = post(stores, case, update("rms-1"))
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert [u.id for u in stores.cases.case(case.key).updates] == [first.id]
    assert stores.cases.update_by_reference(case.key, "rms-1").id == first.id
    assert stores.cases.update_by_reference(case.key, "rms-2") is None


# -- registration --------------------------------------------------------------------------


def test_registering_uses_the_invitation_and_registers_the_contact(stores):
    _, contact = registered_case(stores)
    assert contact.status == ContactStatus.REGISTERED and contact.password_hash == "hash-1"
    assert not stores.cases.invitation(contact.invitation_id).is_usable(now())


def test_a_used_invitation_fails_its_condition(stores):
    case, contact = registered_case(stores)
    with pytest.raises(ConditionFailed):
        stores.cases.register(stores.cases.invitation(contact.invitation_id), "hash-2", now(), audit())
    assert stores.cases.case(case.key).contact(contact.id).password_hash == "hash-1"


def test_an_expired_invitation_fails_its_condition(stores):
    case, (person,) = new_case(stores, invitation_days=1)
    with pytest.raises(ConditionFailed):
        stores.cases.register(stores.cases.invitation(person.invitation_id), "hash", now() + timedelta(days=1),
                              audit())
    assert stores.cases.case(case.key).contact(person.contact.id).status == ContactStatus.INVITED


def _stored_contact(stores: Stores, case: Case, contact_id: str) -> Contact:
    return stores.cases.case(case.key).contact(contact_id)


def test_a_replaced_invitation_fails_its_condition_and_stops_being_usable(stores):
    case, (person,) = new_case(stores)
    old = stores.cases.invitation(person.invitation_id)
    stores.cases.reissue_invitation(case.key, _stored_contact(stores, case, person.contact.id), secrets.token_hex(8),
                                    "lincs", "new@example.com", now() + timedelta(days=14), now(), audit())
    with pytest.raises(ConditionFailed):
        stores.cases.register(old, "hash", now(), audit())
    assert stores.cases.case(case.key).contact(person.contact.id).status == ContactStatus.INVITED
    assert not stores.cases.invitation(old.id).is_usable(now() + timedelta(seconds=1))
    assert stores.cases.reserve_invitation_attempt(old.id, 5, now() + timedelta(seconds=1)) is None


def test_reissuing_replaces_the_invitation_and_the_address(stores):
    case, (person,) = new_case(stores)
    new_id, expires = secrets.token_hex(8), now() + timedelta(days=14)
    stores.cases.reissue_invitation(case.key, _stored_contact(stores, case, person.contact.id), new_id, "lincs",
                                    "new@example.com", expires, now(), audit())
    contact = stores.cases.case(case.key).contact(person.contact.id)
    assert (contact.invitation_id, contact.invitation_expires_at, contact.email) == (
        new_id, expires, "new@example.com")
    assert stores.cases.invitation(new_id).email == "new@example.com"
    stores.cases.register(stores.cases.invitation(new_id), "hash", now(), audit())


def test_two_reissues_of_the_same_invitation_one_wins(stores):
    case, (person,) = new_case(stores)
    as_read = _stored_contact(stores, case, person.contact.id)
    first, second = secrets.token_hex(8), secrets.token_hex(8)
    expires = now() + timedelta(days=14)
    stores.cases.reissue_invitation(case.key, as_read, first, "lincs", "a@example.com", expires, now(), audit())
    with pytest.raises(ConditionFailed):
        stores.cases.reissue_invitation(case.key, as_read, second, "lincs", "b@example.com", expires, now(), audit())
    assert stores.cases.invitation(second) is None
    assert _stored_contact(stores, case, person.contact.id).invitation_id == first


def test_no_invitation_is_reissued_to_a_registered_contact(stores):
    case, contact = registered_case(stores)
    new_id = secrets.token_hex(8)
    with pytest.raises(ConditionFailed):
        stores.cases.reissue_invitation(case.key, contact, new_id, "lincs", "x@example.com",
                                        now() + timedelta(days=14), now(), audit())
    assert stores.cases.invitation(new_id) is None


def test_date_of_birth_guesses_are_reserved_up_to_the_limit(stores):
    _, (person,) = new_case(stores)
    at = now()
    assert [stores.cases.reserve_invitation_attempt(person.invitation_id, 3, at) for _ in range(4)] == [1, 2, 3, None]
    stores.cases.release_invitation_attempt(person.invitation_id)
    assert stores.cases.reserve_invitation_attempt(person.invitation_id, 3, at) == 3
    stores.cases.spend_invitation(person.invitation_id)
    assert not stores.cases.invitation(person.invitation_id).is_usable(at)
    assert stores.cases.reserve_invitation_attempt("no-such-invitation", 3, at) is None


def test_registering_gives_its_reserved_guess_back(stores):
    _, (person,) = new_case(stores)
    stores.cases.reserve_invitation_attempt(person.invitation_id, 5, now())
    stores.cases.register(stores.cases.invitation(person.invitation_id), "hash", now(), audit())
    assert stores.cases.invitation(person.invitation_id).failed_attempts == 0


# -- passwords, resets, sessions' end --------------------------------------------------------


def test_a_reset_sets_the_password_and_ends_sessions_once(stores):
    case, contact = registered_case(stores)
    reset_id, at = secrets.token_hex(8), now()
    stores.cases.create_reset(reset_id, case.key, contact, "lincs", at + timedelta(hours=1))
    reset = stores.cases.reset(reset_id)
    assert reset.is_usable(at) and reset.email == contact.email
    stores.cases.complete_reset(reset, "hash-2", at, audit())
    after = stores.cases.case(case.key).contact(contact.id)
    assert (after.password_hash, after.credential_version) == ("hash-2", contact.credential_version + 1)
    with pytest.raises(ConditionFailed):
        stores.cases.complete_reset(reset, "hash-3", at, audit())


def test_a_new_password_or_a_sign_out_ends_every_older_reset_link(stores):
    case, contact = registered_case(stores)
    at = now()
    older, newer, before_change, before_sign_out = (secrets.token_hex(8) for _ in range(4))
    for reset_id in (older, newer):
        stores.cases.create_reset(reset_id, case.key, contact, "lincs", at + timedelta(hours=1))
    stores.cases.complete_reset(stores.cases.reset(newer), "hash-2", at, audit())
    with pytest.raises(ConditionFailed):
        stores.cases.complete_reset(stores.cases.reset(older), "hash-3", at, audit())
    contact = _stored_contact(stores, case, contact.id)
    stores.cases.create_reset(before_change, case.key, contact, "lincs", at + timedelta(hours=1))
    stores.cases.change_password(case.key, contact.id, "hash-4", contact.credential_version)
    contact = _stored_contact(stores, case, contact.id)
    stores.cases.create_reset(before_sign_out, case.key, contact, "lincs", at + timedelta(hours=1))
    stores.cases.revoke_sessions(case.key, contact.id)
    for reset_id in (before_change, before_sign_out):
        with pytest.raises(ConditionFailed):
            stores.cases.complete_reset(stores.cases.reset(reset_id), "hash-5", at, audit())
    assert _stored_contact(stores, case, contact.id).password_hash == "hash-4"


def test_an_expired_reset_fails_its_condition(stores):
    case, contact = registered_case(stores)
    reset_id, at = secrets.token_hex(8), now()
    stores.cases.create_reset(reset_id, case.key, contact, "lincs", at + timedelta(hours=1))
    with pytest.raises(ConditionFailed):
        stores.cases.complete_reset(stores.cases.reset(reset_id), "hash-2", at + timedelta(hours=1), audit())
    assert stores.cases.case(case.key).contact(contact.id).password_hash == "hash-1"


def test_a_reset_for_a_contact_who_never_registered_fails_its_condition(stores):
    case, (person,) = new_case(stores)
    reset_id = secrets.token_hex(8)
    stores.cases.create_reset(reset_id, case.key, person.contact, "lincs", now() + timedelta(hours=1))
    with pytest.raises(ConditionFailed):
        stores.cases.complete_reset(stores.cases.reset(reset_id), "hash", now(), audit())


def test_only_a_registered_contact_changes_password(stores):
    case, contact = registered_case(stores)
    stores.cases.change_password(case.key, contact.id, "hash-2", contact.credential_version)
    assert _stored_contact(stores, case, contact.id).credential_version == contact.credential_version + 1
    with pytest.raises(ConditionFailed):  # a change that read the old version loses
        stores.cases.change_password(case.key, contact.id, "hash-3", contact.credential_version)
    assert _stored_contact(stores, case, contact.id).password_hash == "hash-2"
    other, (invited,) = new_case(stores)
    with pytest.raises(ConditionFailed):
        stores.cases.change_password(other.key, invited.contact.id, "hash", 0)


def test_writes_to_a_missing_contact_create_nothing(stores):
    case, contact = registered_case(stores)
    stores.cases.revoke_sessions(case.key, "no-such-contact")
    stores.cases.set_password_hash(case.key, "no-such-contact", "hash")
    assert [c.id for c in stores.cases.case(case.key).contacts] == [contact.id]


def test_erasure_removes_everything_in_the_case(stores):
    case, _ = new_case(stores, contacts=2)
    post(stores, case, update("rms-9"))
    assert stores.cases.erase_case(case.key) >= 4  # the case, two contacts, the update
    assert stores.cases.case(case.key) is None
    assert stores.cases.update_by_reference(case.key, "rms-9") is None
    assert stores.cases.erase_case(case.key) == 0


# -- sessions and counters ---------------------------------------------------------------------


@pytest.fixture
def signed_up(stores: Stores) -> tuple[Contact, Case]:
    case, contact = registered_case(stores)
    return contact, case


def session(at: datetime, idle: timedelta = timedelta(minutes=15), absolute: timedelta = timedelta(hours=4), *,
            of: tuple[Contact, Case]) -> Session:
    contact, case = of
    return Session(key=secrets.token_hex(16), case_key=case.key, contact_id=contact.id, created_at=at,
                   idle_expires_at=at + idle, absolute_expires_at=at + absolute,
                   credential_version=contact.credential_version)


def test_a_live_session_is_extended_by_use(stores, signed_up):
    at = now()
    made = session(at, of=signed_up)
    stores.sessions.create(made)
    touched = stores.sessions.touch(made.key, at + timedelta(minutes=10), timedelta(minutes=15))
    assert touched.idle_expires_at == at + timedelta(minutes=25)
    assert (touched.case_key, touched.contact_id, touched.created_at, touched.credential_version) == (
        made.case_key, made.contact_id, at, made.credential_version)


def test_a_session_is_made_only_under_the_current_credential_version(stores, signed_up):
    contact, case = signed_up
    key, at = f"THROTTLE#contract#{secrets.token_hex(6)}", now()
    expires = at + timedelta(minutes=11)
    stores.sessions.reserve(key, at, expires)
    stale = session(at, of=signed_up)
    stores.cases.revoke_sessions(case.key, contact.id)  # e.g. a reset landed while the password was checked
    with pytest.raises(ConditionFailed):
        stores.sessions.create(stale, give_back=(Reservation(key, expires),))
    assert stores.sessions.touch(stale.key, at, timedelta(minutes=15)) is None
    assert stores.sessions.counters([key])[key].count == 1  # nothing given back either
    invited_case, (invited,) = new_case(stores)
    with pytest.raises(ConditionFailed):
        stores.sessions.create(session(at, of=(invited.contact, invited_case)))


def test_a_session_past_its_idle_or_absolute_end_is_gone(stores, signed_up):
    at, idle = now(), timedelta(minutes=15)
    idle_one, old_one = session(at, of=signed_up), session(at, absolute=timedelta(minutes=20), of=signed_up)
    stores.sessions.create(idle_one)
    stores.sessions.create(old_one)
    assert stores.sessions.touch(idle_one.key, at + idle, idle) is None
    assert stores.sessions.touch(old_one.key, at + timedelta(minutes=10), idle).idle_expires_at == \
        at + timedelta(minutes=20)  # never past the absolute end
    assert stores.sessions.touch(old_one.key, at + timedelta(minutes=20), idle) is None
    assert stores.sessions.touch("no-such-session", at, idle) is None


def test_a_deleted_session_is_gone(stores, signed_up):
    at = now()
    made = session(at, of=signed_up)
    stores.sessions.create(made)
    stores.sessions.delete(made.key)
    assert stores.sessions.touch(made.key, at, timedelta(minutes=15)) is None


def test_counters_count_atomically_and_give_back(stores, signed_up):
    key, at = f"THROTTLE#contract#{secrets.token_hex(6)}", now()
    expires = at + timedelta(minutes=11)
    assert [stores.sessions.reserve(key, at, expires) for _ in range(3)] == [1, 2, 3]
    assert stores.sessions.add(key, -1, expires) == 2
    stores.sessions.create(session(at, of=signed_up), give_back=(Reservation(key, expires),))
    counters = stores.sessions.counters([key, key + "-unused"])
    assert (counters[key].count, counters[key].last_at) == (1, at)
    assert (counters[key + "-unused"].count, counters[key + "-unused"].last_at) == (0, None)


# -- audit ---------------------------------------------------------------------------------------


def test_the_audit_log_never_writes_over_a_record(stores):
    record = replace(audit("original"), case_key=f"lincs#CT-{secrets.token_hex(3)}")
    stores.audit_log.record(record)
    with pytest.raises(ServiceUnavailable):
        stores.audit_log.record(replace(record, event="forged"))


# -- deliveries ------------------------------------------------------------------------------------


def ref(case: Case, contact_id: str) -> DeliveryRef:
    return DeliveryRef(kind=MessageKind.ALERT, source_id=secrets.token_hex(8), case_key=case.key,
                       contact_id=contact_id, force="lincs")


def test_an_email_is_claimed_once(stores):
    case, contact = registered_case(stores)
    email, at = ref(case, contact.id), now()
    assert stores.deliveries.claim_new(email, at, LEASE) is True
    assert stores.deliveries.claim_new(email, at, LEASE) is False
    assert stores.deliveries.defer_new(email, at) is False
    assert stores.deliveries.status(email) == DeliveryStatus.SENDING


def test_a_claim_runs_out_into_one_retry(stores):
    case, contact = registered_case(stores)
    email, at = ref(case, contact.id), now()
    stores.deliveries.claim_new(email, at, LEASE)
    assert email.key not in {d.key for d in stores.deliveries.due(at, 500)}
    later = at + LEASE
    assert email.key in {d.key for d in stores.deliveries.due(later, 500)}
    claimed = stores.deliveries.claim_due(email.key, later, LEASE)
    assert (claimed.ref, claimed.attempts) == (email, 2)
    assert stores.deliveries.claim_due(email.key, later, LEASE) is None


def test_sent_and_finished_emails_are_never_due_again(stores):
    case, contact = registered_case(stores)
    sent, failed, waiting, at = ref(case, contact.id), ref(case, contact.id), ref(case, contact.id), now()
    for email in (sent, failed, waiting):
        stores.deliveries.claim_new(email, at, LEASE)
    message_id = f"msg-{secrets.token_hex(6)}"
    stores.deliveries.mark_sent(sent, message_id, at)
    stores.deliveries.mark_finished(failed, DeliveryStatus.FAILED, "rejected", at)
    stores.deliveries.mark_retry(waiting, at + timedelta(minutes=5), "throttled", at)
    much_later = at + timedelta(hours=1)
    due = {d.key for d in stores.deliveries.due(much_later, 500)}
    assert waiting.key in due and sent.key not in due and failed.key not in due
    assert stores.deliveries.claim_due(sent.key, much_later, LEASE) is None
    assert stores.deliveries.claim_due(failed.key, much_later, LEASE) is None
    found = stores.deliveries.message(message_id)
    assert (found.key, found.case_key, found.contact_id, found.kind) == (sent.key, case.key, contact.id, "alert")
    assert stores.deliveries.message("no-such-message") is None


def test_a_failing_contact_is_marked_only_if_it_exists(stores):
    case, contact = registered_case(stores)
    assert stores.deliveries.mark_contact_failing(case.key, contact.id, "Emails bounce.") is True
    marked = stores.cases.case(case.key).contact(contact.id)
    assert (marked.alerts_failing, marked.alerts_failing_reason) == (True, "Emails bounce.")
    assert stores.deliveries.mark_contact_failing(case.key, "no-such-contact", "x") is False
    assert [c.id for c in stores.cases.case(case.key).contacts] == [contact.id]


# -- the contact agreement and account changes (issue 14) ------------------------------------


def test_a_contact_recorded_with_only_a_mobile_reads_back_with_it_and_its_invitation_carries_it(stores):
    at = now()
    person = NewContact(Contact(id=secrets.token_hex(8), role="victim", forename="Sam", surname="Mobile",
                                date_of_birth=date(1980, 3, 31), email=None, mobile="+447700900982",
                                safe_contact=True, status=ContactStatus.INVITED,
                                invitation_expires_at=at + timedelta(days=14)), secrets.token_hex(8))
    case = Case(force="lincs", crime_number=f"CT-{secrets.token_hex(3)}-{next(_numbers)}",
                status=CaseStatus.INVESTIGATING, officer_name="PC Morgan", officer_email="pc@police.example",
                created_at=at, contacts=(person.contact,))
    stores.cases.create_case(case, created_by="officer:test", contacts=[person], audit=audit())
    read = stores.cases.case(case.key).contact(person.contact.id)
    assert (read.email, read.mobile, read.safe_contact) == (None, "+447700900982", True)
    invitation = stores.cases.invitation(person.invitation_id)
    assert (invitation.email, invitation.mobile, invitation.channels) == (None, "+447700900982", ("text",))


def test_the_agreement_is_saved_only_while_the_credential_version_is_the_one_read(stores):
    case, contact = registered_case(stores)
    stores.cases.save_contact_agreement(case.key, contact, "email", "21:00-08:00", "en", "blue kettle", True,
                                        audit())
    read = stores.cases.case(case.key).contact(contact.id)
    assert (read.channels, read.quiet_hours, read.phrase, read.safe_contact) == ("email", "21:00-08:00",
                                                                                 "blue kettle", True)
    stores.cases.revoke_sessions(case.key, contact.id)
    with pytest.raises(ConditionFailed):
        stores.cases.save_contact_agreement(case.key, contact, "both", None, "en", None, False, audit())


def test_an_address_change_takes_effect_once_and_only_while_it_is_the_pending_one(stores):
    case, contact = registered_case(stores)
    at = now()
    stores.cases.request_address_change(case.key, contact, "change-1", "lincs", "text", "+447700900555",
                                        at + timedelta(hours=1), audit())
    pending = stores.cases.case(case.key).contact(contact.id)
    assert (pending.pending_change_id, pending.pending_change_address, pending.mobile) == (
        "change-1", "+447700900555", None)
    stores.cases.confirm_address_change(case.key, pending, audit())
    assert stores.cases.case(case.key).contact(contact.id).mobile == "+447700900555"
    with pytest.raises(ConditionFailed):
        stores.cases.confirm_address_change(case.key, pending, audit())


def test_at_most_the_limit_of_tries_at_a_code_are_counted(stores):
    case, contact = registered_case(stores)
    at = now()
    stores.cases.request_address_change(case.key, contact, "change-2", "lincs", "email", "new@example.com",
                                        at + timedelta(hours=1), audit())
    counts = [stores.cases.reserve_change_attempt(case.key, contact.id, "change-2", 3, at) for _ in range(5)]
    assert counts == [1, 2, 3, None, None]
    assert stores.cases.reserve_change_attempt(case.key, contact.id, "other", 3, at) is None
    assert stores.cases.reserve_change_attempt(case.key, contact.id, "change-2", 9, at + timedelta(hours=2)) is None


def test_stopping_ends_sessions_and_marks_the_contact(stores):
    case, contact = registered_case(stores)
    stores.cases.stop(case.key, contact, now(), audit())
    read = stores.cases.case(case.key).contact(contact.id)
    assert read.stopped_at is not None and read.credential_version == contact.credential_version + 1
    with pytest.raises(ConditionFailed):
        stores.cases.stop(case.key, contact, now(), audit())


def test_a_text_delivery_is_its_own_record_and_marks_texts_failing(stores):
    case, contact = registered_case(stores)
    email = DeliveryRef(MessageKind.ALERT, "update-x", case.key, contact.id, "lincs")
    text = DeliveryRef(MessageKind.ALERT, "update-x", case.key, contact.id, "lincs", "text")
    assert stores.deliveries.claim_new(email, now(), LEASE) and stores.deliveries.claim_new(text, now(), LEASE)
    assert not stores.deliveries.claim_new(text, now(), LEASE)
    assert stores.deliveries.mark_contact_failing(case.key, contact.id, "refused", "text")
    read = stores.cases.case(case.key).contact(contact.id)
    assert (read.texts_failing, read.texts_failing_reason, read.alerts_failing) == (True, "refused", False)
