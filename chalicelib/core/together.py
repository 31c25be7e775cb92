"""Independent reads and writes at once: one round trip of waiting, not several.

`together(a, b, c)` runs `a` on the calling thread and the others on a small
shared pool, and returns their results in order (the first failure raised once
all are done). What runs on the pool must not itself call `together` (a pool
thread waiting on the pool could wait for ever): only the first call, on the
caller's thread, may. The storage adapters' botocore client is thread-safe
and shared (chalicelib/aws.py), so a pool thread costs no new session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

POOL_THREAD_PREFIX = "together"
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def together(*calls: Callable[[], Any]) -> list[Any]:
    global _pool
    if len(calls) <= 1:
        return [call() for call in calls]
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix=POOL_THREAD_PREFIX)
    futures = [_pool.submit(call) for call in calls[1:]]
    try:
        first = calls[0]()
    finally:
        rest = [future.result() for future in futures]
    return [first, *rest]
