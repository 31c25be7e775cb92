"""Domain objects and rules: cases, contacts, updates, invitations, sessions,
and the words for them.

Plain dataclasses with no storage or HTTP knowledge. The storage adapters
return these; the use-cases (`victims`, `officers`, `notify`, `retention`)
work on them. Rules that read one object ("is this link usable now?") are
methods of that object; status words are the constants below, never literals.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from chalicelib.core.conversation import Message


class CaseStatus(StrEnum):
    INVESTIGATING = "investigating"
    NOT_INVESTIGATED = "not_investigated"
    CHARGED = "charged"
    AT_COURT = "at_court"
    CLOSED = "closed"


class ContactStatus(StrEnum):
    """Stored on the contact."""

    INVITED = "invited"
    REGISTERED = "registered"


class ContactDisplayStatus(StrEnum):
    """What the officer is shown: the stored status, or a problem that overrides it."""

    INVITED = "invited"
    REGISTERED = "registered"
    INVITATION_EXPIRED = "invitation_expired"
    ALERTS_FAILING = "alerts_failing"  # emails to the contact fail
    TEXTS_FAILING = "texts_failing"  # texts to the contact fail, or their number opted out (STOP)
    WANTS_OTHER_CONTACT = "wants_other_contact"  # they stopped using the service: contact them another way


class Channel(StrEnum):
    """How a message reaches a contact."""

    EMAIL = "email"
    TEXT = "text"


class ChannelChoice(StrEnum):
    """The contact agreement's channels: what the contact chose."""

    EMAIL = "email"
    TEXT = "text"
    BOTH = "both"


NO_QUIET_HOURS = "none"
LONDON = "Europe/London"


class ContactRole(StrEnum):
    VICTIM = "victim"
    WITNESS = "witness"

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
    CaseStatus.INVESTIGATING: "Being investigated",
    CaseStatus.NOT_INVESTIGATED: "Not being investigated",
    CaseStatus.CHARGED: "Suspect charged",
    CaseStatus.AT_COURT: "Going through the courts",
    CaseStatus.CLOSED: "Closed",
}
STATUS_AFTER_UPDATE: dict[str, CaseStatus] = {
    "not_investigated": CaseStatus.NOT_INVESTIGATED,
    "charged": CaseStatus.CHARGED,
    "court_hearing": CaseStatus.AT_COURT,
    "verdict": CaseStatus.AT_COURT,
    "sentence": CaseStatus.AT_COURT,
    "case_closed": CaseStatus.CLOSED,
    "case_reopened": CaseStatus.INVESTIGATING,
}
CLOSED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.NOT_INVESTIGATED})

CONTACT_ROLES = tuple(ContactRole)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with a Z and millisecond precision: sorts as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def crime_number_key(crime_number: str) -> str:
    """Crime numbers compare by their letters and digits alone, whatever the
    case and separators: "lc 2026/10042" finds LC-2026-10042. (A force's crime
    numbers have fixed shapes, so two never differ only in separators.)"""
    return "".join(c for c in crime_number.upper() if c.isascii() and c.isalnum())


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

    def may(self, permission: Permission) -> bool:
        return any(permission in ROLE_PERMISSIONS.get(role, ()) for role in self.roles)


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"
    UPLOAD = "upload"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "officer": frozenset({Permission.READ, Permission.WRITE}),
    "supervisor": frozenset({Permission.READ, Permission.WRITE, Permission.UPLOAD}),
    "integration": frozenset({Permission.READ, Permission.WRITE, Permission.UPLOAD}),
    "auditor": frozenset({Permission.READ}),
}


@dataclass(frozen=True)
class Contact:
    id: str
    role: str
    forename: str
    surname: str
    date_of_birth: date
    email: str | None  # at least one of email and mobile
    status: str  # a ContactStatus
    invitation_id: str | None = None
    invitation_expires_at: datetime | None = None
    password_hash: str | None = None
    registered_at: datetime | None = None
    # Bumped with every new password (registration, change, reset) and every
    # sign-out, in the same write. A session, and a reset link, carries the
    # version it was made under and works only while that is still current:
    # no clock decides what a password change ends.
    credential_version: int = 0
    alerts_failing: bool = False
    alerts_failing_reason: str | None = None
    # Two-way contact (issue 12).
    enhanced_rights: bool = False  # Victims' Code: entitled to enhanced rights (updates within 1 working day)
    open_request_id: str | None = None  # their update request not yet answered
    open_request_at: datetime | None = None  # when it was made (with the id: its key)
    read_updates_through: datetime | None = None  # the newest update they have seen was posted then
    last_read_at: datetime | None = None
    # Text messages and the contact agreement (issue 14).
    mobile: str | None = None  # E.164
    channels: str | None = None  # a ChannelChoice; None: every channel they have an address for
    quiet_hours: str | None = None  # "HH:MM-HH:MM" UK time, or None
    language: str = "en"
    phrase: str | None = None  # their anti-phishing phrase, in every message sent to them
    safe_contact: bool = False  # neutral sender and wording: someone may read their phone
    texts_failing: bool = False
    texts_failing_reason: str | None = None
    stopped_at: datetime | None = None  # they stopped using the service: no more alerts
    # A new email address or mobile number waiting for its code (account changes).
    pending_change_id: str | None = None
    pending_change_channel: str | None = None  # a Channel
    pending_change_address: str | None = None
    pending_change_expires_at: datetime | None = None
    pending_change_attempts: int = 0

    def address(self, channel: str) -> str | None:
        return self.email if channel == Channel.EMAIL else self.mobile

    @property
    def available_channels(self) -> tuple[str, ...]:
        """The agreement's choices this contact has an address for."""
        if self.email and self.mobile:
            return tuple(ChannelChoice)
        return (ChannelChoice.EMAIL,) if self.email else (ChannelChoice.TEXT,) if self.mobile else ()

    @property
    def channel_choice(self) -> str:
        """What they chose, or by default every channel they have an address for."""
        available = self.available_channels
        if self.channels in available:
            return self.channels
        return ChannelChoice.BOTH if len(available) > 1 else (available[0] if available else ChannelChoice.EMAIL)

    def channels_to_use(self) -> tuple[str, ...]:
        """The channels a message to this contact goes by: chosen, and with an address."""
        choice = self.channel_choice
        wanted = (Channel.EMAIL, Channel.TEXT) if choice == ChannelChoice.BOTH else (choice,)
        return tuple(c for c in wanted if self.address(c))

    @property
    def has_stopped(self) -> bool:
        return self.stopped_at is not None

    def pending_change_usable(self, now: datetime) -> bool:
        return bool(self.pending_change_id) and self.pending_change_expires_at is not None \
            and self.pending_change_expires_at > now

    @property
    def is_registered(self) -> bool:
        return self.status == ContactStatus.REGISTERED

    def matches(self, surname_key: str, date_of_birth: date) -> bool:
        """Whether a registered contact is the person these identity details name."""
        return self.is_registered and name_key(self.surname) == surname_key \
            and self.date_of_birth == date_of_birth

    def accepts(self, session: Session) -> bool:
        """Whether this contact's session is still current (no new password,
        no sign-out, since it was made)."""
        return session.contact_id == self.id and session.credential_version == self.credential_version

    def display_status(self, now: datetime) -> ContactDisplayStatus:
        if self.has_stopped:
            return ContactDisplayStatus.WANTS_OTHER_CONTACT
        if self.alerts_failing:
            return ContactDisplayStatus.ALERTS_FAILING
        if self.texts_failing:
            return ContactDisplayStatus.TEXTS_FAILING
        if self.is_registered:
            return ContactDisplayStatus.REGISTERED
        if self.invitation_expires_at and self.invitation_expires_at <= now:
            return ContactDisplayStatus.INVITATION_EXPIRED
        return ContactDisplayStatus.INVITED


@dataclass(frozen=True)
class Update:
    id: str
    type: str
    text: str
    officer_name: str
    posted_at: datetime
    client_reference: str | None = None


@dataclass(frozen=True)
class NewUpdate:
    """An update to post with what it does to its case (as if the updates
    before it in the same batch had been posted), and its audit record."""

    update: Update
    new_status: str | None
    closed_at: datetime | None
    expires_at: datetime | None
    next_due: date | None
    audit: AuditRecord


@dataclass(frozen=True)
class Case:
    force: str
    crime_number: str
    status: str
    officer_name: str
    officer_email: str
    created_at: datetime
    closed_at: datetime | None = None
    # How a victim reaches the officer in charge (issue 15), when the officer gave them.
    officer_collar_number: str | None = None
    officer_phone: str | None = None
    expires_at: datetime | None = None
    contacts: tuple[Contact, ...] = field(default_factory=tuple)
    updates: tuple[Update, ...] = field(default_factory=tuple)  # newest first
    officer_id: str | None = None  # the officer in charge (who recorded the case)
    next_update_due_by: date | None = None  # Victims' Code clock
    messages: tuple[Message, ...] = field(default_factory=tuple)  # every contact's, newest first
    # Read a page at a time (issue 17): where the next, older page starts, or
    # None when nothing older is left. Opaque (core/paging.py).
    older_cursor: str | None = None

    @property
    def key(self) -> str:
        return case_key(self.force, self.crime_number)

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)

    def registered_contacts(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.is_registered)

    def conversation(self, contact_id: str) -> tuple[Message, ...]:
        """One contact's messages and update requests and the officer's replies
        to them, newest first: never another contact's."""
        return tuple(m for m in self.messages if m.contact_id == contact_id)

    @property
    def has_enhanced_rights(self) -> bool:
        return any(c.enhanced_rights for c in self.contacts)

def case_key(force: str, crime_number: str) -> str:
    return f"{force.lower()}#{crime_number_key(crime_number)}"


def force_of(case_key: str) -> str:
    return case_key.split("#", 1)[0]


@dataclass(frozen=True)
class NewContact:
    """A contact being recorded with a new case, and the id of their invitation."""

    contact: Contact
    invitation_id: str

    @property
    def invitation_expires_at(self) -> datetime:
        if self.contact.invitation_expires_at is None:
            raise ValueError("a new contact's invitation must have an expiry")
        return self.contact.invitation_expires_at


@dataclass(frozen=True)
class Invitation:
    """A one-time link: an invitation to register, or a password reset."""

    id: str
    case_key: str
    contact_id: str
    force: str
    email: str | None
    expires_at: datetime
    used_at: datetime | None
    failed_attempts: int
    # A reset link: the contact's credential version when it was asked for. A
    # new password or a sign-out since then ends it.
    credential_version: int | None = None
    mobile: str | None = None  # texts too (issue 14)
    channels: tuple[str, ...] = ("email",)  # the channels its message goes by

    def address(self, channel: str) -> str | None:
        return self.email if channel == Channel.EMAIL else self.mobile

    def is_usable(self, now: datetime) -> bool:
        """Not used yet and not expired: the one test of a link, wherever it is read."""
        return self.used_at is None and self.expires_at > now


@dataclass(frozen=True)
class Session:
    key: str
    case_key: str
    contact_id: str
    created_at: datetime
    idle_expires_at: datetime
    absolute_expires_at: datetime
    credential_version: int = 0  # the contact's, when the session was made


@dataclass(frozen=True)
class PendingErasure:
    """A case whose erasure after retention failed part-way, waiting to be tried again."""

    case_key: str
    attempts: int


class AuditAction(StrEnum):
    """DPA 2018 s.62's kinds of processing."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    ERASURE = "erasure"


@dataclass(frozen=True)
class AuditRecord:
    """One audit record: who, what, when and which case, never content. A
    change's record is written in the change's own transaction, so the record
    exists if and only if the change happened."""

    at: datetime
    action: str  # an AuditAction
    event: str
    actor: str
    record_id: str
    force: str | None = None
    case_key: str | None = None
    subject: str | None = None


def _london() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(LONDON)
    except (ImportError, KeyError, OSError):  # no time zone data: GMT is never more than an hour out
        return UTC


def quiet_hours_end(quiet_hours: str | None, now: datetime) -> datetime | None:
    """When quiet hours (`HH:MM-HH:MM`, UK time; they may span midnight) end,
    if `now` is inside them; None if it is not, or there are none. A text due
    in quiet hours waits until then."""
    if not quiet_hours or quiet_hours == NO_QUIET_HOURS:
        return None
    try:
        start_text, end_text = quiet_hours.split("-")
        start = time.fromisoformat(start_text)
        end = time.fromisoformat(end_text)
    except ValueError:
        return None
    zone = _london()
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = (start <= clock < end) if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    # The end as a UK wall-clock time (through a clock change too), then UTC.
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)
