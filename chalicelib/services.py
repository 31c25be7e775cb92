"""Wiring: the use-cases with their real dependencies, built on first use and
cached (so tests can start moto, or swap settings, before anything connects)."""

from __future__ import annotations

import functools

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
    return config


@functools.lru_cache(maxsize=1)
def case_store() -> CaseStore:
    return CaseStore(settings())


@functools.lru_cache(maxsize=1)
def session_store() -> SessionStore:
    settings()
    return SessionStore()


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
