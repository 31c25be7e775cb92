"""Factories: domain objects for the unit tests and request bodies for the API
tests, each with sensible defaults that a test overrides by name (no JSON
blobs pasted into tests)."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.config import Settings
from chalicelib.core.audit import Audit
from chalicelib.core.domain import Case, CaseStatus, Contact, ContactStatus
from chalicelib.notify.sender import EmailSender
from tests.fakes import Clock, FakeAuditLog, FakeCaseStore, FakeDeliveries, FakeMailer, Sleeps

NOW = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
SECRET = b"unit-test-secret-unit-test-secret-0123456789"
_counter = itertools.count(1)

# -- domain objects ---------------------------------------------------------------------


def settings(**overrides: Any) -> Settings:
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


def registered(contact_id: str = "contact-1", email: str = "sam@example.com", **overrides: Any) -> Contact:
    """A contact who has registered (`status=` for one who has not)."""
    fields: dict[str, Any] = {"id": contact_id, "role": "victim", "forename": "Sam", "surname": "Taylor",
                              "date_of_birth": date(1980, 3, 31), "email": email,
                              "status": ContactStatus.REGISTERED, **overrides}
    return Contact(**fields)


def case(crime_number: str = "LC-2026-00001", contacts: tuple[Contact, ...] = (), **overrides: Any) -> Case:
    fields: dict[str, Any] = {"force": "lincs", "crime_number": crime_number, "status": CaseStatus.INVESTIGATING,
                              "officer_name": "PC 1 Alex Morgan", "officer_email": "alex@lincs.police.example",
                              "created_at": NOW, "contacts": contacts, **overrides}
    return Case(**fields)


def sender(cases: FakeCaseStore, mailer: FakeMailer | None = None, deliveries: FakeDeliveries | None = None,
           clock: Clock | None = None, texter: Any = None, **setting_overrides: Any,
           ) -> tuple[EmailSender, FakeMailer, FakeDeliveries, FakeAuditLog]:
    """The email sender on fakes, its clock standing at NOW and its sleeps only noted."""
    mailer = mailer or FakeMailer()
    deliveries = deliveries or FakeDeliveries()
    audit_log = FakeAuditLog()
    if deliveries.audit_log is None:  # the sent-mark and its audit record are written together
        deliveries.audit_log = audit_log
    clock = clock or Clock(NOW)
    built = EmailSender(settings(**setting_overrides), cases, deliveries, mailer, Audit(audit_log, clock),
                        clock=clock, sleep=Sleeps(), texter=texter)
    return built, mailer, deliveries, audit_log


def handle_stream(email_sender: EmailSender, records: list[dict[str, Any]], context: Any = None) -> Counter[str]:
    """What the stream handler does with a batch of raw stream records."""
    from chalicelib.storage.stream import decode

    return email_sender.handle_changes(decode(records), context)


# -- request bodies -----------------------------------------------------------------------


def crime_number() -> str:
    return f"LC-2026-{next(_counter):05d}"


def contact(**overrides: Any) -> dict[str, Any]:
    """A contact as an officer's request gives it."""
    n = next(_counter)
    return {"role": "victim", "forename": "Sam", "surname": f"Taylor{chr(65 + n % 26)}",
            "dateOfBirth": "1980-03-31", "email": f"victim{n}@example.com", **overrides}


def case_body(number: str | None = None, contacts: list[dict[str, Any]] | None = None,
              **overrides: Any) -> dict[str, Any]:
    return {"crimeNumber": number or crime_number(),
            "officer": {"name": "PC 1234 Alex Morgan", "email": "alex.morgan@lincs.police.example"},
            "contacts": contacts if contacts is not None else [contact()], **overrides}
