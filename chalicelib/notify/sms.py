"""The texter over Amazon SNS (`Publish` to a phone number), and what each
failure means. Why SNS rather than End User Messaging SMS: docs/architecture.md."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import Settings
from chalicelib.notify.mailer import LazyClient, Rejected, SendError, Throttled, Unavailable
from chalicelib.notify.texter import OptedOut, OutgoingText

THROTTLED_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "ThrottledException"})
OPTED_OUT_CODES = frozenset({"OptedOut", "OptedOutException"})
# The number itself is refused: trying again will not help.
REJECTED_CODES = frozenset({"InvalidParameter", "InvalidParameterValue", "ValidationException"})


def classify(exc: Exception) -> SendError:
    """An SNS client failure as one of the outcomes. The reason names the code
    only: an SNS error message can hold the phone number."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "") or "error"
        if code in THROTTLED_CODES:
            return Throttled(f"SNS {code}")
        if code in OPTED_OUT_CODES:
            return OptedOut(f"SNS {code}")
        if code in REJECTED_CODES:
            return Rejected(f"SNS {code}")
        return Unavailable(f"SNS {code}")
    return Unavailable(type(exc).__name__)


class SnsTexter:
    """SNS `Publish` with `PhoneNumber`, `Transactional`, the force's sender ID.
    The client is built on first use, with botocore's retries off: throttling
    is retried by the sender, which paces sends."""

    def __init__(self, settings: Settings, client_factory: Callable[[], Any] | None = None,
                 max_pool_connections: int = 50):
        self._settings = settings
        self._client = LazyClient(client_factory or functools.partial(_sns_client, settings, max_pool_connections))

    @property
    def client(self) -> Any:
        return self._client.get()

    def opted_out(self, number: str) -> bool:
        """The account's opt-out list (people who replied STOP)."""
        try:
            return bool(self.client.check_if_phone_number_is_opted_out(phoneNumber=number)["isOptedOut"])
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc) from exc

    def send(self, text: OutgoingText) -> str:
        attributes: dict[str, Any] = {
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if text.sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": text.sender_id}
        try:
            return str(self.client.publish(PhoneNumber=text.recipient, Message=text.body,
                                           MessageAttributes=attributes)["MessageId"])
        except (ClientError, BotoCoreError) as exc:
            raise classify(exc) from exc


def _sns_client(settings: Settings, max_pool_connections: int) -> Any:
    from botocore.config import Config

    from chalicelib import aws

    return aws.client("sns", settings.sms_region or settings.region, config=Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5, read_timeout=15, max_pool_connections=max_pool_connections))
