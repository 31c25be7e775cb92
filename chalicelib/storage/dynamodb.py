"""What every DynamoDB adapter shares: failures turned into domain errors,
one botocore session per thread, and the tables bound to the deployment."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException

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


def share_botocore_sessions() -> None:
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
