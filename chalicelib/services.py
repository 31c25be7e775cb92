"""Wiring: the use-cases with their real dependencies, built on first use and
cached (so tests can start moto, or swap settings, before anything connects)."""

from __future__ import annotations

import functools
import threading
from typing import Any

from chalicelib import models
from chalicelib.audit import Audit
from chalicelib.config import EventSources, Settings, event_sources, get_settings
from chalicelib.delivery import EmailSender
from chalicelib.delivery_store import DeliveryStore
from chalicelib.mailer import Mailer, OutboxMailer, SesMailer
from chalicelib.officer_auth import JwksCache, OfficerTokenVerifier, http_jwks_fetcher
from chalicelib.officers import OfficerService
from chalicelib.store import AuditLog, CaseStore, SessionStore
from chalicelib.throttle import Throttle
from chalicelib.victims import VictimService


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    config = get_settings()
    models.bind(config)
    _share_botocore_sessions()
    return config


def _share_botocore_sessions() -> None:
    """pynamodb gives each model class a botocore session of its own (per thread,
    as botocore sessions are not thread-safe), and a new session costs tens of
    milliseconds: it registers its handlers, parses botocore's DynamoDB and
    endpoint models again and builds its client class. A victim's first sign-in
    and case read made four (docs/performance.md). Each thread now makes one,
    which every model's connection shares."""
    import botocore.session
    from pynamodb.connection import base

    if getattr(base.get_session, "shares_sessions", False):
        return
    new_session = base.get_session
    per_thread = threading.local()

    def get_session(*args: Any, **kwargs: Any) -> botocore.session.Session:
        session = getattr(per_thread, "session", None)
        if session is None:
            session = per_thread.session = new_session(*args, **kwargs)
        return session

    get_session.shares_sessions = True  # type: ignore[attr-defined]
    base.get_session = get_session


@functools.lru_cache(maxsize=1)
def case_store() -> CaseStore:
    return CaseStore(settings())


@functools.lru_cache(maxsize=1)
def session_store() -> SessionStore:
    return SessionStore(settings())


@functools.lru_cache(maxsize=1)
def audit() -> Audit:
    settings()
    return Audit(AuditLog())


@functools.lru_cache(maxsize=1)
def victims() -> VictimService:
    return VictimService(settings(), case_store(), session_store(), Throttle(session_store()), audit())


@functools.lru_cache(maxsize=1)
def officers() -> OfficerService:
    return OfficerService(settings(), case_store(), audit())


@functools.lru_cache(maxsize=1)
def officer_tokens() -> OfficerTokenVerifier:
    config = settings()
    return OfficerTokenVerifier(config, JwksCache(http_jwks_fetcher(config.oidc_jwks_url)))


def reset() -> None:
    """Forget every cached service and setting (tests change the environment)."""
    get_settings.cache_clear()
    for getter in (settings, case_store, session_store, audit, victims, officers, officer_tokens):
        getter.cache_clear()


# -- email sender (issue 3) ------------------------------------------------------------
# Rebuilt whenever `settings()` is (after `reset()`), without a place in reset()'s list.

_email_sender: dict[int, EmailSender] = {}


def email_sender() -> EmailSender:
    config = settings()
    sender = _email_sender.get(id(config))
    if sender is None:
        mailer: Mailer = SesMailer(config)
        if config.outbox_dir:
            mailer = OutboxMailer(mailer, config.outbox_dir)
        sender = EmailSender(config, case_store(), DeliveryStore(), mailer, audit())
        _email_sender.clear()
        _email_sender[id(config)] = sender
    return sender


def email_event_sources() -> EventSources:
    """The stream and topic app.py's decorators name (read at import: no AWS call)."""
    return event_sources()
