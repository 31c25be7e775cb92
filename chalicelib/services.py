"""Wiring: the use-cases with their real dependencies, built on first use and
cached (so tests can start moto, or swap settings, before anything connects)."""

from __future__ import annotations

import functools

from chalicelib import models
from chalicelib.audit import Audit
from chalicelib.config import Settings, get_settings
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
