"""Audit records (DPA 2018 s.62): who, what, when and which case, never content.

Actions: collection, alteration, consultation, disclosure, erasure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib import tokens
from chalicelib.domain import utcnow
from chalicelib.store import AuditLog, AuditRecord

ACTIONS = frozenset({"collection", "alteration", "consultation", "disclosure", "erasure"})


class Audit:
    def __init__(self, log: AuditLog, clock: Callable[[], datetime] = utcnow):
        self._log = log
        self._clock = clock

    def entry(self, action: str, event: str, *, actor: str, force: str | None = None,
              case_key: str | None = None, subject: str | None = None) -> AuditRecord:
        """A record to write in the same transaction as the change it records."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        return AuditRecord(at=self._clock(), action=action, event=event, actor=actor, force=force,
                           case_key=case_key, subject=subject, record_id=tokens.new_id())

    def record(self, action: str, event: str, *, actor: str, force: str | None = None,
               case_key: str | None = None, subject: str | None = None) -> None:
        """Writes a record on its own: for what changes nothing else (a
        consultation, a disclosure) or a change made without a transaction."""
        self._log.record(self.entry(action, event, actor=actor, force=force, case_key=case_key,
                                    subject=subject))
