"""Domain objects to the JSON shapes of the HTTP contract (product.md, openapi.json)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.core.conversation import InboxPage, Message, answered_at
from chalicelib.core.domain import (
    CASE_STATUSES,
    NO_QUIET_HOURS,
    UPDATE_TYPES,
    Case,
    Contact,
    ContactStatus,
    Update,
    iso,
)
from chalicelib.core.errors import InvalidInput
from chalicelib.core.i18n import MissingMessage, t
from chalicelib.officers.service import CreatedCase, RowResult, RowStatus


def _iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _label(key: str, english: dict[str, str], code: str) -> str:
    """A code's words in the request's language (the catalogue's `key`); a code
    the catalogue lacks has domain.py's English, or itself."""
    try:
        return t(key)
    except MissingMessage:
        return english.get(code, code)


def type_label(update_type: str) -> str:
    return _label(f"update_type.{update_type}", UPDATE_TYPES, update_type)


def status_label(status: str) -> str:
    return _label(f"case_status.{status}", CASE_STATUSES, status)


def update_json(update: Update) -> dict[str, Any]:
    return {"id": update.id, "postedAt": iso(update.posted_at),
            "type": update.type, "typeLabel": type_label(update.type), "text": update.text,
            "officerName": update.officer_name}


def _date_or_none(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def message_json(message: Message, conversation: tuple[Message, ...], case: Case) -> dict[str, Any]:
    """One item of a conversation. A contact's item says whether (and when) the
    officer answered it and when an answer is due until then."""
    out: dict[str, Any] = {"id": message.id, "from": message.author, "kind": message.kind,
                           "text": message.text, "sentAt": iso(message.sent_at),
                           "readAt": _iso_or_none(message.read_at)}
    if message.from_contact:
        answered = answered_at(message, conversation, [u.posted_at for u in case.updates])
        out["answeredAt"] = _iso_or_none(answered)
        out["replyDueBy"] = None if answered else _date_or_none(message.reply_due_by)
    else:
        out["officerName"] = message.officer_name
    return out


def conversation_json(case: Case, contact_id: str) -> list[dict[str, Any]]:
    conversation = case.conversation(contact_id)
    return [message_json(m, conversation, case) for m in conversation]


def victim_case_json(case: Case, contact: Contact, messages_left_today: int,
                     open_request: Message | None = None) -> dict[str, Any]:
    """One page of the case: `updates` and `messages` hold the newest items of
    the timeline (or those before the cursor asked for), `olderCursor` where
    the next older page starts (null: nothing older)."""
    conversation = conversation_json(case, contact.id)
    request = open_request if open_request is not None and open_request.id == contact.open_request_id else None
    return {
        "crimeNumber": case.crime_number,
        "status": case.status,
        "statusLabel": status_label(case.status),
        # How to reach them: the page shows the collar number and a number to tap
        # (the force's own, asking for them, when the officer gave no phone).
        "officer": {"name": case.officer_name, "role": t("case.officer_role"),
                    "collarNumber": case.officer_collar_number, "phone": case.officer_phone},
        "updates": [update_json(u) for u in case.updates],
        "messages": conversation,
        "openUpdateRequest": update_request_json(request) if request else None,
        "nextUpdateDueBy": _date_or_none(case.next_update_due_by),
        "messagesLeftToday": messages_left_today,
        "olderCursor": case.older_cursor,
    }


def sent_message_json(message: Message) -> dict[str, Any]:
    return {"id": message.id, "sentAt": iso(message.sent_at), "replyDueBy": _date_or_none(message.reply_due_by)}


def update_request_json(message: Message) -> dict[str, Any]:
    return {"id": message.id, "requestedAt": iso(message.sent_at),
            "replyDueBy": _date_or_none(message.reply_due_by)}


def inbox_json(page: InboxPage) -> dict[str, Any]:
    return {"items": [{"crimeNumber": i.crime_number, "contactId": i.contact_id, "reason": i.reason,
                       "waitingSince": iso(i.waiting_since), "officerId": i.officer_id} for i in page.items],
            "cursor": page.cursor}


def officer_case_json(case: Case, now: datetime) -> dict[str, Any]:
    return {
        "crimeNumber": case.crime_number,
        "force": case.force,
        "status": case.status,
        "statusLabel": status_label(case.status),
        "officer": {"name": case.officer_name, "email": case.officer_email,
                    "collarNumber": case.officer_collar_number, "phone": case.officer_phone},
        "createdAt": iso(case.created_at),
        "closedAt": _iso_or_none(case.closed_at),
        "contacts": [
            {"id": c.id, "role": c.role, "forename": c.forename, "surname": c.surname,
             "status": c.display_status(now),
             "registeredAt": _iso_or_none(c.registered_at),
             "invitationExpiresAt": _iso_or_none(c.invitation_expires_at),
             "alertsFailing": c.alerts_failing,
             "alertsFailingReason": c.alerts_failing_reason,
             "enhancedRights": c.enhanced_rights,
             "hasEmail": bool(c.email), "hasMobile": bool(c.mobile),
             "channels": [] if c.has_stopped else list(c.channels_to_use()),
             "textsFailing": c.texts_failing,
             "textsFailingReason": c.texts_failing_reason,
             "safeContact": c.safe_contact,
             "language": c.language,
             "stoppedAt": _iso_or_none(c.stopped_at),
             "lastReadAt": _iso_or_none(c.last_read_at),
             "readUpdateIds": [u.id for u in case.updates
                               if c.read_updates_through is not None and u.posted_at <= c.read_updates_through],
             "messages": conversation_json(case, c.id)}
            for c in sorted(case.contacts, key=lambda c: (c.role, c.surname, c.forename))
        ],
        "updates": [update_json(u) for u in case.updates],
        "olderCursor": case.older_cursor,
        "nextUpdateDueBy": _date_or_none(case.next_update_due_by),
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


def account_json(contact: Contact) -> dict[str, Any]:
    """The signed-in contact's account: addresses and the contact agreement."""
    pending = None
    if contact.pending_change_id and contact.pending_change_expires_at is not None:
        pending = {"channel": contact.pending_change_channel, "expiresAt": iso(contact.pending_change_expires_at)}
    return {
        "email": contact.email or None,
        "mobile": contact.mobile or None,
        "channels": contact.channel_choice,
        "availableChannels": list(contact.available_channels),
        "quietHours": contact.quiet_hours or NO_QUIET_HOURS,
        "language": contact.language,
        "phrase": contact.phrase,
        "safeContact": contact.safe_contact,
        "pendingChange": pending,
        # Whether they have chosen (the site asks until they have); a stop asks again.
        "agreed": contact.channels is not None and not contact.has_stopped,
    }


def change_sent_json(contact: Contact) -> dict[str, Any]:
    return {"channel": contact.pending_change_channel,
            "expiresAt": _iso_or_none(contact.pending_change_expires_at)}


def safe_contact_json(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "safeContact": contact.safe_contact}


def reissued_invitation_json(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "status": ContactStatus.INVITED,
            "invitationExpiresAt": _iso_or_none(contact.invitation_expires_at)}


def upload_items(body: Any) -> list[Any]:
    """The items of a JSON upload: {"items": [...]} and nothing else."""
    if not isinstance(body, dict) or set(body) != {"items"} or not isinstance(body["items"], list):
        raise InvalidInput(fields={"items": t("upload.items_shape")})
    return body["items"]


def upload_json(results: list[RowResult]) -> dict[str, Any]:
    summary = {status: sum(1 for r in results if r.status == status)
               for status in RowStatus}
    return {"summary": summary, "results": [row_json(r) for r in results]}
