"""What every DynamoDB adapter shares: failures turned into domain errors,
one DynamoDB client per container, and the tables bound to the deployment."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException

from chalicelib import aws
from chalicelib.config import Settings
from chalicelib.core.errors import DomainError, ServiceUnavailable


@contextlib.contextmanager
def dynamodb_errors() -> Iterator[None]:
    """pynamodb and botocore failures become ServiceUnavailable (a generic 503,
    no partial write, nothing of the exception shown): `raise ... from exc`."""
    try:
        yield
    except DomainError:
        raise
    except (PynamoDBException, BotoCoreError) as exc:
        raise ServiceUnavailable() from exc


def conditional_check_failed(exc: PynamoDBException) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def connection(settings: Settings) -> Connection:
    """A connection for transactions (pynamodb's models keep their own)."""
    return Connection(region=settings.region, host=settings.dynamodb_endpoint)


def share_one_client() -> None:
    """pynamodb gives each model class a connection of its own, and each
    connection builds a botocore client (from a session per thread): five
    clients on a victim's first requests, 62-72 ms for the first and a few
    more each after it (issue 17). Every connection now uses the container's
    one DynamoDB client (`chalicelib.aws`), built once with pynamodb's own
    client settings (no parameter validation, its timeouts and retries)."""
    from pynamodb.connection import base

    if getattr(base.Connection, "shares_one_client", False):
        return
    build = base.Connection.client.fget  # type: ignore[attr-defined]

    def client(self: base.Connection) -> Any:
        if self._client is None:
            key = ("dynamodb", self.region, self.host)
            with aws._lock:
                shared = aws._clients.get(key)
                if shared is None:
                    # pynamodb's own construction, on the container's session.
                    self._local.session = aws.session()
                    shared = aws._clients[key] = build(self)
            self._client = shared
        return self._client

    base.Connection.client = property(client)  # type: ignore[method-assign,assignment]
    base.Connection.shares_one_client = True  # type: ignore[attr-defined]
