"""What the cases table's stream says happened, in the domain's words.

`storage.stream` decodes each stream record into one of these (or nothing,
for a change no one acts on); the email sender and retention act on them
without knowing how items are laid out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LinkStored:
    """A new invitation or password reset: its email must go, once."""

    kind: str  # MessageKind.INVITATION or MessageKind.RESET
    id: str
    case_key: str
    contact_id: str
    force: str
    email: str | None
    expires_at: datetime
    mobile: str | None = None
    channels: tuple[str, ...] = ("email",)  # what the link goes by (a reset: the contact's choice)


@dataclass(frozen=True)
class AddressChangeRequested:
    """A contact asked to change their email address or mobile number: the code
    goes to the new address, a notice to the old one."""

    id: str
    case_key: str
    contact_id: str
    force: str
    channel: str  # a domain.Channel
    address: str
    old_address: str | None
    expires_at: datetime


@dataclass(frozen=True)
class UpdatePosted:
    """A new update: every registered contact of the case gets an alert, once each."""

    case_key: str
    update_id: str


@dataclass(frozen=True)
class MessagePosted:
    """A message or update request from a contact (the officer in charge is
    told, once), or the officer's reply to one (that contact is alerted, once)."""

    case_key: str
    message_id: str
    contact_id: str
    from_contact: bool


@dataclass(frozen=True)
class CaseRemovedByTtl:
    """DynamoDB's TTL deleted a closed case's own item: erase the rest of it."""

    case_key: str


@dataclass(frozen=True)
class Unreadable:
    """A record that could not be decoded: logged and skipped, never blocking the rest."""

    event_id: str | None


Change = LinkStored | UpdatePosted | MessagePosted | AddressChangeRequested | CaseRemovedByTtl | Unreadable
