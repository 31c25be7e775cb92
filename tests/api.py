"""The one way tests call the API (cosmicpython's `tests/e2e/api_client.py`):
in process through `chalice.test.Client`, or over HTTP at a URL (the local
stack), with the same answer either way."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Answer:
    """An HTTP answer, shaped as chalice.test's: `status_code`, `headers`, `body` (bytes)."""

    status_code: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Api:
    """Calls the API of `target`: a `chalice.test.Client`, or a base URL."""

    def __init__(self, target: Any):
        self._target = target

    def request(self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None,
                *, raw: bytes | None = None) -> Answer:
        """`payload` is sent as JSON (with its content type); `raw`, as it is."""
        sent = {**(JSON if payload is not None else {}), **(headers or {})}
        data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
        if not isinstance(self._target, str):
            response = self._target.http.request(method, path, headers=sent, body=data or b"")
            return Answer(response.status_code, dict(response.headers), response.body or b"")
        request = urllib.request.Request(f"{self._target}{path}", data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, payload: Any = None, headers: dict[str, str] | None = None) -> Answer:
        return self.request("POST", path, payload, headers)
