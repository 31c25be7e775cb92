"""Settings, read from environment variables in this one place.

Each Chalice stage sets these in `.chalice/config.json`; the local stack and the
tests set them before importing the app. Nothing else reads `os.environ`.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


class ConfigError(RuntimeError):
    """The deployment's settings are unusable; the service must not start."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    cases_table: str
    sessions_table: str
    audit_table: str
    dynamodb_endpoint: str | None
    default_force: str
    forces: dict[str, str]  # force code -> display name
    site_url: str
    site_origin: str
    oidc_issuer: str
    oidc_audience: str
    oidc_jwks_url: str
    oidc_algorithms: tuple[str, ...]
    token_secret: bytes
    mail_from: str
    cases_stream_arn: str
    allow_dev_issuer: bool
    retention_days_after_closure: int = 365
    # Forces that keep closed cases for a period other than the default.
    retention_days_by_force: dict[str, int] = field(default_factory=dict)
    invitation_ttl_days: int = 14
    reset_ttl_minutes: int = 60
    session_idle_minutes: int = 15
    session_absolute_hours: int = 4
    upload_max_rows: int = 500
    ses_max_send_rate: float = 14.0
    # Email sender (issue 3): an optional SES configuration set (its event
    # destination publishes bounces and complaints to SNS), and, on the local
    # stack only, a folder that receives a copy of every email as an .eml file.
    ses_configuration_set: str | None = None
    outbox_dir: str | None = None
    # Two-way contact: a force's team inbox, told (as the officer in charge is)
    # when a message or update request arrives. Optional, per force.
    team_inboxes: dict[str, str] = field(default_factory=dict)
    # The Secrets Manager secret (ARN or name) whose value CloudFront sends as
    # X-Origin-Verify: when set, the API refuses any request without it
    # (chalicelib/web/edge.py). Unset locally and in tests.
    origin_verify_secret: str | None = None
    # The link-sealing secret before the last rotation: links sealed with it
    # still open, for as long as a link can live (docs/runbook.md).
    previous_token_secrets: tuple[bytes, ...] = ()
    # Texts (issue 14): each force's alphanumeric sender ID (UK networks show it
    # instead of a number; 3 to 11 letters and digits), the SNS region if not the
    # stack's, and for contacts marked for safe contact a neutral sender name
    # (emails) and sender ID (texts).
    sms_sender_ids: dict[str, str] = field(default_factory=dict)
    sms_region: str | None = None
    safe_sender_name: str = "Account notice"
    safe_sms_sender_id: str = "Notice"
    # A Welsh-first force (WELSH_FIRST=true): its emails to a contact whose
    # language is English are bilingual, Welsh first (docs/welsh.md).
    welsh_first: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def retention_days_for(self, force: str) -> int:
        return self.retention_days_by_force.get(force, self.retention_days_after_closure)

    @property
    def is_production(self) -> bool:
        return self.stage == "prod"


def _parse_forces(raw: str) -> dict[str, str]:
    """`lincs=Lincolnshire Police,avon=Avon and Somerset Police` -> dict."""
    forces: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        code, _, name = part.partition("=")
        forces[code.strip().lower()] = (name or code).strip()
    return forces


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


def _token_secret(env: Mapping[str, str], link_lifetime: timedelta) -> tuple[bytes, tuple[bytes, ...]]:
    """The key that seals one-time links, and the keys before it that still
    open them. Deployed stages keep it in SSM Parameter Store (SecureString),
    read once per Lambda container.

    Rotating it (`make rotate-token-secret`) writes a new version of the same
    parameter: the version before it is read too, and accepted until the new
    one is older than the longest-lived link, so links already emailed keep
    working and none opens for longer than it was sealed for.

    `TOKEN_SECRET_UNUSED=true` (set per function in .chalice/config.json): this
    function never seals or opens a link (the officer authorizer, the bounce
    handler), so it reads no secret and its role may not. It gets a random key
    of its own, so a link it made by mistake would open nowhere."""
    if env.get("TOKEN_SECRET"):
        previous = tuple(p.encode() for p in env.get("TOKEN_SECRET_PREVIOUS", "").split(",") if p)
        return env["TOKEN_SECRET"].encode(), previous
    if env.get("TOKEN_SECRET_UNUSED", "").strip().lower() == "true":
        return secrets.token_urlsafe(48).encode(), ()
    name = env.get("TOKEN_SECRET_PARAMETER", "").strip()
    if not name:
        raise ConfigError("TOKEN_SECRET or TOKEN_SECRET_PARAMETER must be set")
    from chalicelib import aws  # here, not at import: config is read before any client is wanted

    # From the container's one botocore session (the DynamoDB client's too), not
    # boto3's; `get_settings` keeps the result, so these calls happen once a container.
    ssm = aws.client("ssm", env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"))
    current = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    return current["Value"].encode(), _previous_token_secret(ssm, name, current, link_lifetime)


def _previous_token_secret(ssm: Any, name: str, current: Mapping[str, Any],
                           link_lifetime: timedelta) -> tuple[bytes, ...]:
    version = int(current.get("Version", 1))
    rotated_at = current.get("LastModifiedDate")
    if version <= 1 or rotated_at is None:
        return ()
    if datetime.now(UTC) - rotated_at > link_lifetime:
        return ()  # every link sealed with the old key has expired
    previous = ssm.get_parameter(Name=f"{name}:{version - 1}", WithDecryption=True)["Parameter"]
    return (previous["Value"].encode(),)


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A true/false setting, false when unset; anything else is a mistake to refuse."""
    value = env.get(name, "").strip().lower()
    if value not in ("", "true", "false"):
        raise ConfigError(f"{name} must be true or false")
    return value == "true"


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    def need(name: str) -> str:
        value = env.get(name, "").strip()
        if not value:
            raise ConfigError(f"{name} is not set")
        return value

    stage = env.get("STAGE", "dev")
    forces = _parse_forces(env.get("FORCES", "lincs=Lincolnshire Police"))
    default_force = env.get("DEFAULT_FORCE", next(iter(forces), "lincs")).lower()
    if default_force not in forces:
        raise ConfigError("DEFAULT_FORCE must be one of FORCES")
    site_url = env.get("SITE_URL", "http://127.0.0.1:8080").rstrip("/")
    parsed_site = urlparse(site_url)
    invitation_ttl_days = int(env.get("INVITATION_TTL_DAYS", "14"))
    token_secret, previous_token_secrets = _token_secret(env, timedelta(days=invitation_ttl_days))
    settings = Settings(
        stage=stage,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-2",
        cases_table=env.get("CASES_TABLE", "tmc-dev-cases"),
        sessions_table=env.get("SESSIONS_TABLE", "tmc-dev-sessions"),
        audit_table=env.get("AUDIT_TABLE", "tmc-dev-audit"),
        dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
        default_force=default_force,
        forces=forces,
        site_url=site_url,
        site_origin=f"{parsed_site.scheme}://{parsed_site.netloc}",
        oidc_issuer=need("OIDC_ISSUER"),
        oidc_audience=need("OIDC_AUDIENCE"),
        oidc_jwks_url=need("OIDC_JWKS_URL"),
        oidc_algorithms=tuple(
            a.strip() for a in env.get("OIDC_ALGORITHMS", "RS256").split(",") if a.strip()
        ),
        token_secret=token_secret,
        previous_token_secrets=previous_token_secrets,
        invitation_ttl_days=invitation_ttl_days,
        mail_from=env.get("MAIL_FROM", "no-reply@example.police.uk"),
        cases_stream_arn=env.get("CASES_STREAM_ARN", ""),
        allow_dev_issuer=env.get("ALLOW_DEV_ISSUER", "false").lower() == "true",
        retention_days_after_closure=int(env.get("RETENTION_DAYS_AFTER_CLOSURE", "365")),
        retention_days_by_force={code: int(days) for code, days in
                                 _parse_forces(env.get("RETENTION_DAYS_BY_FORCE", "")).items()},
        ses_max_send_rate=float(env.get("SES_MAX_SEND_RATE", "14")),
        ses_configuration_set=env.get("SES_CONFIGURATION_SET") or None,
        outbox_dir=env.get("OUTBOX_DIR") or None,
        team_inboxes=_parse_forces(env.get("TEAM_INBOXES", "")),
        origin_verify_secret=env.get("ORIGIN_VERIFY_SECRET", "").strip() or None,
        sms_sender_ids={code: sender for code, sender in _parse_forces(env.get("SMS_SENDER_IDS", "")).items()},
        sms_region=env.get("SMS_REGION", "").strip() or None,
        safe_sender_name=env.get("SAFE_SENDER_NAME", "").strip() or "Account notice",
        safe_sms_sender_id=env.get("SAFE_SMS_SENDER_ID", "").strip() or "Notice",
        welsh_first=_flag(env, "WELSH_FIRST"),
    )
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    if "none" in {a.lower() for a in settings.oidc_algorithms}:
        raise ConfigError("OIDC_ALGORITHMS may not include 'none'")
    retention = [settings.retention_days_after_closure, *settings.retention_days_by_force.values()]
    if any(days < 0 for days in retention) or not set(settings.retention_days_by_force) <= set(settings.forces):
        raise ConfigError("RETENTION_DAYS_BY_FORCE must give whole days for forces in FORCES")
    if not set(settings.team_inboxes) <= set(settings.forces) or any(
            "@" not in address or address.endswith("@") for address in settings.team_inboxes.values()):
        raise ConfigError("TEAM_INBOXES must give an email address for forces in FORCES, like lincs=team@example")
    for sender in (*settings.sms_sender_ids.values(), settings.safe_sms_sender_id):
        if not re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9]{3,11}", sender):
            raise ConfigError("SMS_SENDER_IDS and SAFE_SMS_SENDER_ID: 3 to 11 letters and digits, at least one letter")
    if not set(settings.sms_sender_ids) <= set(settings.forces):
        raise ConfigError("SMS_SENDER_IDS must name forces in FORCES, like lincs=LincsPolice")
    if settings.ses_max_send_rate <= 0:
        raise ConfigError("SES_MAX_SEND_RATE must be a positive number of emails a second")
    if len(settings.token_secret) < 32:
        raise ConfigError("TOKEN_SECRET must be at least 32 characters")
    dev_like = _is_loopback(settings.oidc_issuer) or _is_loopback(settings.oidc_jwks_url)
    if dev_like and not settings.allow_dev_issuer:
        raise ConfigError("a loopback OIDC issuer needs ALLOW_DEV_ISSUER=true (never in prod)")
    if settings.is_production:
        # The development issuer signs anything for anyone; prod must refuse it
        # however its settings were written.
        if settings.allow_dev_issuer or dev_like:
            raise ConfigError("the prod stage can never use the development issuer")
        for name, url in (("OIDC_ISSUER", settings.oidc_issuer),
                          ("OIDC_JWKS_URL", settings.oidc_jwks_url),
                          ("SITE_URL", settings.site_url)):
            if urlparse(url).scheme != "https":
                raise ConfigError(f"{name} must be an https URL in prod")


@dataclass(frozen=True)
class EventSources:
    """What `app.py`'s event-handler decorators need when Chalice imports it:
    the cases table's stream and the bounce topic's name (Chalice makes the
    topic's ARN from the function's account and region)."""

    cases_stream_arn: str
    email_events_topic: str


def _deploying(argv: Sequence[str]) -> bool:
    """True in the process of `chalice deploy` (the only time the stream's ARN
    matters: Chalice subscribes the alert sender to it)."""
    return chalice_command(argv) == "deploy"


def chalice_command(argv: Sequence[str] = sys.argv) -> str | None:
    """`deploy`, `package`, `local`... when this process is the Chalice CLI."""
    if not argv or Path(argv[0]).name != "chalice":
        return None
    return next((a for a in argv[1:] if a in ("deploy", "package", "local", "delete", "invoke", "logs")), None)


def event_sources(env: Mapping[str, str] = os.environ, argv: Sequence[str] = sys.argv,
                  describe_table: Callable[[str], Mapping[str, Any]] | None = None) -> EventSources:
    """Nothing committed names an account, a region or a stream label: under
    `chalice deploy` the stream's ARN is read from the table (DescribeTable,
    with the deployer's own credentials and region). Everywhere else (inside
    Lambda, `chalice package`, `chalice local`, the tests) the decorator's ARN
    is never used, so a stand-in does, and nothing calls AWS at import.
    CASES_STREAM_ARN, when set, wins (e.g. to package for a known stream)."""
    stage = env.get("STAGE", "dev")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-2"
    table = env.get("CASES_TABLE", f"tmc-{stage}-cases")
    stream_arn = env.get("CASES_STREAM_ARN", "").strip()
    if not stream_arn and not env.get("AWS_LAMBDA_FUNCTION_NAME") and _deploying(argv):
        stream_arn = _latest_stream_arn(table, describe_table or _describe_table)
    if not stream_arn:
        stream_arn = f"arn:aws:dynamodb:{region}:000000000000:table/{table}/stream/not-deployed"
    return EventSources(
        cases_stream_arn=stream_arn,
        email_events_topic=env.get("EMAIL_EVENTS_TOPIC", "").strip() or f"tmc-{stage}-email-events",
    )


def _describe_table(table: str) -> Mapping[str, Any]:
    import boto3

    return boto3.client("dynamodb").describe_table(TableName=table)["Table"]


def _latest_stream_arn(table: str, describe_table: Callable[[str], Mapping[str, Any]]) -> str:
    try:
        described = describe_table(table)
    except Exception as exc:  # any failure means the same to the deployer: no stream to subscribe to
        raise ConfigError(f"cannot read table {table} ({exc}): run `make infra STAGE=...` first, "
                          "with the same AWS credentials and region as `chalice deploy`") from exc
    arn = str(described.get("LatestStreamArn") or "")
    if not arn:
        raise ConfigError(f"table {table} has no stream: deploy infra/data.yaml (make infra)")
    return arn


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
