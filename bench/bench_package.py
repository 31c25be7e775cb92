"""The deployment package as `chalice deploy` ships it: its size, and its cold start with and without bytecode.

1. `make bytecode`'s step (tools/bytecode.py, run by the deploy interpreter,
   Python 3.13 as Lambda): from a clean tree (no stray `__pycache__` in
   chalicelib, vendor/ made again), Chalice's own package without vendor/
   (*as packaged*: today's packaging, the baseline) and with the generated
   vendor/ of bytecode (*compiled*: what `chalice deploy` now ships, every
   .pyc checked-hash). A third package, *all unchecked-hash*, is the baseline
   compiled with .pyc Python never checks against their source: what checking
   costs. A fourth, *automatic layer*, is the same tree (with vendor/) packaged
   by Chalice with `automatic_layer: true`: an app-only zip per function and
   one shared layer (measured to record why the setting stays off).
2. Size, in MiB: each function's zip (the six functions share one; no layer)
   must be within Lambda's limits: 50 MiB zipped (direct upload), 250 MiB
   unzipped.
3. Cold start as prod runs it: each zip unpacked; a fresh Python 3.13 (`-S`,
   PYTHONPATH = the package only, PYTHONDONTWRITEBYTECODE as /var/task is
   read-only) imports the app and serves its first sign-in and first case read
   (API Gateway proxy events to `app(event, context)`), with the token secret
   read from SSM, INFO logging and metrics on, against a moto server on
   loopback. The floor: `import boto3; boto3.client("dynamodb")` from the same
   package. Rounds interleaved (each round runs every mode, in a rotating
   order); medians, and the load average before and after. Targets: compiled
   total <= 0.5 x as packaged; compiled import <= 1.1 x the compiled floor.

Run: `make bench`, or `.venv/bin/python bench/bench_package.py` (needs
`make deploy-venv`; 2-4 minutes).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import zipfile
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

ROUNDS = 15
STAGE = "local"  # the zip is the same for every stage; this one needs no IAM policy files
MIB = 1024 * 1024
LIMIT_ZIPPED, LIMIT_UNZIPPED = 50 * MIB, 250 * MIB
DEPLOY_PYTHON = ROOT / ".venv-deploy" / "bin" / "python"
MODES = ("as packaged", "compiled", "all unchecked-hash", "automatic layer")
LAYER_SITE = "python/lib/python3.13/site-packages"  # where Lambda puts a layer's Python packages (/opt/...)
TARGET_RATIO, TARGET_IMPORT = 0.5, 1.1
PASSWORD = "correct horse battery staple"  # noqa: S105 - the bench's fake victim
CRIME_NUMBER = "LC-2026-00001"
SURNAME = "Taylor"
BIRTH = "1980-03-31"
SECRET_PARAMETER = "/track-my-crime/bench/token-secret"  # noqa: S105 - a parameter's name

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



def build_packages(workdir: Path) -> dict[str, Path]:
    subprocess.run(["make", "--no-print-directory", "deploy-venv"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-2", "AWS_REGION": "eu-west-2"}
    done = subprocess.run([str(DEPLOY_PYTHON), "-m", "tools.bytecode", "build", "--stage", STAGE, "--keep",
                           str(workdir)], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    print(done.stdout.strip())
    trees = {}
    for mode, name in (("as packaged", "plain"), ("compiled", "compiled"), ("all unchecked-hash", "plain")):
        tree = workdir / mode.replace(" ", "-")
        with zipfile.ZipFile(workdir / f"{name}.zip") as archive:
            archive.extractall(tree)
        trees[mode] = tree
    subprocess.run([str(DEPLOY_PYTHON), "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    str(trees["all unchecked-hash"])], check=False, stdout=subprocess.DEVNULL)
    function_zip, layer_zip = build_layered(workdir, env)
    tree = workdir / "automatic-layer"
    for archive_path, folder in ((function_zip, tree / "task"), (layer_zip, tree / "opt")):
        with zipfile.ZipFile(archive_path) as archive:
            archive.extractall(folder)
    trees["automatic layer"] = tree
    return trees


def build_layered(workdir: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The same tree (with make bytecode's vendor/, just made) packaged by Chalice with
    `automatic_layer: true`: an app-only zip for each function (app.py, chalicelib/, Chalice's
    runtime) and one managed layer of the dependencies and vendor/, which Chalice puts under
    the layer's site-packages. A copy of the project, so the real .chalice/ is left alone."""
    project = workdir / "layered-project"
    shutil.copytree(ROOT / "chalicelib", project / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "vendor", project / "vendor")
    for name in ("app.py", "requirements.txt"):
        shutil.copyfile(ROOT / name, project / name)
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    (project / ".chalice").mkdir()
    (project / ".chalice" / "config.json").write_text(json.dumps({**config, "automatic_layer": True}))
    out = workdir / "layered"
    subprocess.run([str(DEPLOY_PYTHON.parent / "chalice"), "package", "--stage", STAGE, str(out)], cwd=project,
                   env=env, check=True, capture_output=True, text=True)
    shutil.copyfile(out / "deployment.zip", workdir / "layer-function.zip")
    shutil.copyfile(out / "layer-deployment.zip", workdir / "layer.zip")
    return workdir / "layer-function.zip", workdir / "layer.zip"


def package_path(tree: Path) -> str:
    """PYTHONPATH as Lambda sets it: the function's folder, then a layer's site-packages."""
    if (tree / "task").is_dir():
        return f"{tree / 'task'}{os.pathsep}{tree / 'opt' / LAYER_SITE}"
    return str(tree)


def sizes(zip_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(zip_path) as archive:
        entries = archive.infolist()
    return {"zipped": zip_path.stat().st_size, "unzipped": sum(e.file_size for e in entries),
            "files": len(entries), "pyc": sum(e.filename.endswith(".pyc") for e in entries)}


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


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
    import boto3

    boto3.client("ssm", endpoint_url=env["AWS_ENDPOINT_URL"]).put_parameter(
        Name=SECRET_PARAMETER, Type="SecureString", Value=secrets.token_urlsafe(48), Overwrite=True)
    return {"crimeNumber": CRIME_NUMBER, "surname": SURNAME, "dateOfBirth": BIRTH, "password": PASSWORD}


def _run(code: str, package: Path, env: dict[str, str]) -> dict[str, float]:
    child_env = {**env, "PYTHONPATH": package_path(package), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    # -S: no site-packages, so nothing outside the package can be imported.
    done = subprocess.run([str(DEPLOY_PYTHON), "-S", "-c", code], cwd=package, env=child_env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"cold start run failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def prod_like(env: dict[str, str]) -> dict[str, str]:
    """The child's environment as a deployed API function's: secret from SSM, INFO logs, metrics on."""
    child = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "POWERTOOLS"))}
    child.update(env)
    for name in ("TOKEN_SECRET", "POWERTOOLS_METRICS_DISABLED"):
        child.pop(name, None)
    child.update({"TOKEN_SECRET_PARAMETER": SECRET_PARAMETER, "POWERTOOLS_LOG_LEVEL": "INFO",
                  "POWERTOOLS_SERVICE_NAME": "track-my-crime", "AWS_LAMBDA_FUNCTION_NAME": "track-my-crime-dev",
                  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1769", "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13"})
    return child


def cold_start(trees: dict[str, Path]) -> dict[str, Any]:
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
        child_env = prod_like(env)
        child_env["BENCH_IDENTITY"] = json.dumps(identity)
        for mode in MODES:  # the OS file cache, as warm for each; and a failure shows before the rounds
            _run(APP, trees[mode], child_env)
        runs: dict[str, dict[str, list[dict[str, float]]]] = {m: {"floor": [], "app": []} for m in MODES}
        load_before = load()
        for n in range(ROUNDS):
            for mode in MODES[n % len(MODES):] + MODES[:n % len(MODES)]:
                runs[mode]["floor"].append(_run(FLOOR, trees[mode], child_env))
                runs[mode]["app"].append(_run(APP, trees[mode], child_env))
        results: dict[str, Any] = {"load_before": load_before, "load_after": load()}
        for mode in MODES:
            apps = runs[mode]["app"]
            results[mode] = {
                "floor": median([f["total"] for f in runs[mode]["floor"]]),
                **{key: median([a[key] for a in apps]) for key in ("import", "sign_in", "case_read", "total",
                                                                   "verify")},
            }
        return results
    finally:
        server.stop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tmc-bench-") as tmp:
        trees = build_packages(Path(tmp))
        size = {"as packaged": sizes(Path(tmp) / "plain.zip"), "compiled": sizes(Path(tmp) / "compiled.zip"),
                "automatic layer: each function's zip": sizes(Path(tmp) / "layer-function.zip"),
                "automatic layer: the shared layer": sizes(Path(tmp) / "layer.zip")}
        cold = cold_start(trees)
    report(size, cold)


def report(size: dict[str, Any], cold: dict[str, Any]) -> None:
    base, compiled = cold["as packaged"], cold["compiled"]
    ratio = compiled["total"] / base["total"]
    import_ratio = compiled["import"] / compiled["floor"]
    within = all(s["zipped"] <= LIMIT_ZIPPED and s["unzipped"] <= LIMIT_UNZIPPED for s in size.values())
    cold["ratio"], cold["import_ratio"] = ratio, import_ratio
    size_rows = [[mode, f"{s['zipped'] / MIB:.1f} MiB", f"{s['unzipped'] / MIB:.1f} MiB", str(s["files"]),
                  str(s["pyc"]), verdict(s["zipped"] <= LIMIT_ZIPPED and s["unzipped"] <= LIMIT_UNZIPPED)]
                 for mode, s in size.items()]
    rows = []
    for mode in MODES:
        c = cold[mode]
        rows.append([mode, ms(c["floor"]), f"{ms(c['import'])} (x{c['import'] / c['floor']:.2f})",
                     ms(c["sign_in"]), ms(c["verify"]), ms(c["case_read"]), ms(c["total"]),
                     f"x{c['total'] / base['total']:.2f}"])
    size_header = ["package", "zipped", "unzipped", "files", ".pyc", "within 50 / 250 MiB"]
    cold_header = ["mode", "floor", "app import (x its floor)", "first sign-in", "of which argon2id verify",
                   "first case read", "total", "x as packaged"]
    print(f"cold start: {ROUNDS} interleaved rounds, medians; load average before {cold['load_before']}, "
          f"after {cold['load_after']}")
    print(table(cold_header, rows))
    print(f"compiled / as packaged: {ratio:.2f} (target <= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)}); "
          f"compiled import / compiled floor: {import_ratio:.2f} (target <= {TARGET_IMPORT}: "
          f"{verdict(import_ratio <= TARGET_IMPORT)})")
    print(table(size_header, size_rows))
    unchecked = cold["all unchecked-hash"]
    layered = cold["automatic layer"]
    layer_ratio = layered["total"] / compiled["total"]
    cold["layer_ratio"] = layer_ratio
    function_zip, layer_zip = size["automatic layer: each function's zip"], size["automatic layer: the shared layer"]
    print(f"automatic layer / compiled: x{layer_ratio:.2f} of the cold start; each function's zip "
          f"{function_zip['zipped'] / MIB:.2f} MiB and one layer of {layer_zip['zipped'] / MIB:.1f} MiB, against "
          f"{size['compiled']['zipped'] / MIB:.1f} MiB for each function now")
    layer_decision = (
        f"**`automatic_layer` (measured, kept off):** Chalice's managed layer cold-starts at x{layer_ratio:.2f} "
        "of the compiled package. Chalice builds the layer from the dependencies and vendor/ (under the layer's "
        "site-packages) and each function's zip from app.py, chalicelib/ and its runtime alone, so the "
        "dependencies keep their bytecode but the service's own modules have none and are compiled at every "
        "cold start. "
        + ("That costs more than the layer saves. " if layer_ratio > 1.03 else
           "The difference is within this machine's noise. ")
        + f"What the layer would save is upload, not start-up: each function's zip would be "
        f"{function_zip['zipped'] / MIB:.2f} MiB instead of {size['compiled']['zipped'] / MIB:.1f} MiB, with one "
        f"layer of {layer_zip['zipped'] / MIB:.1f} MiB; but Chalice names the layer by the hash of "
        "requirements.txt and vendor/, and vendor/ holds the bytecode of the service's own code, so every "
        "release would publish a new layer version too. Both sizes are far within Lambda's limits either way "
        "(50 MiB zipped, 250 MiB unzipped for a function and its layers together). So `automatic_layer` stays "
        "false in .chalice/config.json; it would be worth turning on if releases came often enough for upload "
        "time to matter, with the own-code bytecode moved out of vendor/ so that the layer changes only with "
        "requirements.txt."
    )
    markdown = "\n\n".join([
        "## Package and cold start",
        "`bench/bench_package.py` builds the packages with the deploy interpreter's Chalice (Python 3.13, "
        "the Lambda runtime), through `make bytecode`'s own step (tools/bytecode.py): *as packaged* is "
        "Chalice's zip without vendor/ (the packaging before this change, the baseline); *compiled* is the zip "
        "`chalice deploy` now ships, with the generated vendor/ of checked-hash bytecode; *all unchecked-hash* "
        "is the baseline compiled with .pyc that Python never checks against their source. The "
        "tree is cleaned first (no stray `__pycache__` in chalicelib, vendor/ made again).",
        "Each function's zip (the six functions share one zip; no layer) against Lambda's limits, 50 MiB "
        "zipped for a direct upload and 250 MiB unzipped; and, measured for comparison, the same tree packaged "
        "with Chalice's `automatic_layer` (an app-only zip for each function and one shared layer):",
        table(size_header, size_rows),
        "Cold start as prod runs it: a fresh Python 3.13 (`-S`, PYTHONPATH = the unzipped package only, "
        "PYTHONDONTWRITEBYTECODE: /var/task is read-only) imports the app and serves its first sign-in and "
        "first case read (API Gateway proxy events to `app(event, context)`), reading the token secret from "
        "SSM, logging at INFO and publishing metrics, against a moto server on loopback. The floor is "
        "`import boto3; boto3.client(\"dynamodb\")` from the same package. *automatic layer* runs with "
        "PYTHONPATH = the function's unzipped folder, then the layer's site-packages, as Lambda sets it. "
        f"{ROUNDS} rounds, each running every mode in a rotating order; medians. Load average (1/5/15 min) "
        f"before the rounds {cold['load_before']}, after {cold['load_after']} (2 CPUs, shared).",
        table(cold_header, rows),
        f"**Compiled / as packaged: {ratio:.2f}** (target <= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)}); "
        f"**compiled import / compiled floor: {import_ratio:.2f}** (target <= {TARGET_IMPORT}: "
        f"{verdict(import_ratio <= TARGET_IMPORT)}). Unchecked-hash .pyc would give "
        f"x{unchecked['total'] / compiled['total']:.2f} of the compiled total: checking (Python hashes each "
        "source it imports and compares) costs about nothing here, so every .pyc is checked-hash and a stale "
        "one (a module edited after `make bytecode`, a dependency upgraded) is compiled from its source "
        "instead: slower, never old code. The app import alone is small beside the floor because it loads "
        "neither boto3 nor pynamodb and builds no client, where the floor imports boto3 and builds a DynamoDB "
        "client (parsing botocore's service model); the app does that on its first request, so the first "
        "sign-in carries it.",
        layer_decision,
    ])
    write_section("bench_package", markdown, {"package": size, "cold_start": cold})
    if not (within and ratio <= TARGET_RATIO and import_ratio <= TARGET_IMPORT):
        raise SystemExit("package benchmark: a target missed (see above)")


if __name__ == "__main__":
    main()
