"""Domain objects to the JSON shapes of the HTTP contract (product.md, openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.core.domain import Case, Contact, ContactStatus, Update, iso
from chalicelib.core.errors import InvalidInput
from chalicelib.officers.service import CreatedCase, RowResult, RowStatus


def _iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def update_json(update: Update) -> dict[str, Any]:
    return {"id": update.id, "postedAt": iso(update.posted_at),
            "type": update.type, "typeLabel": update.type_label, "text": update.text,
            "officerName": update.officer_name}


def victim_case_json(case: Case) -> dict[str, Any]:
    return {
        "crimeNumber": case.crime_number,
        "status": case.status,
        "statusLabel": case.status_label,
        "officer": {"name": case.officer_name, "role": "Officer in charge"},
        "updates": [update_json(u) for u in case.updates],
    }


def officer_case_json(case: Case, now: datetime) -> dict[str, Any]:
    return {
        "crimeNumber": case.crime_number,
        "force": case.force,
        "status": case.status,
        "statusLabel": case.status_label,
        "officer": {"name": case.officer_name, "email": case.officer_email},
        "createdAt": iso(case.created_at),
        "closedAt": _iso_or_none(case.closed_at),
        "contacts": [
            {"id": c.id, "role": c.role, "forename": c.forename, "surname": c.surname,
             "status": c.display_status(now),
             "registeredAt": _iso_or_none(c.registered_at),
             "invitationExpiresAt": _iso_or_none(c.invitation_expires_at),
             "alertsFailing": c.alerts_failing,
             "alertsFailingReason": c.alerts_failing_reason}
            for c in sorted(case.contacts, key=lambda c: (c.role, c.surname, c.forename))
        ],
        "updates": [update_json(u) for u in case.updates],
    }


def row_json(result: RowResult) -> dict[str, Any]:
    out: dict[str, Any] = {"row": result.row, "kind": result.kind, "status": result.status}
    for name, value in (("crimeNumber", result.crime_number), ("id", result.id),
                        ("fields", result.fields), ("message", result.message)):
        if value:
            out[name] = value
    return out


def created_case_json(created: CreatedCase) -> dict[str, Any]:
    return {
        "crimeNumber": created.case.crime_number,
        "contacts": [{"id": c.id, "role": c.role, "forename": c.forename, "surname": c.surname,
                      "status": ContactStatus.INVITED, "invitationExpiresAt": _iso_or_none(c.invitation_expires_at)}
                     for c in created.case.contacts],
    }


def reissued_invitation_json(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "status": ContactStatus.INVITED,
            "invitationExpiresAt": _iso_or_none(contact.invitation_expires_at)}


def upload_items(body: Any) -> list[Any]:
    """The items of a JSON upload: {"items": [...]} and nothing else."""
    if not isinstance(body, dict) or set(body) != {"items"} or not isinstance(body["items"], list):
        raise InvalidInput(fields={"items": 'Send {"items": [...]}, a list of cases and updates'})
    return body["items"]


def upload_json(results: list[RowResult]) -> dict[str, Any]:
    summary = {status: sum(1 for r in results if r.status == status)
               for status in RowStatus}
    return {"summary": summary, "results": [row_json(r) for r in results]}
