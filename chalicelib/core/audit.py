"""Audit records (DPA 2018 s.62): who, what, when and which case, never content."""

from __future__ import annotations

from chalicelib.core import tokens
from chalicelib.core.domain import AuditAction, AuditRecord, utcnow
from chalicelib.core.ports import AuditLog, Clock


class Audit:
    def __init__(self, log: AuditLog, clock: Clock = utcnow):
        self._log = log
        self._clock = clock

    def entry(self, action: AuditAction, event: str, *, actor: str, force: str | None = None,
              case_key: str | None = None, subject: str | None = None) -> AuditRecord:
        """A record to write in the same transaction as the change it records."""
        try:
            action = AuditAction(action)
        except ValueError:
            raise ValueError(f"unknown audit action {action!r}") from None
        return AuditRecord(at=self._clock(), action=action, event=event, actor=actor, force=force,
                           case_key=case_key, subject=subject, record_id=tokens.new_id())

    def write(self, record: AuditRecord) -> None:
        """Writes a record made by `entry` on its own (its change needed no write)."""
        self._log.record(record)

    def record(self, action: AuditAction, event: str, *, actor: str, force: str | None = None,
               case_key: str | None = None, subject: str | None = None) -> None:
        """Writes a record on its own: for what changes nothing else (a
        consultation, a disclosure) or a change made without a transaction."""
        self._log.record(self.entry(action, event, actor=actor, force=force, case_key=case_key,
                                    subject=subject))
