"""Victim and witness use-cases: register, sign in, read the case, sign out,
reset a forgotten password. No Chalice, no HTTP: primitives in, domain out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from chalicelib.config import Settings
from chalicelib.core import passwords, tokens
from chalicelib.core.audit import Audit
from chalicelib.core.conversation import MESSAGES_PER_DAY, Author, ItemKind, Message, reply_due, uk_date
from chalicelib.core.domain import (
    NO_QUIET_HOURS,
    AuditAction,
    Case,
    Channel,
    Contact,
    Session,
    case_key,
    crime_number_key,
    name_key,
    utcnow,
)
from chalicelib.core.errors import (
    ConditionFailed,
    InvalidInput,
    ServiceUnavailable,
    SignedOut,
    SignInFailed,
    SignInPaused,
    TooManyRequests,
)
from chalicelib.core.ports import CaseRepository, Clock, SessionRepository
from chalicelib.core.throttle import Throttle, account_key
from chalicelib.core.together import together
from chalicelib.core.validation import validate
from chalicelib.observability import logger, metrics
from chalicelib.victims.schemas import (
    CHANGE_EMAIL_SCHEMA,
    CHANGE_MOBILE_SCHEMA,
    CHANGE_PASSWORD_SCHEMA,
    CONFIRM_CHANGE_SCHEMA,
    CONTACT_AGREEMENT_SCHEMA,
    IDENTITY_SCHEMA,
    MESSAGE_SCHEMA,
    REGISTER_SCHEMA,
    RESET_COMPLETE_SCHEMA,
    SIGN_IN_SCHEMA,
)

MAX_INVITATION_ATTEMPTS = 5
WARN_AFTER_ATTEMPTS = 3  # wrong dates of birth before the person is told how many tries are left
INVITATION_PROBLEM = ("This invitation link does not work. It may have been used already or have "
                      "expired. Ask the officer in charge of your case to send you a new one, or call 101")
INVITATION_LOCKED = ("This invitation link is now locked, because the date of birth did not match "
                     f"{MAX_INVITATION_ATTEMPTS} times. Ask the officer in charge of your case to send you "
                     "a new link, or call 101")
DATE_MISMATCH = "The date of birth does not match the one the officer recorded. Check it and try again"


def date_mismatch(attempts: int) -> str:
    """After the third wrong date, how many tries are left."""
    left = MAX_INVITATION_ATTEMPTS - attempts
    if attempts < WARN_AFTER_ATTEMPTS:
        return DATE_MISMATCH
    return f"{DATE_MISMATCH}. You have {left} more {'try' if left == 1 else 'tries'} before this link is locked"
DAILY_CAP_MESSAGE = (f"You have sent {MESSAGES_PER_DAY} messages today, the most you can send in a day. "
                     "You can send more tomorrow. If you need to speak to someone sooner, call 101. "
                     "In an emergency, call 999.")
NO_MOBILE_FOR_TEXTS = "You have no mobile number: add one on Your account first, or choose email"
NO_EMAIL_FOR_EMAILS = "You have no email address: add one on Your account first, or choose text"
PHRASE_HAS_CASE_DETAIL = ("Choose a phrase that does not include your name, your crime number or anything "
                          "about the crime")
CODE_PROBLEM = "The code is not right, or it has expired. Check the code in the latest message we sent you"
CODE_USED_UP = ("The code has been entered wrongly too many times. Enter your new email address or mobile "
                "number again to get a new code")
NO_CHANGE_PENDING = "There is no change waiting for a code. Enter your new email address or mobile number first"
SAME_ADDRESS = "This is already your {what}"
CHANGES_PER_DAY = 5
CHANGE_CODE_TRIES = 5
CHANGE_CODE_LIFETIME = timedelta(hours=1)
CHANGES_USED_UP = (f"You have asked to change your email address or mobile number {CHANGES_PER_DAY} times today. "
                   "Try again tomorrow, or call 101")
RESET_PROBLEM = ("This password reset link is not valid. It may have been used already or have "
                 "expired. Ask for a new one")


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime
    idle_timeout: timedelta


@dataclass(frozen=True)
class VictimView:
    case: Case
    contact: Contact
    session: Session
    open_request: Message | None = None  # read_case: their open update request, wherever it is
    messages_left_today: int = 0  # read_case: what the daily cap still allows


class VictimService:
    def __init__(self, settings: Settings, cases: CaseRepository, sessions: SessionRepository,
                 throttle: Throttle, audit: Audit, clock: Clock = utcnow):
        self._settings = settings
        self._cases = cases
        self._sessions = sessions
        self._throttle = throttle
        self._audit = audit
        self._clock = clock

    @property
    def _idle(self) -> timedelta:
        return timedelta(minutes=self._settings.session_idle_minutes)

    # -- registration ------------------------------------------------------------

    def register(self, body: Any) -> str:
        """Sets the contact's password from their invitation; returns the crime number."""
        data = validate(body, REGISTER_SCHEMA)
        now = self._clock()
        invitation_id = tokens.record_id_from(self._settings.token_secret, tokens.INVITATION, data["invitation"],
                                               self._settings.previous_token_secrets)
        invitation = self._cases.invitation(invitation_id) if invitation_id else None
        if invitation is not None and invitation.used_at is None \
                and invitation.failed_attempts >= MAX_INVITATION_ATTEMPTS:
            # Only the link's holder can see this: its guesses were used up.
            raise InvalidInput(fields={"invitation": INVITATION_LOCKED})
        if invitation is None or not invitation.is_usable(now):
            raise InvalidInput(fields={"invitation": INVITATION_PROBLEM})
        case = self._cases.case_with_contacts(invitation.case_key)
        contact = case.contact(invitation.contact_id) if case else None
        # A replaced link (the officer sent a new one) is refused as an unknown
        # one is, before it is given any guess.
        if case is None or contact is None or case.is_expired(now) or contact.is_registered \
                or contact.invitation_id != invitation.id:
            raise InvalidInput(fields={"invitation": INVITATION_PROBLEM})
        # The guess is reserved (an atomic, conditional count) before the date is
        # compared: however many requests race, at most MAX_INVITATION_ATTEMPTS
        # dates are ever compared with the real one.
        attempts = self._cases.reserve_invitation_attempt(invitation.id, MAX_INVITATION_ATTEMPTS, now)
        if attempts is None:  # the last guesses went to requests racing this one
            raise InvalidInput(fields={"invitation": INVITATION_LOCKED})
        if contact.date_of_birth != data["dateOfBirth"]:
            logger.info("registration date of birth mismatch", extra={"attempts": attempts})
            if attempts >= MAX_INVITATION_ATTEMPTS:
                self._cases.spend_invitation(invitation.id)
                raise InvalidInput(fields={"dateOfBirth": DATE_MISMATCH, "invitation": INVITATION_LOCKED})
            raise InvalidInput(fields={"dateOfBirth": date_mismatch(attempts)})
        problem = passwords.problem_with(data["password"], self._context_words(case, contact))
        if problem:
            # The right date: its guess is given back (registration gives it back
            # in its own write).
            self._cases.release_invitation_attempt(invitation.id)
            raise InvalidInput(fields={"password": problem})
        audit = self._audit.entry(AuditAction.ALTERATION, "contact_registered", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.register(invitation, passwords.hash_password(data["password"]), now, audit)
        except ConditionFailed as exc:
            raise InvalidInput(fields={"invitation": INVITATION_PROBLEM}) from exc
        metrics.add_metric(name="ContactsRegistered", unit="Count", value=1)
        return case.crime_number

    def _context_words(self, case: Case, contact: Contact) -> tuple[str, ...]:
        force_name = self._settings.forces.get(case.force, case.force)
        return (contact.surname, case.crime_number, case.force, force_name,
                *force_name.split())

    # -- sign in / out -------------------------------------------------------------

    def _identify(self, data: dict[str, Any]) -> tuple[str, str]:
        force = data.get("force") or self._settings.default_force
        if force not in self._settings.forces:
            force = self._settings.default_force
        key = case_key(force, data["crimeNumber"])
        account = account_key(key, name_key(data["surname"]), data["dateOfBirth"].isoformat())
        return key, account

    def _matching_contact(self, case: Case | None, data: dict[str, Any], now: datetime) -> Contact | None:
        if case is None or case.is_expired(now):
            return None
        surname = name_key(data["surname"])
        return next((c for c in case.contacts if c.matches(surname, data["dateOfBirth"])), None)

    def sign_in(self, body: Any, source: str) -> SignedIn:
        """One generic failure for every mismatch, and its own for a paused
        (throttled) attempt; every failure path spends one password hash, so
        neither the answer nor its timing tells which detail was wrong."""
        data = validate(body, SIGN_IN_SCHEMA)
        now = self._clock()
        key, account = self._identify(data)
        # The throttle's counts and the case are independent: read at once (issue 17).
        attempt, case = together(lambda: self._throttle.begin("sign-in", account, source, now),
                                 lambda: self._cases.case_with_contacts(key))
        if not attempt.allowed:
            passwords.verify(data["password"], None)
            logger.info("sign-in failed", extra={"reason": "throttled"})
            metrics.add_metric(name="SignInFailures", unit="Count", value=1)
            raise SignInPaused()
        contact = self._matching_contact(case, data, now)
        ok, needs_rehash = passwords.verify(data["password"], contact.password_hash if contact else None)
        if not ok or case is None or contact is None:
            self._fail_sign_in("mismatch")
        if needs_rehash:
            self._cases.set_password_hash(case.key, contact.id, passwords.hash_password(data["password"]))
        token = tokens.new_session_token()
        absolute = now + timedelta(hours=self._settings.session_absolute_hours)
        # One write: the session, on condition that the password (its credential
        # version) is still the one just checked, and the guess reserved above
        # given back. A reset or change that landed during the hash wins.
        try:
            self._sessions.create(Session(key=tokens.session_key(token), case_key=case.key,
                                          contact_id=contact.id, created_at=now,
                                          idle_expires_at=now + self._idle,
                                          absolute_expires_at=absolute,
                                          credential_version=contact.credential_version),
                                  give_back=attempt.reservations)
        except ConditionFailed:
            self._fail_sign_in("credentials changed")
        logger.info("sign-in succeeded", extra={"contact": contact.id})
        metrics.add_metric(name="SignIns", unit="Count", value=1)
        return SignedIn(token=token, expires_at=absolute, idle_timeout=self._idle)

    @staticmethod
    def _fail_sign_in(reason: str) -> NoReturn:
        """A failed attempt keeps what it reserved (its guess, its count against the source)."""
        logger.info("sign-in failed", extra={"reason": reason})
        metrics.add_metric(name="SignInFailures", unit="Count", value=1)
        raise SignInFailed()

    def current(self, session_token: str | None, read: Callable[[Session], Case | None] | None = None) -> VictimView:
        """The signed-in contact and their case (as `read` reads it: by default
        the case and its contacts); SignedOut if the session is missing, idle
        too long, too old, ended, or its case has expired."""
        if not session_token or len(session_token) > 100:
            raise SignedOut()
        now = self._clock()
        session = self._sessions.touch(tokens.session_key(session_token), now, self._idle)
        if session is None:
            raise SignedOut()
        case = read(session) if read else self._cases.case_with_contacts(session.case_key)
        contact = case.contact(session.contact_id) if case else None
        if case is None or contact is None or case.is_expired(now) or not contact.accepts(session):
            raise SignedOut()
        return VictimView(case=case, contact=contact, session=session)

    def read_case(self, session_token: str | None, before: str | None = None) -> VictimView:
        """The case as the contact sees it, a page at a time: the newest updates
        and messages, or those before the cursor `before` (InvalidInput if it is
        not one we gave out). Reading it records what they have now seen (the
        newest update, the officer's messages on the page), in the same write as
        the read's audit record, and only when that changed."""
        today = uk_date(self._clock())
        sent_today: list[int] = []

        def read(session: Session) -> Case | None:
            # The cap's own counter, read beside the page (one round trip for
            # both): a page holds at most PAGE items, so counting today's
            # messages on it would miss some on a busy day.
            counter = self._message_counter(session.contact_id, today)
            case, counters = together(lambda: self._cases.timeline(session.case_key, session.contact_id, before),
                                      lambda: self._sessions.counters([counter]))
            sent_today.append(counters[counter].count)
            return case

        view = self.current(session_token, read)
        view = replace(view, messages_left_today=max(0, MESSAGES_PER_DAY - sent_today[0]))
        case, contact, now = view.case, view.contact, self._clock()
        if contact.open_request_id:
            view = replace(view, open_request=next(
                (m for m in case.conversation(contact.id) if m.id == contact.open_request_id), None)
                or self._cases.open_request(case.key, contact))
        audit = self._audit.entry(AuditAction.CONSULTATION, "case_read_by_contact", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        # Only the first page holds the newest update; an older page's are older still.
        newest = case.updates[0].posted_at if case.updates and before is None else None
        seen_update = newest if newest and (contact.read_updates_through is None
                                            or newest > contact.read_updates_through) else None
        unread = [m for m in case.conversation(contact.id) if not m.from_contact and m.read_at is None]
        if seen_update is None and not unread:
            self._audit.write(audit)
            return view
        self._cases.mark_read(case, Author.CONTACT, contact.id, seen_update, unread, now, audit)
        return replace(view, case=replace(case, messages=tuple(
            replace(m, read_at=now) if m in unread else m for m in case.messages)))

    # -- two-way contact ------------------------------------------------------------

    def ask_for_update(self, session_token: str | None) -> tuple[Message, bool]:
        """One open update request at a time: asking again while one is open
        answers the open one, (request, False)."""
        view = self.current(session_token)
        case, contact, now = view.case, view.contact, self._clock()
        if contact.open_request_id:
            open_one = self._cases.open_request(case.key, contact)
            if open_one is not None:
                return open_one, False
        request = Message(id=tokens.new_id(), contact_id=contact.id, author=Author.CONTACT,
                          kind=ItemKind.UPDATE_REQUEST, text="", sent_at=now,
                          reply_due_by=reply_due(now, contact.enhanced_rights))
        audit = self._audit.entry(AuditAction.COLLECTION, "update_requested", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            created = self._cases.add_contact_message(case, request, now, audit)
        except ConditionFailed as exc:
            raise SignedOut() from exc
        if not created:  # a request made at the same moment won: that is the open one
            latest = self.current(session_token)
            open_one = self._cases.open_request(latest.case.key, latest.contact)
            if open_one is None:
                raise ServiceUnavailable()
            return open_one, False
        logger.info("update requested", extra={"contact": contact.id})
        metrics.add_metric(name="UpdateRequests", unit="Count", value=1)
        return request, True

    def send_message(self, session_token: str | None, body: Any) -> Message:
        """A message to the officer in charge: plain text, at most
        MESSAGES_PER_DAY a day (a stolen session cannot flood the officer)."""
        data = validate(body, MESSAGE_SCHEMA)
        view = self.current(session_token)
        case, contact, now = view.case, view.contact, self._clock()
        counter = self._message_counter(contact.id, uk_date(now))
        expires = now + timedelta(days=2)
        if self._sessions.reserve(counter, now, expires) > MESSAGES_PER_DAY:
            self._sessions.add(counter, -1, expires)
            logger.info("daily message cap reached", extra={"contact": contact.id})
            raise TooManyRequests(DAILY_CAP_MESSAGE)
        message = Message(id=tokens.new_id(), contact_id=contact.id, author=Author.CONTACT, kind=ItemKind.MESSAGE,
                          text=data["text"], sent_at=now, reply_due_by=reply_due(now, contact.enhanced_rights))
        audit = self._audit.entry(AuditAction.COLLECTION, "message_from_contact", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.add_contact_message(case, message, now, audit)
        except ConditionFailed as exc:
            self._sessions.add(counter, -1, expires)
            raise SignedOut() from exc
        logger.info("message from contact", extra={"contact": contact.id})
        metrics.add_metric(name="MessagesFromContacts", unit="Count", value=1)
        return message

    @staticmethod
    def _message_counter(contact_id: str, day: date) -> str:
        """The counter that enforces MESSAGES_PER_DAY (UK days): `send_message`
        reserves on it, `read_case` reads it for `messagesLeftToday`."""
        return f"THROTTLE#messages#contact#{contact_id}#{day.isoformat()}"

    def sign_out(self, session_token: str | None) -> None:
        """Ends this session and every other session of the same contact."""
        if not session_token or len(session_token) > 100:
            return
        now = self._clock()
        session = self._sessions.touch(tokens.session_key(session_token), now, self._idle)
        self._sessions.delete(tokens.session_key(session_token))
        if session is not None:
            self._cases.revoke_sessions(session.case_key, session.contact_id)

    def change_password(self, session_token: str | None, body: Any, source: str) -> None:
        """A signed-in contact sets a new password, giving the current one (a
        session alone is not enough). Every session of the contact ends, this
        one too. Guesses at the current password are throttled like sign-in."""
        data = validate(body, CHANGE_PASSWORD_SCHEMA)
        view = self.current(session_token)
        now = self._clock()
        attempt = self._throttle.begin("password-change", f"contact:{view.contact.id}", source, now)
        ok, _ = passwords.verify(data["currentPassword"],
                                 view.contact.password_hash if attempt.allowed else None)
        if not (attempt.allowed and ok):  # what it reserved stays counted
            logger.info("password change refused", extra={"contact": view.contact.id})
            raise InvalidInput(fields={"currentPassword": "This is not your current password, or you have "
                                                          "tried too many times. Try again in a few minutes"})
        self._throttle.succeeded(attempt)
        problem = passwords.problem_with(data["newPassword"], self._context_words(view.case, view.contact))
        if problem:
            raise InvalidInput(fields={"newPassword": problem})
        try:
            self._cases.change_password(view.case.key, view.contact.id,
                                        passwords.hash_password(data["newPassword"]), view.contact.credential_version)
        except ConditionFailed as exc:  # a reset or another change won: this session has ended
            raise SignedOut() from exc
        self._audit.record(AuditAction.ALTERATION, "password_changed", actor=f"contact:{view.contact.id}",
                           force=view.case.force, case_key=view.case.key, subject=view.contact.id)

    # -- forgotten password --------------------------------------------------------

    def request_reset(self, body: Any, source: str) -> None:
        """Always the same outcome to the caller. A matching registered contact
        gets a reset record, which the email sender turns into an email."""
        data = validate(body, IDENTITY_SCHEMA)
        now = self._clock()
        key, account = self._identify(data)
        # Counted before anything else (atomically): a burst sent at once is
        # held to the limit as one sent request by request is.
        if not self._throttle.count_request("reset", account, source, now):
            logger.info("password reset throttled")
            return
        case = self._cases.case_with_contacts(key)
        contact = self._matching_contact(case, data, now)
        reset_id, expires_at = tokens.new_id(), now + timedelta(minutes=self._settings.reset_ttl_minutes)
        if case is None or contact is None:
            # The same work as for an account (one conditional put of a record of
            # the same size), so that time does not tell the two apart.
            self._sessions.put_decoy(reset_id, expires_at)
        else:
            self._cases.create_reset(reset_id, case.key, contact, case.force, expires_at)
        logger.info("password reset requested", extra={"matched": contact is not None})

    def complete_reset(self, body: Any) -> None:
        data = validate(body, RESET_COMPLETE_SCHEMA)
        now = self._clock()
        reset_id = tokens.record_id_from(self._settings.token_secret, tokens.RESET, data["token"],
                                          self._settings.previous_token_secrets)
        reset = self._cases.reset(reset_id) if reset_id else None
        if reset is None or not reset.is_usable(now):
            raise InvalidInput(fields={"token": RESET_PROBLEM})
        case = self._cases.case_with_contacts(reset.case_key)
        contact = case.contact(reset.contact_id) if case else None
        # A link asked for before the last new password (or sign-out) has ended.
        if case is None or contact is None or case.is_expired(now) \
                or (reset.credential_version or 0) != contact.credential_version:
            raise InvalidInput(fields={"token": RESET_PROBLEM})
        problem = passwords.problem_with(data["password"], self._context_words(case, contact))
        if problem:
            raise InvalidInput(fields={"password": problem})
        audit = self._audit.entry(AuditAction.ALTERATION, "password_reset", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.complete_reset(reset, passwords.hash_password(data["password"]), now, audit)
        except ConditionFailed as exc:
            raise InvalidInput(fields={"token": RESET_PROBLEM}) from exc

    # -- the contact agreement and account (issue 14) ----------------------------------

    def account(self, session_token: str | None) -> Contact:
        """The signed-in contact, for "Your account" and "How we contact you"."""
        return self.current(session_token).contact

    def save_contact_agreement(self, session_token: str | None, body: Any) -> Contact:
        """Replaces the contact agreement whole: channels they have an address
        for, quiet hours for texts, language, an anti-phishing phrase (none if
        left out) and safe contact. Saving it starts alerts again after a stop."""
        data = validate(body, CONTACT_AGREEMENT_SCHEMA)
        view = self.current(session_token)
        case, contact = view.case, view.contact
        problems: dict[str, str] = {}
        if data["channels"] not in contact.available_channels:
            problems["channels"] = NO_MOBILE_FOR_TEXTS if not contact.mobile else NO_EMAIL_FOR_EMAILS
        if data.get("phrase") and self._holds_case_detail(data["phrase"], case, contact):
            problems["phrase"] = PHRASE_HAS_CASE_DETAIL
        if problems:
            raise InvalidInput(fields=problems)
        quiet = None if data["quietHours"] == NO_QUIET_HOURS else data["quietHours"]
        audit = self._audit.entry(AuditAction.ALTERATION, "contact_agreement_saved", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.save_contact_agreement(case.key, contact, data["channels"], quiet, data["language"],
                                               data.get("phrase"), data["safeContact"], audit)
        except ConditionFailed as exc:
            raise SignedOut() from exc
        logger.info("contact agreement saved", extra={"contact": contact.id, "channels": data["channels"],
                                                      "quiet_hours": quiet is not None,
                                                      "safe_contact": data["safeContact"]})
        return replace(contact, channels=data["channels"], quiet_hours=quiet, language=data["language"],
                       phrase=data.get("phrase"), safe_contact=data["safeContact"], stopped_at=None)

    def _holds_case_detail(self, phrase: str, case: Case, contact: Contact) -> bool:
        """Whether a phrase names the contact, the case, the officer or the force:
        it goes into every message, where it must tell nothing."""
        def key(text: str) -> str:
            return "".join(c for c in text.casefold() if c.isalnum())

        said = key(phrase)
        force_name = self._settings.forces.get(case.force, case.force)
        words = [contact.forename, contact.surname, case.officer_name, force_name, case.force,
                 *contact.forename.split(), *contact.surname.split(), *case.officer_name.split(),
                 *force_name.split()]
        details = {key(w) for w in words if len(key(w)) >= 3} | {crime_number_key(case.crime_number).casefold()}
        details |= {key(w) for w in ("police", "crime", "officer", "victim", "witness", "investigation")}
        return any(d and d in said for d in details)

    def change_address(self, session_token: str | None, channel: str, body: Any) -> Contact:
        """Asks to change the email address or mobile number: nothing changes
        until the code sent to the new one is entered (`confirm_change`); the
        old one is told. At most CHANGES_PER_DAY a day."""
        schema, field, what = (CHANGE_EMAIL_SCHEMA, "email", "email address") if channel == Channel.EMAIL \
            else (CHANGE_MOBILE_SCHEMA, "mobile", "mobile number")
        data = validate(body, schema)
        view = self.current(session_token)
        case, contact, now = view.case, view.contact, self._clock()
        if data[field] == contact.address(channel):
            raise InvalidInput(fields={field: SAME_ADDRESS.format(what=what)})
        counter = f"THROTTLE#address-change#contact#{contact.id}#{uk_date(now).isoformat()}"
        expires = now + timedelta(days=2)
        if self._sessions.reserve(counter, now, expires) > CHANGES_PER_DAY:
            self._sessions.add(counter, -1, expires)
            raise TooManyRequests(CHANGES_USED_UP)
        change_id = tokens.new_id()
        until = now + CHANGE_CODE_LIFETIME
        audit = self._audit.entry(AuditAction.COLLECTION, f"{field}_change_requested", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.request_address_change(case.key, contact, change_id, case.force, channel, data[field],
                                               until, audit)
        except ConditionFailed as exc:
            raise SignedOut() from exc
        logger.info("address change requested", extra={"contact": contact.id, "channel": channel})
        return replace(contact, pending_change_id=change_id, pending_change_channel=channel,
                       pending_change_address=data[field], pending_change_expires_at=until, pending_change_attempts=0)

    def confirm_change(self, session_token: str | None, body: Any) -> Contact:
        """The code sent to the new address: the change takes effect. Each try
        is counted (atomically) before the code is compared: at most
        CHANGE_CODE_TRIES tries, however many requests race."""
        data = validate(body, CONFIRM_CHANGE_SCHEMA)
        view = self.current(session_token)
        case, contact, now = view.case, view.contact, self._clock()
        if not contact.pending_change_id:
            raise InvalidInput(fields={"code": NO_CHANGE_PENDING})
        change_id = contact.pending_change_id
        tries = self._cases.reserve_change_attempt(case.key, contact.id, change_id, CHANGE_CODE_TRIES, now)
        if tries is None:
            if contact.pending_change_usable(now):
                self._cases.drop_address_change(case.key, contact.id, change_id)
                raise InvalidInput(fields={"code": CODE_USED_UP})
            raise InvalidInput(fields={"code": CODE_PROBLEM})
        if not tokens.code_matches(self._settings.token_secret, change_id, data["code"],
                                   self._settings.previous_token_secrets):
            logger.info("address change code wrong", extra={"contact": contact.id, "tries": tries})
            if tries >= CHANGE_CODE_TRIES:
                self._cases.drop_address_change(case.key, contact.id, change_id)
                raise InvalidInput(fields={"code": CODE_USED_UP})
            raise InvalidInput(fields={"code": CODE_PROBLEM})
        field = "mobile" if contact.pending_change_channel == Channel.TEXT else "email"
        audit = self._audit.entry(AuditAction.ALTERATION, f"{field}_changed", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.confirm_address_change(case.key, contact, audit)
        except ConditionFailed as exc:
            raise InvalidInput(fields={"code": CODE_PROBLEM}) from exc
        logger.info("address changed", extra={"contact": contact.id, "channel": contact.pending_change_channel})
        changed = replace(contact, pending_change_id=None, pending_change_channel=None, pending_change_address=None,
                          pending_change_expires_at=None, pending_change_attempts=0)
        if field == "mobile":
            return replace(changed, mobile=contact.pending_change_address, texts_failing=False,
                           texts_failing_reason=None)
        return replace(changed, email=contact.pending_change_address, alerts_failing=False, alerts_failing_reason=None)

    def stop(self, session_token: str | None) -> None:
        """Stops using the service: no more alerts, every session ends; the
        officer sees that the contact wants to be contacted another way."""
        view = self.current(session_token)
        case, contact = view.case, view.contact
        audit = self._audit.entry(AuditAction.ALTERATION, "contact_stopped", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.stop(case.key, contact, self._clock(), audit)
        except ConditionFailed as exc:
            raise SignedOut() from exc
        if session_token:
            self._sessions.delete(tokens.session_key(session_token))
        logger.info("contact stopped using the service", extra={"contact": contact.id})
        metrics.add_metric(name="ContactsStopped", unit="Count", value=1)

