"""Hand-written in-memory stand-ins for the adapters: each implements the same
port as the real one (`chalicelib.core.ports`), conditions included, and
`tests/contract/` runs one suite against both. No AWS, no mocks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from chalicelib.core import paging
from chalicelib.core.conversation import UNREAD_FOR, Author, InboxItem, ItemKind, Message
from chalicelib.core.deliveries import Claimed, DeliveryRef, DeliveryStatus, Due, SentMessage
from chalicelib.core.domain import (
    AuditRecord,
    Case,
    Contact,
    ContactStatus,
    Invitation,
    NewContact,
    NewUpdate,
    PendingErasure,
    Session,
    Update,
    iso,
)
from chalicelib.core.errors import ConditionFailed, Conflict, ServiceUnavailable
from chalicelib.core.throttle import Counter, Reservation
from chalicelib.notify.mailer import Outgoing, SendError

# What the real store does to an invitation at the wrong-guess limit.
_SPENT = datetime.fromtimestamp(0, UTC)


class FakeCaseStore:
    """The CaseRepository in memory. `audit_log` receives the records written
    with a change, as the real store writes them in the change's transaction."""

    def __init__(self, *cases: Case, audit_log: FakeAuditLog | None = None):
        self.audit_log = audit_log
        self.cases: dict[str, Case] = {c.key: c for c in cases}
        self.invitations: dict[str, Invitation] = {}
        self.resets: dict[str, Invitation] = {}
        self.refs: dict[tuple[str, str], Update] = {}
        self.leftovers: set[str] = set()  # cases whose erasure stopped part-way (tests set this)
        self.reply_refs: dict[tuple[str, str], Message] = {}
        # change id -> (case key, contact id, channel, new address, old address, expires): account changes
        self.changes: dict[str, tuple[str, str, str, str, str | None, datetime]] = {}
        # (case key, reason, contact id) -> (due, item, force): the officers' inbox
        self.attention: dict[tuple[str, str, str | None], tuple[datetime, InboxItem, str]] = {}
        self._lock = threading.RLock()

    # -- reads -------------------------------------------------------------------------

    def case(self, key: str) -> Case | None:
        return self.cases.get(key)

    def case_with_contacts(self, key: str) -> Case | None:
        case = self.cases.get(key)
        return replace(case, updates=()) if case else None

    def cases_with_contacts(self, keys: Sequence[str]) -> list[Case | None]:
        return [self.case_with_contacts(key) for key in keys]

    def timeline(self, key: str, contact_id: str, before: str | None = None, limit: int = 20) -> Case | None:
        """The same page, positions and cursors as the real store, from memory."""
        case = self.cases.get(key)
        streams = {"u": paging_pattern_update(), "m": paging_pattern_message(contact_id)}
        positions = paging.decode(before, streams) or {"u": paging.START, "m": paging.START}
        if case is None:
            return None
        fetched = {"u": _older(case.updates, _update_sk, positions["u"], limit + 1),
                   "m": _older(case.conversation(contact_id), message_sk, positions["m"], limit + 1)}
        merged = sorted([("u", u, _update_sk(u)) for u in fetched["u"]] +
                        [("m", m, message_sk(m)) for m in fetched["m"]],
                        key=lambda e: (e[1].posted_at if e[0] == "u" else e[1].sent_at, e[2]), reverse=True)[:limit]
        after: dict[str, str | None] = {}
        for stream in ("u", "m"):
            mine = [sk for s, _, sk in merged if s == stream]
            after[stream] = None if len(mine) == len(fetched[stream]) else (mine[-1] if mine else positions[stream])
        return replace(case, updates=tuple(i for s, i, _ in merged if s == "u"),
                       messages=tuple(i for s, i, _ in merged if s == "m"), older_cursor=paging.encode(after))

    def case_page(self, key: str, before: str | None = None, limit: int = 20) -> Case | None:
        case = self.cases.get(key)
        positions = paging.decode(before, {"u": paging_pattern_update()}) or {"u": paging.START}
        if case is None:
            return None
        updates = _older(case.updates, _update_sk, positions["u"], limit + 1)
        each = min(limit, max(3, 60 // max(1, len(case.contacts))))
        messages = sorted((m for c in case.contacts for m in case.conversation(c.id)[:each]),
                          key=lambda m: (m.sent_at, m.id), reverse=True)
        return replace(case, updates=tuple(updates[:limit]), messages=tuple(messages),
                       older_cursor=paging.encode({"u": _update_sk(updates[limit - 1]) if len(updates) > limit
                                                   else None}))

    def open_request(self, key: str, contact: Contact) -> Message | None:
        case = self.cases.get(key)
        if case is None or not contact.open_request_id:
            return None
        return next((m for m in case.conversation(contact.id) if m.id == contact.open_request_id), None)

    def invitation(self, invitation_id: str) -> Invitation | None:
        return self.invitations.get(invitation_id)

    def reset(self, reset_id: str) -> Invitation | None:
        return self.resets.get(reset_id)

    def updates_by_reference(self, references: list[tuple[str, str]], now: datetime) -> dict[tuple[str, str], str]:
        return {(key, ref): self.refs[(key, ref)].id for key, ref in references
                if (key, ref) in self.refs and key in self.cases and self._live(self.cases[key], now)}

    def update_by_reference(self, key: str, reference: str) -> Update | None:
        return self.refs.get((key, reference))

    # -- writes ------------------------------------------------------------------------

    def _audited(self, audit: AuditRecord) -> None:
        if self.audit_log is not None:
            self.audit_log.record(audit)

    def _contact(self, key: str, contact_id: str) -> Contact | None:
        case = self.cases.get(key)
        return case.contact(contact_id) if case else None

    def _set_contact(self, key: str, contact_id: str, **changes: object) -> None:
        case = self.cases[key]
        contacts = tuple(replace(c, **changes) if c.id == contact_id else c for c in case.contacts)  # type: ignore[arg-type]
        self.cases[key] = replace(case, contacts=contacts)

    def create_case(self, case: Case, created_by: str, contacts: list[NewContact], audit: AuditRecord) -> None:
        with self._lock:
            if case.key in self.cases or case.key in self.leftovers:
                raise Conflict("A case with that crime number already exists.",
                               {"crimeNumber": "A case with this crime number already exists"})
            self._audited(audit)
            self.cases[case.key] = stored = replace(case, updates=(), officer_id=created_by, contacts=tuple(
                replace(new.contact, status=ContactStatus.INVITED, invitation_id=new.invitation_id)
                for new in contacts))
            if case.next_update_due_by:
                self._raise(stored, "update_due", None,
                            datetime.combine(case.next_update_due_by, datetime.min.time(), UTC), case.created_at,
                            keep=False)
            for new in contacts:
                self.invitations[new.invitation_id] = Invitation(
                    id=new.invitation_id, case_key=case.key, contact_id=new.contact.id, force=case.force,
                    email=new.contact.email, expires_at=new.invitation_expires_at,
                    used_at=None, failed_attempts=0, mobile=new.contact.mobile,
                    channels=tuple(c for c, a in (("email", new.contact.email), ("text", new.contact.mobile)) if a))

    def post_updates(self, officer_id: str,
                     batches: Sequence[tuple[Case, Sequence[NewUpdate]]]) -> tuple[set[str], set[str]]:
        """Each case's updates all or none, as the store's transactions: a case
        gone, or a reference used, writes none of that case's."""
        written: set[str] = set()
        for case, updates in batches:
            with self._lock:
                stored = self.cases.get(case.key)
                if stored is None or any(not self._live(stored, n.update.posted_at) or (
                        n.update.client_reference and (case.key, n.update.client_reference) in self.refs)
                        for n in updates):
                    continue
                current = case
                for n in updates:
                    self.post_update(current, n.update, officer_id, n.new_status, n.closed_at, n.expires_at,
                                     n.next_due, n.audit)
                    current = replace(self.cases[case.key], contacts=tuple(
                        replace(c, open_request_id=None) for c in self.cases[case.key].contacts))
                    written.add(n.update.id)
        return written, set()

    def post_update(self, case: Case, update: Update, officer_id: str, new_status: str | None,
                    closed_at: datetime | None, expires_at: datetime | None, next_due: date | None,
                    audit: AuditRecord) -> tuple[Update, bool]:
        key = case.key
        with self._lock:
            stored = self.cases.get(key)
            if stored is None or not self._live(stored, update.posted_at):
                raise ConditionFailed("The case does not exist.")
            if update.client_reference and (key, update.client_reference) in self.refs:
                return self.refs[(key, update.client_reference)], False
            self._audited(audit)
            changed = replace(stored, updates=(update, *stored.updates), next_update_due_by=next_due)
            if new_status:
                changed = replace(changed, status=new_status, closed_at=closed_at,
                                  expires_at=expires_at if closed_at is not None else None)
            for contact in case.contacts:
                if contact.open_request_id:
                    changed = replace(changed, messages=tuple(
                        replace(m, answered_at=update.posted_at) if m.id == contact.open_request_id else m
                        for m in changed.messages))
                    self.attention.pop((key, "update_request", contact.id), None)
                    changed = _with_contact(changed, contact.id, open_request_id=None, open_request_at=None)
            for contact in case.registered_contacts():
                self._raise(changed, "unread", contact.id, update.posted_at + UNREAD_FOR, update.posted_at,
                            keep=True)
            if next_due is None:
                self.attention.pop((key, "update_due", None), None)
            else:
                self._raise(changed, "update_due", None, datetime.combine(next_due, datetime.min.time(), UTC),
                            update.posted_at, keep=False)
            self.cases[key] = changed
            if update.client_reference:
                self.refs[(key, update.client_reference)] = update
            return update, True

    # -- two-way contact -------------------------------------------------------------

    @staticmethod
    def _live(case: Case, now: datetime) -> bool:
        return case.expires_at is None or case.expires_at > now

    def _raise(self, case: Case, reason: str, contact_id: str | None, due: datetime, since: datetime, *,
               keep: bool) -> None:
        slot = (case.key, reason, contact_id)
        if keep and slot in self.attention:
            return
        self.attention[slot] = (due, InboxItem(crime_number=case.crime_number, contact_id=contact_id, reason=reason,
                                               waiting_since=since, officer_id=case.officer_id or ""), case.force)

    def add_contact_message(self, case: Case, message: Message, now: datetime, audit: AuditRecord) -> bool:
        with self._lock:
            stored = self.cases.get(case.key)
            contact = stored.contact(message.contact_id) if stored else None
            if stored is None or not self._live(stored, now) or contact is None or not contact.is_registered:
                raise ConditionFailed("The case or contact is gone.")
            request = message.kind == ItemKind.UPDATE_REQUEST
            if request and contact.open_request_id:
                return False
            self._audited(audit)
            changed = replace(stored, messages=(message, *stored.messages))
            if request:
                changed = _with_contact(changed, contact.id, open_request_id=message.id,
                                        open_request_at=message.sent_at)
            self.cases[case.key] = changed
            self._raise(changed, "update_request" if request else "message", contact.id, message.sent_at,
                        message.sent_at, keep=True)
            return True

    def add_officer_reply(self, case: Case, message: Message, officer_id: str, now: datetime,
                          audit: AuditRecord) -> tuple[Message, bool]:
        with self._lock:
            stored = self.cases.get(case.key)
            if stored is None or not self._live(stored, now) or stored.contact(message.contact_id) is None:
                raise ConditionFailed("The case or contact is gone.")
            if message.client_reference and (case.key, message.client_reference) in self.reply_refs:
                return self.reply_refs[(case.key, message.client_reference)], False
            self._audited(audit)
            answered: set[str] = set()
            for item in stored.conversation(message.contact_id):  # newest first, as the store walks them
                if not item.from_contact or (item.answered_at is not None and item.kind == ItemKind.MESSAGE):
                    break
                answered.add(item.id)
            marked = tuple(replace(m, answered_at=m.answered_at or message.sent_at) if m.id in answered else m
                           for m in stored.messages)
            changed = _with_contact(replace(stored, messages=(message, *marked)), message.contact_id,
                                    open_request_id=None, open_request_at=None)
            self.cases[case.key] = changed
            for reason in ("message", "update_request"):
                self.attention.pop((case.key, reason, message.contact_id), None)
            if message.client_reference:
                self.reply_refs[(case.key, message.client_reference)] = message
            return message, True

    def reply_by_reference(self, case_key: str, client_reference: str) -> Message | None:
        return self.reply_refs.get((case_key, client_reference))

    def mark_read(self, case: Case, reader: str, contact_id: str, read_updates_through: datetime | None,
                  messages: list[Message], now: datetime, audit: AuditRecord) -> None:
        with self._lock:
            self._audited(audit)
            stored = self.cases[case.key]
            ids = {m.id for m in messages}
            changed = replace(stored, messages=tuple(replace(m, read_at=now) if m.id in ids else m
                                                     for m in stored.messages))
            if reader == Author.CONTACT:
                changed = _with_contact(changed, contact_id, last_read_at=now, **(
                    {"read_updates_through": read_updates_through} if read_updates_through else {}))
                if read_updates_through is not None:
                    self.attention.pop((case.key, "unread", contact_id), None)
            self.cases[case.key] = changed

    def inbox(self, force: str, now: datetime, officer_id: str | None, since: datetime | None,
              cursor: dict[str, Any] | None, limit: int) -> tuple[list[InboxItem], dict[str, Any] | None]:
        due = sorted((at, item) for at, item, item_force in self.attention.values()
                     if item_force == force and at <= now and (since is None or at >= since)
                     and (officer_id is None or item.officer_id == officer_id))
        start = int(cursor["n"]) if cursor else 0
        page = [item for _, item in due[start:start + limit]]
        return page, ({"n": start + limit} if start + limit < len(due) else None)

    def register(self, invitation: Invitation, password_hash: str, now: datetime, audit: AuditRecord) -> None:
        with self._lock:
            stored = self.invitations.get(invitation.id)
            contact = self._contact(invitation.case_key, invitation.contact_id)
            if stored is None or not stored.is_usable(now) or contact is None \
                    or contact.invitation_id != invitation.id:
                raise ConditionFailed("The invitation has been used.")
            self._audited(audit)
            self.invitations[invitation.id] = replace(stored, used_at=now, failed_attempts=stored.failed_attempts - 1)
            self._set_contact(invitation.case_key, invitation.contact_id, password_hash=password_hash,
                              status=ContactStatus.REGISTERED, registered_at=now,
                              credential_version=contact.credential_version + 1)

    def reissue_invitation(self, key: str, contact: Contact, invitation_id: str, force: str, email: str | None,
                           expires_at: datetime, now: datetime, audit: AuditRecord, mobile: str | None = None,
                           language: str | None = None) -> None:
        with self._lock:
            stored = self._contact(key, contact.id)
            if stored is None or stored.status != ContactStatus.INVITED or invitation_id in self.invitations \
                    or stored.invitation_id != contact.invitation_id:
                raise ConditionFailed("The contact has registered.")
            self._audited(audit)
            replaced = self.invitations.get(contact.invitation_id or "")
            if replaced is not None and replaced.expires_at > now:
                self.invitations[replaced.id] = replace(replaced, expires_at=now)
            self._set_contact(key, contact.id, invitation_id=invitation_id, invitation_expires_at=expires_at,
                              email=email, mobile=mobile, alerts_failing=False, alerts_failing_reason=None,
                              texts_failing=False, texts_failing_reason=None,
                              language=language or stored.language)
            self.invitations[invitation_id] = Invitation(
                id=invitation_id, case_key=key, contact_id=contact.id, force=force, email=email,
                expires_at=expires_at, used_at=None, failed_attempts=0, mobile=mobile,
                channels=tuple(c for c, a in (("email", email), ("text", mobile)) if a))

    def reserve_invitation_attempt(self, invitation_id: str, limit: int, now: datetime) -> int | None:
        with self._lock:
            stored = self.invitations.get(invitation_id)
            if stored is None or not stored.is_usable(now) or stored.failed_attempts >= limit:
                return None
            self.invitations[invitation_id] = replace(stored, failed_attempts=stored.failed_attempts + 1)
            return stored.failed_attempts + 1

    def release_invitation_attempt(self, invitation_id: str) -> None:
        with self._lock:
            stored = self.invitations.get(invitation_id)
            if stored is not None and stored.failed_attempts > 0:
                self.invitations[invitation_id] = replace(stored, failed_attempts=stored.failed_attempts - 1)

    def spend_invitation(self, invitation_id: str) -> None:
        with self._lock:
            stored = self.invitations.get(invitation_id)
            if stored is not None:
                self.invitations[invitation_id] = replace(stored, expires_at=_SPENT)

    def create_reset(self, reset_id: str, key: str, contact: Contact, force: str, expires_at: datetime) -> None:
        with self._lock:
            if reset_id in self.resets:
                raise ServiceUnavailable()
            self.resets[reset_id] = Invitation(id=reset_id, case_key=key, contact_id=contact.id, force=force,
                                               email=contact.email, expires_at=expires_at, used_at=None,
                                               failed_attempts=0, credential_version=contact.credential_version,
                                               mobile=contact.mobile,
                                               channels=contact.channels_to_use() or ("email",))

    def complete_reset(self, reset: Invitation, password_hash: str, now: datetime, audit: AuditRecord) -> None:
        with self._lock:
            stored = self.resets.get(reset.id)
            contact = self._contact(reset.case_key, reset.contact_id)
            if stored is None or not stored.is_usable(now) or contact is None or not contact.is_registered \
                    or contact.credential_version != (reset.credential_version or 0):
                raise ConditionFailed("The reset link has been used.")
            self._audited(audit)
            self.resets[reset.id] = replace(stored, used_at=now)
            self._set_contact(reset.case_key, reset.contact_id, password_hash=password_hash,
                              credential_version=contact.credential_version + 1)

    def erase_case(self, key: str) -> int:
        with self._lock:
            case = self.cases.pop(key, None)
            self.leftovers.discard(key)
            refs = [r for r in self.refs if r[0] == key]
            for ref in refs:
                del self.refs[ref]
            return 0 if case is None else 1 + len(case.contacts) + len(case.updates) + len(refs)

    def set_password_hash(self, key: str, contact_id: str, password_hash: str) -> None:
        with self._lock:
            if self._contact(key, contact_id) is not None:
                self._set_contact(key, contact_id, password_hash=password_hash)

    def change_password(self, key: str, contact_id: str, password_hash: str, version: int) -> None:
        with self._lock:
            contact = self._contact(key, contact_id)
            if contact is None or not contact.is_registered or contact.credential_version != version:
                raise ConditionFailed("The contact is not registered.")
            self._set_contact(key, contact_id, password_hash=password_hash, credential_version=version + 1)

    def revoke_sessions(self, key: str, contact_id: str) -> None:
        with self._lock:
            contact = self._contact(key, contact_id)
            if contact is not None:
                self._set_contact(key, contact_id, credential_version=contact.credential_version + 1)

    # -- the contact agreement and account changes (issue 14) --------------------------

    def _current(self, key: str, contact: Contact, registered: bool = True) -> Contact:
        stored = self._contact(key, contact.id)
        if stored is None or (registered and not stored.is_registered) \
                or stored.credential_version != contact.credential_version:
            raise ConditionFailed("The contact has changed.")
        return stored

    def save_contact_agreement(self, key: str, contact: Contact, channels: str, quiet_hours: str | None,
                               language: str, phrase: str | None, safe_contact: bool, audit: AuditRecord) -> None:
        with self._lock:
            self._current(key, contact)
            self._audited(audit)
            self._set_contact(key, contact.id, channels=channels, quiet_hours=quiet_hours, language=language,
                              phrase=phrase, safe_contact=safe_contact, stopped_at=None)

    def set_safe_contact(self, key: str, contact_id: str, safe_contact: bool, audit: AuditRecord) -> None:
        with self._lock:
            if self._contact(key, contact_id) is None:
                raise ConditionFailed("The contact is gone.")
            self._audited(audit)
            self._set_contact(key, contact_id, safe_contact=safe_contact)

    def request_address_change(self, key: str, contact: Contact, change_id: str, force: str, channel: str,
                               address: str, expires_at: datetime, audit: AuditRecord) -> None:
        with self._lock:
            stored = self._current(key, contact)
            self._audited(audit)
            self.changes[change_id] = (key, contact.id, channel, address, stored.address(channel), expires_at)
            self._set_contact(key, contact.id, pending_change_id=change_id, pending_change_channel=channel,
                              pending_change_address=address, pending_change_expires_at=expires_at,
                              pending_change_attempts=0)

    def reserve_change_attempt(self, key: str, contact_id: str, change_id: str, limit: int,
                               now: datetime) -> int | None:
        with self._lock:
            stored = self._contact(key, contact_id)
            if stored is None or stored.pending_change_id != change_id or not stored.pending_change_usable(now) \
                    or stored.pending_change_attempts >= limit:
                return None
            self._set_contact(key, contact_id, pending_change_attempts=stored.pending_change_attempts + 1)
            return stored.pending_change_attempts + 1

    _NO_PENDING: ClassVar[dict[str, Any]] = {"pending_change_id": None, "pending_change_channel": None,
                                   "pending_change_address": None, "pending_change_expires_at": None,
                                   "pending_change_attempts": 0}

    def confirm_address_change(self, key: str, contact: Contact, audit: AuditRecord) -> None:
        with self._lock:
            stored = self._contact(key, contact.id)
            if stored is None or not contact.pending_change_id or stored.pending_change_id != contact.pending_change_id:
                raise ConditionFailed("The change is gone.")
            self._audited(audit)
            changes: dict[str, Any] = {"mobile": contact.pending_change_address, "texts_failing": False,
                                       "texts_failing_reason": None} \
                if contact.pending_change_channel == "text" else {
                    "email": contact.pending_change_address, "alerts_failing": False, "alerts_failing_reason": None}
            self._set_contact(key, contact.id, **changes, **self._NO_PENDING)

    def drop_address_change(self, key: str, contact_id: str, change_id: str) -> None:
        with self._lock:
            stored = self._contact(key, contact_id)
            if stored is not None and stored.pending_change_id == change_id:
                self._set_contact(key, contact_id, **self._NO_PENDING)

    def stop(self, key: str, contact: Contact, now: datetime, audit: AuditRecord) -> None:
        with self._lock:
            stored = self._current(key, contact, registered=False)
            self._audited(audit)
            self._set_contact(key, contact.id, stopped_at=now, credential_version=stored.credential_version + 1,
                              **self._NO_PENDING)

    def mark_contact_failing(self, key: str, contact_id: str, reason: str, channel: str = "email") -> bool:
        """The DeliveryRepository's write to a contact (a FakeDeliveries given
        this store makes it here)."""
        with self._lock:
            if self._contact(key, contact_id) is None:
                return False
            if channel == "text":
                self._set_contact(key, contact_id, texts_failing=True, texts_failing_reason=reason)
            else:
                self._set_contact(key, contact_id, alerts_failing=True, alerts_failing_reason=reason)
            return True


def paging_pattern_update() -> Any:
    from chalicelib.storage.cases import UPDATE_POSITION

    return UPDATE_POSITION


def paging_pattern_message(contact_id: str) -> Any:
    from chalicelib.storage.cases import _message_position

    return _message_position(contact_id)


def _update_sk(update: Update) -> str:
    return f"UPDATE#{iso(update.posted_at)}#{update.id}"


def _older(items: Sequence[Any], sort_key: Any, position: str | None, limit: int) -> list[Any]:
    """What a descending key-range query from `position` would return."""
    if position is None:
        return []
    ordered = sorted(items, key=sort_key, reverse=True)
    if position != paging.START:
        ordered = [i for i in ordered if sort_key(i) < position]
    return ordered[:limit]


def message_sk(message: Message) -> str:
    return f"MESSAGE#{message.contact_id}#{iso(message.sent_at)}#{message.id}"


def _with_contact(case: Case, contact_id: str, **changes: Any) -> Case:
    return replace(case, contacts=tuple(replace(c, **changes) if c.id == contact_id else c for c in case.contacts))


class FakeSessionStore:
    """The SessionRepository (sessions, and the throttle's counters) in memory."""

    def __init__(self, cases: FakeCaseStore | None = None) -> None:
        self.cases = cases  # the contacts whose credential version a new session must carry
        self.sessions: dict[str, Session] = {}
        self.counts_by_key: dict[str, int] = {}
        self.last_at: dict[str, datetime] = {}
        self.decoys: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def create(self, session: Session, give_back: Sequence[Reservation] = ()) -> None:
        with self._lock:
            if self.cases is not None:
                contact = self.cases._contact(session.case_key, session.contact_id)
                if contact is None or not contact.is_registered \
                        or contact.credential_version != session.credential_version:
                    raise ConditionFailed("The contact's credentials changed.")
            if session.key in self.sessions:
                raise ConditionFailed("A session with this key exists.")
            self.sessions[session.key] = session
            for reservation in give_back:
                self._add(reservation.counter, -1)

    def touch(self, key: str, now: datetime, idle: timedelta, *,
              not_within: timedelta | None = None) -> Session | None:
        with self._lock:
            session = self.sessions.get(key)
            if session is None or session.idle_expires_at <= now or session.absolute_expires_at <= now:
                return None
            if not_within is not None and session.idle_expires_at > now + idle - not_within:
                raise ConditionFailed("The session was extended less than not_within ago.")
            self.sessions[key] = replace(session, idle_expires_at=now + idle)
            return replace(session, idle_expires_at=min(now + idle, session.absolute_expires_at))

    def delete(self, key: str) -> None:
        self.sessions.pop(key, None)

    def put_decoy(self, decoy_id: str, expires_at: datetime) -> None:
        with self._lock:
            if decoy_id in self.decoys:
                raise ServiceUnavailable()
            self.decoys[decoy_id] = expires_at

    def counters(self, keys: list[str]) -> dict[str, Counter]:
        return {k: Counter(self.counts_by_key.get(k, 0), self.last_at.get(k)) for k in keys}

    def reserve(self, key: str, now: datetime, expires_at: datetime) -> int:
        with self._lock:
            self.last_at[key] = now
            return self._add(key, 1)

    def add(self, key: str, delta: int, expires_at: datetime) -> int:
        with self._lock:
            return self._add(key, delta)

    def _add(self, key: str, delta: int) -> int:
        self.counts_by_key[key] = self.counts_by_key.get(key, 0) + delta
        return self.counts_by_key[key]


class FakePendingErasures:
    """The PendingErasures in memory."""

    def __init__(self) -> None:
        self.waiting: dict[str, tuple[int, datetime, str | None]] = {}

    def add(self, case_key: str, now: datetime) -> None:
        attempts, _, reason = self.waiting.get(case_key, (0, now, None))
        self.waiting[case_key] = (attempts, now, reason)

    def due(self, now: datetime, limit: int) -> list[PendingErasure]:
        ready = sorted((at, key, attempts) for key, (attempts, at, _) in self.waiting.items() if at <= now)
        return [PendingErasure(key, attempts) for _, key, attempts in ready[:limit]]

    def retry_later(self, case_key: str, attempts: int, next_attempt: datetime, reason: str) -> None:
        if case_key in self.waiting:
            self.waiting[case_key] = (attempts, next_attempt, reason)

    def done(self, case_key: str) -> None:
        self.waiting.pop(case_key, None)


class FakeAuditLog:
    """The AuditLog in memory: append-only, as the real one."""

    def __init__(self) -> None:
        self.records: list[AuditRecord] = []

    def record(self, record: AuditRecord) -> None:
        if any((r.at, r.record_id) == (record.at, record.record_id) for r in self.records):
            raise ServiceUnavailable()
        self.records.append(record)

    def events(self) -> list[tuple[str, str, str | None]]:
        """(action, event, subject) of each record, oldest first."""
        return [(r.action, r.event, r.subject) for r in self.records]


@dataclass
class _Record:
    ref: DeliveryRef
    status: DeliveryStatus
    attempts: int
    next_attempt: datetime | None
    message_id: str | None = None
    reason: str | None = None


class FakeDeliveries:
    """The DeliveryRepository in memory, with a lock for the sender's workers.
    Contacts marked as failing go to `cases` when given, else to `failing`."""

    def __init__(self, cases: FakeCaseStore | None = None) -> None:
        self.records: dict[str, _Record] = {}
        self.failing: dict[tuple[str, str], str] = {}
        self.messages: dict[str, SentMessage] = {}
        self.broken: set[str] = set()  # contact ids whose records DynamoDB "cannot write"
        self.audit_log: FakeAuditLog | None = None  # where mark_sent's audit record goes
        self._cases = cases
        self._lock = threading.Lock()

    def _check(self, ref: DeliveryRef) -> None:
        if ref.contact_id in self.broken:
            raise ServiceUnavailable()

    def _put_new(self, ref: DeliveryRef, status: DeliveryStatus, attempts: int, next_attempt: datetime) -> bool:
        self._check(ref)
        with self._lock:
            if ref.key in self.records:
                return False
            self.records[ref.key] = _Record(ref, status, attempts, next_attempt)
            return True

    def claim_new(self, ref: DeliveryRef, now: datetime, lease: timedelta) -> bool:
        return self._put_new(ref, DeliveryStatus.SENDING, 1, now + lease)

    def defer_new(self, ref: DeliveryRef, now: datetime) -> bool:
        return self._put_new(ref, DeliveryStatus.RETRYING, 0, now)

    def due(self, now: datetime, limit: int) -> list[Due]:
        with self._lock:
            due = sorted((r.next_attempt, key, r.status) for key, r in self.records.items()
                         if r.next_attempt is not None and r.next_attempt <= now)
        return [Due(key, status) for _, key, status in due[:limit]]

    def claim_due(self, key: str, now: datetime, lease: timedelta) -> Claimed | None:
        with self._lock:
            r = self.records.get(key)
            if r is None or r.status not in (DeliveryStatus.SENDING, DeliveryStatus.RETRYING) \
                    or r.next_attempt is None or r.next_attempt > now:
                return None
            r.status, r.attempts, r.next_attempt = DeliveryStatus.SENDING, r.attempts + 1, now + lease
            return Claimed(r.ref, r.attempts)

    def mark_sent(self, ref: DeliveryRef, message_id: str, now: datetime, audit: AuditRecord | None = None) -> None:
        with self._lock:
            r = self.records[ref.key]
            r.status, r.next_attempt, r.message_id = DeliveryStatus.SENT, None, message_id
            self.messages[message_id] = SentMessage(ref.key, ref.case_key, ref.contact_id, ref.kind)
            if audit is not None and self.audit_log is not None:
                self.audit_log.record(audit)

    def mark_retry(self, ref: DeliveryRef, next_attempt: datetime, reason: str, now: datetime) -> None:
        with self._lock:
            r = self.records[ref.key]
            r.status, r.next_attempt, r.reason = DeliveryStatus.RETRYING, next_attempt, reason

    def mark_finished(self, ref: DeliveryRef, status: str, reason: str, now: datetime) -> None:
        assert status in (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED)
        with self._lock:
            r = self.records[ref.key]
            r.status, r.next_attempt, r.reason = DeliveryStatus(status), None, reason

    def status(self, ref: DeliveryRef) -> str | None:
        record = self.records.get(ref.key)
        return record.status if record else None

    def message(self, message_id: str) -> SentMessage | None:
        return self.messages.get(message_id)

    def mark_contact_failing(self, case_key: str, contact_id: str, reason: str, channel: str = "email") -> bool:
        if self._cases is not None:
            return self._cases.mark_contact_failing(case_key, contact_id, reason, channel)
        self.failing[(case_key, contact_id) if channel == "email" else (case_key, contact_id, channel)] = reason
        return True

    def statuses(self) -> dict[str, str]:
        return {key: r.status for key, r in self.records.items()}


class FakeMailer:
    """Records what was sent. `script` answers each call in turn: None to send, or
    a SendError to raise (then sends once the script runs out)."""

    def __init__(self, script: list[SendError | None] | None = None,
                 per_recipient: dict[str, SendError] | None = None):
        self.sent: list[Outgoing] = []
        self.calls = 0
        self._script: Iterator[SendError | None] = iter(script or [])
        self._per_recipient = per_recipient or {}
        self._lock = threading.Lock()

    def send(self, outgoing: Outgoing) -> str:
        with self._lock:
            self.calls += 1
            planned = next(self._script, None)
            if planned is None:
                planned = self._per_recipient.get(outgoing.recipient)
            if planned is not None:
                raise planned
            self.sent.append(outgoing)
            return f"msg-{self.calls}"


@dataclass
class Sleeps:
    """A sleep that only notes how long it was asked to wait."""

    seconds: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


class Clock:
    """The service's clock in tests: it stands still unless `ticking`, when it
    runs with real time from wherever it was last set. Either way a test moves
    it by hand (`advance`, or `now = ...`)."""

    def __init__(self, now: datetime | None = None, *, ticking: bool = False):
        self._ticking = ticking
        self.now = now or datetime.now(UTC)

    @property
    def now(self) -> datetime:
        return self._base + (timedelta(seconds=time.monotonic() - self._set_at) if self._ticking else timedelta(0))

    @now.setter
    def now(self, moment: datetime) -> None:
        self._base, self._set_at = moment, time.monotonic()

    @property
    def ticking(self) -> bool:
        return self._ticking

    @ticking.setter
    def ticking(self, ticking: bool) -> None:
        self.now, self._ticking = self.now, ticking

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)



class FakeTexter:
    """Records the texts sent. `opted_out_numbers` are on the provider's opt-out
    list; `script` answers each send in turn (None: send; a SendError: raise)."""

    def __init__(self, script: list[SendError | None] | None = None, opted_out_numbers: set[str] | None = None):
        from chalicelib.notify.texter import OutgoingText

        self.sent: list[OutgoingText] = []
        self.calls = 0
        self.opt_out_checks = 0
        self.opted_out_numbers = set(opted_out_numbers or ())
        self._script: Iterator[SendError | None] = iter(script or [])
        self._lock = threading.Lock()

    def opted_out(self, number: str) -> bool:
        with self._lock:
            self.opt_out_checks += 1
            return number in self.opted_out_numbers

    def send(self, text: Any) -> str:
        with self._lock:
            self.calls += 1
            planned = next(self._script, None)
            if planned is not None:
                raise planned
            self.sent.append(text)
            return f"sms-{self.calls}"
