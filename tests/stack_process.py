"""The local stack for tests, in a process of its own.

An in-process `mock_aws` (other suites') catches every botocore call in its
process, even those meant for a local stack's moto server, and moto's state is
module-level: a stack sharing the pytest process with the mocks is at their
mercy. So tests start the stack here, read one JSON line naming its URLs, and
stop it by closing this process's standard input.

    python -m tests.stack_process BASE_DIR [--seed]
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class RunningStack:
    """The local stack as the tests see it: its URLs, its outbox, tokens."""

    def __init__(self, details: dict):
        self.api_url = details["api_url"]
        self.site_url = details["site_url"]
        self.moto_url = details["moto_url"]
        self.outbox_dir = Path(details["outbox_dir"])
        self.log_dir = Path(details["log_dir"])
        self.demo = details.get("demo", {})
        self._issuer_dir = Path(details["issuer_dir"])
        self._token_secret = details["token_secret"].encode()

    def officer_token(self, force: str = "lincs", role: str = "officer", **claims: object) -> str:
        from local.dev_issuer import DevIssuer

        return DevIssuer.load(self._issuer_dir).mint(force=force, role=role, **claims)

    def invitation_token(self, invitation_id: str) -> str:
        from chalicelib.core import tokens

        return tokens.link_token(self._token_secret, tokens.INVITATION, invitation_id)


MARKER = "STACK-READY "


def _details(process: subprocess.Popen, base_dir: Path) -> dict:
    """The stack's JSON line (the email sender prints its own lines too)."""
    while True:
        ready, _, _ = select.select([process.stdout], [], [], 120)
        line = process.stdout.readline().decode() if ready else ""
        if not line:
            raise RuntimeError(f"the local stack did not start; see {base_dir / 'stack.log'}")
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])


@contextlib.contextmanager
def running_stack(base_dir: Path, *, seed: bool = False) -> Iterator[RunningStack]:
    base_dir.mkdir(parents=True, exist_ok=True)
    log = (base_dir / "stack.log").open("wb")
    command = [sys.executable, "-m", "tests.stack_process", str(base_dir)] + (["--seed"] if seed else [])
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                               start_new_session=True)
    try:
        details = _details(process, base_dir)
        # Keep reading what the stack prints (a line per email), or a full pipe
        # would block it.
        threading.Thread(target=shutil.copyfileobj, args=(process.stdout, log), daemon=True).start()
        yield RunningStack(details)
    finally:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def main() -> None:
    from local.stack import LocalStack

    base_dir = Path(sys.argv[1])
    with LocalStack(base_dir=base_dir, poll_interval=0.2, seed="--seed" in sys.argv) as stack:
        print(MARKER + json.dumps({"api_url": stack.api_url, "site_url": stack.site_url, "moto_url": stack.moto_url,
                          "outbox_dir": str(stack.outbox_dir), "log_dir": str(stack.log_dir),
                          "issuer_dir": str(base_dir / "dev-issuer"), "demo": stack.demo,
                          "token_secret": stack.env["TOKEN_SECRET"]}), flush=True)
        sys.stdin.read()  # until the tests close it (or exit)


if __name__ == "__main__":
    main()
