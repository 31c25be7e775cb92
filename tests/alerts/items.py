"""Reading the items the core service wrote, to turn them into stream records."""

from __future__ import annotations

from chalicelib import bootstrap
from chalicelib.core.domain import Case, case_key
from chalicelib.storage.models import (
    INVITATION_SK,
    CasesTableItem,
    InvitationItem,
    ResetItem,
    UpdateItem,
    case_pk,
    invitation_pk,
)


def case_of(crime_number: str, force: str = "lincs") -> Case:
    return bootstrap.services().cases.case(case_key(force, crime_number))


def invitation_item(crime_number: str, contact_id: str, force: str = "lincs") -> InvitationItem:
    contact = case_of(crime_number, force).contact(contact_id)
    return InvitationItem.get(invitation_pk(contact.invitation_id), INVITATION_SK)


def update_items(crime_number: str, force: str = "lincs") -> list[UpdateItem]:
    return [i for i in CasesTableItem.query(case_pk(case_key(force, crime_number)))
            if isinstance(i, UpdateItem)]


def reset_items(contact_id: str) -> list[ResetItem]:
    """Tests only: a reset's id is never returned, so find it by a filtered scan."""
    return [i for i in CasesTableItem.scan()
            if isinstance(i, ResetItem) and i.contact_id == contact_id]
