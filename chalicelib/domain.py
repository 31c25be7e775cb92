"""Domain objects and rules: cases, contacts, updates, and the words for them.

Plain dataclasses with no storage or HTTP knowledge. The storage layer returns
these; the use-cases in `victims.py` and `officers.py` work on them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

# Update types from the Code of Practice for Victims of Crime (2020): code -> plain English.
UPDATE_TYPES: dict[str, str] = {
    "crime_recorded": "Crime recorded",
    "not_investigated": "Decision not to investigate",
    "suspect_arrested": "Suspect arrested",
    "interviewed_under_caution": "Suspect interviewed under caution",
    "released_without_charge": "Suspect released without charge",
    "bail": "Suspect bailed, or bail conditions changed",
    "released_under_investigation": "Suspect released under investigation",
    "charged": "Suspect charged",
    "out_of_court_resolution": "Out-of-court resolution",
    "not_charged": "Decision not to charge",
    "court_hearing": "Court hearing date",
    "evidence_required": "You may need to give evidence",
    "verdict": "Verdict",
    "sentence": "Sentence",
    "property_returned": "Property returned",
    "case_closed": "Case closed",
    "case_reopened": "Case reopened",
    "progress_update": "Progress update",
}

# Case status: code -> plain English. An update of some types moves the status.
CASE_STATUSES: dict[str, str] = {
    "investigating": "Being investigated",
    "not_investigated": "Not being investigated",
    "charged": "Suspect charged",
    "at_court": "Going through the courts",
    "closed": "Closed",
}
STATUS_AFTER_UPDATE: dict[str, str] = {
    "not_investigated": "not_investigated",
    "charged": "charged",
    "court_hearing": "at_court",
    "verdict": "at_court",
    "sentence": "at_court",
    "case_closed": "closed",
    "case_reopened": "investigating",
}
CLOSED_STATUSES = frozenset({"closed", "not_investigated"})

CONTACT_ROLES = ("victim", "witness")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with a Z and millisecond precision: sorts as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def crime_number_key(crime_number: str) -> str:
    """Crime numbers compare case-insensitively, ignoring surrounding spaces."""
    return crime_number.strip().upper()


def name_key(name: str) -> str:
    """Surnames compare without regard to case, accents' composition or spacing."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@dataclass(frozen=True)
class Officer:
    """The caller of an officer endpoint, from the access token's claims only."""

    id: str
    name: str
    force: str
    roles: frozenset[str]

    def may(self, permission: str) -> bool:
        return any(permission in ROLE_PERMISSIONS.get(role, ()) for role in self.roles)


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "officer": frozenset({"read", "write"}),
    "supervisor": frozenset({"read", "write", "upload"}),
    "integration": frozenset({"read", "write", "upload"}),
    "auditor": frozenset({"read"}),
}


@dataclass(frozen=True)
class Contact:
    id: str
    role: str
    forename: str
    surname: str
    date_of_birth: date
    email: str
    status: str  # invited | registered
    invitation_id: str | None = None
    invitation_expires_at: datetime | None = None
    password_hash: str | None = None
    registered_at: datetime | None = None
    sessions_revoked_at: datetime | None = None
    alerts_failing: bool = False
    alerts_failing_reason: str | None = None

    def display_status(self, now: datetime) -> str:
        if self.alerts_failing:
            return "alerts_failing"
        if self.status == "registered":
            return "registered"
        if self.invitation_expires_at and self.invitation_expires_at <= now:
            return "invitation_expired"
        return "invited"


@dataclass(frozen=True)
class Update:
    id: str
    type: str
    text: str
    officer_name: str
    posted_at: datetime
    client_reference: str | None = None

    @property
    def type_label(self) -> str:
        return UPDATE_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class Case:
    force: str
    crime_number: str
    status: str
    officer_name: str
    officer_email: str
    created_at: datetime
    closed_at: datetime | None = None
    expires_at: datetime | None = None
    contacts: tuple[Contact, ...] = field(default_factory=tuple)
    updates: tuple[Update, ...] = field(default_factory=tuple)  # newest first

    @property
    def key(self) -> str:
        return case_key(self.force, self.crime_number)

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)


def case_key(force: str, crime_number: str) -> str:
    return f"{force.lower()}#{crime_number_key(crime_number)}"
