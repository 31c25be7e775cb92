"""Sign-in and reset throttling (ASVS V6.3.1): per account and per source address.

Counters live in the sessions table, one per scope, key and 5-minute window,
incremented atomically (50 concurrent failures count 50). The account key is a
hash of crime number + surname + date of birth, so a stranger who knows only a
crime number cannot lock a victim out, and a throttled account is told apart
from a wrong password by nothing in the response.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.store import SessionStore

WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Limits:
    per_account: int = 10
    per_source: int = 100


def account_key(case_key: str, surname_key: str, date_of_birth: str) -> str:
    return hashlib.sha256(f"{case_key}|{surname_key}|{date_of_birth}".encode()).hexdigest()[:40]


class Throttle:
    def __init__(self, sessions: SessionStore, limits: Limits | None = None):
        self._sessions = sessions
        self._limits = limits or Limits()

    def _keys(self, purpose: str, account: str, source: str, now: datetime) -> tuple[str, str]:
        window = int(now.timestamp() // WINDOW.total_seconds())
        return (f"THROTTLE#{purpose}#account#{account}#{window}",
                f"THROTTLE#{purpose}#source#{source}#{window}")

    def is_throttled(self, purpose: str, account: str, source: str, now: datetime) -> bool:
        account_counter, source_counter = self._keys(purpose, account, source, now)
        counts = self._sessions.counts([account_counter, source_counter])
        return (counts[account_counter] >= self._limits.per_account
                or counts[source_counter] >= self._limits.per_source)

    def record_failure(self, purpose: str, account: str, source: str, now: datetime) -> None:
        for key in self._keys(purpose, account, source, now):
            self._sessions.increment(key, expires_at=now + 2 * WINDOW)
