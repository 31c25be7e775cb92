"""Audit records (DPA 2018 s.62): who, what, when and which case, never content.

Actions: collection, alteration, consultation, disclosure, erasure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib import tokens
from chalicelib.domain import utcnow
from chalicelib.store import AuditLog

ACTIONS = frozenset({"collection", "alteration", "consultation", "disclosure", "erasure"})


class Audit:
    def __init__(self, log: AuditLog, clock: Callable[[], datetime] = utcnow):
        self._log = log
        self._clock = clock

    def record(self, action: str, event: str, *, actor: str, force: str | None = None,
               case_key: str | None = None, subject: str | None = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self._log.record(at=self._clock(), action=action, event=event, actor=actor, force=force,
                         case_key=case_key, subject=subject, record_id=tokens.new_id())
