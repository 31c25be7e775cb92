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
from chalicelib.core.i18n import t, tn
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


# The words below are the api catalogue's (chalicelib/core/locale), made when
# they are raised: in the language of the request.
def invitation_problem() -> str:
    return t("invitation.problem")


def invitation_locked() -> str:
    return t("invitation.locked", attempts=MAX_INVITATION_ATTEMPTS)


def date_mismatch(attempts: int) -> str:
    """After the third wrong date, how many tries are left."""
    left = MAX_INVITATION_ATTEMPTS - attempts
    if attempts < WARN_AFTER_ATTEMPTS:
        return t("invitation.date_mismatch")
    return tn("invitation.date_mismatch_tries_left", left)


# A keep-alive extends the session at most this often: the page sends one on
# the person's activity (scrolling, keys, taps) while they read, far less often.
KEEP_ALIVE_EVERY = timedelta(minutes=1)
CHANGES_PER_DAY = 5
CHANGE_CODE_TRIES = 5
CHANGE_CODE_LIFETIME = timedelta(hours=1)


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
            raise InvalidInput(fields={"invitation": invitation_locked()})
        if invitation is None or not invitation.is_usable(now):
            raise InvalidInput(fields={"invitation": invitation_problem()})
        case = self._cases.case_with_contacts(invitation.case_key)
        contact = case.contact(invitation.contact_id) if case else None
        # A replaced link (the officer sent a new one) is refused as an unknown
        # one is, before it is given any guess.
        if case is None or contact is None or case.is_expired(now) or contact.is_registered \
                or contact.invitation_id != invitation.id:
            raise InvalidInput(fields={"invitation": invitation_problem()})
        # The guess is reserved (an atomic, conditional count) before the date is
        # compared: however many requests race, at most MAX_INVITATION_ATTEMPTS
        # dates are ever compared with the real one.
        attempts = self._cases.reserve_invitation_attempt(invitation.id, MAX_INVITATION_ATTEMPTS, now)
        if attempts is None:  # the last guesses went to requests racing this one
            raise InvalidInput(fields={"invitation": invitation_locked()})
        if contact.date_of_birth != data["dateOfBirth"]:
            logger.info("registration date of birth mismatch", extra={"attempts": attempts})
            if attempts >= MAX_INVITATION_ATTEMPTS:
                self._cases.spend_invitation(invitation.id)
                raise InvalidInput(fields={"dateOfBirth": t("invitation.date_mismatch"),
                                                  "invitation": invitation_locked()})
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
            raise InvalidInput(fields={"invitation": invitation_problem()}) from exc
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

    def current(self, session_token: str | None, read: Callable[[Session], Case | None] | None = None, *,
                not_within: timedelta | None = None) -> VictimView:
        """The signed-in contact and their case (as `read` reads it: by default
        the case and its contacts); SignedOut if the session is missing, idle
        too long, too old, ended, or its case has expired. `not_within`: see
        `SessionRepository.touch`."""
        if not session_token or len(session_token) > 100:
            raise SignedOut()
        now = self._clock()
        session = self._sessions.touch(tokens.session_key(session_token), now, self._idle, not_within=not_within)
        if session is None:
            raise SignedOut()
        case = read(session) if read else self._cases.case_with_contacts(session.case_key)
        contact = case.contact(session.contact_id) if case else None
        if case is None or contact is None or case.is_expired(now) or not contact.accepts(session):
            raise SignedOut()
        return VictimView(case=case, contact=contact, session=session)

    def keep_alive(self, session_token: str | None) -> Session:
        """The person is using the page (reading a long update, say): their
        session's idle time starts again, as any request's does, but nothing is
        read for them: no read receipt, no audit of a consultation. At most once
        a KEEP_ALIVE_EVERY per session (TooManyRequests); an ended session stays
        ended (SignedOut)."""
        try:
            return self.current(session_token, not_within=KEEP_ALIVE_EVERY).session
        except ConditionFailed as exc:
            raise TooManyRequests(t("session.kept_alive_too_soon")) from exc

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
            raise TooManyRequests(t("messages.daily_cap", most=MESSAGES_PER_DAY))
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
            raise InvalidInput(fields={"currentPassword": t("password.not_current")})
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
            raise InvalidInput(fields={"token": t("reset.problem")})
        case = self._cases.case_with_contacts(reset.case_key)
        contact = case.contact(reset.contact_id) if case else None
        # A link asked for before the last new password (or sign-out) has ended.
        if case is None or contact is None or case.is_expired(now) \
                or (reset.credential_version or 0) != contact.credential_version:
            raise InvalidInput(fields={"token": t("reset.problem")})
        problem = passwords.problem_with(data["password"], self._context_words(case, contact))
        if problem:
            raise InvalidInput(fields={"password": problem})
        audit = self._audit.entry(AuditAction.ALTERATION, "password_reset", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.complete_reset(reset, passwords.hash_password(data["password"]), now, audit)
        except ConditionFailed as exc:
            raise InvalidInput(fields={"token": t("reset.problem")}) from exc

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
            problems["channels"] = t("agreement.no_mobile_for_texts") if not contact.mobile \
                else t("agreement.no_email_for_emails")
        if data.get("phrase") and self._holds_case_detail(data["phrase"], case, contact):
            problems["phrase"] = t("agreement.phrase_has_case_detail")
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
        schema, field = (CHANGE_EMAIL_SCHEMA, "email") if channel == Channel.EMAIL else (CHANGE_MOBILE_SCHEMA, "mobile")
        data = validate(body, schema)
        view = self.current(session_token)
        case, contact, now = view.case, view.contact, self._clock()
        if data[field] == contact.address(channel):
            same = t("account.same_email") if field == "email" else t("account.same_mobile")
            raise InvalidInput(fields={field: same})
        counter = f"THROTTLE#address-change#contact#{contact.id}#{uk_date(now).isoformat()}"
        expires = now + timedelta(days=2)
        if self._sessions.reserve(counter, now, expires) > CHANGES_PER_DAY:
            self._sessions.add(counter, -1, expires)
            raise TooManyRequests(t("account.changes_used_up", most=CHANGES_PER_DAY))
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
            raise InvalidInput(fields={"code": t("account.no_change_pending")})
        change_id = contact.pending_change_id
        tries = self._cases.reserve_change_attempt(case.key, contact.id, change_id, CHANGE_CODE_TRIES, now)
        if tries is None:
            if contact.pending_change_usable(now):
                self._cases.drop_address_change(case.key, contact.id, change_id)
                raise InvalidInput(fields={"code": t("account.code_used_up")})
            raise InvalidInput(fields={"code": t("account.code_problem")})
        if not tokens.code_matches(self._settings.token_secret, change_id, data["code"],
                                   self._settings.previous_token_secrets):
            logger.info("address change code wrong", extra={"contact": contact.id, "tries": tries})
            if tries >= CHANGE_CODE_TRIES:
                self._cases.drop_address_change(case.key, contact.id, change_id)
                raise InvalidInput(fields={"code": t("account.code_used_up")})
            raise InvalidInput(fields={"code": t("account.code_problem")})
        field = "mobile" if contact.pending_change_channel == Channel.TEXT else "email"
        audit = self._audit.entry(AuditAction.ALTERATION, f"{field}_changed", actor=f"contact:{contact.id}",
                                  force=case.force, case_key=case.key, subject=contact.id)
        try:
            self._cases.confirm_address_change(case.key, contact, audit)
        except ConditionFailed as exc:
            raise InvalidInput(fields={"code": t("account.code_problem")}) from exc
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

