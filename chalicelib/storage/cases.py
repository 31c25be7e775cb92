"""Cases, contacts, updates, invitations and password resets in DynamoDB: the
`CaseRepository` port. Returns domain objects; turns pynamodb and botocore
failures into domain errors (`raise ... from exc`).

Every request path reads by key or by query on a key; there is no Scan.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings
from chalicelib.core import paging
from chalicelib.core.conversation import UNREAD_FOR, Author, InboxItem, InboxReason, ItemKind, Message
from chalicelib.core.domain import (
    AuditRecord,
    Case,
    Contact,
    ContactStatus,
    Invitation,
    NewContact,
    NewUpdate,
    Update,
    iso,
    name_key,
)
from chalicelib.core.errors import ConditionFailed, Conflict
from chalicelib.core.i18n import t
from chalicelib.core.together import together as _together
from chalicelib.storage.audit_log import AUDIT_PUT_CONDITION, audit_item
from chalicelib.storage.dynamodb import conditional_check_failed, connection, dynamodb_errors
from chalicelib.storage.models import (
    ATTENTION_PREFIX,
    CASE_SK,
    CHANGE_SK,
    CONTACT_PREFIX,
    INVITATION_SK,
    MESSAGE_PREFIX,
    MESSAGE_REF_PREFIX,
    RESET_SK,
    UPDATE_PREFIX,
    UPDATE_REF_PREFIX,
    AttentionItem,
    CaseItem,
    CasesTableItem,
    ChangeItem,
    ContactItem,
    InvitationItem,
    MessageItem,
    MessageRefItem,
    ResetItem,
    UpdateItem,
    UpdateRefItem,
    case_pk,
    change_pk,
    invitation_pk,
    reset_pk,
)

# Invitations and resets stay a day past their expiry (for a clear "expired"
# answer and the email sender's checks); then DynamoDB's TTL removes them.
KEPT_AFTER_EXPIRY = timedelta(days=1)
MAX_READ_MARKS = 90

# Reading a case a page at a time (issue 17). A page holds at most PAGE items
# of the timeline (updates, and the victim's own conversation); the officer's
# view adds each contact's newest messages, at most OFFICER_MESSAGES in all
# (at least 3 a contact): with the text caps (5,000 and 2,000 characters, up
# to 12 bytes each as escaped JSON) a response stays under 3 MB, far from
# Lambda's 6 MB, whatever the case holds.
PAGE = 20
OFFICER_MESSAGES = 60
_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"
_ID = r"[A-Za-z0-9_-]{1,64}"
UPDATE_POSITION = re.compile(rf"{UPDATE_PREFIX}{_TIME}#{_ID}")
_LAST = "\uffff"  # after every character a key of ours holds: the end of a prefix's range

def _newest(pk: str, prefix: str, position: str | None, limit: int) -> list[CasesTableItem]:
    """At most `limit` items whose sort key starts with `prefix`, newest first,
    from `position` (paging.START: the newest; a sort key: just before it;
    None: nothing). A key range, never a filter: nothing outside it is read."""
    if position is None:
        return []
    start = None if position == paging.START else {"pk": {"S": pk}, "sk": {"S": position}}
    return list(CasesTableItem.query(pk, CasesTableItem.sk.between(prefix, prefix + _LAST),
                                     scan_index_forward=False, limit=limit, last_evaluated_key=start))


def _message_position(contact_id: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(MESSAGE_PREFIX + contact_id)}#{_TIME}#{_ID}")


def _moment(item: CasesTableItem) -> datetime:
    return item.posted_at if isinstance(item, UpdateItem) else item.sent_at  # type: ignore[attr-defined]


def _invitation_item(invitation_id: str, pk: str, contact_id: str, force: str, email: str | None,
                     expires_at: datetime, mobile: str | None = None) -> InvitationItem:
    return InvitationItem(invitation_pk(invitation_id), INVITATION_SK, case_pk=pk, contact_id=contact_id,
                          force=force, email=email or None, mobile=mobile or None, expires_at=expires_at,
                          failed_attempts=0, ttl=expires_at + KEPT_AFTER_EXPIRY)


def _to_contact(item: ContactItem) -> Contact:
    return Contact(
        id=item.contact_id,
        role=item.role,
        forename=item.forename,
        surname=item.surname,
        date_of_birth=date.fromisoformat(item.date_of_birth),
        email=item.email,
        status=item.status,
        invitation_id=item.invitation_id,
        invitation_expires_at=item.invitation_expires_at,
        password_hash=item.password_hash,
        registered_at=item.registered_at,
        credential_version=int(item.credential_version or 0),
        alerts_failing=bool(item.alerts_failing),
        alerts_failing_reason=item.alerts_failing_reason,
        enhanced_rights=bool(item.enhanced_rights),
        open_request_id=item.open_request_id,
        open_request_at=item.open_request_at,
        read_updates_through=item.read_updates_through,
        last_read_at=item.last_read_at,
        mobile=item.mobile,
        channels=item.channels,
        quiet_hours=item.quiet_hours,
        language=item.language or "en",
        phrase=item.phrase,
        safe_contact=bool(item.safe_contact),
        texts_failing=bool(item.texts_failing),
        texts_failing_reason=item.texts_failing_reason,
        stopped_at=item.stopped_at,
        pending_change_id=item.pending_change_id,
        pending_change_channel=item.pending_change_channel,
        pending_change_address=item.pending_change_address,
        pending_change_expires_at=item.pending_change_expires_at,
        pending_change_attempts=int(item.pending_change_attempts or 0),
    )


def _to_message(item: MessageItem) -> Message:
    return Message(
        id=item.message_id,
        contact_id=item.contact_id,
        author=item.author,
        kind=item.message_kind,
        text=item.text or "",
        sent_at=item.sent_at,
        officer_name=item.officer_name,
        read_at=item.read_at,
        reply_due_by=date.fromisoformat(item.reply_due_by) if item.reply_due_by else None,
        client_reference=item.client_reference,
        answered_at=item.answered_at,
    )


def _unanswered(pk: str, contact_id: str, before: datetime) -> list[MessageItem]:
    """The contact's items, newest first, that the officer's reply sent at
    `before` answers: those since their previous reply to the contact (or
    since an answered message, which a reply answered). A key range walked
    back until then: it reads the items it answers, and one more."""
    prefix = f"{MESSAGE_PREFIX}{contact_id}#"
    found: list[MessageItem] = []
    for item in CasesTableItem.query(pk, CasesTableItem.sk.between(prefix, prefix + iso(before)),
                                     scan_index_forward=False, page_size=25):
        if not isinstance(item, MessageItem) or item.author == Author.OFFICER:
            break
        if item.answered_at is None:
            found.append(item)
        elif item.message_kind == ItemKind.MESSAGE:
            break  # only a reply answers a message, and it answered everything before it too
    return found


def _mark_answered(tx: TransactWrite, pk: str, sk: str, at: datetime) -> None:
    tx.update(MessageItem(pk, sk), actions=[MessageItem.answered_at.set(at)], condition=MessageItem.pk.exists())


MAX_TRANSACTION_ACTIONS = 100  # DynamoDB's TransactWriteItems limit


def _case_part_size(case: Case, first: bool) -> int:
    """The actions a part of an upload for `case` takes besides its updates'
    own (update, reference, audit record): the case item, the update-due inbox
    item, each registered contact's unread item, and (in the first part) each
    open request settled, its contact's item and the request marked answered."""
    asking = sum(1 for c in case.contacts if c.open_request_id) if first else 0
    return 2 + len(case.registered_contacts()) + 3 * asking


# A reply's transaction holds at most this many answered marks (a transaction
# takes 100 actions; the reply's own are at most 6); the rest follow it.
MAX_ANSWER_MARKS = 90


def message_sk(message: Message) -> str:
    return f"{MESSAGE_PREFIX}{message.contact_id}#{iso(message.sent_at)}#{message.id}"


def _attention_sk(reason: str, contact_id: str | None) -> str:
    return f"{ATTENTION_PREFIX}{reason}#{contact_id or 'CASE'}"


def _raise_attention(tx: TransactWrite, pk: str, reason: str, contact_id: str | None, case: Case,
                     due_at: datetime, since: datetime, *, keep_earliest: bool) -> Any:
    """Puts (or keeps) the item that lists this on the officers' inbox from `due_at`.
    With `keep_earliest`, an item already there keeps its own (earlier) times."""
    def keep(attribute: Any, value: Any) -> Any:
        return attribute.set(attribute | value) if keep_earliest else attribute.set(value)

    return tx.update(AttentionItem(pk, _attention_sk(reason, contact_id)), actions=[
        AttentionItem.kind.set(AttentionItem),  # an update creates the item: it needs its kind
        AttentionItem.reason.set(reason),
        AttentionItem.contact_id.set(contact_id) if contact_id else AttentionItem.contact_id.remove(),
        AttentionItem.crime_number.set(case.crime_number),
        AttentionItem.officer_id.set(case.officer_id or ""),
        AttentionItem.attention_force.set(case.force),
        keep(AttentionItem.attention_at, iso(due_at)),
        keep(AttentionItem.waiting_since, iso(since)),
    ])


def _settle_attention(tx: TransactWrite, pk: str, reason: str, contact_id: str | None) -> None:
    tx.delete(AttentionItem(pk, _attention_sk(reason, contact_id)))


def _conditional_update(item: CasesTableItem, actions: list[Action], condition: Condition) -> bool:
    """One conditional UpdateItem (the item takes the new values); False, writing
    nothing, if the condition failed."""
    with dynamodb_errors():
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if conditional_check_failed(exc):
                return False
            raise
    return True


def _message_item(pk: str, force: str, message: Message, officer_id: str | None = None) -> MessageItem:
    return MessageItem(pk, message_sk(message), message_id=message.id, contact_id=message.contact_id,
                       author=message.author, message_kind=message.kind, text=message.text or None,
                       sent_at=message.sent_at, force=force, officer_id=officer_id,
                       officer_name=message.officer_name,
                       reply_due_by=message.reply_due_by.isoformat() if message.reply_due_by else None,
                       client_reference=message.client_reference)


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _case_is_live(now: datetime) -> Condition:
    return CaseItem.pk.exists() & (CaseItem.expires_at.does_not_exist() | (CaseItem.expires_at > now))


def _due_start(day: date) -> datetime:
    """An update due on `day` is listed for the officer from the start of that day."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def _to_update(item: UpdateItem) -> Update:
    return Update(
        id=item.update_id,
        type=item.type,
        text=item.text,
        officer_name=item.officer_name,
        posted_at=item.posted_at,
        client_reference=item.client_reference,
    )


def _to_invitation(item: InvitationItem | ResetItem) -> Invitation:
    return Invitation(
        id=item.pk.split("#", 1)[1],
        case_key=item.case_pk.removeprefix("CASE#"),
        contact_id=item.contact_id,
        force=item.force,
        email=item.email,
        expires_at=item.expires_at,
        used_at=item.used_at,
        failed_attempts=int(getattr(item, "failed_attempts", 0) or 0),
        credential_version=getattr(item, "credential_version", None),
        mobile=item.mobile,
        channels=tuple(c for c, a in (("email", item.email), ("text", item.mobile)) if a)
        if isinstance(item, InvitationItem) else tuple(str(item.channels or "email").split(",")),
    )


def _assemble(items: list[CasesTableItem]) -> Case | None:
    case_item = next((i for i in items if isinstance(i, CaseItem)), None)
    if case_item is None:
        return None
    contacts = tuple(_to_contact(i) for i in items if isinstance(i, ContactItem))
    updates = tuple(sorted((_to_update(i) for i in items if isinstance(i, UpdateItem)),
                           key=lambda u: (u.posted_at, u.id), reverse=True))
    messages = tuple(sorted((_to_message(i) for i in items if isinstance(i, MessageItem)),
                            key=lambda m: (m.sent_at, m.id), reverse=True))
    return Case(
        force=case_item.force,
        crime_number=case_item.crime_number,
        status=case_item.status,
        officer_name=case_item.officer_name,
        officer_email=case_item.officer_email,
        officer_collar_number=case_item.officer_collar_number,
        officer_phone=case_item.officer_phone,
        created_at=case_item.created_at,
        closed_at=case_item.closed_at,
        expires_at=case_item.expires_at,
        contacts=contacts,
        updates=updates,
        officer_id=case_item.created_by,
        next_update_due_by=date.fromisoformat(case_item.next_update_due_by) if case_item.next_update_due_by else None,
        messages=messages,
    )


def _existing_case_conflict() -> Conflict:
    return Conflict(t("case.exists"), {"crimeNumber": t("case.exists_field")})


def _leftovers_conflict() -> Conflict:
    return Conflict(t("case.still_being_erased"), {"crimeNumber": t("case.still_being_erased_field")})


def _contact_sk(contact_id: str) -> str:
    return f"{CONTACT_PREFIX}{contact_id}"


def credential_version_is(version: int) -> Condition:
    """The contact's credential version is still `version` (absent counts as 0)."""
    if version == 0:
        return ContactItem.credential_version.does_not_exist() | (ContactItem.credential_version == 0)
    return ContactItem.credential_version == version


class CaseStore:
    """Cases, contacts, updates, invitations and password resets."""

    def __init__(self, settings: Settings):
        self._settings = settings

    @functools.cached_property
    def _connection(self) -> Connection:
        return connection(self._settings)

    # -- reads -----------------------------------------------------------------

    def case(self, case_key: str) -> Case | None:
        """The whole case partition in one query (paged past 1 MB)."""
        with dynamodb_errors():
            return _assemble(list(CasesTableItem.query(case_pk(case_key))))

    def timeline(self, case_key: str, contact_id: str, before: str | None = None,
                 limit: int = PAGE) -> Case | None:
        """A contact's page of the case: the case, its contacts, and the newest
        `limit` items (before the cursor `before`) of the case's updates and the
        contact's conversation merged, newest first, with the cursor of the next
        older page. Three key-range queries at once; never the idempotency keys.
        InvalidInput (field `before`) for a cursor this did not give out."""
        pk = case_pk(case_key)
        conversation = f"{MESSAGE_PREFIX}{contact_id}#"
        positions = paging.decode(before, {"u": UPDATE_POSITION, "m": _message_position(contact_id)}) \
            or {"u": paging.START, "m": paging.START}
        with dynamodb_errors():
            head, updates, messages = _together(
                lambda: self._head(pk),
                lambda: _newest(pk, UPDATE_PREFIX, positions["u"], limit + 1),
                lambda: _newest(pk, conversation, positions["m"], limit + 1))
        case = _assemble(head)
        if case is None:
            return None
        shown = sorted([*updates, *messages], key=lambda i: (_moment(i), i.sk), reverse=True)[:limit]
        next_positions: dict[str, str | None] = {}
        for stream, fetched in (("u", updates), ("m", messages)):
            ids = {id(i) for i in fetched}
            mine = [i for i in shown if id(i) in ids]
            if len(mine) == len(fetched):
                next_positions[stream] = None  # all it had left is on this page
            else:
                next_positions[stream] = mine[-1].sk if mine else positions[stream]
        return replace(case, updates=tuple(_to_update(i) for i in shown if isinstance(i, UpdateItem)),
                       messages=tuple(_to_message(i) for i in shown if isinstance(i, MessageItem)),
                       older_cursor=paging.encode(next_positions))

    def case_page(self, case_key: str, before: str | None = None, limit: int = PAGE) -> Case | None:
        """The officer's page of the case: the case, its contacts, the newest
        `limit` updates (before the cursor `before`) with the cursor of the next
        older page, and each contact's newest messages (OFFICER_MESSAGES in all,
        at least 3 each). Two rounds of key-range queries run at once."""
        pk = case_pk(case_key)
        positions = paging.decode(before, {"u": UPDATE_POSITION}) or {"u": paging.START}
        with dynamodb_errors():
            head, updates = _together(lambda: self._head(pk),
                                      lambda: _newest(pk, UPDATE_PREFIX, positions["u"], limit + 1))
            case = _assemble(head)
            if case is None:
                return None
            each = min(limit, max(3, OFFICER_MESSAGES // max(1, len(case.contacts))))
            conversations = _together(*(
                functools.partial(_newest, pk, f"{MESSAGE_PREFIX}{c.id}#", paging.START, each)
                for c in case.contacts))
        messages = sorted((_to_message(i) for items in conversations for i in items),
                          key=lambda m: (m.sent_at, m.id), reverse=True)
        shown = updates[:limit]
        return replace(case, updates=tuple(_to_update(i) for i in shown), messages=tuple(messages),
                       older_cursor=paging.encode({"u": shown[-1].sk if len(updates) > limit else None}))

    def open_request(self, case_key: str, contact: Contact) -> Message | None:
        """The contact's open update request, read by its key (one GetItem)."""
        if not contact.open_request_id:
            return None
        pk = case_pk(case_key)
        with dynamodb_errors():
            if contact.open_request_at is not None:
                sk = f"{MESSAGE_PREFIX}{contact.id}#{iso(contact.open_request_at)}#{contact.open_request_id}"
                try:
                    return _to_message(MessageItem.get(pk, sk))
                except DoesNotExist:
                    return None
            # Opened before its time was kept with it: look through their conversation.
            prefix = f"{MESSAGE_PREFIX}{contact.id}#"
            found = MessageItem.query(pk, MessageItem.sk.between(prefix, prefix + _LAST),
                                      filter_condition=MessageItem.message_id == contact.open_request_id)
            return next((_to_message(i) for i in found), None)

    @staticmethod
    def _head(pk: str) -> list[CasesTableItem]:
        """The case item and its contacts: `CASE` sorts just before `CONTACT#...`."""
        return list(CasesTableItem.query(pk, CasesTableItem.sk.between(CASE_SK, CONTACT_PREFIX + _LAST)))

    def case_with_contacts(self, case_key: str) -> Case | None:
        """The case and its contacts, without its updates: one query, because
        `CASE` sorts just before `CONTACT#...`."""
        with dynamodb_errors():
            items = CasesTableItem.query(
                case_pk(case_key),
                CasesTableItem.sk.between(CASE_SK, CONTACT_PREFIX + "\uffff"),
            )
            return _assemble(list(items))

    def cases_with_contacts(self, case_keys: Sequence[str]) -> list[Case | None]:
        """`case_with_contacts` of many cases (an upload's, issue 17), in the
        order asked: the case items in one BatchGetItem, then every contact
        they list in one more (100 keys a call each). A case item written
        before it listed its contacts' ids is read again by its Query."""
        if not case_keys:
            return []
        with dynamodb_errors():
            heads = {i.pk: i for i in CasesTableItem.batch_get(sorted({(case_pk(k), CASE_SK) for k in case_keys}))
                     if isinstance(i, CaseItem)}
            listed = [h for h in heads.values() if h.contact_ids is not None]
            contacts: dict[str, list[CasesTableItem]] = {}
            keys = sorted({(h.pk, _contact_sk(str(c))) for h in listed for c in h.contact_ids or ()})
            for item in CasesTableItem.batch_get(keys) if keys else ():
                contacts.setdefault(item.pk, []).append(item)
        unlisted = [k for k in case_keys if case_pk(k) in heads and heads[case_pk(k)].contact_ids is None]
        queried = dict(zip(unlisted, _together(*(functools.partial(self.case_with_contacts, k) for k in unlisted)),
                           strict=True)) if unlisted else {}
        answer: list[Case | None] = []
        for key in case_keys:
            head = heads.get(case_pk(key))
            if key in queried:
                answer.append(queried[key])
            else:
                answer.append(None if head is None else _assemble([head, *sorted(contacts.get(head.pk, []),
                                                                                 key=lambda i: i.sk)]))
        return answer

    def invitation(self, invitation_id: str) -> Invitation | None:
        with dynamodb_errors():
            try:
                return _to_invitation(InvitationItem.get(invitation_pk(invitation_id), INVITATION_SK))
            except DoesNotExist:
                return None

    def reset(self, reset_id: str) -> Invitation | None:
        with dynamodb_errors():
            try:
                return _to_invitation(ResetItem.get(reset_pk(reset_id), RESET_SK))
            except DoesNotExist:
                return None

    def update_by_reference(self, case_key: str, client_reference: str) -> Update | None:
        with dynamodb_errors():
            try:
                ref = UpdateRefItem.get(case_pk(case_key), UPDATE_REF_PREFIX + client_reference)
                return _to_update(UpdateItem.get(case_pk(case_key), ref.update_sk))
            except DoesNotExist:
                return None

    def updates_by_reference(self, references: list[tuple[str, str]], now: datetime) -> dict[tuple[str, str], str]:
        """One BatchGetItem (100 keys a call) of the references and their case
        items: a re-sent export is answered without posting anything. The
        update's id is the end of the key the reference holds."""
        if not references:
            return {}
        keys = {(case_pk(k), UPDATE_REF_PREFIX + r) for k, r in references} | {(case_pk(k), CASE_SK)
                                                                             for k, _ in references}
        with dynamodb_errors():
            found = {(i.pk, i.sk): i for i in CasesTableItem.batch_get(sorted(keys))}
        answer: dict[tuple[str, str], str] = {}
        for key, reference in references:
            case = found.get((case_pk(key), CASE_SK))
            ref = found.get((case_pk(key), UPDATE_REF_PREFIX + reference))
            if isinstance(case, CaseItem) and isinstance(ref, UpdateRefItem) \
                    and (case.expires_at is None or case.expires_at > now):
                answer[(key, reference)] = ref.update_sk.rsplit("#", 1)[1]
        return answer

    # -- writes ----------------------------------------------------------------

    def create_case(self, case: Case, created_by: str, contacts: list[NewContact],
                    audit: AuditRecord) -> None:
        """The case, its contacts, one invitation each and the audit record, all
        or nothing. Raises Conflict if a case with that crime number exists in
        the force, or anything of an earlier one is left (its erasure after
        retention is not complete: leftovers must never join a new case)."""
        pk = case_pk(case.key)
        with dynamodb_errors():
            # Nothing can be added to a partition without its case item (every
            # write but this one is conditional on it), so what this strongly
            # consistent read finds empty stays empty but for this transaction.
            first = next(iter(CasesTableItem.query(pk, limit=1, consistent_read=True)), None)
            if first is not None:
                raise _existing_case_conflict() if isinstance(first, CaseItem) else _leftovers_conflict()
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.save(CaseItem(
                        pk, CASE_SK,
                        force=case.force,
                        crime_number=case.crime_number,
                        status=case.status,
                        officer_name=case.officer_name,
                        officer_email=case.officer_email,
                        officer_collar_number=case.officer_collar_number,
                        officer_phone=case.officer_phone,
                        created_by=created_by,
                        created_at=case.created_at,
                        updated_at=case.created_at,
                        next_update_due_by=case.next_update_due_by.isoformat() if case.next_update_due_by else None,
                        contact_ids=[new.contact.id for new in contacts],
                    ), condition=CaseItem.pk.does_not_exist())
                    if case.next_update_due_by:
                        _raise_attention(tx, pk, InboxReason.UPDATE_DUE, None, replace(case, officer_id=created_by),
                                         _due_start(case.next_update_due_by), case.created_at, keep_earliest=False)
                    for new in contacts:
                        c = new.contact
                        tx.save(ContactItem(
                            pk, _contact_sk(c.id),
                            contact_id=c.id,
                            role=c.role,
                            forename=c.forename,
                            surname=c.surname,
                            surname_key=name_key(c.surname),
                            date_of_birth=c.date_of_birth.isoformat(),
                            email=c.email or None,
                            mobile=c.mobile or None,
                            safe_contact=c.safe_contact or None,
                            status=ContactStatus.INVITED,
                            invitation_id=new.invitation_id,
                            invitation_expires_at=new.invitation_expires_at,
                            enhanced_rights=c.enhanced_rights or None,
                            language=c.language,
                        ))
                        tx.save(_invitation_item(new.invitation_id, pk, c.id, case.force, c.email,
                                                 new.invitation_expires_at, c.mobile))
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                # Puts only, in order: the case first.
                reasons = exc.cancellation_reasons or []
                if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                    raise _existing_case_conflict() from exc
                raise

    def post_update(self, case: Case, update: Update, officer_id: str, new_status: str | None,
                    closed_at: datetime | None, expires_at: datetime | None, next_due: date | None,
                    audit: AuditRecord) -> tuple[Update, bool]:
        """Adds the update (moving the case's status and its Victims' Code clock)
        with its audit record, atomically. It answers every open update request
        of the case's contacts, and lists it for the officer as unread by each
        registered contact from 7 days on, until they read it. With a client
        reference that was used before, returns the existing update instead,
        and records nothing: (update, created)."""
        pk = case_pk(case.key)
        update_sk = f"{UPDATE_PREFIX}{iso(update.posted_at)}#{update.id}"
        case_actions: list[Action] = [CaseItem.updated_at.set(update.posted_at)]
        if new_status:
            case_actions.append(CaseItem.status.set(new_status))
            if closed_at is not None and expires_at is not None:
                case_actions += [CaseItem.closed_at.set(closed_at),
                                 CaseItem.expires_at.set(expires_at),
                                 CaseItem.ttl.set(expires_at)]
            else:
                case_actions += [CaseItem.closed_at.remove(), CaseItem.expires_at.remove(),
                                 CaseItem.ttl.remove()]
        case_actions.append(CaseItem.next_update_due_by.set(next_due.isoformat()) if next_due
                            else CaseItem.next_update_due_by.remove())
        asking = [c for c in case.contacts if c.open_request_id]
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    # Sent in this order: deletes, puts, updates (pynamodb).
                    for contact in asking:
                        _settle_attention(tx, pk, InboxReason.UPDATE_REQUEST, contact.id)
                    if next_due is None:
                        _settle_attention(tx, pk, InboxReason.UPDATE_DUE, None)
                    first_put = len(asking) + (next_due is None)
                    tx.save(UpdateItem(
                        pk, update_sk,
                        update_id=update.id,
                        force=case.force,
                        type=update.type,
                        text=update.text,
                        officer_name=update.officer_name,
                        officer_id=officer_id,
                        posted_at=update.posted_at,
                        client_reference=update.client_reference,
                    ), condition=UpdateItem.pk.does_not_exist())
                    if update.client_reference:
                        tx.save(UpdateRefItem(pk, UPDATE_REF_PREFIX + update.client_reference,
                                              update_sk=update_sk),
                                condition=UpdateRefItem.pk.does_not_exist())
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
                    case_at = first_put + 2 + bool(update.client_reference)
                    # An expired case is gone, even before TTL deletes it: no
                    # update, and no reopening that would serve it again.
                    tx.update(CaseItem(pk, CASE_SK), actions=case_actions, condition=_case_is_live(update.posted_at))
                    for contact in asking:
                        tx.update(ContactItem(pk, _contact_sk(contact.id)),
                                  actions=[ContactItem.open_request_id.remove(), ContactItem.open_request_at.remove()],
                                  condition=ContactItem.pk.exists())
                        if contact.open_request_at is not None:  # the request is answered now, whatever page shows it
                            _mark_answered(tx, pk, f"{MESSAGE_PREFIX}{contact.id}#{iso(contact.open_request_at)}"
                                                   f"#{contact.open_request_id}", update.posted_at)
                    for contact in case.registered_contacts():
                        _raise_attention(tx, pk, InboxReason.UNREAD, contact.id, case,
                                         update.posted_at + UNREAD_FOR, update.posted_at, keep_earliest=True)
                    if next_due is not None:
                        _raise_attention(tx, pk, InboxReason.UPDATE_DUE, None, case, _due_start(next_due),
                                         update.posted_at, keep_earliest=False)
            except TransactWriteError as exc:
                codes = [r.code if r else None for r in exc.cancellation_reasons or []]
                if len(codes) > case_at and codes[case_at] == "ConditionalCheckFailed":
                    raise ConditionFailed("The case does not exist.") from exc
                if update.client_reference and len(codes) > first_put + 1 \
                        and codes[first_put + 1] == "ConditionalCheckFailed":
                    existing = self.update_by_reference(case.key, update.client_reference)
                    if existing is not None:
                        return existing, False
                raise
        return update, True

    def post_updates(self, officer_id: str,
                     batches: Sequence[tuple[Case, Sequence[NewUpdate]]]) -> tuple[set[str], set[str]]:
        """An upload's new updates in as few transactions as they fit (issue 17).
        A transaction never names an item twice, so each holds at most one part
        of a case: that part's updates, references and audit records, and the
        case item, its contacts' open requests and its inbox items changed once
        for all of them, as their turn-by-turn posting would leave them. A case
        whose updates do not fit in one transaction goes in parts, in order,
        each in a later transaction. A refused transaction writes nothing: its
        updates are left out of the answer, and so are the later parts of its
        cases (their turn-by-turn effect assumed the earlier part written).
        Answers (written, uncertain): ids of updates written, and of those whose
        write failed otherwise than by a refusal (it may have landed)."""
        parts: list[tuple[Case, list[NewUpdate], bool]] = []
        for case, updates in batches:
            first, size = True, _case_part_size(case, first=True)
            chunk: list[NewUpdate] = []
            for new in updates:
                each = 3 if new.update.client_reference else 2
                if chunk and size + each > MAX_TRANSACTION_ACTIONS:
                    parts.append((case, chunk, first))
                    first, chunk, size = False, [], _case_part_size(case, first=False)
                chunk.append(new)
                size += each
            if chunk:
                parts.append((case, chunk, first))
        transactions: list[list[tuple[Case, list[NewUpdate], bool]]] = []
        sizes: list[int] = []
        for part in parts:  # first fit, in order: a later part of a case after its earlier ones
            case, chunk, first = part
            size = _case_part_size(case, first) + sum(3 if n.update.client_reference else 2 for n in chunk)
            earliest = 1 + max((i for i, t in enumerate(transactions) if any(p[0].key == case.key for p in t)),
                               default=-1)
            slot = next((i for i in range(earliest, len(transactions))
                         if sizes[i] + size <= MAX_TRANSACTION_ACTIONS), None)
            if slot is None:
                transactions.append([part])
                sizes.append(size)
            else:
                transactions[slot].append(part)
                sizes[slot] += size
        written: set[str] = set()
        uncertain: set[str] = set()
        refused: set[str] = set()  # case keys
        for transaction in transactions:
            live = [p for p in transaction if p[0].key not in refused]
            if not live:
                continue
            try:
                with TransactWrite(connection=self._connection) as tx:
                    for case, chunk, first in live:
                        self._write_part(tx, case, chunk, first, officer_id)
            except (TransactWriteError, BotoCoreError) as exc:
                refused |= {p[0].key for p in live}
                if getattr(exc, "cause_response_code", None) != "TransactionCanceledException":
                    # It may have been written after all: never post these again.
                    uncertain |= {n.update.id for _, chunk, _ in live for n in chunk}
                continue
            written |= {n.update.id for _, chunk, _ in live for n in chunk}
        return written, uncertain

    @staticmethod
    def _write_part(tx: TransactWrite, case: Case, chunk: list[NewUpdate], first: bool, officer_id: str) -> None:
        """One case's part of an upload: what `post_update` writes for each of
        its updates, with the case item, the open requests and the inbox items
        written once, as the last update (or, for what the first settles, the
        first) leaves them."""
        pk = case_pk(case.key)
        asking = [c for c in case.contacts if c.open_request_id] if first else []
        head, last = chunk[0].update, chunk[-1]
        for contact in asking:
            _settle_attention(tx, pk, InboxReason.UPDATE_REQUEST, contact.id)
        if last.next_due is None:
            _settle_attention(tx, pk, InboxReason.UPDATE_DUE, None)
        for new in chunk:
            update = new.update
            update_sk = f"{UPDATE_PREFIX}{iso(update.posted_at)}#{update.id}"
            tx.save(UpdateItem(pk, update_sk, update_id=update.id, force=case.force, type=update.type,
                               text=update.text, officer_name=update.officer_name, officer_id=officer_id,
                               posted_at=update.posted_at, client_reference=update.client_reference),
                    condition=UpdateItem.pk.does_not_exist())
            if update.client_reference:
                tx.save(UpdateRefItem(pk, UPDATE_REF_PREFIX + update.client_reference, update_sk=update_sk),
                        condition=UpdateRefItem.pk.does_not_exist())
            tx.save(audit_item(new.audit), condition=AUDIT_PUT_CONDITION)
        actions: list[Action] = [CaseItem.updated_at.set(last.update.posted_at)]
        moved = next((n for n in reversed(chunk) if n.new_status), None)
        if moved is not None:
            actions.append(CaseItem.status.set(moved.new_status or ""))
            if moved.closed_at is not None and moved.expires_at is not None:
                actions += [CaseItem.closed_at.set(moved.closed_at), CaseItem.expires_at.set(moved.expires_at),
                            CaseItem.ttl.set(moved.expires_at)]
            else:
                actions += [CaseItem.closed_at.remove(), CaseItem.expires_at.remove(), CaseItem.ttl.remove()]
        actions.append(CaseItem.next_update_due_by.set(last.next_due.isoformat()) if last.next_due
                       else CaseItem.next_update_due_by.remove())
        # Each update checks the case is live at its own time: the first's is the earliest.
        tx.update(CaseItem(pk, CASE_SK), actions=actions, condition=_case_is_live(head.posted_at))
        for contact in asking:
            tx.update(ContactItem(pk, _contact_sk(contact.id)),
                      actions=[ContactItem.open_request_id.remove(), ContactItem.open_request_at.remove()],
                      condition=ContactItem.pk.exists())
            if contact.open_request_at is not None:
                _mark_answered(tx, pk, f"{MESSAGE_PREFIX}{contact.id}#{iso(contact.open_request_at)}"
                                       f"#{contact.open_request_id}", head.posted_at)
        for contact in case.registered_contacts():
            _raise_attention(tx, pk, InboxReason.UNREAD, contact.id, case, head.posted_at + UNREAD_FOR,
                             head.posted_at, keep_earliest=True)
        if last.next_due is not None:
            _raise_attention(tx, pk, InboxReason.UPDATE_DUE, None, case, _due_start(last.next_due),
                             last.update.posted_at, keep_earliest=False)

    # -- two-way contact ---------------------------------------------------------------

    def add_contact_message(self, case: Case, message: Message, now: datetime, audit: AuditRecord) -> bool:
        """A contact's message or update request, listed on the officers' inbox
        (kept at its earliest if one is already waiting), with its audit record.
        An update request also becomes the contact's open one, on condition that
        none is open: False, writing nothing, if one is (a concurrent request
        won). ConditionFailed if the case is gone or expired, or the contact is
        not registered."""
        pk = case_pk(case.key)
        request = message.kind == ItemKind.UPDATE_REQUEST
        reason = InboxReason.UPDATE_REQUEST if request else InboxReason.MESSAGE
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.condition_check(CaseItem, pk, CASE_SK, condition=_case_is_live(now))
                    if not request:
                        tx.condition_check(ContactItem, pk, _contact_sk(message.contact_id),
                                           condition=ContactItem.status == ContactStatus.REGISTERED)
                    tx.save(_message_item(pk, case.force, message), condition=MessageItem.pk.does_not_exist())
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
                    if request:
                        tx.update(ContactItem(pk, _contact_sk(message.contact_id)),
                                  actions=[ContactItem.open_request_id.set(message.id),
                                           ContactItem.open_request_at.set(message.sent_at)],
                                  condition=(ContactItem.status == ContactStatus.REGISTERED)
                                  & ContactItem.open_request_id.does_not_exist())
                    _raise_attention(tx, pk, reason, message.contact_id, case, message.sent_at, message.sent_at,
                                     keep_earliest=True)
            except TransactWriteError as exc:
                codes = [r.code if r else None for r in exc.cancellation_reasons or []]
                if request and len(codes) > 3 and codes[3] == "ConditionalCheckFailed" \
                        and codes[0] != "ConditionalCheckFailed":
                    return False
                if "ConditionalCheckFailed" in codes:
                    raise ConditionFailed("The case or contact is gone.") from exc
                raise
        return True

    def add_officer_reply(self, case: Case, message: Message, officer_id: str, now: datetime,
                          audit: AuditRecord) -> tuple[Message, bool]:
        """The officer's reply to one contact: answers whatever the contact was
        waiting for (their open request, their messages: off the inbox), with
        its audit record, together. With a client reference used before on the
        case, the existing reply and False, sending nothing. ConditionFailed if
        the case is gone or expired, or the contact is not on it."""
        pk = case_pk(case.key)
        sk = message_sk(message)
        reference = message.client_reference
        with dynamodb_errors():
            answered = _unanswered(pk, message.contact_id, message.sent_at)
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.condition_check(CaseItem, pk, CASE_SK, condition=_case_is_live(now))
                    _settle_attention(tx, pk, InboxReason.MESSAGE, message.contact_id)
                    _settle_attention(tx, pk, InboxReason.UPDATE_REQUEST, message.contact_id)
                    tx.save(_message_item(pk, case.force, message, officer_id),
                            condition=MessageItem.pk.does_not_exist())
                    if reference:
                        tx.save(MessageRefItem(pk, MESSAGE_REF_PREFIX + reference, message_sk=sk),
                                condition=MessageRefItem.pk.does_not_exist())
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
                    tx.update(ContactItem(pk, _contact_sk(message.contact_id)),
                              actions=[ContactItem.open_request_id.remove(), ContactItem.open_request_at.remove()],
                              condition=ContactItem.pk.exists())
                    for item in answered[:MAX_ANSWER_MARKS]:
                        _mark_answered(tx, pk, item.sk, message.sent_at)
            except TransactWriteError as exc:
                codes = [r.code if r else None for r in exc.cancellation_reasons or []]
                if reference and len(codes) > 4 and codes[4] == "ConditionalCheckFailed":
                    existing = self.reply_by_reference(case.key, reference)
                    if existing is not None:
                        return existing, False
                if "ConditionalCheckFailed" in codes:
                    raise ConditionFailed("The case or contact is gone.") from exc
                raise
            for item in answered[MAX_ANSWER_MARKS:]:  # the reply stands; these only say when it came
                _conditional_update(item, [MessageItem.answered_at.set(message.sent_at)], MessageItem.pk.exists())
        return message, True

    def reply_by_reference(self, case_key: str, client_reference: str) -> Message | None:
        with dynamodb_errors():
            try:
                ref = MessageRefItem.get(case_pk(case_key), MESSAGE_REF_PREFIX + client_reference)
                return _to_message(MessageItem.get(case_pk(case_key), ref.message_sk))
            except DoesNotExist:
                return None

    def mark_read(self, case: Case, reader: str, contact_id: str, read_updates_through: datetime | None,
                  messages: list[Message], now: datetime, audit: AuditRecord) -> None:
        """Records what a reader has now seen, with the audit record of the read,
        in one write. `reader` is Author.CONTACT (the contact read the officer's
        `messages` and the updates through `read_updates_through`: the update is
        off the inbox as unread) or Author.OFFICER (the officer read the contact's
        `messages`)."""
        pk = case_pk(case.key)
        with dynamodb_errors(), TransactWrite(connection=self._connection) as tx:
            if reader == Author.CONTACT and read_updates_through is not None:
                _settle_attention(tx, pk, InboxReason.UNREAD, contact_id)
            tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
            for message in messages[:MAX_READ_MARKS]:  # the rest, next time (a transaction holds 100)
                tx.update(MessageItem(pk, message_sk(message)), actions=[MessageItem.read_at.set(now)],
                          condition=MessageItem.pk.exists())
            if reader == Author.CONTACT:
                actions: list[Action] = [ContactItem.last_read_at.set(now)]
                if read_updates_through is not None:
                    actions.append(ContactItem.read_updates_through.set(read_updates_through))
                tx.update(ContactItem(pk, _contact_sk(contact_id)), actions=actions, condition=ContactItem.pk.exists())

    def inbox(self, force: str, now: datetime, officer_id: str | None, since: datetime | None,
              cursor: dict[str, Any] | None, limit: int) -> tuple[list[InboxItem], dict[str, Any] | None]:
        """What has come due by `now` on the force's cases, oldest first (from
        `since`, after `cursor`), at most `limit` items: one query of the
        `attention` index. With `officer_id`: only that officer's cases."""
        condition = AttentionItem.attention_at.between(iso(since), iso(now)) if since \
            else AttentionItem.attention_at <= iso(now)
        items: list[InboxItem] = []
        with dynamodb_errors():
            results = CasesTableItem.attention.query(
                force, condition, limit=limit, last_evaluated_key=cursor,
                filter_condition=(AttentionItem.officer_id == officer_id) if officer_id else None)
            for item in results:
                if not isinstance(item, AttentionItem):
                    continue
                items.append(InboxItem(crime_number=item.crime_number, contact_id=item.contact_id or None,
                                       reason=item.reason, waiting_since=_parse_iso(item.waiting_since),
                                       officer_id=item.officer_id))
            return items, results.last_evaluated_key

    def register(self, invitation: Invitation, password_hash: str, now: datetime,
                 audit: AuditRecord) -> None:
        """Uses the invitation and sets the contact's password, with the audit
        record, together. Exactly one of two racing registrations wins; the
        other gets ConditionFailed."""
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(
                        InvitationItem(invitation_pk(invitation.id), INVITATION_SK),
                        # ...and the guess reserved for this attempt given back.
                        actions=[InvitationItem.used_at.set(now), InvitationItem.failed_attempts.add(-1)],
                        condition=(InvitationItem.pk.exists()
                                   & InvitationItem.used_at.does_not_exist()
                                   & (InvitationItem.expires_at > now)),
                    )
                    tx.update(
                        ContactItem(case_pk(invitation.case_key), _contact_sk(invitation.contact_id)),
                        actions=[ContactItem.password_hash.set(password_hash),
                                 ContactItem.status.set(ContactStatus.REGISTERED),
                                 ContactItem.registered_at.set(now),
                                 ContactItem.credential_version.add(1)],
                        condition=(ContactItem.invitation_id == invitation.id),
                    )
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The invitation has been used.") from exc
                raise

    def reissue_invitation(self, case_key: str, contact: Contact, invitation_id: str, force: str,
                           email: str | None, expires_at: datetime, now: datetime, audit: AuditRecord,
                           mobile: str | None = None, language: str | None = None) -> None:
        """A new invitation for a contact who has not registered, replacing the
        one `contact` (as read) holds: registration checks the contact's current
        invitation id, and the replaced link, if still live, expires now. With
        the address it goes to (corrected or not), the contact's language (when
        given) and the audit record, all
        together. ConditionFailed, changing nothing, if the contact has
        registered or another reissue replaced that invitation first."""
        pk = case_pk(case_key)
        contact_id, replacing = contact.id, contact.invitation_id
        current = ContactItem.invitation_id == replacing if replacing else ContactItem.invitation_id.does_not_exist()
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(ContactItem(pk, _contact_sk(contact_id)),
                              actions=[ContactItem.invitation_id.set(invitation_id),
                                       ContactItem.invitation_expires_at.set(expires_at),
                                       ContactItem.email.set(email) if email else ContactItem.email.remove(),
                                       ContactItem.mobile.set(mobile) if mobile else ContactItem.mobile.remove(),
                                       ContactItem.alerts_failing.remove(),
                                       ContactItem.alerts_failing_reason.remove(),
                                       ContactItem.texts_failing.remove(),
                                       ContactItem.texts_failing_reason.remove(),
                                       ContactItem.language.set(language or contact.language)],
                              condition=ContactItem.pk.exists() & (ContactItem.status == ContactStatus.INVITED)
                              & current)
                    if replacing and contact.invitation_expires_at and contact.invitation_expires_at > now:
                        tx.update(InvitationItem(invitation_pk(replacing), INVITATION_SK),
                                  actions=[InvitationItem.expires_at.set(now)],
                                  condition=InvitationItem.pk.exists())
                    tx.save(_invitation_item(invitation_id, pk, contact_id, force, email, expires_at, mobile),
                            condition=InvitationItem.pk.does_not_exist())
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The contact has registered.") from exc
                raise

    def reserve_invitation_attempt(self, invitation_id: str, limit: int, now: datetime) -> int | None:
        """Counts one date-of-birth guess against a usable invitation, atomically,
        if fewer than `limit` are counted; returns the new count, or None (no
        guess left, or the link is used, expired or gone)."""
        item = InvitationItem(invitation_pk(invitation_id), INVITATION_SK)
        reserved = _conditional_update(item, [InvitationItem.failed_attempts.add(1)],
                                       InvitationItem.pk.exists() & InvitationItem.used_at.does_not_exist()
                                       & (InvitationItem.expires_at > now)
                                       & (InvitationItem.failed_attempts.does_not_exist()
                                          | (InvitationItem.failed_attempts < limit)))
        return int(item.failed_attempts) if reserved else None

    def release_invitation_attempt(self, invitation_id: str) -> None:
        """Gives back a guess that named the right date of birth."""
        _conditional_update(InvitationItem(invitation_pk(invitation_id), INVITATION_SK),
                            [InvitationItem.failed_attempts.add(-1)],
                            InvitationItem.pk.exists() & (InvitationItem.failed_attempts > 0))

    def spend_invitation(self, invitation_id: str) -> None:
        """The last guess was wrong: the link stops working for good."""
        _conditional_update(InvitationItem(invitation_pk(invitation_id), INVITATION_SK),
                            [InvitationItem.expires_at.set(datetime.fromtimestamp(0).astimezone())],
                            InvitationItem.pk.exists())

    def create_reset(self, reset_id: str, case_key: str, contact: Contact, force: str,
                     expires_at: datetime) -> None:
        with dynamodb_errors():
            ResetItem(reset_pk(reset_id), RESET_SK, case_pk=case_pk(case_key),
                      contact_id=contact.id, force=force, email=contact.email or None,
                      mobile=contact.mobile or None, channels=",".join(contact.channels_to_use()) or "email",
                      expires_at=expires_at, credential_version=contact.credential_version,
                      ttl=expires_at + KEPT_AFTER_EXPIRY).save(
                condition=ResetItem.pk.does_not_exist())

    def complete_reset(self, reset: Invitation, password_hash: str, now: datetime,
                       audit: AuditRecord) -> None:
        """Uses the reset, sets the password, ends every session and every other
        reset link (the credential version moves on) and records it, together."""
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(ResetItem(reset_pk(reset.id), RESET_SK),
                              actions=[ResetItem.used_at.set(now)],
                              condition=(ResetItem.pk.exists()
                                         & ResetItem.used_at.does_not_exist()
                                         & (ResetItem.expires_at > now)))
                    tx.update(ContactItem(case_pk(reset.case_key), _contact_sk(reset.contact_id)),
                              actions=[ContactItem.password_hash.set(password_hash),
                                       ContactItem.credential_version.add(1)],
                              condition=(ContactItem.status == ContactStatus.REGISTERED)
                              & credential_version_is(reset.credential_version or 0))
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The reset link has been used.") from exc
                raise

    def erase_case(self, case_key: str) -> int:
        """Deletes every item left in a case's partition (retention); returns how many."""
        with dynamodb_errors():
            keys = [(item.pk, item.sk) for item in
                    CasesTableItem.query(case_pk(case_key), attributes_to_get=["pk", "sk"])]
            with CasesTableItem.batch_write() as batch:
                for pk, sk in keys:
                    batch.delete(CasesTableItem(pk, sk))
        return len(keys)

    def _update_contact(self, case_key: str, contact_id: str, actions: list[Action], condition: Condition) -> bool:
        """One conditional write to a contact; False if the condition failed. A
        contact's writes always name a condition: an update of a missing item
        would otherwise create a stray one."""
        return _conditional_update(ContactItem(case_pk(case_key), _contact_sk(contact_id)), actions, condition)

    def set_password_hash(self, case_key: str, contact_id: str, password_hash: str) -> None:
        self._update_contact(case_key, contact_id, [ContactItem.password_hash.set(password_hash)],
                             ContactItem.pk.exists())

    def change_password(self, case_key: str, contact_id: str, password_hash: str, version: int) -> None:
        """Sets a registered contact's password and moves the credential version on
        (every session and reset link ends), if it is still `version`."""
        if not self._update_contact(case_key, contact_id,
                                    [ContactItem.password_hash.set(password_hash),
                                     ContactItem.credential_version.add(1)],
                                    (ContactItem.status == ContactStatus.REGISTERED)
                                    & credential_version_is(version)):
            raise ConditionFailed("The contact is not registered, or changed their password meanwhile.")

    # -- the contact agreement and account changes (issue 14) --------------------------

    def _audited_contact_write(self, case_key: str, contact_id: str, actions: list[Action], condition: Condition,
                               audit: AuditRecord, also: list[CasesTableItem] | None = None) -> None:
        """One transaction: the contact's change (on `condition`), any new items,
        and the audit record. ConditionFailed, changing nothing, if it fails."""
        pk = case_pk(case_key)
        with dynamodb_errors():
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.update(ContactItem(pk, _contact_sk(contact_id)), actions=actions,
                              condition=ContactItem.pk.exists() & condition)
                    for item in also or []:
                        tx.save(item, condition=CasesTableItem.pk.does_not_exist())
                    tx.save(audit_item(audit), condition=AUDIT_PUT_CONDITION)
            except TransactWriteError as exc:
                if exc.cause_response_code == "TransactionCanceledException":
                    raise ConditionFailed("The contact has changed.") from exc
                raise

    def save_contact_agreement(self, case_key: str, contact: Contact, channels: str, quiet_hours: str | None,
                               language: str, phrase: str | None, safe_contact: bool, audit: AuditRecord) -> None:
        """Replaces a registered contact's agreement (and starts alerts again if
        they had stopped), with its audit record, while their credential
        version is still `contact`'s. ConditionFailed otherwise."""
        def put(attribute: Any, value: Any) -> Action:
            return attribute.set(value) if value is not None else attribute.remove()

        self._audited_contact_write(case_key, contact.id, [
            ContactItem.channels.set(channels), put(ContactItem.quiet_hours, quiet_hours),
            ContactItem.language.set(language), put(ContactItem.phrase, phrase),
            put(ContactItem.safe_contact, True if safe_contact else None), ContactItem.stopped_at.remove()],
            (ContactItem.status == ContactStatus.REGISTERED) & credential_version_is(contact.credential_version),
            audit)

    def set_safe_contact(self, case_key: str, contact_id: str, safe_contact: bool, audit: AuditRecord) -> None:
        """The officer's mark, with its audit record. ConditionFailed if the contact is gone."""
        self._audited_contact_write(case_key, contact_id, [
            ContactItem.safe_contact.set(True) if safe_contact else ContactItem.safe_contact.remove()],
            ContactItem.pk.exists(), audit)

    def request_address_change(self, case_key: str, contact: Contact, change_id: str, force: str, channel: str,
                               address: str, expires_at: datetime, audit: AuditRecord) -> None:
        """The contact's pending change (replacing any before it) and the change's
        own item (its INSERT sends the code), with the audit record, together,
        while the contact's credential version is still `contact`'s."""
        pk = case_pk(case_key)
        item = ChangeItem(change_pk(change_id), CHANGE_SK, case_pk=pk, contact_id=contact.id, force=force,
                          channel=channel, address=address, old_address=contact.address(channel) or None,
                          expires_at=expires_at, ttl=expires_at + KEPT_AFTER_EXPIRY)
        self._audited_contact_write(case_key, contact.id, [
            ContactItem.pending_change_id.set(change_id), ContactItem.pending_change_channel.set(channel),
            ContactItem.pending_change_address.set(address), ContactItem.pending_change_expires_at.set(expires_at),
            ContactItem.pending_change_attempts.set(0)],
            (ContactItem.status == ContactStatus.REGISTERED) & credential_version_is(contact.credential_version),
            audit, also=[item])

    def reserve_change_attempt(self, case_key: str, contact_id: str, change_id: str, limit: int,
                               now: datetime) -> int | None:
        """Counts one try at the pending change's code, atomically, while it is
        the contact's pending change, unexpired, with fewer than `limit` tries;
        the new count, or None (counting nothing)."""
        item = ContactItem(case_pk(case_key), _contact_sk(contact_id))
        reserved = _conditional_update(item, [ContactItem.pending_change_attempts.add(1)],
                                       ContactItem.pk.exists() & (ContactItem.pending_change_id == change_id)
                                       & (ContactItem.pending_change_expires_at > now)
                                       & (ContactItem.pending_change_attempts.does_not_exist()
                                          | (ContactItem.pending_change_attempts < limit)))
        return int(item.pending_change_attempts) if reserved else None

    def confirm_address_change(self, case_key: str, contact: Contact, audit: AuditRecord) -> None:
        """The pending change takes effect (the address set, its channel's failure
        mark cleared, the pending change gone), with its audit record, while it
        is still `contact`'s pending change. ConditionFailed otherwise."""
        text = contact.pending_change_channel == "text"
        address = contact.pending_change_address or ""
        actions: list[Action] = [ContactItem.mobile.set(address), ContactItem.texts_failing.remove(),
                   ContactItem.texts_failing_reason.remove()] if text else [
            ContactItem.email.set(address), ContactItem.alerts_failing.remove(),
            ContactItem.alerts_failing_reason.remove()]
        self._audited_contact_write(case_key, contact.id, [
            *actions, *self._no_pending()], ContactItem.pending_change_id == (contact.pending_change_id or ""), audit)

    @staticmethod
    def _no_pending() -> list[Action]:
        return [ContactItem.pending_change_id.remove(), ContactItem.pending_change_channel.remove(),
                ContactItem.pending_change_address.remove(), ContactItem.pending_change_expires_at.remove(),
                ContactItem.pending_change_attempts.remove()]

    def drop_address_change(self, case_key: str, contact_id: str, change_id: str) -> None:
        """The pending change ends unconfirmed (its tries are used up)."""
        self._update_contact(case_key, contact_id, self._no_pending(), ContactItem.pending_change_id == change_id)

    def stop(self, case_key: str, contact: Contact, now: datetime, audit: AuditRecord) -> None:
        """The contact stops using the service: no more alerts, and every session
        ends (the credential version moves on), with the audit record."""
        self._audited_contact_write(case_key, contact.id, [
            ContactItem.stopped_at.set(now), ContactItem.credential_version.add(1), *self._no_pending()],
            credential_version_is(contact.credential_version), audit)

    def revoke_sessions(self, case_key: str, contact_id: str) -> None:
        """Every session (and reset link) of the contact stops working."""
        self._update_contact(case_key, contact_id, [ContactItem.credential_version.add(1)],
                             ContactItem.pk.exists())
