"""Hand-written in-memory stand-ins for the storage layer (unit tests, no I/O)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from chalicelib.domain import Case, Update
from chalicelib.errors import Conflict
from chalicelib.store import ConditionFailed, Invitation, NewContact, Session


class FakeCaseStore:
    def __init__(self, audit_log: FakeAuditLog | None = None):
        self.audit_log = audit_log  # where the records written with a change go
        self.cases: dict[str, Case] = {}
        self.invitations: dict[str, Invitation] = {}
        self.resets: dict[str, Invitation] = {}
        self.refs: dict[tuple[str, str], Update] = {}

    def case(self, key):
        return self.cases.get(key)

    case_with_contacts = case

    def invitation(self, invitation_id):
        return self.invitations.get(invitation_id)

    def reset(self, reset_id):
        return self.resets.get(reset_id)

    def update_by_reference(self, key, reference):
        return self.refs.get((key, reference))

    def _audited(self, audit):
        if self.audit_log is not None:
            self.audit_log.record(audit)

    def create_case(self, case, created_by, contacts: list[NewContact], audit):
        if case.key in self.cases:
            raise Conflict()
        self._audited(audit)
        self.cases[case.key] = case
        for new in contacts:
            self.invitations[new.invitation_id] = Invitation(
                id=new.invitation_id, case_key=case.key, contact_id=new.contact.id, force=case.force,
                email=new.contact.email, expires_at=new.contact.invitation_expires_at, used_at=None,
                failed_attempts=0)
            self._set_contact(case.key, new.contact.id, invitation_id=new.invitation_id)

    def _set_contact(self, key, contact_id, **changes):
        case = self.cases[key]
        contacts = tuple(dataclasses.replace(c, **changes) if c.id == contact_id else c for c in case.contacts)
        self.cases[key] = dataclasses.replace(case, contacts=contacts)

    def post_update(self, key, update, officer_id, force, new_status, closed_at, expires_at, audit):
        if key not in self.cases:
            raise ConditionFailed()
        if update.client_reference and (key, update.client_reference) in self.refs:
            return self.refs[(key, update.client_reference)], False
        self._audited(audit)
        case = self.cases[key]
        self.cases[key] = dataclasses.replace(case, updates=(update, *case.updates),
                                              status=new_status or case.status,
                                              closed_at=closed_at, expires_at=expires_at)
        if update.client_reference:
            self.refs[(key, update.client_reference)] = update
        return update, True

    def register(self, invitation, password_hash, now, audit):
        stored = self.invitations[invitation.id]
        if stored.used_at is not None or stored.expires_at <= now:
            raise ConditionFailed()
        self._audited(audit)
        self.invitations[invitation.id] = dataclasses.replace(stored, used_at=now)
        self._set_contact(invitation.case_key, invitation.contact_id, password_hash=password_hash,
                          status="registered", registered_at=now)

    def count_failed_invitation_attempt(self, invitation_id, limit):
        stored = self.invitations[invitation_id]
        attempts = stored.failed_attempts + 1
        expires = stored.expires_at if attempts < limit else datetime.fromtimestamp(0).astimezone()
        self.invitations[invitation_id] = dataclasses.replace(stored, failed_attempts=attempts, expires_at=expires)
        return attempts

    def set_password_hash(self, key, contact_id, password_hash):
        self._set_contact(key, contact_id, password_hash=password_hash)

    def revoke_sessions(self, key, contact_id, now):
        self._set_contact(key, contact_id, sessions_revoked_at=now)


class FakeSessionStore:
    def __init__(self):
        self.sessions: dict[str, Session] = {}
        self.counts_by_key: dict[str, int] = {}
        self.last_at: dict[str, datetime] = {}

    def create(self, session, give_back=None):
        self.sessions[session.key] = session
        if give_back is not None:
            self.add(give_back.counter, -1, give_back.expires_at)

    def touch(self, key, now, idle: timedelta):
        session = self.sessions.get(key)
        if session is None or session.idle_expires_at <= now or session.absolute_expires_at <= now:
            return None
        self.sessions[key] = dataclasses.replace(session, idle_expires_at=now + idle)
        return self.sessions[key]

    def delete(self, key):
        self.sessions.pop(key, None)

    # Throttle's counter store (chalicelib.throttle.CounterStore).
    def counters(self, keys):
        from chalicelib.throttle import Counter

        return {k: Counter(self.counts_by_key.get(k, 0), self.last_at.get(k)) for k in keys}

    def reserve(self, key, now, expires_at):
        self.last_at[key] = now
        return self.add(key, 1, expires_at)

    def add(self, key, delta, expires_at):
        self.counts_by_key[key] = self.counts_by_key.get(key, 0) + delta
        return self.counts_by_key[key]


class FakeAuditLog:
    def __init__(self):
        self.records: list[dict] = []

    def record(self, record):
        self.records.append(dataclasses.asdict(record))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)
