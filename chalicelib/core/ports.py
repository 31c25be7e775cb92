"""Ports: what the use-cases need from the world, as Protocols.

The storage adapters (`chalicelib.storage`) implement them over DynamoDB; the
tests' fakes (`tests/fakes.py`) implement them in memory; one contract suite
(`tests/contract/`) runs against both, so a condition the real store enforces
cannot be missing from the fake. Every write that must not race states its
condition here, in its docstring: that is the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from chalicelib.core.conversation import InboxItem, Message
from chalicelib.core.deliveries import Claimed, DeliveryRef, Due, SentMessage
from chalicelib.core.domain import (
    AuditRecord,
    Case,
    Contact,
    Invitation,
    NewContact,
    NewUpdate,
    PendingErasure,
    Session,
    Update,
)
from chalicelib.core.throttle import CounterStore, Reservation

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


class CaseRepository(Protocol):
    """Cases, contacts, updates, invitations and password resets."""

    def case(self, case_key: str) -> Case | None:
        """The case with its contacts and updates (newest first), or None."""

    def case_with_contacts(self, case_key: str) -> Case | None:
        """The case and its contacts, without updates, or None."""

    def cases_with_contacts(self, case_keys: Sequence[str]) -> list[Case | None]:
        """`case_with_contacts` of each key, in order, read in batches."""

    def timeline(self, case_key: str, contact_id: str, before: str | None = None, limit: int = 20) -> Case | None:
        """A contact's page: the case, its contacts, and at most `limit` of the
        newest items (before the cursor `before`) of the case's updates and
        that contact's conversation, merged newest first; `older_cursor` says
        where the next page starts (None: nothing older). Reads a bounded
        number of items whatever the case holds. InvalidInput (field `before`)
        for a cursor it did not give out; None if there is no case."""

    def case_page(self, case_key: str, before: str | None = None, limit: int = 20) -> Case | None:
        """The officer's page: the case, its contacts, at most `limit` of the
        newest updates (before `before`) with `older_cursor`, and a bounded
        number of each contact's newest messages. InvalidInput as `timeline`."""

    def open_request(self, case_key: str, contact: Contact) -> Message | None:
        """The contact's open update request (read by its key), or None."""

    def invitation(self, invitation_id: str) -> Invitation | None: ...

    def reset(self, reset_id: str) -> Invitation | None: ...

    def update_by_reference(self, case_key: str, client_reference: str) -> Update | None: ...

    def updates_by_reference(self, references: list[tuple[str, str]], now: datetime) -> dict[tuple[str, str], str]:
        """Of these (case key, client reference) pairs, those already posted on a
        case that exists and has not expired by `now`: pair -> update id. One
        batch read of the references and their cases (no update is read)."""

    def create_case(self, case: Case, created_by: str, contacts: list[NewContact], audit: AuditRecord) -> None:
        """The case, its contacts, one invitation each and the audit record, all or
        nothing. Conflict if the force already has a case with that crime number,
        or if anything of an earlier case with it is still there (an erasure
        after retention not yet complete: it must never join the new case)."""

    def post_update(self, case: Case, update: Update, officer_id: str, new_status: str | None,
                    closed_at: datetime | None, expires_at: datetime | None, next_due: date | None,
                    audit: AuditRecord) -> tuple[Update, bool]:
        """Adds the update (moving the case's status, and its next update due by
        `next_due`, or none) with its audit record, all or nothing: (update, True).
        It answers every open update request of `case`'s contacts (as read), and
        lists the update as unread by each registered contact from 7 days on.
        With a client reference used before on the case: the existing update
        and False, recording nothing. ConditionFailed if the case does not
        exist or has expired by the update's time."""

    def post_updates(self, officer_id: str,
                     batches: Sequence[tuple[Case, Sequence[NewUpdate]]]) -> tuple[set[str], set[str]]:
        """Several cases' new updates (each case's in order, none with a client
        reference already used), grouped into as few all-or-nothing writes as
        they fit: each does what `post_update` would do for its updates in
        turn. Returns (written, uncertain): the ids of the updates written, and
        of those whose write failed for a reason that does not rule out that it
        landed (never post those again). Any other update was not written (a
        reference used meanwhile, a case gone): post those one by one."""

    def add_contact_message(self, case: Case, message: Message, now: datetime, audit: AuditRecord) -> bool:
        """A contact's message or update request, on the officers' inbox (at its
        earliest if already waiting), with its audit record, together. An update
        request becomes the contact's open one on condition that none is open:
        False, writing nothing, if one is. ConditionFailed if the case is gone or
        expired or the contact not registered."""

    def add_officer_reply(self, case: Case, message: Message, officer_id: str, now: datetime,
                          audit: AuditRecord) -> tuple[Message, bool]:
        """The officer's reply to one contact, answering whatever they wait for (off
        the inbox), with its audit record, together: (reply, True). With a client
        reference used before on the case: the existing reply and False, writing
        nothing. ConditionFailed if the case is gone or expired or the contact
        not on it."""

    def reply_by_reference(self, case_key: str, client_reference: str) -> Message | None: ...

    def mark_read(self, case: Case, reader: str, contact_id: str, read_updates_through: datetime | None,
                  messages: list[Message], now: datetime, audit: AuditRecord) -> None:
        """What a reader has now seen, with the read's audit record, in one write:
        `messages` read now; for a contact, the updates through
        `read_updates_through` (off the inbox as unread) and when they last read."""

    def inbox(self, force: str, now: datetime, officer_id: str | None, since: datetime | None,
              cursor: dict[str, Any] | None, limit: int) -> tuple[list[InboxItem], dict[str, Any] | None]:
        """What has come due by `now` on the force's cases (from `since`, after
        `cursor`), oldest first, at most `limit`; with `officer_id`, only that
        officer's cases. Returns the items and where to go on from, or None."""

    def register(self, invitation: Invitation, password_hash: str, now: datetime, audit: AuditRecord) -> None:
        """Uses the invitation (giving back the guess reserved for this attempt),
        sets the contact's password and status and moves its credential version
        on, with the audit record, together. ConditionFailed, changing nothing,
        if the invitation is used, expired or gone, or is no longer the
        contact's current one (replaced by a new invitation)."""

    def reissue_invitation(self, case_key: str, contact: Contact, invitation_id: str, force: str,
                           email: str | None, expires_at: datetime, now: datetime, audit: AuditRecord,
                           mobile: str | None = None, language: str | None = None) -> None:
        """A new invitation replacing the one `contact` holds as read (which, if
        still live, expires `now`), with the address it goes to (and the
        contact's language, when given) and the audit record, together.
        ConditionFailed, changing nothing, if the contact is gone or has
        registered, or its invitation is no longer the one read
        (a concurrent reissue won)."""

    def reserve_invitation_attempt(self, invitation_id: str, limit: int, now: datetime) -> int | None:
        """Atomically counts one date-of-birth guess against a usable invitation
        while fewer than `limit` are counted, and returns the new count; None,
        counting nothing, if no guess is left or the invitation is used,
        expired or gone. However many race, at most `limit` succeed."""

    def release_invitation_attempt(self, invitation_id: str) -> None:
        """Gives one reserved guess back (it named the right date)."""

    def spend_invitation(self, invitation_id: str) -> None:
        """The invitation stops being usable (its last guess was wrong)."""

    def create_reset(self, reset_id: str, case_key: str, contact: Contact, force: str,
                     expires_at: datetime) -> None:
        """A reset link for `contact`, carrying its credential version as read."""

    def complete_reset(self, reset: Invitation, password_hash: str, now: datetime, audit: AuditRecord) -> None:
        """Uses the reset, sets the password and moves the credential version on
        (ending every session and every other reset link), with the audit
        record, together. ConditionFailed, changing nothing, if the reset is
        used, expired or gone, the contact is not registered, or its
        credential version is no longer the reset's."""

    def erase_case(self, case_key: str) -> int:
        """Deletes everything left in the case; returns how many items it deleted."""

    def set_password_hash(self, case_key: str, contact_id: str, password_hash: str) -> None: ...

    def change_password(self, case_key: str, contact_id: str, password_hash: str, version: int) -> None:
        """Sets a registered contact's password and moves the credential version
        on (every session and reset link ends), together, if it is still
        `version`. ConditionFailed, changing nothing, otherwise."""

    def revoke_sessions(self, case_key: str, contact_id: str) -> None:
        """Moves the contact's credential version on: every session and reset link ends."""

    # -- the contact agreement and account changes (issue 14) --

    def save_contact_agreement(self, case_key: str, contact: Contact, channels: str, quiet_hours: str | None,
                               language: str, phrase: str | None, safe_contact: bool, audit: AuditRecord) -> None:
        """Replaces a registered contact's agreement and clears `stopped_at`,
        with the audit record, together. ConditionFailed, changing nothing, if
        the contact is not registered or its credential version is no longer
        `contact`'s."""

    def set_safe_contact(self, case_key: str, contact_id: str, safe_contact: bool, audit: AuditRecord) -> None:
        """The officer's safe-contact mark, with the audit record. ConditionFailed if the contact is gone."""

    def request_address_change(self, case_key: str, contact: Contact, change_id: str, force: str, channel: str,
                               address: str, expires_at: datetime, audit: AuditRecord) -> None:
        """The contact's pending change (replacing any before it, tries at 0) and
        a change record naming the new and old address (the sender's), with the
        audit record, together. ConditionFailed, changing nothing, if the
        contact is not registered or its credential version is not `contact`'s."""

    def reserve_change_attempt(self, case_key: str, contact_id: str, change_id: str, limit: int,
                               now: datetime) -> int | None:
        """Atomically counts one try at the code of `change_id` while it is the
        contact's pending change, unexpired by `now`, with fewer than `limit`
        tries; returns the new count, or None, counting nothing."""

    def confirm_address_change(self, case_key: str, contact: Contact, audit: AuditRecord) -> None:
        """`contact`'s pending change takes effect (its channel's failure mark
        cleared, the pending change gone), with the audit record, together.
        ConditionFailed, changing nothing, if it is no longer the pending change."""

    def drop_address_change(self, case_key: str, contact_id: str, change_id: str) -> None:
        """Ends the pending change if it is still `change_id`."""

    def stop(self, case_key: str, contact: Contact, now: datetime, audit: AuditRecord) -> None:
        """The contact stops using the service: `stopped_at` set, every session
        ends (credential version moves on), pending change gone, with the audit
        record. ConditionFailed if the credential version is no longer `contact`'s."""


class SessionRepository(CounterStore, Protocol):
    """Victims' sessions, and the throttling counters kept beside them."""

    def create(self, session: Session, give_back: Sequence[Reservation] = ()) -> None:
        """Stores the session if its contact is registered and the contact's
        credential version is still the session's; returns the `give_back`
        throttling reservations in the same write. ConditionFailed,
        changing nothing, otherwise."""

    def touch(self, key: str, now: datetime, idle: timedelta, *,
              not_within: timedelta | None = None) -> Session | None:
        """Extends a live session's idle expiry and returns it; None if it does not
        exist or has expired, idle or absolute. With `not_within`, only a session
        last extended at least that long ago is extended: ConditionFailed,
        changing nothing, if it was extended more recently."""

    def delete(self, key: str) -> None: ...

    def put_decoy(self, decoy_id: str, expires_at: datetime) -> None:
        """Writes what `CaseRepository.create_reset` writes, with the same kind
        of call, where nothing reads it (removed after `expires_at`): a reset
        request for no account then costs what one for an account costs."""


class PendingErasures(Protocol):
    """Cases whose erasure after retention failed, to be tried again until done."""

    def add(self, case_key: str, now: datetime) -> None:
        """Records the case as waiting, due now (again: no second record)."""

    def due(self, now: datetime, limit: int) -> list[PendingErasure]:
        """Waiting erasures whose next attempt is due, oldest first."""

    def retry_later(self, case_key: str, attempts: int, next_attempt: datetime, reason: str) -> None: ...

    def done(self, case_key: str) -> None: ...


class AuditLog(Protocol):
    def record(self, record: AuditRecord) -> None:
        """Appends the record, never over another: a record with the same time and
        id (a collision of 128-bit ids is never legitimate) is refused with
        ServiceUnavailable."""


class DeliveryRepository(Protocol):
    """Delivery records: each email claimed before it is sent, exactly once."""

    def claim_new(self, ref: DeliveryRef, now: datetime, lease: timedelta) -> bool:
        """True if this caller now owns the first attempt; False if any record of
        this email exists. The claim runs out into a retry after `lease`."""

    def defer_new(self, ref: DeliveryRef, now: datetime) -> bool:
        """Leaves a new email to the scheduled retry, due now. False if any record
        of it exists."""

    def due(self, now: datetime, limit: int) -> list[Due]:
        """Unfinished deliveries whose next attempt is due, oldest first."""

    def claim_due(self, key: str, now: datetime, lease: timedelta) -> Claimed | None:
        """Takes over a due delivery, counting a round; None if it is finished,
        not due, or another worker took it first."""

    def mark_sent(self, ref: DeliveryRef, message_id: str, now: datetime, audit: AuditRecord | None = None) -> None:
        """The email went: with `audit` (its disclosure record) in the same write."""

    def mark_retry(self, ref: DeliveryRef, next_attempt: datetime, reason: str, now: datetime) -> None: ...

    def mark_finished(self, ref: DeliveryRef, status: str, reason: str, now: datetime) -> None:
        """`failed` or `cancelled`: never due again."""

    def status(self, ref: DeliveryRef) -> str | None: ...

    def message(self, message_id: str) -> SentMessage | None:
        """The sent email with this provider message id, or None."""

    def mark_contact_failing(self, case_key: str, contact_id: str, reason: str, channel: str = "email") -> bool:
        """Shown to the officer as the contact's status (`alerts_failing` for
        email, `texts_failing` for text); False if the contact is gone."""
