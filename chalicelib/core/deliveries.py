"""Deliveries: the emails and texts the service must send exactly once.

A delivery is named by what it is for (`DeliveryRef`): an invitation, a
password reset, or the alert of one update to one contact. Its record moves
through the statuses below; the email sender claims it before sending, so a
stream record delivered twice sends one email.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MessageKind(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"
    ALERT = "alert"
    REPLY = "reply"  # the officer's reply to one contact: that contact's alert
    OFFICER_NOTICE = "officer_notice"  # a contact's message or request: the officer in charge is told
    TEAM_NOTICE = "team_notice"  # ...and the force's team inbox, where configured
    CHANGE_CODE = "change_code"  # a new email address or mobile number: its code, to the new one
    CHANGE_NOTICE = "change_notice"  # ...and a notice to the old one


# Emails to the police, not to a contact: a failure never marks the contact's alerts as failing.
TO_POLICE = frozenset({MessageKind.OFFICER_NOTICE, MessageKind.TEAM_NOTICE})


class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed; the claim runs out into a retry
    RETRYING = "retrying"  # waiting for its next attempt
    SENT = "sent"
    FAILED = "failed"  # given up: the contact is marked as failing
    CANCELLED = "cancelled"  # no longer wanted: link expired or used, contact gone


@dataclass(frozen=True)
class DeliveryRef:
    """Which email: an invitation, a reset, or the alert of one update to one contact."""

    kind: str  # a MessageKind
    source_id: str  # the invitation, reset, update or message id
    case_key: str
    contact_id: str
    force: str
    channel: str = "email"  # a domain.Channel: one delivery per message, contact and channel

    @property
    def key(self) -> str:
        """Unique per message and channel: `invitation#<id>`, `reset#<id>`,
        `alert#<update>#<contact>`, with `#text` after it for the text."""
        own = f"{self.kind}#{self.source_id}"
        own = f"{own}#{self.contact_id}" if self.kind == MessageKind.ALERT else own
        return own if self.channel == "email" else f"{own}#{self.channel}"


@dataclass(frozen=True)
class Claimed:
    ref: DeliveryRef
    attempts: int  # rounds so far, this one included


@dataclass(frozen=True)
class Due:
    key: str  # a DeliveryRef's key
    status: str  # as the (eventually consistent) index last saw it


@dataclass(frozen=True)
class SentMessage:
    """A sent email, found again by its provider's message id (bounces, complaints)."""

    key: str
    case_key: str
    contact_id: str
    kind: str
