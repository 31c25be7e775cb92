"""API fuzzing, bounded, inside `make test`: schemathesis against openapi.json and
the running local stack (tests/security/fuzz.py; `make fuzz` is the thorough run).
No 5xx, no response that breaks the schema, no invalid input accepted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
# Small enough for `make test` (about a minute on two cores); FUZZ_MAX_EXAMPLES raises it.
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "3")


def test_schemathesis_finds_no_failure(tmp_path, figures):
    # Its own process: this one runs moto in-process (tests/conftest.py), which
    # would swallow the calls meant for the local stack's moto server.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    run = subprocess.run([sys.executable, "-m", "tests.security.fuzz", "--max-examples", MAX_EXAMPLES,
                          "--phases", "examples,coverage", "--out", str(tmp_path)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    report = tmp_path / "report.json"
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads(report.read_text())
    figures["fuzz_bounded"] = {k: summary[k] for k in ("cases", "failures", "seconds")}
    output = (tmp_path / "output.txt").read_text()
    assert summary["cases"] > 100, output[-3000:]
    assert summary["failures"] == 0 and summary["exit_code"] == 0, (summary["failed"], output[-6000:])
