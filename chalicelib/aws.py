"""One botocore session per container, and every AWS client built from it.

A botocore session costs tens of milliseconds to make (it registers its
handlers and parses the service and endpoint models) and each client a few
more; a Lambda container needs one of each. Clients are thread-safe, so every
thread (the email sender's workers, the concurrent reads) shares them; only
their creation is serialised here, because a session is not thread-safe.
`forget()` drops them (tests start moto, or change the environment, first).
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.RLock()
_session: Any = None
_clients: dict[tuple[str, str | None, str | None], Any] = {}


def session() -> Any:
    """The container's botocore session (made on first use)."""
    global _session
    with _lock:
        if _session is None:
            import botocore.session

            _session = botocore.session.get_session()
        return _session


def client(service: str, region: str | None, endpoint_url: str | None = None, config: Any = None) -> Any:
    """The container's client for `service` in `region` (made once, from the one session)."""
    key = (service, region, endpoint_url)
    with _lock:
        found = _clients.get(key)
        if found is None:
            found = _clients[key] = session().create_client(service, region_name=region,
                                                            endpoint_url=endpoint_url, config=config)
        return found


def forget() -> None:
    global _session
    with _lock:
        _session = None
        _clients.clear()
