"""The composition root: the one place that builds the use-cases with their
dependencies (cosmicpython's `bootstrap.py`).

`services()` is what the Lambda functions use: real DynamoDB, SES and the
issuer's JWKS, each built on first use (so a test can start moto, or change
the environment, before anything connects, and a function builds only what
its requests need: the API never imports the email sender). Tests build their
own with explicit overrides and install it:

    bootstrap.install(clock=clock, mailer=FakeMailer())

Nothing else imports `chalicelib.storage` or wires a feature (`make lint`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from chalicelib.config import Settings, get_settings
from chalicelib.core.domain import utcnow

if TYPE_CHECKING:
    from chalicelib.core.audit import Audit
    from chalicelib.core.changes import Change
    from chalicelib.core.ports import (
        AuditLog,
        CaseRepository,
        Clock,
        DeliveryRepository,
        PendingErasures,
        SessionRepository,
        Sleep,
    )
    from chalicelib.core.throttle import Limits, Throttle
    from chalicelib.notify.mailer import Mailer
    from chalicelib.notify.sender import EmailSender
    from chalicelib.notify.texter import Texter
    from chalicelib.officers.service import OfficerService
    from chalicelib.retention.service import Retention
    from chalicelib.victims.service import VictimService
    from chalicelib.web.officer_auth import JwksFetcher, OfficerTokenVerifier

T = TypeVar("T")


class _once(Generic[T]):  # noqa: N801 - used as a decorator, like functools.cached_property
    """Built on first use, once, even when threads ask at the same moment (the
    email sender's workers): a cached_property guarded by the services' lock."""

    def __init__(self, build: Callable[[Any], T]):
        self._build = build
        self._name = build.__name__

    def __get__(self, services: Services, owner: type | None = None) -> T:
        with services._lock:
            if self._name not in services.__dict__:
                services.__dict__[self._name] = self._build(services)
        built: T = services.__dict__[self._name]
        return built


class Services:
    """Every use-case, and what it is built from. Each keyword argument replaces
    one dependency (tests); whatever is not given is the real thing."""

    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None,
                 sleep: Sleep | None = None, cases: CaseRepository | None = None,
                 sessions: SessionRepository | None = None, audit_log: AuditLog | None = None,
                 deliveries: DeliveryRepository | None = None, mailer: Mailer | None = None,
                 texter: Texter | None = None,
                 jwks: JwksFetcher | None = None, throttle_limits: Limits | None = None,
                 pending_erasures: PendingErasures | None = None):
        self._lock = threading.RLock()
        self.clock: Clock = clock or utcnow
        self.sleep: Sleep = sleep or time.sleep
        self._jwks = jwks
        self._throttle_limits = throttle_limits
        given = {"settings": settings, "cases": cases, "sessions": sessions, "audit_log": audit_log,
                 "deliveries": deliveries, "mailer": mailer, "pending_erasures": pending_erasures,
                 "texter": texter}
        self.__dict__.update({name: value for name, value in given.items() if value is not None})

    # -- configuration and adapters -----------------------------------------------------

    @_once
    def settings(self) -> Settings:
        return get_settings()

    @_once
    def _storage(self) -> Settings:
        """The DynamoDB tables bound to this deployment, once, before any adapter is used."""
        from chalicelib.storage import dynamodb, models

        models.bind(self.settings)
        dynamodb.share_one_client()
        return self.settings

    @_once
    def cases(self) -> CaseRepository:
        from chalicelib.storage.cases import CaseStore

        return CaseStore(self._storage)

    @_once
    def sessions(self) -> SessionRepository:
        from chalicelib.storage.sessions import SessionStore

        return SessionStore(self._storage)

    @_once
    def audit_log(self) -> AuditLog:
        from chalicelib.storage.audit_log import AuditLog

        self._storage  # noqa: B018 - binds the tables
        return AuditLog()

    @_once
    def deliveries(self) -> DeliveryRepository:
        from chalicelib.storage.deliveries import DeliveryStore

        self._storage  # noqa: B018 - binds the tables
        return DeliveryStore()

    @_once
    def mailer(self) -> Mailer:
        from chalicelib.notify.ses import SesMailer

        mailer: Mailer = SesMailer(self.settings)
        if self.settings.outbox_dir:
            from chalicelib.notify.outbox import OutboxMailer

            mailer = OutboxMailer(mailer, self.settings.outbox_dir)
        return mailer

    @_once
    def texter(self) -> Texter:
        from chalicelib.notify.sms import SnsTexter

        texter: Texter = SnsTexter(self.settings)
        if self.settings.outbox_dir:
            from chalicelib.notify.outbox import OutboxTexter

            texter = OutboxTexter(texter, self.settings.outbox_dir)
        return texter

    def decode_cases_stream(self, records: list[dict[str, Any]]) -> list[Change]:
        from chalicelib.storage.stream import decode

        return decode(records)

    # -- use-cases ---------------------------------------------------------------------------

    @_once
    def audit(self) -> Audit:
        from chalicelib.core.audit import Audit

        return Audit(self.audit_log, self.clock)

    @_once
    def throttle(self) -> Throttle:
        from chalicelib.core.throttle import Throttle

        return Throttle(self.sessions, self._throttle_limits)

    @_once
    def victims(self) -> VictimService:
        from chalicelib.victims.service import VictimService

        return VictimService(self.settings, self.cases, self.sessions, self.throttle, self.audit, self.clock)

    @_once
    def officers(self) -> OfficerService:
        from chalicelib.officers.service import OfficerService

        return OfficerService(self.settings, self.cases, self.audit, self.clock)

    @_once
    def email_sender(self) -> EmailSender:
        from chalicelib.notify.sender import EmailSender

        # The texter is built on the first text only (a lambda, not the texter itself).
        return EmailSender(self.settings, self.cases, self.deliveries, self.mailer, self.audit,
                           self.clock, self.sleep, texter=lambda: self.texter)

    @_once
    def retention(self) -> Retention:
        from chalicelib.retention.service import Retention

        return Retention(self.cases, self.pending_erasures, self.audit, self.clock)

    @_once
    def pending_erasures(self) -> PendingErasures:
        from chalicelib.storage.erasures import ErasureStore

        self._storage  # noqa: B018 - binds the tables
        return ErasureStore()

    @_once
    def officer_tokens(self) -> OfficerTokenVerifier:
        from chalicelib.web.officer_auth import JwksCache, OfficerTokenVerifier, http_jwks_fetcher

        fetch = self._jwks or http_jwks_fetcher(self.settings.oidc_jwks_url)
        return OfficerTokenVerifier(self.settings, JwksCache(fetch))


_current: Services | None = None
_current_lock = threading.Lock()


def services() -> Services:
    """The services in use: built with every real dependency on first call."""
    global _current
    with _current_lock:
        if _current is None:
            _current = Services()
        return _current


def install(settings: Settings | None = None, **overrides: Any) -> Services:
    """Builds the services with these dependencies replaced, and uses them from
    now on (until `reset`). Returns them."""
    global _current
    built = Services(settings, **overrides)
    with _current_lock:
        _current = built
    return built


def reset() -> None:
    """Forget the services and the settings (tests change the environment)."""
    global _current
    from chalicelib import aws

    get_settings.cache_clear()
    with _current_lock:
        _current = None
    aws.forget()
