"""Victims' sessions and throttling counters in DynamoDB (the sessions table):
the `SessionRepository` port, which includes the throttle's `CounterStore`."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings
from chalicelib.core.domain import ContactStatus, Session
from chalicelib.core.errors import ConditionFailed
from chalicelib.core.throttle import Counter, Reservation
from chalicelib.storage.cases import credential_version_is
from chalicelib.storage.dynamodb import conditional_check_failed, connection, dynamodb_errors
from chalicelib.storage.models import CONTACT_PREFIX, ContactItem, CounterItem, DecoyItem, SessionItem, case_pk

# About the bytes of a reset record's attributes (ids, case key, address, times).
DECOY_PADDING = 280


class SessionStore:
    """Sessions and throttling counters."""

    def __init__(self, settings: Settings):
        self._settings = settings

    @functools.cached_property
    def _connection(self) -> Connection:
        return connection(self._settings)

    def create(self, session: Session, give_back: Sequence[Reservation] = ()) -> None:
        """Puts the session, on condition that the contact is registered and its
        credential version is still the session's; with `give_back`, also
        returns a throttling reservation. One transaction (one round trip):
        all or nothing. ConditionFailed if the password changed, or the
        contact signed out everywhere, since the version was read."""
        item = SessionItem(
            f"SESSION#{session.key}",
            case_pk=case_pk(session.case_key),
            contact_id=session.contact_id,
            created_at=session.created_at,
            idle_expires_at=session.idle_expires_at,
            absolute_expires_at=session.absolute_expires_at,
            credential_version=session.credential_version,
            ttl=session.absolute_expires_at,
        )
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.condition_check(ContactItem, case_pk(session.case_key), CONTACT_PREFIX + session.contact_id,
                                       condition=(ContactItem.status == ContactStatus.REGISTERED)
                                       & credential_version_is(session.credential_version))
                    tx.save(item, condition=SessionItem.pk.does_not_exist())
                    for reservation in give_back:
                        tx.update(CounterItem(reservation.counter),
                                  actions=[CounterItem.failures.add(-1),
                                           CounterItem.ttl.set(reservation.expires_at)])
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The contact's credentials changed.") from exc
                raise

    def touch(self, key: str, now: datetime, idle: timedelta, *,
              not_within: timedelta | None = None) -> Session | None:
        """Extends a live session's idle expiry and returns it; None if it does
        not exist or has expired (idle or absolute). One conditional write.
        With `not_within`, a session extended less than that long ago (its idle
        expiry is later than now + idle - not_within) is left as it is:
        ConditionFailed (one consistent read tells it from an ended one)."""
        item = SessionItem(f"SESSION#{key}")
        condition = (SessionItem.pk.exists()
                     & (SessionItem.idle_expires_at > now)
                     & (SessionItem.absolute_expires_at > now))
        if not_within is not None:
            condition = condition & (SessionItem.idle_expires_at <= now + idle - not_within)
        with dynamodb_errors():
            try:
                item.update(actions=[SessionItem.idle_expires_at.set(now + idle)], condition=condition)
            except UpdateError as exc:
                if not conditional_check_failed(exc):
                    raise
                if not_within is not None and self._is_live(key, now):
                    raise ConditionFailed("The session was extended less than not_within ago.") from exc
                return None
        return Session(
            key=key,
            case_key=item.case_pk.removeprefix("CASE#"),
            contact_id=item.contact_id,
            created_at=item.created_at,
            idle_expires_at=min(item.idle_expires_at, item.absolute_expires_at),
            absolute_expires_at=item.absolute_expires_at,
            credential_version=int(item.credential_version or 0),
        )

    def _is_live(self, key: str, now: datetime) -> bool:
        # BatchGetItem, as `counters` reads: the API's role has no GetItem on this table.
        found = list(SessionItem.batch_get([f"SESSION#{key}"], consistent_read=True))
        return bool(found) and found[0].idle_expires_at > now and found[0].absolute_expires_at > now

    def put_decoy(self, decoy_id: str, expires_at: datetime) -> None:
        # As large as a reset record (storage/cases.py create_reset), conditional as it is.
        item = DecoyItem(f"DECOY#{decoy_id}", padding="x" * DECOY_PADDING, ttl=expires_at)
        with dynamodb_errors():
            item.save(condition=DecoyItem.pk.does_not_exist())

    def delete(self, key: str) -> None:
        with dynamodb_errors():
            SessionItem(f"SESSION#{key}").delete()

    def counters(self, keys: list[str]) -> dict[str, Counter]:
        """Several throttling counters (count and last attempt), in one batch read."""
        with dynamodb_errors():
            found = {item.pk: Counter(int(item.failures or 0), item.last_at)
                     for item in CounterItem.batch_get(keys)}
        return {k: found.get(k, Counter(0, None)) for k in keys}

    def reserve(self, key: str, now: datetime, expires_at: datetime) -> int:
        """Atomically counts one attempt and notes its time; returns the new count."""
        item = CounterItem(key)
        with dynamodb_errors():
            item.update(actions=[CounterItem.failures.add(1), CounterItem.last_at.set(now),
                                 CounterItem.ttl.set(expires_at)])
        return int(item.failures)

    def add(self, key: str, delta: int, expires_at: datetime) -> int:
        """Atomically adds `delta` (may be negative) to a counter; returns the new count."""
        item = CounterItem(key)
        with dynamodb_errors():
            item.update(actions=[CounterItem.failures.add(delta), CounterItem.ttl.set(expires_at)])
        return int(item.failures)
