"""Officer use-cases: record a case with its contacts, read it, post updates,
and upload a batch. The officer (force, roles) comes from the access token."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.config import Settings
from chalicelib.core import tokens
from chalicelib.core.audit import Audit
from chalicelib.core.conversation import (
    Author,
    InboxPage,
    ItemKind,
    Message,
    next_update_due,
    uk_date,
)
from chalicelib.core.domain import (
    CLOSED_STATUSES,
    STATUS_AFTER_UPDATE,
    AuditAction,
    Case,
    CaseStatus,
    Contact,
    ContactStatus,
    NewContact,
    NewUpdate,
    Officer,
    Permission,
    Update,
    case_key,
    utcnow,
)
from chalicelib.core.errors import (
    ConditionFailed,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from chalicelib.core.i18n import t
from chalicelib.core.ports import CaseRepository, Clock
from chalicelib.core.validation import FieldError, crime_number, is_text, validate
from chalicelib.observability import logger, metrics
from chalicelib.officers.schemas import (
    CASE_SCHEMA,
    REISSUE_INTERVAL,
    REISSUE_SCHEMA,
    REPLY_SCHEMA,
    SAFE_CONTACT_SCHEMA,
    UPDATE_SCHEMA,
    UPLOAD_CASE_SCHEMA,
    UPLOAD_UPDATE_SCHEMA,
)


@dataclass(frozen=True)
class CreatedCase:
    case: Case
    invitation_ids: dict[str, str]  # contact id -> invitation id


class RowStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RowResult:
    row: int
    kind: str | None
    status: RowStatus
    crime_number: str | None = None
    id: str | None = None
    fields: dict[str, str] | None = None
    message: str | None = None


class OfficerService:
    def __init__(self, settings: Settings, cases: CaseRepository, audit: Audit, clock: Clock = utcnow):
        self._settings = settings
        self._cases = cases
        self._audit = audit
        self._clock = clock

    @staticmethod
    def _require(officer: Officer, permission: Permission) -> None:
        if not officer.may(permission):
            raise Forbidden()

    def create_case(self, officer: Officer, body: Any) -> CreatedCase:
        self._require(officer, Permission.WRITE)
        return self._create_case(officer, _validated_case(body, CASE_SCHEMA))

    def _create_case(self, officer: Officer, data: dict[str, Any]) -> CreatedCase:
        unreachable = {f"contacts[{i}].email": t("contact.no_address") for i, c in enumerate(data["contacts"])
                       if not c.get("email") and not c.get("mobile")}
        if unreachable:
            raise InvalidInput(fields=unreachable)
        now = self._clock()
        expires = now + timedelta(days=self._settings.invitation_ttl_days)
        new_contacts = [
            NewContact(
                contact=Contact(id=tokens.new_id(), role=c["role"], forename=c["forename"],
                                surname=c["surname"], date_of_birth=c["dateOfBirth"],
                                email=c.get("email"), mobile=c.get("mobile"), status=ContactStatus.INVITED,
                                invitation_expires_at=expires, enhanced_rights=bool(c.get("enhancedRights")),
                                safe_contact=bool(c.get("safeContact")),
                                language=c.get("language") or "en"),
                invitation_id=tokens.new_id(),
            )
            for c in data["contacts"]
        ]
        enhanced = any(n.contact.enhanced_rights for n in new_contacts)
        case = Case(force=officer.force, crime_number=data["crimeNumber"], status=CaseStatus.INVESTIGATING,
                    officer_name=data["officer"]["name"], officer_email=data["officer"]["email"],
                    officer_collar_number=data["officer"].get("collarNumber"),
                    officer_phone=data["officer"].get("phone"),
                    created_at=now, contacts=tuple(n.contact for n in new_contacts), officer_id=officer.id,
                    next_update_due_by=next_update_due(uk_date(now), enhanced))
        self._cases.create_case(case, created_by=officer.id, contacts=new_contacts,
                                audit=self._audit.entry(AuditAction.COLLECTION, "case_created",
                                                        actor=f"officer:{officer.id}",
                                                        force=case.force, case_key=case.key))
        logger.info("case created", extra={"force": case.force, "contacts": len(new_contacts)})
        metrics.add_metric(name="CasesCreated", unit="Count", value=1)
        return CreatedCase(case=case, invitation_ids={n.contact.id: n.invitation_id for n in new_contacts})

    def get_case(self, officer: Officer, crime_number_text: str, before: str | None = None) -> Case:
        """The case a page at a time: the newest updates (or those before the
        cursor `before`), each contact's newest messages. Opening it marks what
        the contacts sent, as shown, as read by the officer (in the read's
        audit write)."""
        self._require(officer, Permission.READ)
        now = self._clock()
        key = _key_from_path(officer, crime_number_text)
        case = self._cases.case_page(key, before)
        if case is None or case.is_expired(now):
            raise NotFound(t("case.not_found"))
        audit = self._audit.entry(AuditAction.CONSULTATION, "case_read_by_officer", actor=f"officer:{officer.id}",
                                  force=case.force, case_key=case.key)
        unread = [m for m in case.messages if m.from_contact and m.read_at is None]
        if unread and officer.may(Permission.WRITE):  # an auditor's reading is not the officer's
            self._cases.mark_read(case, Author.OFFICER, "", None, unread, now, audit)
            case = replace(case, messages=tuple(replace(m, read_at=now) if m in unread else m for m in case.messages))
        else:
            self._audit.write(audit)
        return case

    def post_update(self, officer: Officer, crime_number_text: str, body: Any) -> tuple[Update, bool]:
        self._require(officer, Permission.WRITE)
        return self._post_update(officer, crime_number_text, validate(body, UPDATE_SCHEMA))

    def _post_update(self, officer: Officer, crime_number_text: str,
                     data: dict[str, Any]) -> tuple[Update, bool]:
        key = _key_from_path(officer, crime_number_text)
        now = self._clock()
        case = self._cases.case_with_contacts(key)
        if case is None or case.is_expired(now):
            raise NotFound(t("case.not_found"))
        new = self._new_update(officer, case, case.status, data, now)
        try:
            update, created = self._cases.post_update(
                case, new.update, officer_id=officer.id, new_status=new.new_status, closed_at=new.closed_at,
                expires_at=new.expires_at, next_due=new.next_due, audit=new.audit)
        except ConditionFailed as exc:
            raise NotFound(t("case.not_found")) from exc
        if created:
            _posted(update)
        return update, created

    def _new_update(self, officer: Officer, case: Case, status: str, data: dict[str, Any],
                    now: datetime) -> NewUpdate:
        """The update `data` describes and what it does to `case`, whose status
        is `status` when it is posted."""
        new_status = STATUS_AFTER_UPDATE.get(data["type"])
        closing = new_status in CLOSED_STATUSES if new_status else status in CLOSED_STATUSES
        expires = now + timedelta(days=self._settings.retention_days_for(officer.force)) \
            if new_status in CLOSED_STATUSES else None
        # The Victims' Code clock: the officer's date, or 5 (1, with enhanced
        # rights) working days from today; none once the case is closed.
        next_due = None if closing else data.get("nextUpdateDueBy") or next_update_due(uk_date(now),
                                                                                        case.has_enhanced_rights)
        update = Update(id=tokens.new_id(), type=data["type"], text=data["text"],
                        officer_name=officer.name, posted_at=now,
                        client_reference=data.get("clientReference"))
        audit = self._audit.entry(AuditAction.ALTERATION, "update_posted", actor=f"officer:{officer.id}",
                                  force=officer.force, case_key=case.key, subject=update.id)
        return NewUpdate(update=update, new_status=new_status, closed_at=now if expires else None,
                         expires_at=expires, next_due=next_due, audit=audit)

    def reissue_invitation(self, officer: Officer, crime_number_text: str, contact_id: str,
                           body: Any) -> Contact:
        """A new invitation for a victim or witness who has not registered (the
        last one expired, or never arrived), optionally to a corrected address.
        The last invitation's link stops working; the email goes as for a new
        case. At most one every few minutes a contact, so a slip cannot flood
        a victim's inbox."""
        self._require(officer, Permission.WRITE)
        data = validate(body, REISSUE_SCHEMA)
        now = self._clock()
        key = _key_from_path(officer, crime_number_text)
        case = self._cases.case_with_contacts(key)
        if case is None or case.is_expired(now):
            raise NotFound(t("case.not_found"))
        contact = case.contact(contact_id) if is_text(contact_id) else None
        if contact is None:
            raise NotFound(t("contact.not_found"))
        if contact.is_registered:
            raise _already_registered()
        ttl = timedelta(days=self._settings.invitation_ttl_days)
        if contact.invitation_expires_at and now < contact.invitation_expires_at - ttl + REISSUE_INTERVAL:
            raise _too_soon()
        email_address = data.get("email") or contact.email
        mobile_number = data.get("mobile") or contact.mobile
        language = data.get("language") or contact.language
        expires = now + ttl
        invitation_id = tokens.new_id()
        try:
            self._cases.reissue_invitation(
                key, contact, invitation_id, force=case.force, email=email_address, expires_at=expires, now=now,
                audit=self._audit.entry(AuditAction.ALTERATION, "invitation_reissued", actor=f"officer:{officer.id}",
                                        force=case.force, case_key=key, subject=contact.id),
                mobile=mobile_number, language=language)
        except ConditionFailed as exc:
            # Registered meanwhile, or a concurrent re-send won: read again to say which.
            latest = self._cases.case_with_contacts(key)
            again = latest.contact(contact.id) if latest else None
            if again is not None and again.is_registered:
                raise _already_registered() from exc
            raise _too_soon() from exc
        logger.info("invitation reissued", extra={"contact": contact.id, "address_changed":
                                                  email_address != contact.email or mobile_number != contact.mobile})
        metrics.add_metric(name="InvitationsReissued", unit="Count", value=1)
        return replace(contact, email=email_address, mobile=mobile_number, language=language,
                       invitation_id=invitation_id,
                       invitation_expires_at=expires, alerts_failing=False, alerts_failing_reason=None,
                       texts_failing=False, texts_failing_reason=None)

    def set_safe_contact(self, officer: Officer, crime_number_text: str, contact_id: str, body: Any) -> Contact:
        """Marks a contact as at risk from someone who may read their messages
        (neutral sender and wording from now on), or clears the mark."""
        self._require(officer, Permission.WRITE)
        data = validate(body, SAFE_CONTACT_SCHEMA)
        now = self._clock()
        key = _key_from_path(officer, crime_number_text)
        case = self._cases.case_with_contacts(key)
        if case is None or case.is_expired(now):
            raise NotFound(t("case.not_found"))
        contact = case.contact(contact_id) if is_text(contact_id) else None
        if contact is None:
            raise NotFound(t("contact.not_found"))
        try:
            self._cases.set_safe_contact(key, contact.id, data["safeContact"], self._audit.entry(
                AuditAction.ALTERATION, "safe_contact_set" if data["safeContact"] else "safe_contact_cleared",
                actor=f"officer:{officer.id}", force=case.force, case_key=key, subject=contact.id))
        except ConditionFailed as exc:
            raise NotFound(t("contact.not_found")) from exc
        return replace(contact, safe_contact=data["safeContact"])

    # -- two-way contact ---------------------------------------------------------------

    def reply(self, officer: Officer, crime_number_text: str, contact_id: str, body: Any) -> tuple[Message, bool]:
        """A message to one contact of the case, answering whatever they are
        waiting for; the contact is alerted (no content in the alert). The same
        `clientReference` again answers the first reply: (reply, created)."""
        self._require(officer, Permission.WRITE)
        data = validate(body, REPLY_SCHEMA)
        now = self._clock()
        case = self._cases.case_with_contacts(_key_from_path(officer, crime_number_text))
        if case is None or case.is_expired(now):
            raise NotFound(t("case.not_found"))
        contact = case.contact(contact_id) if is_text(contact_id) else None
        if contact is None:
            raise NotFound(t("contact.not_found"))
        message = Message(id=tokens.new_id(), contact_id=contact.id, author=Author.OFFICER, kind=ItemKind.MESSAGE,
                          text=data["text"], sent_at=now, officer_name=officer.name,
                          client_reference=data.get("clientReference"))
        audit = self._audit.entry(AuditAction.DISCLOSURE, "message_to_contact", actor=f"officer:{officer.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            message, created = self._cases.add_officer_reply(case, message, officer.id, now, audit)
        except ConditionFailed as exc:
            raise NotFound(t("case.not_found")) from exc
        if created:
            logger.info("message to contact", extra={"contact": contact.id})
            metrics.add_metric(name="RepliesToContacts", unit="Count", value=1)
        return message, created

    def inbox(self, officer: Officer, mine: str | None, since: str | None, cursor: str | None) -> InboxPage:
        """What needs the force's attention, oldest first: unanswered messages and
        update requests, updates due (or overdue) under the Victims' Code, and
        updates a contact has left unread for 7 days. `mine=true`: only the
        calling officer's cases. A page at a time (`cursor`)."""
        self._require(officer, Permission.READ)
        problems: dict[str, str] = {}
        only_mine = False
        if mine is not None:
            if mine not in ("true", "false"):
                problems["mine"] = t("query.true_or_false")
            only_mine = mine == "true"
        since_at = _parse_since(since, problems)
        start = _decode_cursor(cursor, officer.force, problems)
        if problems:
            raise InvalidInput(fields=problems)
        items, last = self._cases.inbox(officer.force, self._clock(), officer.id if only_mine else None, since_at,
                                        start, INBOX_PAGE)
        return InboxPage(items=tuple(items), cursor=_encode_cursor(last, officer.force) if last else None)

    # -- batch upload --------------------------------------------------------------

    def upload(self, officer: Officer, items: list[Any]) -> list[RowResult]:
        """Each row on its own: created, duplicate (already there: re-sending an
        export creates nothing new) or rejected with reasons."""
        self._require(officer, Permission.UPLOAD)
        if len(items) > self._settings.upload_max_rows:
            raise InvalidInput(fields={"items": t("upload.too_many_rows", most=self._settings.upload_max_rows)})
        if not items:
            raise InvalidInput(fields={"items": t("upload.no_rows")})
        posted = self._posted_before(officer, items)
        results: dict[int, RowResult] = {}
        batched: dict[str, list[tuple[int, dict[str, Any]]]] = {}  # case key -> its new update rows, in order
        references: set[tuple[str, str]] = set()
        for i, item in enumerate(items):
            new = self._new_update_row(officer, item, posted)
            if new is None or (new[0], new[1].get("clientReference") or "") in references:
                continue  # answered on its own below (a reference again in the same upload: as a duplicate)
            key, data = new
            if data.get("clientReference"):
                references.add((key, data["clientReference"]))
            batched.setdefault(key, []).append((i, data))
        results.update(self._post_batched(officer, batched))
        return [results.get(i) or self._upload_row(officer, i, item, posted) for i, item in enumerate(items)]

    def _new_update_row(self, officer: Officer, item: Any,
                        posted: dict[tuple[str, str], str]) -> tuple[str, dict[str, Any]] | None:
        """(case key, row) for a valid update row not posted before; None for any other row."""
        if not isinstance(item, dict) or item.get("kind") != "update":
            return None
        try:
            data = validate(item, UPLOAD_UPDATE_SCHEMA)
            key = _key_from_path(officer, data["crimeNumber"])
        except (InvalidInput, NotFound):
            return None
        return None if (key, data.get("clientReference") or "") in posted else (key, data)

    def _post_batched(self, officer: Officer,
                      batched: dict[str, list[tuple[int, dict[str, Any]]]]) -> dict[int, RowResult]:
        """An upload's new update rows, grouped into transactions (issue 17):
        their cases read at once, each row planned as if the rows before it on
        its case had been posted, then written by the store in as few
        transactions as fit. What the store could not write for certain is left
        out (those rows go one by one, as before); what it may have written is
        answered as not saved, to be sent again (its reference makes that safe)."""
        if not batched:
            return {}
        keys = list(batched)
        cases = self._cases.cases_with_contacts(keys)
        plans: list[tuple[Case, list[NewUpdate]]] = []
        rows: dict[str, tuple[int, str]] = {}  # update id -> (row, crime number)
        for key, case in zip(keys, cases, strict=True):
            if case is None or case.is_expired(self._clock()):
                continue  # each row says so on its own
            status, planned, at = case.status, [], self._clock()
            for row, data in batched[key]:
                # A millisecond apart at least (keys and pages keep milliseconds): the rows keep their order.
                new = self._new_update(officer, case, status, data, at)
                status, at = new.new_status or status, max(self._clock(), at + timedelta(milliseconds=1))
                planned.append(new)
                rows[new.update.id] = (row, data["crimeNumber"])
            plans.append((case, planned))
        written, uncertain = self._cases.post_updates(officer.id, plans)
        results: dict[int, RowResult] = {}
        for _, planned in plans:
            for new in planned:
                row, number = rows[new.update.id]
                if new.update.id in written:
                    _posted(new.update)
                    results[row] = RowResult(row, "update", RowStatus.CREATED, number, new.update.id)
                elif new.update.id in uncertain:
                    results[row] = RowResult(row, "update", RowStatus.REJECTED, number,
                                             message=ServiceUnavailable().message)
        return results

    def _posted_before(self, officer: Officer, items: list[Any]) -> dict[tuple[str, str], str]:
        """The update rows' references already posted (a re-sent export), in one
        batch read before any row is written: those rows are answered as
        duplicates without a write each (issue 17)."""
        references = []
        for item in items:
            if isinstance(item, dict) and item.get("kind") == "update" and item.get("clientReference"):
                try:
                    data = validate(item, UPLOAD_UPDATE_SCHEMA)
                    references.append((_key_from_path(officer, data["crimeNumber"]), data["clientReference"]))
                except (InvalidInput, NotFound):
                    continue  # the row's own turn says what is wrong with it
        return self._cases.updates_by_reference(sorted(set(references)), self._clock()) if references else {}

    def _upload_row(self, officer: Officer, row: int, item: Any,
                    posted: dict[tuple[str, str], str] | None = None) -> RowResult:
        kind = item.get("kind") if isinstance(item, dict) else None
        number = item.get("crimeNumber") if isinstance(item, dict) else None
        number = number if isinstance(number, str) else None
        try:
            if kind == "case":
                created = self._create_case(officer, _validated_case(item, UPLOAD_CASE_SCHEMA))
                return RowResult(row, kind, RowStatus.CREATED, created.case.crime_number)
            if kind == "update":
                data = validate(item, UPLOAD_UPDATE_SCHEMA)
                known = (posted or {}).get((_key_from_path(officer, data["crimeNumber"]),
                                            data.get("clientReference") or ""))
                if known is not None:
                    return RowResult(row, kind, RowStatus.DUPLICATE, number, known)
                update, was_created = self._post_update(officer, data["crimeNumber"], data)
                return RowResult(row, kind, RowStatus.CREATED if was_created else RowStatus.DUPLICATE, number,
                                 update.id)
            return RowResult(row, None, RowStatus.REJECTED, number, fields={"kind": t("upload.kind")})
        except Conflict:
            return RowResult(row, kind, RowStatus.DUPLICATE, number)
        except InvalidInput as exc:
            return RowResult(row, kind, RowStatus.REJECTED, number, fields=exc.fields)
        except NotFound:
            return RowResult(row, kind, RowStatus.REJECTED, number,
                             fields={"crimeNumber": t("upload.no_case")})
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            return RowResult(row, kind, RowStatus.REJECTED, number, message=exc.message)


INBOX_PAGE = 100
# contact.no_address: "Enter the email address or mobile number"; the console words "...of person 2".


def _posted(update: Update) -> None:
    logger.info("update posted", extra={"update": update.id, "type": update.type})
    metrics.add_metric(name="UpdatesPosted", unit="Count", value=1)


def _unreachable(contacts: Any) -> dict[str, str]:
    """The contacts given with neither an email address nor a mobile number."""
    if not isinstance(contacts, list):
        return {}
    return {f"contacts[{i}].email": t("contact.no_address") for i, c in enumerate(contacts)
            if isinstance(c, dict) and not c.get("email") and not c.get("mobile")}


def _validated_case(body: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """A case body validated, with every problem at once: a contact with no
    address is named beside the other fields' problems, not after them."""
    if isinstance(body, dict) and isinstance(body.get("contacts"), list):
        # A blank email or mobile is one left out (a form's empty box): a contact needs one of them.
        body = {**body, "contacts": [
            {k: v for k, v in c.items() if not (k in ("email", "mobile") and isinstance(v, str) and not v.strip())}
            if isinstance(c, dict) else c for c in body["contacts"]]}
    try:
        return validate(body, schema)
    except InvalidInput as exc:
        extra = _unreachable(body.get("contacts")) if isinstance(body, dict) else {}
        raise InvalidInput(fields={**extra, **exc.fields}) from exc


def _parse_since(since: str | None, problems: dict[str, str]) -> datetime | None:
    if since is None:
        return None
    try:
        parsed = datetime.fromisoformat(since.replace("Z", "+00:00")) if is_text(since) and len(since) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        problems["since"] = t("query.since")
        return None
    return parsed


def _encode_cursor(key: dict[str, Any], force: str) -> str:
    raw = json.dumps({"force": force, "key": key}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None, force: str, problems: dict[str, str]) -> dict[str, Any] | None:
    """A cursor this service gave out, for this force: anything else is refused."""
    if cursor is None:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = decoded["key"]
        valid = decoded["force"] == force and isinstance(key, dict) and set(key) == {
            "pk", "sk", "attention_force", "attention_at"} and all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) and is_text(v["S"])
            for v in key.values()) and key["attention_force"]["S"] == force
    except (ValueError, KeyError, TypeError, UnicodeError):
        valid = False
    if not valid:
        problems["cursor"] = t("query.cursor")
        return None
    return key


def _key_from_path(officer: Officer, crime_number_text: str) -> str:
    """The case a URL names: a crime number that could not be one is a case
    that does not exist (never a 500 from a key DynamoDB cannot hold)."""
    try:
        return case_key(officer.force, crime_number(crime_number_text))
    except FieldError as exc:
        raise NotFound(t("case.not_found")) from exc


def _too_soon() -> Conflict:
    minutes = int(REISSUE_INTERVAL.total_seconds() // 60)
    return Conflict(t("invitation.sent_too_soon", minutes=minutes),
                    {"contactId": t("invitation.wait_between", minutes=minutes)})


def _already_registered() -> Conflict:
    return Conflict(t("invitation.already_registered"), {"contactId": t("invitation.already_registered_field")})
