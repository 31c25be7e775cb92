"""Shared by the benchmarks (and by tests/functional/test_dynamodb_calls.py):
the fake AWS environment, DynamoDB call and item counting with botocore event
hooks, timing helpers, and where each benchmark leaves its section of
docs/performance.md (`build/bench/<name>.md`, assembled by bench/assemble.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"

# What a deployed stage would set, with fake credentials: nothing may reach real AWS.
ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "eu-west-2", "AWS_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "STAGE": "bench", "CASES_TABLE": "tmc-bench-cases", "SESSIONS_TABLE": "tmc-bench-sessions",
    "AUDIT_TABLE": "tmc-bench-audit", "FORCES": "lincs=Lincolnshire Police", "DEFAULT_FORCE": "lincs",
    "SITE_URL": "https://victims.example.police.uk", "OIDC_ISSUER": "https://issuer.example",
    "OIDC_AUDIENCE": "track-my-crime", "OIDC_JWKS_URL": "https://issuer.example/jwks",
    "MAIL_FROM": "no-reply@lincs.police.example", "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING", "SES_MAX_SEND_RATE": "1000",
}


def fake_aws_environment(**overrides: str) -> dict[str, str]:
    """Sets the environment before boto3 or the app is imported; returns it."""
    env = {**ENVIRONMENT, "TOKEN_SECRET": secrets.token_urlsafe(32), **overrides}
    for name in ("AWS_ENDPOINT_URL", "DYNAMODB_ENDPOINT", "AWS_PROFILE", "OUTBOX_DIR"):
        os.environ.pop(name, None)
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # moto as the product's local stack and tests run it: made to behave as
    # DynamoDB (atomic writes, reads beside transactions; local/moto_patches.py).
    from local import moto_patches

    moto_patches.install()
    return env


# -- counting DynamoDB calls ---------------------------------------------------------------


class CallCounter:
    """A botocore `before-call.dynamodb` handler: counts calls by operation."""

    def __init__(self) -> None:
        import threading

        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()  # the `together` pool's calls count from several threads
        self.sequence: list[tuple[str, int]] = []  # (operation, request bytes), in order
        # Calls made in sequence: those on the request's own thread. A call on a
        # `together` pool thread runs at once with one on the request's thread.
        self.rounds = 0

    def __call__(self, model: Any, params: Any = None, **kwargs: Any) -> None:
        import threading

        from chalicelib.core.together import POOL_THREAD_PREFIX

        body = (params or {}).get("body") if isinstance(params, dict) else None
        with self._lock:
            if not threading.current_thread().name.startswith(POOL_THREAD_PREFIX):
                self.rounds += 1
            self.calls[model.name] += 1
            self.sequence.append((model.name, len(body or b"")))

    def take(self) -> dict[str, int]:
        with self._lock:
            taken, self.calls = dict(self.calls), Counter()
        return taken

    def take_rounds(self) -> int:
        with self._lock:
            taken, self.rounds = self.rounds, 0
        return taken


class ItemCounter:
    """A botocore `after-call.dynamodb` handler: items each read returned
    (Query and Scan: the items DynamoDB examined; GetItem: 0 or 1; BatchGetItem:
    the items found)."""

    def __init__(self) -> None:
        import threading

        self.items: Counter[str] = Counter()
        # The `together` pool's reads answer on several threads at once: without the lock, a
        # `+=` could be lost (seen under a load average of 18: a case read counted Query 2, not 7).
        self._lock = threading.Lock()

    def __call__(self, parsed: dict[str, Any] | None = None, model: Any = None, **kwargs: Any) -> None:
        parsed = parsed or {}
        name = getattr(model, "name", "")
        if name in ("Query", "Scan"):
            count = int(parsed.get("ScannedCount", parsed.get("Count", 0)))
        elif name == "GetItem":
            count = 1 if parsed.get("Item") else 0
        elif name == "BatchGetItem":
            count = sum(len(v) for v in (parsed.get("Responses") or {}).values())
        else:
            return
        with self._lock:
            self.items[name] += count

    def take(self) -> dict[str, int]:
        with self._lock:
            taken, self.items = dict(self.items), Counter()
        return taken


@contextlib.contextmanager
def hooked_botocore_sessions(*handlers: tuple[str, Callable[..., Any]]) -> Iterator[None]:
    """Every botocore session made from now on calls the handlers: the
    container's one session (`chalicelib.aws`), which every client comes from.
    Call `bootstrap.reset()` afterwards so existing connections are rebuilt."""
    import botocore.session
    import pynamodb.connection.base as base

    real_get_session = botocore.session.get_session

    def hooked_session(*args: Any, **kwargs: Any) -> Any:
        session = real_get_session(*args, **kwargs)
        for event, handler in handlers:
            session.register(event, handler)
        return session

    base.get_session = botocore.session.get_session = hooked_session
    try:
        yield
    finally:
        base.get_session = botocore.session.get_session = real_get_session


def drop_connections() -> None:
    """Forget pynamodb's cached connections (so the next call uses a hooked session)."""
    from chalicelib import bootstrap
    from chalicelib.storage import models

    bootstrap.reset()
    models.bind(bootstrap.services().settings)


# -- timing and output -----------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, markdown: str, figures: dict[str, Any] | None = None) -> None:
    """Leaves this benchmark's section (and its figures, for the capacity
    estimate) in build/bench/, for bench/assemble.py."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.md").write_text(markdown.rstrip() + "\n", encoding="utf-8")
    if figures is not None:
        (OUT / f"{name}.json").write_text(json.dumps(figures, indent=2, sort_keys=True), encoding="utf-8")


def read_figures(name: str) -> dict[str, Any]:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
