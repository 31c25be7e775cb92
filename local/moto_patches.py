"""Where moto's DynamoDB differs from AWS in ways the service relies on, made to
behave as AWS does. `install()` runs in the local stack's moto server
(local/moto_server.py) and in the tests' in-process moto (tests/conftest.py).

Written against moto 5.2.5 (requirements-dev.txt pins it): `install()` refuses
any other version, so an upgrade stops here until someone checks whether each
patch is still needed and still fits.

1. One write at a time. DynamoDB applies each write, and each transaction,
   atomically; moto checks a condition and then writes in two Python steps, so
   two threads could both pass the same condition. Every write holds one lock.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

MOTO_VERSION = "5.2.5"

_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


def install() -> None:
    """Idempotent: a second call changes nothing."""
    import moto
    from moto.dynamodb.models import DynamoDBBackend

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(f"local/moto_patches.py was written for moto {MOTO_VERSION}, not {moto.__version__}: "
                           "check each patch against the new moto's code before changing MOTO_VERSION")
    for name in _WRITES:
        _patch(DynamoDBBackend, name, _serialised)


def _patch(cls: type, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name)
    applied: set[str] = set()
    function: Any = original
    while function is not None:  # what this module has already wrapped it with
        applied.update(getattr(function, "_tmc_patches", ()))
        function = getattr(function, "__wrapped__", None)
    if wrap.__name__ in applied:
        return
    patched = wrap(original)
    patched._tmc_patches = {wrap.__name__}  # type: ignore[attr-defined]
    setattr(cls, name, patched)


def _serialised(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def serialised(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(self, *args, **kwargs)

    return serialised

