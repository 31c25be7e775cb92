"""DynamoDB table schemas, defined once (pynamodb).

Three tables:

* **cases** — one partition per case (`pk = CASE#<force>#<CRIME NUMBER>`) holding
  the case, its contacts, its updates and the update idempotency keys; plus one
  partition per invitation and per password reset. Its stream (NEW_IMAGE) feeds
  the email sender: INSERTs of invitations, resets and updates.
* **sessions** — victims' sessions, throttling counters and email delivery
  records: high-churn items kept off the cases stream.
* **audit** — append-only audit records (DPA 2018 s.62).

`infra/` and the local stack create tables from these classes, and a test checks
that the CloudFormation matches them, so the schema cannot drift.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.config import Settings

CASE_SK = "CASE"
CONTACT_PREFIX = "CONTACT#"
UPDATE_PREFIX = "UPDATE#"
UPDATE_REF_PREFIX = "UPDREF#"
MESSAGE_PREFIX = "MESSAGE#"
MESSAGE_REF_PREFIX = "MSGREF#"
ATTENTION_PREFIX = "ATTENTION#"
INVITATION_SK = "INVITATION"
RESET_SK = "RESET"
CHANGE_SK = "CHANGE"


def case_pk(case_key: str) -> str:
    return f"CASE#{case_key}"


def invitation_pk(invitation_id: str) -> str:
    return f"INVITATION#{invitation_id}"


def reset_pk(reset_id: str) -> str:
    return f"RESET#{reset_id}"


def change_pk(change_id: str) -> str:
    return f"CHANGE#{change_id}"


class _Meta:
    region = "eu-west-2"
    host: str | None = None
    billing_mode = "PAY_PER_REQUEST"


class AttentionIndex(GlobalSecondaryIndex):
    """Sparse: only `AttentionItem`s carry its keys. The officers' inbox: one
    query per force, oldest first, for what has come due by now."""

    class Meta:
        index_name = "attention"
        projection = IncludeProjection(["kind", "reason", "contact_id", "crime_number", "officer_id", "waiting_since"])

    attention_force = UnicodeAttribute(hash_key=True)
    attention_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC: when it comes due


class CasesTableItem(Model):
    class Meta(_Meta):
        table_name = "tmc-dev-cases"
        stream_view_type = "NEW_IMAGE"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    # DynamoDB deletes the item some time after this (retention, token expiry);
    # reads never rely on that and check expiry themselves.
    ttl = TTLAttribute(null=True)
    attention_force = UnicodeAttribute(null=True)
    attention_at = UnicodeAttribute(null=True)
    attention = AttentionIndex()


class CaseItem(CasesTableItem, discriminator="case"):
    force = UnicodeAttribute()
    crime_number = UnicodeAttribute()
    status = UnicodeAttribute()
    officer_name = UnicodeAttribute()
    officer_email = UnicodeAttribute()
    officer_collar_number = UnicodeAttribute(null=True)
    officer_phone = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    closed_at = UTCDateTimeAttribute(null=True)
    expires_at = UTCDateTimeAttribute(null=True)
    next_update_due_by = UnicodeAttribute(null=True)  # YYYY-MM-DD
    # Its contacts' ids, written with them (contacts are only ever added with
    # their case): an upload reads many cases' contacts by key in one batch.
    # Absent on a case created before it was kept (read by a Query instead).
    contact_ids = ListAttribute(of=UnicodeAttribute, null=True)


class ContactItem(CasesTableItem, discriminator="contact"):
    contact_id = UnicodeAttribute()
    role = UnicodeAttribute()
    forename = UnicodeAttribute()
    surname = UnicodeAttribute()
    surname_key = UnicodeAttribute()
    date_of_birth = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # at least one of email and mobile
    status = UnicodeAttribute()
    invitation_id = UnicodeAttribute(null=True)
    invitation_expires_at = UTCDateTimeAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    registered_at = UTCDateTimeAttribute(null=True)
    credential_version = NumberAttribute(null=True)  # absent = 0 (see domain.Contact)
    alerts_failing = BooleanAttribute(default=False)
    alerts_failing_reason = UnicodeAttribute(null=True)
    enhanced_rights = BooleanAttribute(null=True)
    open_request_id = UnicodeAttribute(null=True)
    open_request_at = UTCDateTimeAttribute(null=True)  # with the id, the open request's key
    read_updates_through = UTCDateTimeAttribute(null=True)
    last_read_at = UTCDateTimeAttribute(null=True)
    # Issue 14: texts and the contact agreement.
    mobile = UnicodeAttribute(null=True)  # E.164
    channels = UnicodeAttribute(null=True)  # email | text | both; absent: every channel with an address
    quiet_hours = UnicodeAttribute(null=True)  # HH:MM-HH:MM, UK time
    language = UnicodeAttribute(null=True)
    phrase = UnicodeAttribute(null=True)
    safe_contact = BooleanAttribute(null=True)
    texts_failing = BooleanAttribute(null=True)
    texts_failing_reason = UnicodeAttribute(null=True)
    stopped_at = UTCDateTimeAttribute(null=True)
    pending_change_id = UnicodeAttribute(null=True)
    pending_change_channel = UnicodeAttribute(null=True)
    pending_change_address = UnicodeAttribute(null=True)
    pending_change_expires_at = UTCDateTimeAttribute(null=True)
    pending_change_attempts = NumberAttribute(null=True)


class UpdateItem(CasesTableItem, discriminator="update"):
    update_id = UnicodeAttribute()
    force = UnicodeAttribute()
    type = UnicodeAttribute()
    text = UnicodeAttribute()
    officer_name = UnicodeAttribute()
    officer_id = UnicodeAttribute()
    posted_at = UTCDateTimeAttribute()
    client_reference = UnicodeAttribute(null=True)


class UpdateRefItem(CasesTableItem, discriminator="update_ref"):
    """Holds a `clientReference` so the same reference can never post twice."""

    update_sk = UnicodeAttribute()


class MessageItem(CasesTableItem, discriminator="message"):
    """A contact's message or update request, or the officer's reply to one
    contact: `sk = MESSAGE#<contact id>#<sent at>#<id>`."""

    message_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    author = UnicodeAttribute()  # victim | officer
    message_kind = UnicodeAttribute()  # message | update_request
    text = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute()
    force = UnicodeAttribute()
    officer_id = UnicodeAttribute(null=True)
    officer_name = UnicodeAttribute(null=True)
    read_at = UTCDateTimeAttribute(null=True)
    reply_due_by = UnicodeAttribute(null=True)  # YYYY-MM-DD
    client_reference = UnicodeAttribute(null=True)
    answered_at = UTCDateTimeAttribute(null=True)  # a contact's item: set by the reply or update that answers it


class MessageRefItem(CasesTableItem, discriminator="message_ref"):
    """Holds a reply's `clientReference` so the same reference never sends twice."""

    message_sk = UnicodeAttribute()


class AttentionItem(CasesTableItem, discriminator="attention"):
    """Something on a case the officer must see to, on the `attention` index:
    `sk = ATTENTION#<reason>#<contact id or CASE>`. Written and removed in the
    same transactions as what causes and settles it."""

    reason = UnicodeAttribute()
    contact_id = UnicodeAttribute(null=True)
    crime_number = UnicodeAttribute()
    officer_id = UnicodeAttribute()
    waiting_since = UnicodeAttribute()  # ISO 8601 UTC


class InvitationItem(CasesTableItem, discriminator="invitation"):
    case_pk = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    force = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    mobile = UnicodeAttribute(null=True)  # the invitation goes by text too
    expires_at = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)
    failed_attempts = NumberAttribute(default=0)


class ResetItem(CasesTableItem, discriminator="reset"):
    case_pk = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    force = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    mobile = UnicodeAttribute(null=True)
    channels = UnicodeAttribute(null=True)  # comma-separated Channels the link goes by (absent: email)
    expires_at = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)
    credential_version = NumberAttribute(null=True)


class ChangeItem(CasesTableItem, discriminator="address_change"):
    """A new email address or mobile number asked for by a signed-in contact:
    its INSERT on the stream sends the code to the new address and a notice to
    the old one. The code is never stored: the sender derives it from the id
    (core/tokens.py), as it does links. Removed by TTL after it expires."""

    case_pk = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    force = UnicodeAttribute()
    channel = UnicodeAttribute()  # email | text
    address = UnicodeAttribute()  # the new one
    old_address = UnicodeAttribute(null=True)
    expires_at = UTCDateTimeAttribute()


class SessionItem(Model):
    """`pk = SESSION#<sha256 of the token>`."""

    class Meta(_Meta):
        table_name = "tmc-dev-sessions"

    pk = UnicodeAttribute(hash_key=True)
    case_pk = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    idle_expires_at = UTCDateTimeAttribute()
    absolute_expires_at = UTCDateTimeAttribute()
    credential_version = NumberAttribute(default=0)
    ttl = TTLAttribute(null=True)


class CounterItem(Model):
    """A failure counter for throttling, in the sessions table:
    `pk = THROTTLE#<scope>#<key>#<window>`."""

    class Meta(_Meta):
        table_name = "tmc-dev-sessions"

    pk = UnicodeAttribute(hash_key=True)
    # Stored as `count`; not named so here, where it would hide pynamodb's Model.count().
    failures = NumberAttribute(default=0, attr_name="count")
    last_at = UTCDateTimeAttribute(null=True)  # the last reserved attempt (paces guesses)
    ttl = TTLAttribute(null=True)


class DecoyItem(Model):
    """What a password reset request for no account writes instead of a reset
    record (the same work, so that timing tells nothing): `pk = DECOY#<id>`,
    read by nothing, removed by TTL."""

    class Meta(_Meta):
        table_name = "tmc-dev-sessions"

    pk = UnicodeAttribute(hash_key=True)
    padding = UnicodeAttribute()
    ttl = TTLAttribute()


class AuditItem(Model):
    class Meta(_Meta):
        table_name = "tmc-dev-audit"

    # One partition per case (or per actor for events with no case) and a
    # time-ordered, unique sort key: an auditor reads a case's history in one query.
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    action = UnicodeAttribute()  # collection | alteration | consultation | disclosure | erasure
    event = UnicodeAttribute()
    actor = UnicodeAttribute()
    force = UnicodeAttribute(null=True)
    case = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    # No TTL: an audit record is never removed by the table (infra/data.yaml).


def bind(settings: Settings) -> None:
    """Point the models at this deployment's tables and endpoint (first use only)."""
    for model, name in ((CasesTableItem, settings.cases_table),
                        (SessionItem, settings.sessions_table),
                        (CounterItem, settings.sessions_table),
                        (DecoyItem, settings.sessions_table),
                        (DeliveryItem, settings.sessions_table),
                        (PendingErasureItem, settings.sessions_table),
                        (AuditItem, settings.audit_table)):
        model.Meta.table_name = name
        model.Meta.region = settings.region
        model.Meta.host = settings.dynamodb_endpoint
        # pynamodb caches a connection per class; drop it so new settings apply.
        for cls in [model, *model.__subclasses__()]:
            cls._connection = None


def create_tables(settings: Settings) -> None:
    """Create the tables from these models (local stack and tests)."""
    bind(settings)
    for model in TABLE_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")


# -- email deliveries (issue 3: the stream -> SES sender) -------------------------------
#
# Kept in the sessions table, off the cases stream. One item per email that must
# be sent exactly once; written with a condition before the email is sent.


class RetryDueIndex(GlobalSecondaryIndex):
    """Sparse: only unfinished deliveries carry `retry_shard`, so the scheduled
    retry reads what is due with one query per shard, never a Scan."""

    class Meta:
        index_name = "retry-due"
        projection = IncludeProjection(["status"])

    retry_shard = UnicodeAttribute(hash_key=True)
    next_attempt_at = NumberAttribute(range_key=True)  # epoch seconds


class MessageIdIndex(GlobalSecondaryIndex):
    """Sparse: a sent email's SES message id finds its contact when SES reports
    a bounce or a complaint, with one query."""

    class Meta:
        index_name = "message-id"
        projection = IncludeProjection(["kind", "case_pk", "contact_id"])

    message_id = UnicodeAttribute(hash_key=True)


class DeliveryItem(Model):
    """One email: `pk = DELIVERY#<DeliveryRef.key>` (storage/deliveries.py).

    status: `sending` (claimed; `next_attempt_at` is the end of the claim, after
    which the scheduled retry takes it over), `retrying` (waiting for
    `next_attempt_at`), `sent`, `failed` (given up: the contact is marked as
    failing) or `cancelled` (no longer wanted: link expired or used, contact gone).
    """

    class Meta(_Meta):
        table_name = "tmc-dev-sessions"

    pk = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # invitation | reset | alert | ...
    channel = UnicodeAttribute(null=True)  # email (absent) | text
    source_id = UnicodeAttribute()  # invitation, reset or update id
    case_pk = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    force = UnicodeAttribute()
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    retry_shard = UnicodeAttribute(null=True)
    next_attempt_at = NumberAttribute(null=True)
    retry_due = RetryDueIndex()
    sent_at = UTCDateTimeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    by_message_id = MessageIdIndex()
    reason = UnicodeAttribute(null=True)
    ttl = TTLAttribute(null=True)


class PendingErasureItem(Model):
    """An erasure after retention that failed part-way: `pk = ERASURE#<case key>`
    (storage/erasures.py), due again at `next_attempt_at` on the retry-due index
    under the shard `ERASURE`."""

    class Meta(_Meta):
        table_name = "tmc-dev-sessions"

    pk = UnicodeAttribute(hash_key=True)
    case_key = UnicodeAttribute()
    since = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)
    retry_shard = UnicodeAttribute(null=True)
    next_attempt_at = NumberAttribute(null=True)
    retry_due = RetryDueIndex()
    reason = UnicodeAttribute(null=True)


# The sessions table is created from DeliveryItem: the same key as SessionItem and
# CounterItem, plus the two sparse indexes.
TABLE_MODELS: tuple[type[Model], ...] = (CasesTableItem, DeliveryItem, AuditItem)
