"""Runs the local stack in a process of its own for the browser tests.

The stack points its process's AWS settings at its moto server and creates
the tables from there; in the pytest process, another suite's in-process moto
(`mock_aws`, active for the whole run) would catch those calls instead. So the
browser suite starts the stack here, reads one JSON line naming its URLs, and
stops it by closing this process's standard input.

    python -m tests.browser.stack_process BASE_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    from local.stack import LocalStack

    base_dir = Path(sys.argv[1])
    with LocalStack(base_dir=base_dir, poll_interval=0.2) as stack:
        print(json.dumps({"api_url": stack.api_url, "site_url": stack.site_url,
                          "outbox_dir": str(stack.outbox_dir),
                          "issuer_dir": str(base_dir / "dev-issuer")}), flush=True)
        sys.stdin.read()  # until the tests close it (or exit)


if __name__ == "__main__":
    main()
