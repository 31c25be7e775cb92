"""The email sender: the cases stream's changes in, emails out, exactly once.

* A new invitation or reset sends that email; a new update sends an alert to
  every *registered* contact of the case. Nothing else sends anything.
* Each email is claimed with a conditional write before it is sent
  (`DeliveryStore.claim_new`), so a stream record delivered twice, or handled by
  two invocations at once, sends one email.
* Never blocks the stream: Chalice cannot set ReportBatchItemFailures, so a
  raised error would retry the whole batch for 24 hours. SES throttling is
  retried here with backoff; what still fails is recorded with a next-attempt
  time for the scheduled retry, up to `MAX_ROUNDS`; a permanent rejection, or
  running out of rounds, marks the contact's alerts as failing for the officer.
  Only a DynamoDB failure raises (and the retried batch then skips what was sent).
* Sends run concurrently, paced to the configured SES maximum send rate.

The one gap exactly-once cannot close: if the process dies after SES accepted
an email and before the record says so, the claim expires and the scheduled
retry sends it again (counted as `EmailsReclaimed`).
"""

from __future__ import annotations

import functools
import json
import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.config import Settings
from chalicelib.core import i18n, tokens
from chalicelib.core.audit import Audit
from chalicelib.core.changes import AddressChangeRequested, Change, LinkStored, MessagePosted, Unreadable, UpdatePosted
from chalicelib.core.deliveries import TO_POLICE, DeliveryRef, DeliveryStatus, Due, MessageKind
from chalicelib.core.domain import AuditAction, Case, Channel, Contact, quiet_hours_end, utcnow
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.ports import CaseRepository, Clock, DeliveryRepository, Sleep
from chalicelib.notify import emails, texts
from chalicelib.notify.mailer import Mailer, Outgoing, Rejected, Throttled, Unavailable
from chalicelib.notify.texter import OptedOut, OutgoingText, Texter
from chalicelib.observability import logger, metrics

# A claim lasts this long; then the scheduled retry may take the email over.
LEASE = timedelta(minutes=2)
# Throttled sends are tried this many times within one invocation...
THROTTLE_TRIES = 5
THROTTLE_BACKOFF_BASE = 0.1  # seconds, doubled each time, with jitter, capped:
THROTTLE_BACKOFF_CAP = 2.0
# ...then the email waits for the scheduled retry (every minute): the delay
# after round n is RETRY_DELAYS[n - 1]. After MAX_ROUNDS rounds (about four
# hours) it is given up as failed and the officer is told.
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 2, 5, 15, 30, 60, 120))
MAX_ROUNDS = len(RETRY_DELAYS) + 1
RETRIES_PER_RUN = 500
MAX_WORKERS = 64

# What the officer reads next to the contact (alertsFailingReason).
REASON_REJECTED = ("Emails to this address are refused. Check the email address with the contact, "
                   "or phone them instead.")
REASON_BOUNCED = ("Emails to this address bounce back. Check the email address with the contact, "
                  "or phone them instead.")
REASON_COMPLAINED = ("The contact marked our email as unwanted, so we no longer know they read it. "
                     "Phone them instead.")
REASON_GAVE_UP = ("Emails to this address could not be sent for several hours. Check the email "
                  "address with the contact, or phone them instead.")
# ...and next to the contact's texts (textsFailingReason).
REASON_TEXT_REJECTED = ("Texts to this mobile number are refused. Check the number with the contact, "
                        "or phone them instead.")
REASON_TEXT_OPTED_OUT = ("The contact replied STOP to our texts, so no texts can be sent to them. Ask them "
                         "how they want to be contacted, or phone them instead.")
REASON_TEXT_GAVE_UP = ("Texts to this mobile number could not be sent for several hours. Check the number "
                       "with the contact, or phone them instead.")
OFFICER_REASONS = {  # (channel, problem) -> what the officer reads
    (Channel.EMAIL, "rejected"): REASON_REJECTED, (Channel.EMAIL, "gave_up"): REASON_GAVE_UP,
    (Channel.TEXT, "rejected"): REASON_TEXT_REJECTED, (Channel.TEXT, "gave_up"): REASON_TEXT_GAVE_UP,
    (Channel.TEXT, "opted_out"): REASON_TEXT_OPTED_OUT,
}

@dataclass(frozen=True)
class Target:
    """A message to send: which one, by which channel (`ref.channel`), to whom,
    until when its link works, and the contact it goes to (their phrase, safe
    contact, quiet hours), where known."""

    ref: DeliveryRef
    recipient: str
    valid_until: datetime | None = None
    crime_number: str | None = None  # emails to the police only: which case
    contact: Contact | None = None


class Pacer:
    """Keeps a run within the SES maximum send rate: never more than `rate` sends
    start in any one second (SES counts emails a second and allows short bursts).
    A send that starts late, because its thread waited for the CPU or for SES,
    does not lose its place: the window lets the run catch up."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self._limit = max(1, int(rate))
        self._window = self._limit / rate  # 1 s, or longer for a rate below 1 a second
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()  # granted start times, in order
        self._lock = threading.Lock()

    def wait(self, not_after: float = math.inf) -> bool:
        """Waits for this caller's turn; False (without waiting) if that turn
        would come after `not_after`."""
        with self._lock:
            now = self._clock()
            starts = self._starts
            while starts and starts[0] <= now - self._window:
                starts.popleft()
            slot = max(now, starts[-1]) if starts else now
            if len(starts) >= self._limit:
                slot = max(slot, starts[-self._limit] + self._window)
            if slot > not_after:
                return False
            starts.append(slot)
        if slot > now:
            self._sleep(slot - now)
        return True


class EmailSender:
    def __init__(self, settings: Settings, cases: CaseRepository, deliveries: DeliveryRepository, mailer: Mailer,
                 audit: Audit, clock: Clock = utcnow, sleep: Sleep = time.sleep,
                 texter: Texter | Callable[[], Texter] | None = None):
        self._settings = settings
        self._cases = cases
        self._deliveries = deliveries
        self._mailer = mailer
        self._audit = audit
        self._clock = clock
        self._sleep = sleep
        self._texter_source = texter

    @property
    def mailer(self) -> Mailer:
        return self._mailer

    @property
    def texter(self) -> Texter:
        """Built on the first text: a function that only emails never builds it."""
        source = self._texter_source
        if source is None:
            raise Unavailable("no texter configured")
        if callable(source) and not hasattr(source, "send"):
            self._texter_source = source = source()
        return source  # type: ignore[return-value]

    # -- entry points ---------------------------------------------------------------

    def handle_changes(self, changes: Iterable[Change], context: Any = None) -> Counter[str]:
        """Sends what a stream batch's changes call for. Returns what happened, by
        outcome. `context` is the Lambda context (its remaining time bounds the run)."""
        run = self._start_run(context)
        targets = self.targets(changes, run)
        return self._run(run, [(self._send_new, t) for t in targets])

    def retry_due(self, context: Any = None) -> Counter[str]:
        """The scheduled retry: every delivery whose next attempt is due."""
        run = self._start_run(context)
        due = self._deliveries.due(self._clock(), RETRIES_PER_RUN)
        return self._run(run, [(self._send_due, pk) for pk in due])

    def handle_notification(self, message: str | dict[str, Any]) -> str:
        """An SES bounce or complaint (through SNS): marks the contact's alerts as
        failing. Soft bounces and other notifications change nothing."""
        try:
            data = json.loads(message) if isinstance(message, str) else message
            kind = data.get("notificationType") or data.get("eventType")
            message_id = data["mail"]["messageId"]
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("unreadable email notification")
            return "ignored"
        if kind == "Bounce":
            if (data.get("bounce") or {}).get("bounceType") != "Permanent":
                logger.info("email bounced softly", extra={"ses_message_id": message_id})
                return "ignored"
            reason, outcome = REASON_BOUNCED, "bounced"
        elif kind == "Complaint":
            reason, outcome = REASON_COMPLAINED, "complained"
        else:
            return "ignored"
        sent = self._deliveries.message(message_id)
        if sent is None:
            logger.warning("notification for an unknown email", extra={"ses_message_id": message_id})
            return "unknown"
        self._deliveries.mark_contact_failing(sent.case_key, sent.contact_id, reason)
        logger.warning("email " + outcome, extra={"contact": sent.contact_id, "email_kind": sent.kind})
        metrics.add_metric(name="EmailsBounced" if outcome == "bounced" else "EmailsComplained",
                           unit="Count", value=1)
        return outcome

    # -- changes -> targets -------------------------------------------------------------------

    def targets(self, changes: Iterable[Change], run: _Run | None = None) -> list[Target]:
        """The emails a batch of changes calls for. A record that could not be
        read is logged and skipped: it must not block the ones behind it."""
        out: list[Target] = []
        cases: dict[str, Case | None] = {}
        now = self._clock()
        for change in changes:
            if isinstance(change, LinkStored):
                case = self._live_case(change.case_key, cases, now)
                contact = case.contact(change.contact_id) if case else None
                for channel in change.channels:
                    address = change.email if channel == Channel.EMAIL else change.mobile
                    if address:
                        ref = DeliveryRef(kind=change.kind, source_id=change.id, case_key=change.case_key,
                                          contact_id=change.contact_id, force=change.force, channel=channel)
                        out.append(Target(ref, address, change.expires_at, contact=contact))
            elif isinstance(change, AddressChangeRequested):
                out += self._change_messages(change, cases, now)
            elif isinstance(change, UpdatePosted):
                out += self._alerts(change, cases, now)
            elif isinstance(change, MessagePosted):
                out += self._message_emails(change, cases, now)
            elif isinstance(change, Unreadable):
                logger.warning("unreadable stream record", extra={"event_id": change.event_id})
                if run is not None:
                    run.count("unreadable")
        return out

    def _live_case(self, case_key: str, cases: dict[str, Case | None], now: datetime) -> Case | None:
        """The case, read once a batch; None if it is gone or expired."""
        if case_key not in cases:
            cases[case_key] = self._cases.case_with_contacts(case_key)
        case = cases[case_key]
        return None if case is None or case.is_expired(now) else case

    def _alerts(self, change: UpdatePosted, cases: dict[str, Case | None], now: datetime) -> list[Target]:
        """One alert per registered contact and channel they chose (none after they stopped)."""
        case = self._live_case(change.case_key, cases, now)
        if case is None:
            return []
        return [Target(DeliveryRef(kind=MessageKind.ALERT, source_id=change.update_id, case_key=change.case_key,
                                   contact_id=c.id, force=case.force, channel=channel), address, contact=c)
                for c in case.registered_contacts() if not c.has_stopped
                for channel in c.channels_to_use() if (address := c.address(channel))]

    def _change_messages(self, change: AddressChangeRequested, cases: dict[str, Case | None],
                         now: datetime) -> list[Target]:
        """A new address: its code goes to it, a notice to the old one (same channel)."""
        case = self._live_case(change.case_key, cases, now)
        contact = case.contact(change.contact_id) if case else None
        if contact is None:
            return []
        out = [Target(DeliveryRef(kind=MessageKind.CHANGE_CODE, source_id=change.id, case_key=change.case_key,
                                  contact_id=change.contact_id, force=change.force, channel=change.channel),
                      change.address, change.expires_at, contact=contact)]
        if change.old_address:
            out.append(Target(DeliveryRef(kind=MessageKind.CHANGE_NOTICE, source_id=change.id,
                                          case_key=change.case_key, contact_id=change.contact_id,
                                          force=change.force, channel=change.channel),
                              change.old_address, contact=contact))
        return out

    def _message_emails(self, change: MessagePosted, cases: dict[str, Case | None], now: datetime) -> list[Target]:
        """A contact's message: the officer in charge (and the team inbox) are
        told. The officer's reply: that contact is alerted."""
        case = self._live_case(change.case_key, cases, now)
        if case is None:
            return []
        if change.from_contact:
            refs = [DeliveryRef(kind=kind, source_id=change.message_id, case_key=change.case_key,
                                contact_id=change.contact_id, force=case.force)
                    for kind in (MessageKind.OFFICER_NOTICE, MessageKind.TEAM_NOTICE)]
        else:
            contact = case.contact(change.contact_id)
            refs = [DeliveryRef(kind=MessageKind.REPLY, source_id=change.message_id, case_key=change.case_key,
                                contact_id=change.contact_id, force=case.force, channel=channel)
                    for channel in (contact.channels_to_use() if contact else ())]
        return [target for ref in refs if (target := self._target(ref, case)) is not None]

    def _target(self, ref: DeliveryRef, case: Case) -> Target | None:
        """Who a message's email goes to, from the case as it is now (None: nobody)."""
        if ref.kind == MessageKind.OFFICER_NOTICE:
            return Target(ref, case.officer_email, crime_number=case.crime_number)
        if ref.kind == MessageKind.TEAM_NOTICE:
            team = self._settings.team_inboxes.get(case.force)
            return Target(ref, team, crime_number=case.crime_number) if team else None
        contact = case.contact(ref.contact_id)
        if contact is None:
            return None
        if ref.kind == MessageKind.CHANGE_CODE:  # still the pending change: its new address
            new_address = contact.pending_change_address
            if contact.pending_change_id != ref.source_id or not new_address:
                return None
            return Target(ref, new_address, contact.pending_change_expires_at, contact=contact)
        address = contact.address(ref.channel)
        if ref.kind == MessageKind.CHANGE_NOTICE:
            return Target(ref, address, contact=contact) if address else None
        # An alert or reply: registered, not stopped, and still by this channel.
        if not contact.is_registered or contact.has_stopped or ref.channel not in contact.channels_to_use():
            return None
        return Target(ref, address, contact=contact) if address else None

    def _resolve(self, ref: DeliveryRef, now: datetime) -> Target | None:
        """For a retry, read the message's subject again: it may have been used,
        expired or gone since. None if the message is no longer wanted."""
        if ref.kind in (MessageKind.INVITATION, MessageKind.RESET):
            found = (self._cases.invitation if ref.kind == MessageKind.INVITATION else self._cases.reset)(
                ref.source_id)
            if found is None or not found.is_usable(now):
                return None
            address = found.address(ref.channel)
            if not address:
                return None
            case = self._cases.case_with_contacts(ref.case_key)
            return Target(ref, address, found.expires_at, contact=case.contact(ref.contact_id) if case else None)
        case = self._cases.case_with_contacts(ref.case_key)
        if case is None or case.is_expired(now):
            return None
        return self._target(ref, case)

    # -- sending ---------------------------------------------------------------------------

    def _start_run(self, context: Any) -> _Run:
        """Stops starting sends 10 s (or a fifth of the time, if less) before the
        invocation's timeout. What is left is deferred, not lost."""
        deadline = math.inf
        remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
        if callable(remaining_ms):
            left = remaining_ms() / 1000.0
            deadline = time.monotonic() + left - min(10.0, left / 5)
        return _Run(deadline, Pacer(self._settings.ses_max_send_rate, sleep=self._sleep))

    def _run(self, run: _Run, jobs: list[tuple[Callable[[Any, _Run], str], Any]]) -> Counter[str]:
        failures: list[ServiceUnavailable] = []
        if jobs:
            # The first email goes alone: it builds the AWS clients once, instead of
            # every worker thread building its own at the same moment.
            first, *rest = jobs
            try:
                run.count(_guarded(first[0], first[1], run))
            except ServiceUnavailable as exc:
                failures.append(exc)
            workers = max(1, min(len(rest), MAX_WORKERS, math.ceil(self._settings.ses_max_send_rate)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="email") as pool:
                for future in [pool.submit(_guarded, job, arg, run) for job, arg in rest]:
                    try:
                        run.count(future.result())
                    except ServiceUnavailable as exc:
                        failures.append(exc)
        _add_metrics(run.counts)
        if run.counts:
            logger.info("emails handled", extra={"outcomes": dict(run.counts)})
        if failures:
            # DynamoDB itself is failing: fail the batch so the stream retries it;
            # every email already sent is then skipped, by its record.
            logger.error("email delivery records unavailable", extra={"failures": len(failures)})
            raise failures[0]
        return Counter(run.counts)

    def _send_new(self, target: Target, run: _Run) -> str:
        now = self._clock()
        if time.monotonic() > run.deadline:
            return "deferred" if self._deliveries.defer_new(target.ref, now) else "duplicate"
        # Claim, then wait for a turn: a duplicate costs no turn. The wait is short
        # (at most one turn per worker is pending), far within the claim's lease.
        if not self._deliveries.claim_new(target.ref, now, LEASE):
            return "duplicate"
        if not run.pacer.wait(run.deadline):
            self._deliveries.mark_retry(target.ref, now, "out of time", now)
            return "deferred"
        return self._attempt(target, 1, run)

    def _send_due(self, due: Due, run: _Run) -> str:
        if not run.pacer.wait(run.deadline):
            return "left_for_next_run"
        now = self._clock()
        claimed = self._deliveries.claim_due(due.key, now, LEASE)
        if claimed is None:
            return "skipped"
        if claimed.attempts > MAX_ROUNDS:
            # Only an email whose every round ended in an unexpected error gets here.
            self._give_up(claimed.ref, "unexpected errors", "gave_up")
            return "failed"
        if due.status == DeliveryStatus.SENDING:
            # Its claim ran out: the invocation that held it died, perhaps after
            # SES accepted the email. The one place a duplicate can come from.
            logger.warning("email claim expired", extra={"email_kind": claimed.ref.kind,
                                                         "contact": claimed.ref.contact_id})
            run.count("reclaimed")
        target = self._resolve(claimed.ref, now)
        if target is None:
            self._deliveries.mark_finished(claimed.ref, DeliveryStatus.CANCELLED, "no longer wanted", now)
            return "cancelled"
        return self._attempt(target, claimed.attempts, run)

    def _attempt(self, target: Target, rounds: int, run: _Run) -> str:
        """One round: the send, with throttling retried a few times. A text
        first waits out the contact's quiet hours, and is never sent to a
        number on the opt-out list (STOP)."""
        ref = target.ref
        now = self._clock()
        send: Callable[[], str]
        if ref.channel == Channel.TEXT:
            contact = target.contact
            ends = quiet_hours_end(contact.quiet_hours, now) if contact is not None else None
            if ends is not None and ref.kind not in (MessageKind.RESET, MessageKind.CHANGE_CODE):
                # Asked-for codes and links go at once; alerts wait (their round is not lost).
                self._deliveries.mark_retry(ref, ends, "quiet hours", now)
                logger.info("text waits for the end of quiet hours", extra={"email_kind": ref.kind,
                                                                           "contact": ref.contact_id})
                return "quiet_hours"
            try:
                if self.texter.opted_out(target.recipient):
                    self._give_up(ref, "opted out", "opted_out")
                    return "opted_out"
            except (Throttled, Unavailable):
                pass  # the send below meets the same problem, and is retried as any
            text = self._compose_text(target, now)
            send = functools.partial(self.texter.send, text)
            problem = "SNS Throttling"
        else:
            outgoing = self._compose(target, now)
            send = functools.partial(self._mailer.send, outgoing)
            problem = "SES Throttling"
        for tried in range(1, THROTTLE_TRIES + 1):
            try:
                message_id = send()
            except Throttled as exc:
                problem = exc.reason
                run.count("throttled")
                if tried == THROTTLE_TRIES:
                    break
                self._sleep(min(THROTTLE_BACKOFF_CAP, THROTTLE_BACKOFF_BASE * 2 ** (tried - 1))
                            * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not a secret
                if not run.pacer.wait(run.deadline):
                    break
            except OptedOut as exc:
                self._give_up(ref, exc.reason, "opted_out")
                return "opted_out"
            except Rejected as exc:
                self._give_up(ref, exc.reason, "rejected")
                return "rejected"
            except Unavailable as exc:
                problem = exc.reason
                break
            else:
                now = self._clock()
                # The sent-mark and the disclosure's audit record: one write (issue 17).
                self._deliveries.mark_sent(ref, message_id, now, self._audit.entry(
                    AuditAction.DISCLOSURE, f"{ref.kind}_{'text' if ref.channel == Channel.TEXT else 'email'}_sent",
                    actor="system:email-sender", force=ref.force, case_key=ref.case_key, subject=ref.contact_id))
                return "sent"
        now = self._clock()
        if rounds >= MAX_ROUNDS:
            self._give_up(ref, problem, "gave_up")
            return "failed"
        self._deliveries.mark_retry(ref, now + RETRY_DELAYS[rounds - 1], problem, now)
        logger.info("email will be retried", extra={"email_kind": ref.kind, "contact": ref.contact_id,
                                                    "round": rounds, "problem": problem})
        return "retry_scheduled"

    def _give_up(self, ref: DeliveryRef, problem: str, why: str) -> None:
        """Never tried again; the contact's email or text is shown to the officer
        as failing, with what to do (`why`: rejected, opted_out, gave_up)."""
        now = self._clock()
        self._deliveries.mark_finished(ref, DeliveryStatus.FAILED, problem, now)
        if ref.kind not in TO_POLICE:  # the police's own address failing says nothing of the contact's
            channel = Channel.TEXT if ref.channel == Channel.TEXT else Channel.EMAIL
            self._deliveries.mark_contact_failing(ref.case_key, ref.contact_id,
                                                  OFFICER_REASONS.get((channel, why), OFFICER_REASONS[
                                                      (channel, "rejected")]), channel)
        logger.warning("email failed", extra={"email_kind": ref.kind, "contact": ref.contact_id,
                                              "problem": problem})

    def _words(self, target: Target, now: datetime) -> tuple[str, timedelta, bool, str | None]:
        """The force's name, how long the link lasts, safe contact, the phrase."""
        settings = self._settings
        force_name = settings.forces.get(target.ref.force) or settings.forces[settings.default_force]
        left = (target.valid_until - now) if target.valid_until else timedelta(0)
        contact = target.contact
        safe = bool(contact and contact.safe_contact)
        # The phrase once they chose it; never in an invitation (they have not).
        phrase = contact.phrase if contact and target.ref.kind != MessageKind.INVITATION else None
        return force_name, left, safe, phrase

    def _link(self, kind: str, source_id: str, lang: str = "en") -> str:
        """The message's link, to the pages in the reader's language (Welsh: /cy/)."""
        settings = self._settings
        pages = f"{settings.site_url}/cy" if lang == "cy" else settings.site_url
        if kind == MessageKind.INVITATION:
            token = tokens.link_token(settings.token_secret, tokens.INVITATION, source_id)
            return f"{pages}/register.html#invitation={token}"
        if kind == MessageKind.RESET:
            token = tokens.link_token(settings.token_secret, tokens.RESET, source_id)
            return f"{pages}/reset-password.html#token={token}"
        return f"{pages}/sign-in.html"

    @staticmethod
    def _language(target: Target) -> str:
        """The contact's language ("en" or "cy"); English for the police's own emails."""
        return i18n.language(target.contact.language if target.contact is not None else None)

    def _compose_text(self, target: Target, now: datetime) -> OutgoingText:
        """A text is in the contact's language only, even for a Welsh-first
        force: both languages would not fit in a text's few segments."""
        settings = self._settings
        ref = target.ref
        force_name, left, safe, phrase = self._words(target, now)
        lang = self._language(target)
        link = self._link(ref.kind, ref.source_id, lang)
        if ref.kind == MessageKind.INVITATION:
            text = texts.invitation(force_name, link, left, safe=safe, lang=lang)
        elif ref.kind == MessageKind.RESET:
            text = texts.reset(force_name, link, left, safe=safe, phrase=phrase, lang=lang)
        elif ref.kind == MessageKind.CHANGE_CODE:
            text = texts.change_code(force_name, tokens.change_code(settings.token_secret, ref.source_id),
                                     safe=safe, phrase=phrase, lang=lang)
        elif ref.kind == MessageKind.CHANGE_NOTICE:
            text = texts.change_notice(force_name, link, safe=safe, phrase=phrase, lang=lang)
        else:
            text = texts.alert(force_name, link, safe=safe, phrase=phrase, kind=ref.kind, lang=lang)
        sender_id = settings.safe_sms_sender_id if safe else settings.sms_sender_ids.get(ref.force)
        return OutgoingText(kind=ref.kind, recipient=target.recipient, body=text.body, sender_id=sender_id,
                            links=text.links)

    def _email_in(self, target: Target, lang: str, now: datetime) -> emails.Email:
        """The email a target calls for, in `lang`."""
        settings = self._settings
        ref = target.ref
        force_name, left, safe, phrase = self._words(target, now)
        link = self._link(ref.kind, ref.source_id, lang)
        site = settings.site_origin
        if ref.kind == MessageKind.INVITATION:
            return emails.invitation(force_name, site, link, left, safe=safe, lang=lang)
        if ref.kind == MessageKind.RESET:
            return emails.reset(force_name, site, link, left, safe=safe, phrase=phrase, lang=lang)
        if ref.kind in TO_POLICE:
            return emails.officer_notice(force_name, target.crime_number or "")
        if ref.kind == MessageKind.CHANGE_CODE:
            return emails.change_code(force_name, site, tokens.change_code(settings.token_secret, ref.source_id),
                                      safe=safe, phrase=phrase, lang=lang)
        if ref.kind == MessageKind.CHANGE_NOTICE:
            return emails.change_notice(force_name, site, link, safe=safe, phrase=phrase, lang=lang)
        if ref.kind == MessageKind.REPLY:
            return emails.reply_alert(force_name, site, link, safe=safe, phrase=phrase, lang=lang)
        return emails.alert(force_name, site, link, safe=safe, phrase=phrase, lang=lang)

    def _compose(self, target: Target, now: datetime) -> Outgoing:
        """The email in the contact's language; for a Welsh-first force, an
        English contact's email is bilingual, Welsh first (each half linking
        to the pages in its language)."""
        settings = self._settings
        ref = target.ref
        force_name, _, safe, _ = self._words(target, now)
        lang = self._language(target)
        if settings.welsh_first and lang == "en" and ref.kind not in TO_POLICE:
            email = emails.bilingual(self._email_in(target, "cy", now), self._email_in(target, "en", now))
        else:
            email = self._email_in(target, lang, now)
        raw = emails.render(email, sender_name=settings.safe_sender_name if safe else force_name,
                            sender_address=settings.mail_from, recipient=target.recipient, now=now)
        return Outgoing(kind=ref.kind, recipient=target.recipient, subject=email.subject, raw=raw,
                        links=email.links)


def _guarded(job: Callable[[Any, _Run], str], arg: Any, run: _Run) -> str:
    """One email's job. A DynamoDB failure propagates (it fails the batch); any
    other error is that email's alone: it is logged (by type: an error's text may
    hold an address), and its claim runs out into the scheduled retry."""
    try:
        return job(arg, run)
    except ServiceUnavailable:
        raise
    except Exception as exc:
        logger.error("email job failed", extra={"error": type(exc).__name__})
        return "error"


class _Run:
    """One invocation's sends: their deadline, their pace, what happened."""

    def __init__(self, deadline: float, pacer: Pacer):
        self.deadline = deadline
        self.pacer = pacer
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, outcome: str) -> None:
        with self._lock:
            self.counts[outcome] += 1


def _add_metrics(counts: Counter[str]) -> None:
    for name, outcomes in (("EmailsSent", ("sent",)),
                           ("EmailsRetried", ("retry_scheduled", "deferred")),
                           ("EmailsThrottled", ("throttled",)),
                           ("EmailsFailed", ("rejected", "failed", "error", "opted_out")),
                           ("TextsOptedOut", ("opted_out",)),
                           ("TextsHeldForQuietHours", ("quiet_hours",)),
                           ("EmailsDuplicate", ("duplicate",)),
                           ("EmailsReclaimed", ("reclaimed",))):
        value = sum(counts[o] for o in outcomes)
        if value:
            metrics.add_metric(name=name, unit="Count", value=value)
