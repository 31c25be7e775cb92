"""The mailer over Amazon SES (v1 `SendRawEmail`), and what each SES failure means."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import Settings
from chalicelib.notify.mailer import LazyClient, Outgoing, Rejected, SendError, Throttled, Unavailable

THROTTLED_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException"})
# Codes that say something about the service, not the recipient.
SERVICE_CODES = frozenset({"AccountSendingPausedException", "ConfigurationSetSendingPausedException",
                           "ConfigurationSetDoesNotExist", "MailFromDomainNotVerifiedException",
                           "AccessDenied", "AccessDeniedException"})


def classify(exc: Exception, sender_address: str) -> SendError:
    """An SES client failure as one of the three outcomes."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        text = error.get("Message", "") or ""
        if code in THROTTLED_CODES:
            return Throttled(f"SES {code}")
        if code in SERVICE_CODES or sender_address.lower() in text.lower():
            return Unavailable(f"SES {code}")
        if code in {"MessageRejected", "InvalidParameterValue"}:
            return Rejected(f"SES {code}")
        return Unavailable(f"SES {code or 'error'}")
    return Unavailable(type(exc).__name__)


class SesMailer:
    """SES v1 `SendRawEmail`. The client is built on first use, with botocore's
    own retries off: throttling is retried by the sender, which paces sends."""

    def __init__(self, settings: Settings, client_factory: Callable[[], Any] | None = None,
                 max_pool_connections: int = 50):
        self._settings = settings
        self._client = LazyClient(client_factory or functools.partial(_ses_client, settings, max_pool_connections))

    @property
    def client(self) -> Any:
        return self._client.get()

    def send(self, outgoing: Outgoing) -> str:
        request: dict[str, Any] = {
            "Source": self._settings.mail_from,
            "Destinations": [outgoing.recipient],
            "RawMessage": {"Data": outgoing.raw},
        }
        if self._settings.ses_configuration_set:
            request["ConfigurationSetName"] = self._settings.ses_configuration_set
        try:
            return self.client.send_raw_email(**request)["MessageId"]
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc, self._settings.mail_from) from exc


def _ses_client(settings: Settings, max_pool_connections: int) -> Any:
    from botocore.config import Config

    from chalicelib import aws

    return aws.client("ses", settings.region, config=Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5, read_timeout=15, max_pool_connections=max_pool_connections))
