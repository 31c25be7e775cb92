"""Sign-in and reset throttling (ASVS V6.3.1): per account and per source address.

Counters live in the sessions table, one per scope, key and 5-minute window,
changed only by atomic ADDs (50 concurrent failures count 50). A limit is
checked against the current *and* the previous window, so no 5-minute span,
however it straddles two windows, holds more than the limit.

Per account, the guesses are paced: the first few failures cost nothing, then
each one doubles the wait before the next attempt (1 s, 2 s, 4 s ... 64 s),
and at 10 failures the account waits until they age out of the two windows
(at most 10 minutes after the last one). It is never a permanent lock: a crime
number is guessable, and a hard lock would let anyone lock a victim out.
Attempts refused while throttled do not count against the account, so
hammering it does not extend the wait; they do count against the source.

The account key is a hash of crime number + surname + date of birth, so a
stranger who knows only a crime number cannot lock a victim out, and a
throttled account is told apart from a wrong password by nothing in the
response.

A sign-in reserves its guess (an atomic ADD) before the password is checked,
so a burst of concurrent guesses cannot all pass the check together: at most
`per_account` of them are ever compared with the password. It counts against
its source the same way, first, so a burst across many accounts is held to the
source's limit. A successful sign-in gives both back, in the same transaction
as its session. A password reset request is counted (account and source)
before anything else too (`count_request`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.core.together import together

WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Limits:
    per_account: int = 10
    per_source: int = 100
    free_failures: int = 3  # failures before any wait
    first_delay: timedelta = timedelta(seconds=1)


@dataclass(frozen=True)
class Counter:
    count: int
    last_at: datetime | None


class CounterStore(Protocol):
    def counters(self, keys: list[str]) -> dict[str, Counter]: ...
    def reserve(self, key: str, now: datetime, expires_at: datetime) -> int: ...
    def add(self, key: str, delta: int, expires_at: datetime) -> int: ...


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: allowed to check the password, or throttled."""

    allowed: bool
    account_counter: str
    source_counter: str
    expires_at: datetime

    @property
    def reservations(self) -> tuple[Reservation, ...]:
        """What a successful attempt gives back: its reserved guess and its count
        against the source. The caller may give them back in the same write as
        its own (a sign-in's session)."""
        if not self.allowed:
            return ()
        return (Reservation(self.account_counter, self.expires_at), Reservation(self.source_counter, self.expires_at))


@dataclass(frozen=True)
class Reservation:
    counter: str
    expires_at: datetime


@dataclass(frozen=True)
class _Recent:
    account_previous: int  # the account's failures in the previous window
    account: int  # ...in the previous and current windows
    source_previous: int
    source: int
    last_attempt: datetime | None
    account_counter: str  # the current window's counters
    source_counter: str


def account_key(case_key: str, surname_key: str, date_of_birth: str) -> str:
    return hashlib.sha256(f"{case_key}|{surname_key}|{date_of_birth}".encode()).hexdigest()[:40]


def delay_after(failures: int, limits: Limits) -> timedelta:
    """How long after the last failure the next attempt must wait."""
    if failures < limits.free_failures:
        return timedelta(0)
    return limits.first_delay * 2 ** (failures - limits.free_failures)


class Throttle:
    def __init__(self, sessions: CounterStore, limits: Limits | None = None):
        self._sessions = sessions
        self.limits = limits or Limits()

    @staticmethod
    def _key(purpose: str, scope: str, key: str, window: int) -> str:
        return f"THROTTLE#{purpose}#{scope}#{key}#{window}"

    def _windows(self, now: datetime) -> tuple[int, int]:
        current = int(now.timestamp() // WINDOW.total_seconds())
        return current - 1, current

    def _recent(self, purpose: str, account: str, source: str, now: datetime) -> _Recent:
        previous, current = self._windows(now)
        keys = [self._key(purpose, scope, key, window)
                for scope, key in (("account", account), ("source", source))
                for window in (previous, current)]
        counters = self._sessions.counters(keys)
        account_previous, account_current, source_previous, source_current = (counters[k] for k in keys)
        last = max((c.last_at for c in (account_previous, account_current) if c.last_at), default=None)
        return _Recent(account_previous=account_previous.count,
                       account=account_previous.count + account_current.count,
                       source_previous=source_previous.count,
                       source=source_previous.count + source_current.count, last_attempt=last,
                       account_counter=keys[1], source_counter=keys[3])

    def begin(self, purpose: str, account: str, source: str, now: datetime) -> Attempt:
        """Counts the attempt against the source and reserves one guess for the
        account, or says it is throttled. Both counts are atomic ADDs made
        before anything is compared: a burst from one source, across however
        many accounts, is held to the source's limit too."""
        expires_at = now + 2 * WINDOW + timedelta(minutes=1)
        # The count against the source needs nothing the read gives: both at once.
        recent, added = together(lambda: self._recent(purpose, account, source, now),
                                 lambda: self._sessions.add(self._key(purpose, "source", source,
                                                                     self._windows(now)[1]), 1, expires_at))
        throttled = Attempt(False, recent.account_counter, recent.source_counter, expires_at)
        from_source = recent.source_previous + added
        if from_source > self.limits.per_source or recent.account >= self.limits.per_account:
            return throttled
        if recent.last_attempt is not None and now < recent.last_attempt + delay_after(recent.account, self.limits):
            return throttled
        # The read above is not a lock: concurrent attempts all pass it. The
        # atomic reservation is what keeps a burst to the limit.
        reserved = self._sessions.reserve(recent.account_counter, now, expires_at)
        if recent.account_previous + reserved > self.limits.per_account:
            self._sessions.add(recent.account_counter, -1, expires_at)
            return throttled
        return Attempt(True, recent.account_counter, recent.source_counter, expires_at)

    def succeeded(self, attempt: Attempt) -> None:
        """A successful attempt that did not give its reservations back in its own
        write. (A failed one keeps them: its guess and its count stay counted.)"""
        for reservation in attempt.reservations:
            self._sessions.add(reservation.counter, -1, reservation.expires_at)

    # -- requests that spend no guess (password reset) --------------------------------

    def count_request(self, purpose: str, account: str, source: str, now: datetime) -> bool:
        """Counts one request against the account and the source first (atomic
        ADDs), then says whether it is within both limits. However many race,
        no more than the limit are ever allowed: each sees the count its own
        ADD made. A refused request is counted too."""
        previous, current = self._windows(now)
        expires_at = now + 2 * WINDOW + timedelta(minutes=1)
        keys = {scope: (self._key(purpose, scope, key, previous), self._key(purpose, scope, key, current))
                for scope, key in (("account", account), ("source", source))}
        before = self._sessions.counters([keys["account"][0], keys["source"][0]])
        account_count = before[keys["account"][0]].count + self._sessions.add(keys["account"][1], 1, expires_at)
        source_count = before[keys["source"][0]].count + self._sessions.add(keys["source"][1], 1, expires_at)
        return account_count <= self.limits.per_account and source_count <= self.limits.per_source
