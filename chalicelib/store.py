"""The one place that talks to DynamoDB. Returns domain objects; turns pynamodb
and botocore failures into domain errors (`raise ... from exc`).

Every request path reads by key or by query on a key; there is no Scan.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from botocore.exceptions import BotoCoreError
from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DoesNotExist,
    PynamoDBException,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings
from chalicelib.domain import Case, Contact, Update, iso, name_key
from chalicelib.errors import Conflict, DomainError, ServiceUnavailable
from chalicelib.models import (
    CASE_SK,
    CONTACT_PREFIX,
    INVITATION_SK,
    RESET_SK,
    UPDATE_PREFIX,
    UPDATE_REF_PREFIX,
    AuditItem,
    CaseItem,
    CasesTableItem,
    ContactItem,
    CounterItem,
    InvitationItem,
    ResetItem,
    SessionItem,
    UpdateItem,
    UpdateRefItem,
    case_pk,
    invitation_pk,
    reset_pk,
)
from chalicelib.throttle import Counter, Reservation


class ConditionFailed(DomainError):
    """A conditional write lost a race or found the item in the wrong state."""

    code = "conflict"


@contextlib.contextmanager
def dynamodb_errors() -> Iterator[None]:
    try:
        yield
    except DomainError:
        raise
    except (PynamoDBException, BotoCoreError) as exc:
        raise ServiceUnavailable() from exc


def conditional_check_failed(exc: PynamoDBException) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Invitation:
    id: str
    case_key: str
    contact_id: str
    force: str
    email: str
    expires_at: datetime
    used_at: datetime | None
    failed_attempts: int


@dataclass(frozen=True)
class Session:
    key: str
    case_key: str
    contact_id: str
    created_at: datetime
    idle_expires_at: datetime
    absolute_expires_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    """One audit record. A change's record is written in the change's own
    transaction, so the record exists if and only if the change happened."""

    at: datetime
    action: str
    event: str
    actor: str
    record_id: str
    force: str | None = None
    case_key: str | None = None
    subject: str | None = None

    def item(self) -> AuditItem:
        partition = f"CASE#{self.case_key}" if self.case_key else f"ACTOR#{self.actor}"
        return AuditItem(partition, f"{iso(self.at)}#{self.record_id}", at=self.at, action=self.action,
                         event=self.event, actor=self.actor, force=self.force, case=self.case_key,
                         subject=self.subject)


AUDIT_PUT_CONDITION = AuditItem.pk.does_not_exist()  # append-only: never over another record

# Invitations and resets stay a day past their expiry (for a clear "expired"
# answer and the email sender's checks); then DynamoDB's TTL removes them.
KEPT_AFTER_EXPIRY = timedelta(days=1)


def _invitation_item(invitation_id: str, pk: str, contact_id: str, force: str, email: str,
                     expires_at: datetime) -> InvitationItem:
    return InvitationItem(invitation_pk(invitation_id), INVITATION_SK, case_pk=pk, contact_id=contact_id,
                          force=force, email=email, expires_at=expires_at, failed_attempts=0,
                          ttl=expires_at + KEPT_AFTER_EXPIRY)


@dataclass(frozen=True)
class NewContact:
    contact: Contact
    invitation_id: str


def _to_contact(item: ContactItem) -> Contact:
    return Contact(
        id=item.contact_id,
        role=item.role,
        forename=item.forename,
        surname=item.surname,
        date_of_birth=date.fromisoformat(item.date_of_birth),
        email=item.email,
        status=item.status,
        invitation_id=item.invitation_id,
        invitation_expires_at=item.invitation_expires_at,
        password_hash=item.password_hash,
        registered_at=item.registered_at,
        sessions_revoked_at=item.sessions_revoked_at,
        alerts_failing=bool(item.alerts_failing),
        alerts_failing_reason=item.alerts_failing_reason,
    )


def _to_update(item: UpdateItem) -> Update:
    return Update(
        id=item.update_id,
        type=item.type,
        text=item.text,
        officer_name=item.officer_name,
        posted_at=item.posted_at,
        client_reference=item.client_reference,
    )


def _to_invitation(item: InvitationItem | ResetItem) -> Invitation:
    return Invitation(
        id=item.pk.split("#", 1)[1],
        case_key=item.case_pk.removeprefix("CASE#"),
        contact_id=item.contact_id,
        force=item.force,
        email=item.email,
        expires_at=item.expires_at,
        used_at=item.used_at,
        failed_attempts=int(getattr(item, "failed_attempts", 0) or 0),
    )


def _assemble(items: list[CasesTableItem]) -> Case | None:
    case_item = next((i for i in items if isinstance(i, CaseItem)), None)
    if case_item is None:
        return None
    contacts = tuple(_to_contact(i) for i in items if isinstance(i, ContactItem))
    updates = tuple(sorted((_to_update(i) for i in items if isinstance(i, UpdateItem)),
                           key=lambda u: (u.posted_at, u.id), reverse=True))
    return Case(
        force=case_item.force,
        crime_number=case_item.crime_number,
        status=case_item.status,
        officer_name=case_item.officer_name,
        officer_email=case_item.officer_email,
        created_at=case_item.created_at,
        closed_at=case_item.closed_at,
        expires_at=case_item.expires_at,
        contacts=contacts,
        updates=updates,
    )


def _contact_sk(contact_id: str) -> str:
    return f"{CONTACT_PREFIX}{contact_id}"


class CaseStore:
    """Cases, contacts, updates, invitations and password resets."""

    def __init__(self, settings: Settings):
        self._settings = settings

    @functools.cached_property
    def _connection(self) -> Connection:
        return Connection(region=self._settings.region, host=self._settings.dynamodb_endpoint)

    # -- reads -----------------------------------------------------------------

    def case(self, case_key: str) -> Case | None:
        """The whole case partition in one query (paged past 1 MB)."""
        with dynamodb_errors():
            return _assemble(list(CasesTableItem.query(case_pk(case_key))))

    def case_with_contacts(self, case_key: str) -> Case | None:
        """The case and its contacts, without its updates: one query, because
        `CASE` sorts just before `CONTACT#...`."""
        with dynamodb_errors():
            items = CasesTableItem.query(
                case_pk(case_key),
                CasesTableItem.sk.between(CASE_SK, CONTACT_PREFIX + "\uffff"),
            )
            return _assemble(list(items))

    def invitation(self, invitation_id: str) -> Invitation | None:
        with dynamodb_errors():
            try:
                return _to_invitation(InvitationItem.get(invitation_pk(invitation_id), INVITATION_SK))
            except DoesNotExist:
                return None

    def reset(self, reset_id: str) -> Invitation | None:
        with dynamodb_errors():
            try:
                return _to_invitation(ResetItem.get(reset_pk(reset_id), RESET_SK))
            except DoesNotExist:
                return None

    def update_by_reference(self, case_key: str, client_reference: str) -> Update | None:
        with dynamodb_errors():
            try:
                ref = UpdateRefItem.get(case_pk(case_key), UPDATE_REF_PREFIX + client_reference)
                return _to_update(UpdateItem.get(case_pk(case_key), ref.update_sk))
            except DoesNotExist:
                return None

    # -- writes ----------------------------------------------------------------

    def create_case(self, case: Case, created_by: str, contacts: list[NewContact],
                    audit: AuditRecord) -> None:
        """The case, its contacts, one invitation each and the audit record, all
        or nothing. Raises Conflict if a case with that crime number exists in
        the force."""
        pk = case_pk(case.key)
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.save(CaseItem(
                        pk, CASE_SK,
                        force=case.force,
                        crime_number=case.crime_number,
                        status=case.status,
                        officer_name=case.officer_name,
                        officer_email=case.officer_email,
                        created_by=created_by,
                        created_at=case.created_at,
                        updated_at=case.created_at,
                    ), condition=CaseItem.pk.does_not_exist())
                    for new in contacts:
                        c = new.contact
                        tx.save(ContactItem(
                            pk, _contact_sk(c.id),
                            contact_id=c.id,
                            role=c.role,
                            forename=c.forename,
                            surname=c.surname,
                            surname_key=name_key(c.surname),
                            date_of_birth=c.date_of_birth.isoformat(),
                            email=c.email,
                            status="invited",
                            invitation_id=new.invitation_id,
                            invitation_expires_at=c.invitation_expires_at,
                        ))
                        tx.save(_invitation_item(new.invitation_id, pk, c.id, case.force, c.email,
                                                 c.invitation_expires_at))
                    tx.save(audit.item(), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                # Puts only, in order: the case first.
                reasons = exc.cancellation_reasons or []
                if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                    raise Conflict("A case with that crime number already exists.",
                                   {"crimeNumber": "A case with this crime number already exists"}) from exc
                raise

    def post_update(self, case_key: str, update: Update, officer_id: str, force: str,
                    new_status: str | None, closed_at: datetime | None,
                    expires_at: datetime | None, audit: AuditRecord) -> tuple[Update, bool]:
        """Adds the update (and moves the case's status) with its audit record,
        atomically. With a client reference that was used before, returns the
        existing update instead, and records nothing: (update, created)."""
        pk = case_pk(case_key)
        update_sk = f"{UPDATE_PREFIX}{iso(update.posted_at)}#{update.id}"
        case_actions = [CaseItem.updated_at.set(update.posted_at)]
        if new_status:
            case_actions.append(CaseItem.status.set(new_status))
            if closed_at is not None:
                case_actions += [CaseItem.closed_at.set(closed_at),
                                 CaseItem.expires_at.set(expires_at),
                                 CaseItem.ttl.set(expires_at)]
            else:
                case_actions += [CaseItem.closed_at.remove(), CaseItem.expires_at.remove(),
                                 CaseItem.ttl.remove()]
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    # An expired case is gone, even before TTL deletes it: no
                    # update, and no reopening that would serve it again.
                    tx.update(CaseItem(pk, CASE_SK), actions=case_actions,
                              condition=CaseItem.pk.exists() & (
                                  CaseItem.expires_at.does_not_exist()
                                  | (CaseItem.expires_at > update.posted_at)))
                    tx.save(UpdateItem(
                        pk, update_sk,
                        update_id=update.id,
                        force=force,
                        type=update.type,
                        text=update.text,
                        officer_name=update.officer_name,
                        officer_id=officer_id,
                        posted_at=update.posted_at,
                        client_reference=update.client_reference,
                    ), condition=UpdateItem.pk.does_not_exist())
                    if update.client_reference:
                        tx.save(UpdateRefItem(pk, UPDATE_REF_PREFIX + update.client_reference,
                                              update_sk=update_sk),
                                condition=UpdateRefItem.pk.does_not_exist())
                    tx.save(audit.item(), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                # pynamodb sends puts before updates: [update, (reference), audit, case].
                codes = [r.code if r else None for r in exc.cancellation_reasons or []]
                if codes and codes[-1] == "ConditionalCheckFailed":
                    raise ConditionFailed("The case does not exist.") from exc
                if update.client_reference and len(codes) == 4 and codes[1] == "ConditionalCheckFailed":
                    existing = self.update_by_reference(case_key, update.client_reference)
                    if existing is not None:
                        return existing, False
                raise
        return update, True

    def register(self, invitation: Invitation, password_hash: str, now: datetime,
                 audit: AuditRecord) -> None:
        """Uses the invitation and sets the contact's password, with the audit
        record, together. Exactly one of two racing registrations wins; the
        other gets ConditionFailed."""
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(
                        InvitationItem(invitation_pk(invitation.id), INVITATION_SK),
                        actions=[InvitationItem.used_at.set(now)],
                        condition=(InvitationItem.pk.exists()
                                   & InvitationItem.used_at.does_not_exist()
                                   & (InvitationItem.expires_at > now)),
                    )
                    tx.update(
                        ContactItem(case_pk(invitation.case_key), _contact_sk(invitation.contact_id)),
                        actions=[ContactItem.password_hash.set(password_hash),
                                 ContactItem.status.set("registered"),
                                 ContactItem.registered_at.set(now)],
                        condition=(ContactItem.invitation_id == invitation.id),
                    )
                    tx.save(audit.item(), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The invitation has been used.") from exc
                raise

    def reissue_invitation(self, case_key: str, contact_id: str, invitation_id: str, force: str,
                           email: str, expires_at: datetime, audit: AuditRecord) -> None:
        """A new invitation for a contact who has not registered, replacing the
        last one (registration checks the contact's current invitation id), with
        the address it goes to (corrected or not) and the audit record, all
        together. ConditionFailed if the contact has registered meanwhile."""
        pk = case_pk(case_key)
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(ContactItem(pk, _contact_sk(contact_id)),
                              actions=[ContactItem.invitation_id.set(invitation_id),
                                       ContactItem.invitation_expires_at.set(expires_at),
                                       ContactItem.email.set(email),
                                       ContactItem.alerts_failing.remove(),
                                       ContactItem.alerts_failing_reason.remove()],
                              condition=ContactItem.pk.exists() & (ContactItem.status == "invited"))
                    tx.save(_invitation_item(invitation_id, pk, contact_id, force, email, expires_at),
                            condition=InvitationItem.pk.does_not_exist())
                    tx.save(audit.item(), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The contact has registered.") from exc
                raise

    def count_failed_invitation_attempt(self, invitation_id: str, limit: int) -> int:
        """Counts a wrong date of birth against an invitation; at the limit the
        invitation is spent, so a stolen link cannot be used to guess."""
        with dynamodb_errors():
            item = InvitationItem(invitation_pk(invitation_id), INVITATION_SK)
            try:
                item.update(actions=[InvitationItem.failed_attempts.add(1)],
                            condition=InvitationItem.pk.exists())
            except UpdateError as exc:
                if conditional_check_failed(exc):
                    return 0
                raise
            attempts = int(item.failed_attempts)
            if attempts >= limit:
                item.update(actions=[InvitationItem.expires_at.set(datetime.fromtimestamp(0).astimezone())])
            return attempts

    def create_reset(self, reset_id: str, case_key: str, contact: Contact, force: str,
                     expires_at: datetime) -> None:
        with dynamodb_errors():
            ResetItem(reset_pk(reset_id), RESET_SK, case_pk=case_pk(case_key),
                      contact_id=contact.id, force=force, email=contact.email,
                      expires_at=expires_at, ttl=expires_at + KEPT_AFTER_EXPIRY).save(
                condition=ResetItem.pk.does_not_exist())

    def complete_reset(self, reset: Invitation, password_hash: str, now: datetime,
                       audit: AuditRecord) -> None:
        """Uses the reset, sets the password, ends every session and records it,
        together."""
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(ResetItem(reset_pk(reset.id), RESET_SK),
                              actions=[ResetItem.used_at.set(now)],
                              condition=(ResetItem.pk.exists()
                                         & ResetItem.used_at.does_not_exist()
                                         & (ResetItem.expires_at > now)))
                    tx.update(ContactItem(case_pk(reset.case_key), _contact_sk(reset.contact_id)),
                              actions=[ContactItem.password_hash.set(password_hash),
                                       ContactItem.sessions_revoked_at.set(now)],
                              condition=ContactItem.status == "registered")
                    tx.save(audit.item(), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The reset link has been used.") from exc
                raise

    def erase_case(self, case_key: str) -> int:
        """Deletes every item left in a case's partition (retention); returns how many."""
        with dynamodb_errors():
            keys = [(item.pk, item.sk) for item in
                    CasesTableItem.query(case_pk(case_key), attributes_to_get=["pk", "sk"])]
            with CasesTableItem.batch_write() as batch:
                for pk, sk in keys:
                    batch.delete(CasesTableItem(pk, sk))
        return len(keys)

    def set_password_hash(self, case_key: str, contact_id: str, password_hash: str) -> None:
        with dynamodb_errors():
            ContactItem(case_pk(case_key), _contact_sk(contact_id)).update(
                actions=[ContactItem.password_hash.set(password_hash)])

    def change_password(self, case_key: str, contact_id: str, password_hash: str, now: datetime) -> None:
        """Sets a registered contact's password and ends every session made before `now`, together."""
        with dynamodb_errors():
            ContactItem(case_pk(case_key), _contact_sk(contact_id)).update(
                actions=[ContactItem.password_hash.set(password_hash), ContactItem.sessions_revoked_at.set(now)],
                condition=ContactItem.status == "registered")

    def revoke_sessions(self, case_key: str, contact_id: str, now: datetime) -> None:
        """Every session of the contact made before `now` stops working."""
        with dynamodb_errors():
            ContactItem(case_pk(case_key), _contact_sk(contact_id)).update(
                actions=[ContactItem.sessions_revoked_at.set(now)])


class SessionStore:
    """Sessions and throttling counters."""

    def __init__(self, settings: Settings):
        self._settings = settings

    @functools.cached_property
    def _connection(self) -> Connection:
        return Connection(region=self._settings.region, host=self._settings.dynamodb_endpoint)

    def create(self, session: Session, give_back: Reservation | None = None) -> None:
        """Puts the session; with `give_back`, also returns a throttling
        reservation, in one transaction (one round trip, both or neither)."""
        item = SessionItem(
            f"SESSION#{session.key}",
            case_pk=case_pk(session.case_key),
            contact_id=session.contact_id,
            created_at=session.created_at,
            idle_expires_at=session.idle_expires_at,
            absolute_expires_at=session.absolute_expires_at,
            ttl=session.absolute_expires_at,
        )
        with dynamodb_errors():
            if give_back is None:
                item.save()
                return
            with TransactWrite(connection=self._connection) as tx:
                tx.save(item)
                tx.update(CounterItem(give_back.counter),
                          actions=[CounterItem.count.add(-1), CounterItem.ttl.set(give_back.expires_at)])

    def touch(self, key: str, now: datetime, idle: timedelta) -> Session | None:
        """Extends a live session's idle expiry and returns it; None if it does
        not exist or has expired (idle or absolute). One conditional write."""
        item = SessionItem(f"SESSION#{key}")
        with dynamodb_errors():
            try:
                item.update(
                    actions=[SessionItem.idle_expires_at.set(now + idle)],
                    condition=(SessionItem.pk.exists()
                               & (SessionItem.idle_expires_at > now)
                               & (SessionItem.absolute_expires_at > now)),
                )
            except UpdateError as exc:
                if conditional_check_failed(exc):
                    return None
                raise
        return Session(
            key=key,
            case_key=item.case_pk.removeprefix("CASE#"),
            contact_id=item.contact_id,
            created_at=item.created_at,
            idle_expires_at=min(item.idle_expires_at, item.absolute_expires_at),
            absolute_expires_at=item.absolute_expires_at,
        )

    def delete(self, key: str) -> None:
        with dynamodb_errors():
            SessionItem(f"SESSION#{key}").delete()

    def counters(self, keys: list[str]) -> dict[str, Counter]:
        """Several throttling counters (count and last attempt), in one batch read."""
        with dynamodb_errors():
            found = {item.pk: Counter(int(item.count or 0), item.last_at)
                     for item in CounterItem.batch_get(keys)}
        return {k: found.get(k, Counter(0, None)) for k in keys}

    def reserve(self, key: str, now: datetime, expires_at: datetime) -> int:
        """Atomically counts one attempt and notes its time; returns the new count."""
        item = CounterItem(key)
        with dynamodb_errors():
            item.update(actions=[CounterItem.count.add(1), CounterItem.last_at.set(now),
                                 CounterItem.ttl.set(expires_at)])
        return int(item.count)

    def add(self, key: str, delta: int, expires_at: datetime) -> int:
        """Atomically adds `delta` (may be negative) to a counter; returns the new count."""
        item = CounterItem(key)
        with dynamodb_errors():
            item.update(actions=[CounterItem.count.add(delta), CounterItem.ttl.set(expires_at)])
        return int(item.count)


class AuditLog:
    """Append-only: records are put with a condition, never updated or deleted."""

    def record(self, record: AuditRecord) -> None:
        with dynamodb_errors():
            record.item().save(condition=AUDIT_PUT_CONDITION)

