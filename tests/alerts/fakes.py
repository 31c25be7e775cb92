"""Hand-written fakes for the email sender's unit tests: no AWS, no mocks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from chalicelib.config import Settings
from chalicelib.delivery import EmailSender
from chalicelib.delivery_store import (
    CANCELLED,
    FAILED,
    RETRYING,
    SENDING,
    SENT,
    Claimed,
    DeliveryRef,
    Due,
    SentMessage,
)
from chalicelib.domain import Case, Contact
from chalicelib.errors import ServiceUnavailable
from chalicelib.mailer import Outgoing, SendError
from chalicelib.store import Invitation

NOW = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
SECRET = b"unit-test-secret-unit-test-secret-0123456789"


def settings(**overrides: object) -> Settings:
    base = Settings(
        stage="test", region="eu-west-2", cases_table="c", sessions_table="s", audit_table="a",
        dynamodb_endpoint=None, default_force="lincs",
        forces={"lincs": "Lincolnshire Police", "avon": "Avon and Somerset Police"},
        site_url="https://victims.example.police.uk", site_origin="https://victims.example.police.uk",
        oidc_issuer="https://issuer.example", oidc_audience="aud",
        oidc_jwks_url="https://issuer.example/jwks", oidc_algorithms=("RS256",),
        token_secret=SECRET, mail_from="no-reply@lincs.police.example", cases_stream_arn="arn",
        allow_dev_issuer=False)
    return replace(base, **overrides)


def registered(contact_id: str = "contact-1", email: str = "sam@example.com", **kw: object) -> Contact:
    return Contact(id=contact_id, role="victim", forename=str(kw.pop("forename", "Sam")),
                   surname=str(kw.pop("surname", "Taylor")),
                   date_of_birth=kw.pop("date_of_birth", date(1980, 3, 31)),  # type: ignore[arg-type]
                   email=email, status=str(kw.pop("status", "registered")))


def case(crime_number: str = "LC-2026-00001", contacts: tuple[Contact, ...] = (), **kw: object) -> Case:
    return Case(force="lincs", crime_number=crime_number, status="investigating",
                officer_name=str(kw.pop("officer_name", "PC 1 Alex Morgan")),
                officer_email=str(kw.pop("officer_email", "alex@lincs.police.example")),
                created_at=NOW, contacts=contacts, expires_at=kw.pop("expires_at", None))  # type: ignore[arg-type]


class FakeCases:
    def __init__(self, *cases: Case):
        self.cases = {c.key: c for c in cases}
        self.invitations: dict[str, Invitation] = {}
        self.resets: dict[str, Invitation] = {}

    def case_with_contacts(self, case_key: str) -> Case | None:
        return self.cases.get(case_key)

    def invitation(self, invitation_id: str) -> Invitation | None:
        return self.invitations.get(invitation_id)

    def reset(self, reset_id: str) -> Invitation | None:
        return self.resets.get(reset_id)


@dataclass
class _Record:
    ref: DeliveryRef
    status: str
    attempts: int
    next_attempt: datetime | None
    message_id: str | None = None
    reason: str | None = None


class FakeDeliveries:
    """The DeliveryStore's contract, in memory, with a lock for the workers."""

    def __init__(self) -> None:
        self.records: dict[str, _Record] = {}
        self.failing: dict[tuple[str, str], str] = {}
        self.messages: dict[str, SentMessage] = {}
        self.broken: set[str] = set()  # contact ids whose records DynamoDB "cannot write"
        self._lock = threading.Lock()

    def _check(self, ref: DeliveryRef) -> None:
        if ref.contact_id in self.broken:
            raise ServiceUnavailable()

    def claim_new(self, ref: DeliveryRef, now: datetime, lease: timedelta) -> bool:
        self._check(ref)
        with self._lock:
            if ref.pk in self.records:
                return False
            self.records[ref.pk] = _Record(ref, SENDING, 1, now + lease)
            return True

    def defer_new(self, ref: DeliveryRef, now: datetime) -> bool:
        with self._lock:
            if ref.pk in self.records:
                return False
            self.records[ref.pk] = _Record(ref, RETRYING, 0, now)
            return True

    def due(self, now: datetime, limit: int) -> list[Due]:
        with self._lock:
            due = sorted((r.next_attempt, pk, r.status) for pk, r in self.records.items()
                         if r.next_attempt is not None and r.next_attempt <= now)
        return [Due(pk, status) for _, pk, status in due[:limit]]

    def claim_due(self, pk: str, now: datetime, lease: timedelta) -> Claimed | None:
        with self._lock:
            r = self.records.get(pk)
            if r is None or r.status not in (SENDING, RETRYING) or r.next_attempt is None \
                    or r.next_attempt > now:
                return None
            r.status, r.attempts, r.next_attempt = SENDING, r.attempts + 1, now + lease
            return Claimed(r.ref, r.attempts)

    def mark_sent(self, ref: DeliveryRef, message_id: str, now: datetime) -> None:
        with self._lock:
            r = self.records[ref.pk]
            r.status, r.next_attempt, r.message_id = SENT, None, message_id
            self.messages[message_id] = SentMessage(ref.pk, ref.case_key, ref.contact_id, ref.kind)

    def mark_retry(self, ref: DeliveryRef, next_attempt: datetime, reason: str, now: datetime) -> None:
        with self._lock:
            r = self.records[ref.pk]
            r.status, r.next_attempt, r.reason = RETRYING, next_attempt, reason

    def mark_finished(self, ref: DeliveryRef, status: str, reason: str, now: datetime) -> None:
        assert status in (FAILED, CANCELLED)
        with self._lock:
            r = self.records[ref.pk]
            r.status, r.next_attempt, r.reason = status, None, reason

    def message(self, message_id: str) -> SentMessage | None:
        return self.messages.get(message_id)

    def mark_contact_failing(self, case_key: str, contact_id: str, reason: str) -> bool:
        self.failing[(case_key, contact_id)] = reason
        return True

    def statuses(self) -> dict[str, str]:
        return {pk: r.status for pk, r in self.records.items()}


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
class FakeAudit:
    records: list[tuple[str, str, str | None]] = field(default_factory=list)

    def record(self, action: str, event: str, *, actor: str, force: str | None = None,
               case_key: str | None = None, subject: str | None = None) -> None:
        self.records.append((action, event, subject))


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Sleeps:
    seconds: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def sender(cases: FakeCases, mailer: FakeMailer | None = None, deliveries: FakeDeliveries | None = None,
           clock: Callable[[], datetime] | None = None, **setting_overrides: object,
           ) -> tuple[EmailSender, FakeMailer, FakeDeliveries, FakeAudit]:
    mailer = mailer or FakeMailer()
    deliveries = deliveries or FakeDeliveries()
    audit = FakeAudit()
    built = EmailSender(settings(**setting_overrides), cases, deliveries, mailer, audit,  # type: ignore[arg-type]
                        clock=clock or Clock(), sleep=Sleeps())
    return built, mailer, deliveries, audit
