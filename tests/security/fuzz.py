"""API fuzzing with schemathesis against openapi.json and the running local stack
(moto server + `chalice local` over HTTP).

    python -m tests.security.fuzz --max-examples 200        # `make fuzz`: thorough
    python -m tests.security.fuzz --max-examples 8 ...      # the bounded run in `make test`

It starts the stack with the demo victim registered and signed in, mints an
officer token with every permission (`supervisor`), and runs every check but
the one in EXCLUDED_CHECKS below (settings in schemathesis.toml).
Exit status 0 only with no failure; the JSON report and the summary go to
test-artifacts/fuzz/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.api import Api

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = ROOT / ".venv" / "bin" / "schemathesis"
# positive_data_acceptance: the server rightly refuses some inputs the schema
# cannot express (a date of birth in the future, a crime number unknown to the
# force, a common password).
EXCLUDED_CHECKS = ("positive_data_acceptance",)
CONFIG = Path(__file__).with_name("schemathesis.toml")
SIGN_OUT = "/victim/sign-out"


def _post(url: str, payload: dict, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    answer = Api("").post(url, payload, headers)
    return answer.status_code, answer.headers, answer.body


def _signed_in_cookie(stack) -> str:
    demo = stack.demo
    password = "a long and memorable passphrase"
    _post(f"{stack.api_url}/victim/register", {"invitation": demo["invitation"],
                                               "dateOfBirth": demo["dateOfBirth"], "password": password})
    status, headers, _ = _post(f"{stack.api_url}/victim/sign-in", {
        "crimeNumber": demo["crimeNumber"], "surname": demo["surname"],
        "dateOfBirth": demo["dateOfBirth"], "password": password})
    assert status == 200, status
    return headers["Set-Cookie"].split(";")[0]


def run(max_examples: int, seed: int | None, out_dir: Path, max_time: int | None = None,
        phases: str = "examples,coverage,fuzzing") -> dict:
    """Two passes: every operation but sign-out, with a live session; then
    sign-out alone (which ends that session, and every other of the contact)."""
    from local.stack import LocalStack

    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    outputs, exit_codes = [], []
    with tempfile.TemporaryDirectory() as base, LocalStack(Path(base), seed=True) as stack:
        cookie = _signed_in_cookie(stack)
        token = stack.officer_token(role="supervisor")
        for number, selection in enumerate((["--exclude-path", SIGN_OUT], ["--include-path", SIGN_OUT])):
            command = [
                str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", str(ROOT / "openapi.json"),
                "--url", stack.api_url, *selection,
                "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
                "--max-examples", str(max_examples), "--workers", "1", "--no-color",
                "--phases", phases, "--generation-database", "none",
                "--request-timeout", "30", "--suppress-health-check", "all",
                "--report", "ndjson", "--report-ndjson-path", str(out_dir / f"events-{number}.ndjson"),
                "--continue-on-failure",
            ]
            if seed is not None:
                command += ["--seed", str(seed)]
            if max_time:
                command += ["--max-time", str(max_time)]
            env = {**os.environ, "TMC_FUZZ_OFFICER_TOKEN": token, "TMC_FUZZ_SESSION": cookie.split("=", 1)[1]}
            result = subprocess.run(command, capture_output=True, text=True, cwd=out_dir, env=env, check=False)
            outputs.append(result.stdout + result.stderr)
            exit_codes.append(result.returncode)
    (out_dir / "output.txt").write_text("\n".join(outputs))
    passes = [_summary(out_dir / f"events-{number}.ndjson") for number in range(2)]
    failed = sorted({f for p in passes for f in p["failed"]})
    summary = {"cases": sum(p["cases"] for p in passes), "failures": len(failed),
               "failing_check_results": sum(p["failing_check_results"] for p in passes), "failed": failed,
               "exit_code": max(exit_codes), "seconds": round(time.monotonic() - started, 1),
               "max_examples": max_examples}
    (out_dir / "report.json").write_text(json.dumps(summary, indent=2))
    return summary


def _summary(events: Path) -> dict:
    """Cases generated and failures found, from schemathesis's event stream."""
    cases = failures = 0
    failed: list[str] = []
    if events.exists():
        for line in events.read_text().splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished.get("recorder") or {}
            cases += len(recorder.get("cases") or {})
            for case_checks in (recorder.get("checks") or {}).values():
                for check in case_checks:
                    if str(check.get("status")).lower() == "failure":
                        failures += 1
                        failed.append(f"{recorder.get('label')}: {check.get('name')}")
    return {"cases": cases, "failures": len(set(failed)), "failing_check_results": failures,
            "failed": sorted(set(failed))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--max-time", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "fuzz")
    args = parser.parse_args()
    summary = run(args.max_examples, args.seed, args.out.resolve(), args.max_time, args.phases)
    print(json.dumps(summary, indent=2))
    print(f"full output: {args.out / 'output.txt'}")
    sys.exit(0 if summary["exit_code"] == 0 and summary["failures"] == 0 else 1)


if __name__ == "__main__":
    main()
