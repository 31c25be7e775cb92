"""The deployment package: its size, and the cold start of the packaged app.

1. `chalice package --stage dev` (as `make package` does), into a temporary folder.
2. Size: the zip, zipped and unzipped, and its largest parts (target <= 20 MB
   zipped), with what trimming would give.
3. Cold start: the zip is unzipped; a fresh interpreter, whose path is the
   unzipped package only, imports the app and serves its first sign-in and its
   first case read (API Gateway proxy events passed to `app(event, context)`, as
   Lambda does), against a moto server on loopback. The floor is a fresh
   interpreter running `import boto3; boto3.client("dynamodb")` from the same
   package. Run alternately several times; medians and the ratio (target <= 1.3).
   As Lambda runs it: /var/task is read-only and the zip holds no bytecode, so
   nothing is cached between runs (PYTHONDONTWRITEBYTECODE). Then again with
   the package's bytecode compiled ahead, to show what shipping .pyc would do.

Run: `make bench`, or `.venv/bin/python bench/bench_package.py`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import (
    ROOT,
    fake_aws_environment,
    median,
    ms,
    table,
    verdict,
    write_section,
)

RUNS = 7
STAGE = "dev"
MB = 1024 * 1024
TARGET_ZIPPED = 20 * MB
PASSWORD = "correct horse battery staple"  # noqa: S105 - the bench's fake victim
CRIME_NUMBER = "LC-2026-00001"
SURNAME = "Taylor"
BIRTH = "1980-03-31"
# botocore's service models the service calls (pynamodb: dynamodb; the email
# sender: ses; settings: ssm), and the files every client reads.
BOTOCORE_SERVICES = ("dynamodb", "ses", "ssm")

FLOOR = """
import json, time
started = time.perf_counter()
import boto3
boto3.client("dynamodb")
print(json.dumps({"total": time.perf_counter() - started}))
"""

# The packaged app's first requests, as Lambda makes them: `app(event, context)`.
APP = """
import json, os, sys, time
started = time.perf_counter()
import app
imported = time.perf_counter()


class Context:
    function_name = "track-my-crime-dev"
    memory_limit_in_mb = 1769
    invoked_function_arn = "arn:aws:lambda:eu-west-2:111122223333:function:track-my-crime-dev"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self):
        return 15000


def event(method, path, body=None, headers=None):
    return {"resource": path, "path": path, "httpMethod": method,
            "headers": {"Content-Type": "application/json", **(headers or {})},
            "multiValueHeaders": None, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
            "requestContext": {"resourcePath": path, "httpMethod": method, "path": "/api" + path,
                               "stage": "api", "requestId": "bench",
                               "identity": {"sourceIp": "192.0.2.10"}},
            "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False}


identity = json.loads(os.environ["BENCH_IDENTITY"])
response = app.app(event("POST", "/victim/sign-in", identity), Context())
signed_in = time.perf_counter()
assert response["statusCode"] == 200, response
cookie = response["headers"]["Set-Cookie"].split(";")[0]
response = app.app(event("GET", "/victim/case", headers={"Cookie": cookie}), Context())
read = time.perf_counter()
assert response["statusCode"] == 200, response
from chalicelib import bootstrap
from chalicelib.core import passwords
from chalicelib.core.domain import case_key
case = bootstrap.services().cases.case_with_contacts(case_key("lincs", identity["crimeNumber"]))
password_hash = case.contacts[0].password_hash
verifies = []
for _ in range(3):
    t = time.perf_counter()
    passwords.verify(identity["password"], password_hash)
    verifies.append(time.perf_counter() - t)
print(json.dumps({"import": imported - started, "sign_in": signed_in - imported, "case_read": read - signed_in,
                  "total": read - started, "verify": sorted(verifies)[1]}))
"""


def build_package(workdir: Path) -> Path:
    out = workdir / "package"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-2", "AWS_REGION": "eu-west-2"}
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "package", "--stage", STAGE, str(out)], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return out / "deployment.zip"


# -- size ---------------------------------------------------------------------------------------


def _part(name: str) -> str:
    first = name.split("/", 1)[0]
    if first == "botocore" and name.startswith("botocore/data/"):
        return "botocore/data (service models)"
    if first.endswith(".dist-info"):
        return "*.dist-info"
    return first


def sizes(zip_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(zip_path) as archive:
        entries = archive.infolist()
    zipped, unzipped = Counter(), Counter()
    for e in entries:
        zipped[_part(e.filename)] += e.compress_size
        unzipped[_part(e.filename)] += e.file_size
    kept_models = sum(e.compress_size for e in entries if e.filename.startswith("botocore/data/")
                      and (e.filename.count("/") == 2 or e.filename.split("/")[2] in BOTOCORE_SERVICES))
    runtime_has = ("boto3", "botocore", "botocore/data (service models)", "s3transfer", "jmespath", "dateutil",
                   "urllib3", "six.py")
    return {
        "zipped": zip_path.stat().st_size,
        "unzipped": sum(e.file_size for e in entries),
        "files": len(entries),
        "parts": [(name, zipped[name], unzipped[name]) for name, _ in zipped.most_common(12)],
        "trimmed_models": zip_path.stat().st_size - zipped["botocore/data (service models)"] + kept_models,
        "without_sdk": zip_path.stat().st_size - sum(zipped[p] for p in runtime_has),
    }


# -- cold start ------------------------------------------------------------------------------------


def _seed(env: dict[str, str]) -> dict[str, str]:
    """A case with a registered victim and three updates, in the moto server."""
    os.environ.update(env)
    from chalicelib import bootstrap
    from chalicelib.core import passwords
    from chalicelib.core.domain import case_key, utcnow
    from chalicelib.storage import models
    from chalicelib.storage.models import CaseItem, ContactItem, UpdateItem, case_pk

    bootstrap.reset()
    settings = bootstrap.services().settings
    models.create_tables(settings)
    now = utcnow()
    pk = case_pk(case_key("lincs", CRIME_NUMBER))
    CaseItem(pk, "CASE", force="lincs", crime_number=CRIME_NUMBER, status="investigating",
             officer_name="PC 1234 Alex Morgan", officer_email="alex.morgan@lincs.police.example",
             created_by="bench", created_at=now, updated_at=now).save()
    ContactItem(pk, "CONTACT#c1", contact_id="c1", role="victim", forename="Sam", surname=SURNAME,
                surname_key=SURNAME.lower(), date_of_birth=BIRTH, email="sam.taylor@example.com",
                status="registered", password_hash=passwords.hash_password(PASSWORD), registered_at=now).save()
    for n in range(3):
        posted = now + timedelta(seconds=n)
        UpdateItem(pk, f"UPDATE#{posted.isoformat()}#u{n}", update_id=f"u{n}", force="lincs",
                   type="progress_update", text="We have spoken to a witness.",
                   officer_name="PC 1234 Alex Morgan", officer_id="bench", posted_at=posted).save()
    return {"crimeNumber": CRIME_NUMBER, "surname": SURNAME, "dateOfBirth": BIRTH, "password": PASSWORD}


def _run(code: str, package: Path, env: dict[str, str], *extra: str) -> tuple[dict[str, float], str]:
    child_env = {**env, "PYTHONPATH": str(package), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    # -S: no site-packages, so nothing outside the package can be imported.
    done = subprocess.run([sys.executable, "-S", *extra, "-c", code], cwd=package, env=child_env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"cold start run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def _import_breakdown(package: Path, env: dict[str, str]) -> list[tuple[str, float]]:
    """Import time the app spends beyond the floor's, by top-level package (-X importtime)."""

    def self_times(stderr: str) -> dict[str, int]:
        out = {}
        for line in stderr.splitlines():
            if line.startswith("import time:") and "self [us]" not in line:
                own, _, name = line[len("import time:"):].split("|")
                out[name.strip()] = int(own)
        return out

    floor = self_times(_run(FLOOR, package, env, "-X", "importtime")[1])
    app = self_times(_run(APP, package, env, "-X", "importtime")[1])
    by_package: Counter[str] = Counter()
    for name, us in app.items():
        if name not in floor:
            by_package[name.split(".")[0]] += us
    return [(name, us / 1e6) for name, us in by_package.most_common(8)]


def cold_start(zip_path: Path, workdir: Path) -> dict[str, Any]:
    from moto.server import ThreadedMotoServer

    from local.stack import free_port

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request lines
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        env = {**fake_aws_environment(), "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
               "DYNAMODB_ENDPOINT": f"http://127.0.0.1:{port}"}
        identity = _seed(env)
        child_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        child_env.update(env)
        child_env["BENCH_IDENTITY"] = json.dumps(identity)
        results: dict[str, Any] = {}
        for mode in ("as packaged", "bytecode compiled"):
            package = workdir / mode.replace(" ", "-")
            with zipfile.ZipFile(zip_path) as archive:
                archive.extractall(package)
            if mode == "bytecode compiled":
                subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(package)], check=True,
                               stdout=subprocess.DEVNULL)
            _run(FLOOR, package, child_env)  # the OS file cache, as warm for both
            floors, apps = [], []
            for _ in range(RUNS):
                floors.append(_run(FLOOR, package, child_env)[0])
                apps.append(_run(APP, package, child_env)[0])
            results[mode] = {
                "floor": median([f["total"] for f in floors]),
                **{key: median([a[key] for a in apps]) for key in ("import", "sign_in", "case_read", "total",
                                                                   "verify")},
            }
            if mode == "as packaged":
                results["breakdown"] = _import_breakdown(package, child_env)
        return results
    finally:
        server.stop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tmc-bench-") as tmp:
        workdir = Path(tmp)
        zip_path = build_package(workdir)
        size = sizes(zip_path)
        cold = cold_start(zip_path, workdir)
        shutil.rmtree(workdir / "package", ignore_errors=True)
    report(size, cold)


def report(size: dict[str, Any], cold: dict[str, Any]) -> None:
    zipped_ok = size["zipped"] <= TARGET_ZIPPED
    print(f"package: {size['zipped'] / MB:.1f} MB zipped (target <= 20 MB: {verdict(zipped_ok)}), "
          f"{size['unzipped'] / MB:.1f} MB unzipped, {size['files']} files")
    for name, zipped, unzipped in size["parts"]:
        print(f"  {name:34} {zipped / MB:6.2f} MB zipped  {unzipped / MB:6.2f} MB unzipped")
    print(f"  botocore/data trimmed to {', '.join(BOTOCORE_SERVICES)}: ~{size['trimmed_models'] / MB:.1f} MB zipped; "
          f"without the SDK the Lambda runtime already has: ~{size['without_sdk'] / MB:.1f} MB")
    figures: dict[str, Any] = {"package": size, "cold_start": cold}
    rows = []
    print("cold start (fresh interpreter, medians of "
          f"{RUNS}; first sign-in includes one argon2id verify):")
    for mode in ("as packaged", "bytecode compiled"):
        c = cold[mode]
        ratio = c["total"] / c["floor"]
        import_ratio = c["import"] / c["floor"]
        c["ratio"], c["import_ratio"] = ratio, import_ratio
        print(f"  {mode:18} floor {ms(c['floor'])}; app import {ms(c['import'])} (x{import_ratio:.2f}), "
              f"first sign-in {ms(c['sign_in'])} (argon2id verify {ms(c['verify'])}), first case read "
              f"{ms(c['case_read'])}; total {ms(c['total'])}: ratio {ratio:.2f} (target <= 1.30: "
              f"{verdict(ratio <= 1.3)})")
        rows.append([mode, ms(c["floor"]), f"{ms(c['import'])} (x{import_ratio:.2f})", ms(c["sign_in"]),
                     ms(c["verify"]), ms(c["case_read"]), ms(c["total"]), f"{ratio:.2f}",
                     verdict(ratio <= 1.3)])
    print("  import time beyond the floor's, by package (-X importtime, self time): "
          + ", ".join(f"{name} {ms(s)}" for name, s in cold["breakdown"]))
    packaged = cold["as packaged"]
    beyond = packaged["total"] - packaged["floor"]
    markdown = "\n\n".join([
        "## Package size",
        f"`chalice package --stage {STAGE}` (`bench/bench_package.py`): **{size['zipped'] / MB:.1f} MB zipped** "
        f"(target <= 20 MB: {verdict(zipped_ok)}), {size['unzipped'] / MB:.1f} MB unzipped, {size['files']} files.",
        table(["part", "zipped", "unzipped"],
              [[name, f"{z / MB:.2f} MB", f"{u / MB:.2f} MB"] for name, z, u in size["parts"]]),
        "botocore's service models are the bulk: pynamodb requires botocore, so Chalice bundles the whole "
        "SDK although the Lambda runtime has one. What would reach the target (both measured on this zip, "
        "neither done): keeping only the models of the services called "
        f"({', '.join(BOTOCORE_SERVICES)}) gives ~{size['trimmed_models'] / MB:.1f} MB zipped; leaving out "
        f"the SDK the runtime provides gives ~{size['without_sdk'] / MB:.1f} MB, but then botocore's version "
        "is the runtime's, not the one tested. Either is a step after `chalice package` (Chalice cannot "
        "exclude files), e.g. in `make package`. cryptography (PyJWT's RS256) is the next largest part.",
        "## Cold start",
        f"A fresh interpreter whose path is the unzipped package only (`python -S`, PYTHONPATH = the package) "
        "imports the app and serves its first sign-in and first case read (API Gateway proxy events to "
        "`app(event, context)`, DynamoDB in a moto server on loopback). The floor is `import boto3; "
        f"boto3.client(\"dynamodb\")` in a fresh interpreter from the same package. Medians of {RUNS} "
        "alternate runs. *As packaged*: Lambda's /var/task is read-only and `chalice package` ships no "
        "bytecode, so every cold start compiles every module it imports (floor included); *bytecode "
        "compiled*: the same package after `compileall`.",
        table(["mode", "floor", "app import (x floor)", "first sign-in", "of which argon2id verify",
               "first case read", "total", "ratio", "target <= 1.3"], rows),
        "Import time the app spends beyond the floor's in the whole run (import, first sign-in, first case "
        "read), by package (`-X importtime` self times, as packaged): "
        + ", ".join(f"{name} {ms(s)}" for name, s in cold["breakdown"]) + ".",
        f"Why the ratio is {packaged['ratio']:.2f} as packaged: the floor makes no request, while the app's "
        "total includes its first seven DynamoDB round trips (four for the sign-in, three for the case read, "
        "to a moto server on loopback), one argon2id "
        f"verify ({ms(packaged['verify'])}, the point of a password hash) and passlib's import on the first "
        f"sign-in. The import alone is x{packaged['import_ratio']:.2f} the floor; in all the app is "
        f"{ms(beyond)} beyond it. With bytecode compiled the floor shrinks to a third while the requests' "
        "fixed costs stay, so that ratio is higher although every time is lower.",
        "Changes made for this issue (the same harness, 7 alternate runs as packaged, on 2026-11-27; the floor "
        "was 424 ms): PyJWT and cryptography are imported by the officers' token check only; passlib on the "
        "first hash or verify only; pynamodb's connections share one botocore session per thread, where "
        "each model class made its own (a new session registers its handlers and parses botocore's DynamoDB "
        "and endpoint models again: about 100 ms each on this machine; the case read paid for one for the "
        "audit model, the sign-in for three). Before: import 584 ms, first sign-in 239 ms, first case read "
        "172 ms, total 1,001 ms (x2.36). After: import 493 ms, first sign-in 189 ms, first case read 30 ms, "
        "total 732 ms (x1.73).",
        "What would reach 1.3 (not done): ship bytecode in the package (the zip has none and /var/task is "
        "read-only, so every cold start compiles every module it imports: compare the two rows; a step after "
        "`chalice package` in `make package`); import the email sender's modules only in the stream "
        "handlers (about 13 ms as packaged). The seven round trips and the argon2id verify stay: with them, "
        "1.3 times a floor that makes no request is out of reach for a first sign-in; the import alone is "
        + ("within it." if packaged["import_ratio"] <= 1.3 else "not yet within it."),
    ])
    write_section("bench_package", markdown, figures)
    if not (zipped_ok and packaged["ratio"] <= 1.3):
        raise SystemExit("package benchmark: a target missed (see above)")


if __name__ == "__main__":
    main()
