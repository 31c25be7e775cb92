"""Victims' sessions and throttling counters in DynamoDB (the sessions table):
the `SessionRepository` port, which includes the throttle's `CounterStore`."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from pynamodb.connection import Connection
from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings
from chalicelib.core.domain import Session
from chalicelib.core.throttle import Counter, Reservation
from chalicelib.storage.dynamodb import conditional_check_failed, connection, dynamodb_errors
from chalicelib.storage.models import CounterItem, SessionItem, case_pk


class SessionStore:
    """Sessions and throttling counters."""

    def __init__(self, settings: Settings):
        self._settings = settings

    @functools.cached_property
    def _connection(self) -> Connection:
        return connection(self._settings)

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
                          actions=[CounterItem.failures.add(-1), CounterItem.ttl.set(give_back.expires_at)])

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
