"""`make infra` then plain `chalice deploy`, against moto (tests/deploy/moto_harness.py):
a first deploy, a second (nothing duplicated, nothing changed that should stay),
a deploy interrupted at a late AWS call then run again (exactly one of
everything), and a destroy.

The project is copied (its committed deploy files) into a temporary folder and
deployed from there, so the worktree's .chalice/deployed is never touched; the
copy's files are hashed before and after: no deploy step may rewrite one.
Chalice's dependency package is cached in the worktree's .chalice/deployments.

`make deploy-simulation` (DEPLOY_SIMULATION=every-call) interrupts the first
deploy at each AWS call in turn instead of one late call. Both rehearse a PITR
restore of the cases table (docs/runbook.md) before the destroy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGE = "dev"
# The committed files a deploy reads.
PROJECT_FILES = ["app.py", "requirements.txt", "chalicelib", "infra", ".chalice/config.json"]
# The late call `make test` interrupts at: Chalice's last step, CreateDeployment
# (the API's stage), after the REST API, every function and the stream mapping
# exist but before Chalice writes down any of them.
LATE_CALL = ("apigateway:CreateDeployment", 1)

pytestmark = pytest.mark.deploy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    from tests.deploy import moto_harness

    moto_harness.install()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("clone")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for policy in (ROOT / ".chalice").glob("policy-*.json"):
        shutil.copy2(policy, copy / ".chalice" / policy.name)
    cache = ROOT / ".chalice" / "deployments"
    cache.mkdir(parents=True, exist_ok=True)
    (copy / ".chalice" / "deployments").symlink_to(cache)
    return copy


def _aws_env(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="eu-west-2", AWS_REGION="eu-west-2", AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled")
    return env


def _run(project: Path, endpoint: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=project, env=_aws_env(endpoint), capture_output=True, text=True,
                            timeout=300, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def make_infra(project: Path, endpoint: str) -> None:
    _run(project, endpoint, sys.executable, "-m", "infra.deploy", "infra", STAGE)


def reconcile(project: Path, endpoint: str) -> None:
    _run(project, endpoint, sys.executable, "-m", "infra.deploy", "reconcile", STAGE)


def chalice_deploy(project: Path, endpoint: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    chalice = str(Path(sys.executable).parent / "chalice")
    return _run(project, endpoint, chalice, "deploy", "--stage", STAGE, check=check)


def destroy(project: Path, endpoint: str) -> None:
    _run(project, endpoint, sys.executable, "-m", "infra.deploy", "destroy", STAGE)


def _fingerprint(project: Path) -> dict[str, str]:
    files = [p for p in project.rglob("*") if p.is_file() and ".chalice/deployed" not in p.as_posix()
             and ".chalice/deployments" not in p.as_posix() and "__pycache__" not in p.parts]
    return {str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _reset(endpoint: str, project: Path) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()
    shutil.rmtree(project / ".chalice" / "deployed", ignore_errors=True)


def counts(endpoint: str) -> dict[str, Any]:
    import boto3

    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-2")

    def client(name: str) -> Any:
        return session.client(name, endpoint_url=endpoint)

    lambda_, apigateway, sns = client("lambda"), client("apigateway"), client("sns")
    functions = [f["FunctionName"] for f in lambda_.list_functions()["Functions"]]
    apis = apigateway.get_rest_apis()["items"]
    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    topic = next((t for t in topics if t.endswith(":tmc-dev-email-events")), None)
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] if topic else []
    mappings = lambda_.list_event_source_mappings()["EventSourceMappings"]
    return {
        "functions": sorted(functions),
        "apis": [a["id"] for a in apis],
        "gateway_responses": sorted(r["responseType"] for a in apis
                                    for r in apigateway.get_gateway_responses(restApiId=a["id"])["items"]),
        "mappings": mappings,
        "subscriptions": [s for s in subscriptions if s["Protocol"] == "lambda"],
        "rules": sorted(r["Name"] for r in client("events").list_rules()["Rules"]),
        "roles": sorted(r["RoleName"] for r in client("iam").list_roles()["Roles"]
                        if r["RoleName"].startswith("track-my-crime-dev-") and "-data-" not in r["RoleName"]),
        "invoke_configs": sorted(f for f in functions if _has_invoke_config(lambda_, f)),
        "reserved": {f: lambda_.get_function_concurrency(FunctionName=f).get("ReservedConcurrentExecutions")
                     for f in functions},
        "stage_throttling": [s.get("methodSettings", {}).get("*/*", {}).get("throttlingRateLimit")
                             for a in apis for s in apigateway.get_stages(restApiId=a["id"])["item"]],
        "access_logs": [bool(s.get("accessLogSettings", {}).get("destinationArn"))
                        for a in apis for s in apigateway.get_stages(restApiId=a["id"])["item"]],
    }


def _has_invoke_config(lambda_: Any, function: str) -> bool:
    try:
        config = lambda_.get_function_event_invoke_config(FunctionName=function)
    except lambda_.exceptions.ResourceNotFoundException:
        return False
    return bool(config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"))


FUNCTIONS = sorted(f"track-my-crime-dev{suffix}" for suffix in
                   ("", "-officer_token", "-send_emails", "-retry_emails", "-retry_erasures", "-email_events"))


def assert_one_of_everything(found: dict[str, Any]) -> None:
    assert found["functions"] == FUNCTIONS
    assert len(found["apis"]) == 1, found["apis"]
    (mapping,) = found["mappings"]
    assert mapping["FunctionArn"].endswith(":function:track-my-crime-dev-send_emails")
    assert len(found["subscriptions"]) == 1
    assert found["rules"] == ["track-my-crime-dev-retry_emails-event", "track-my-crime-dev-retry_erasures-event"]
    assert len(found["roles"]) == 6


def assert_safety_net(found: dict[str, Any]) -> None:
    (mapping,) = found["mappings"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == 5
    assert mapping["MaximumRecordAgeInSeconds"] == 21600
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"].endswith(":track-my-crime-dev-failed-events")
    assert found["invoke_configs"] == ["track-my-crime-dev-email_events", "track-my-crime-dev-retry_emails",
                                       "track-my-crime-dev-retry_erasures"]
    assert found["reserved"]["track-my-crime-dev-retry_emails"] == 1
    assert found["reserved"]["track-my-crime-dev-retry_erasures"] == 1
    assert {"UNAUTHORIZED", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(found["gateway_responses"])
    # `make infra` after a deploy: the stage's throttling and access log, which Chalice cannot set.
    assert found["stage_throttling"] == [50.0] and found["access_logs"] == [True]


@pytest.fixture(scope="module")
def first_deploy(moto_endpoint: str, project: Path) -> dict[str, Any]:
    from tests.deploy.moto_harness import INTERRUPTION

    before = _fingerprint(project)
    make_infra(project, moto_endpoint)
    INTERRUPTION.reset()
    chalice_deploy(project, moto_endpoint)
    _record_calls(list(INTERRUPTION.calls))
    make_infra(project, moto_endpoint)  # after a first deploy: the safety net on what it made
    assert _fingerprint(project) == before, "a deploy step rewrote a committed file"
    return counts(moto_endpoint)


def _record_calls(calls: list[str]) -> None:
    """For `make deploy-simulation`, which interrupts at each of them."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "deploy-calls.txt").write_text("\n".join(calls) + "\n")
    # The late call comes after the stream mapping and the API exist.
    assert calls.index(LATE_CALL[0]) > calls.index("lambda:CreateEventSourceMapping")
    assert calls.index(LATE_CALL[0]) > calls.index("apigateway:ImportRestApi")


def test_first_deploy_makes_one_of_everything_with_the_safety_net(first_deploy):
    assert_one_of_everything(first_deploy)
    assert_safety_net(first_deploy)


def test_a_second_deploy_duplicates_nothing_and_keeps_the_safety_net(moto_endpoint, project, first_deploy):
    before = _fingerprint(project)
    make_infra(project, moto_endpoint)
    chalice_deploy(project, moto_endpoint)
    again = counts(moto_endpoint)
    assert _fingerprint(project) == before
    assert_one_of_everything(again)
    assert again["apis"] == first_deploy["apis"]
    assert again["mappings"][0]["UUID"] == first_deploy["mappings"][0]["UUID"]
    # Chalice's own update of the mapping (batch size, window) leaves the rest.
    assert_safety_net(again)


def test_a_deploy_from_a_fresh_clone_updates_what_exists(moto_endpoint, project, first_deploy):
    shutil.rmtree(project / ".chalice" / "deployed")  # a fresh clone has no record of the deploy
    make_infra(project, moto_endpoint)
    chalice_deploy(project, moto_endpoint)
    again = counts(moto_endpoint)
    assert_one_of_everything(again)
    assert again["apis"] == first_deploy["apis"]


def interrupted_then_rerun(endpoint: str, project: Path, call: str, occurrence: int) -> dict[str, Any]:
    """A fresh account; `make infra`; `chalice deploy` stopped at the call; then
    `make infra` and `chalice deploy` again. (Without the `make infra` between,
    the second deploy sends a second CreateEventSourceMapping, which the
    harness, as AWS, refuses: ResourceConflictException.)"""
    from tests.deploy.moto_harness import INTERRUPTION

    _reset(endpoint, project)
    make_infra(project, endpoint)
    INTERRUPTION.reset(call, occurrence)
    try:
        failed = chalice_deploy(project, endpoint, check=False)
    finally:
        INTERRUPTION.reset()
    assert failed.returncode != 0, f"the deploy did not reach {call} #{occurrence}"
    assert "DeployInterrupted" in failed.stdout + failed.stderr
    make_infra(project, endpoint)  # Chalice's record from what exists; the safety net on it
    chalice_deploy(project, endpoint)
    reconcile(project, endpoint)  # as `make deploy` does: the net on a mapping this deploy created
    return counts(endpoint)


def _interruption_points() -> list[tuple[str, int]]:
    if os.environ.get("DEPLOY_SIMULATION") != "every-call":
        return [LATE_CALL]
    return [(call, occurrence) for call, occurrence in _calls_of_a_first_deploy()]


def _calls_of_a_first_deploy() -> list[tuple[str, int]]:
    """Every AWS call a first `chalice deploy` makes, numbered per operation
    (recorded on a deploy of its own, in its own moto)."""
    points: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for call in _recorded_first_deploy():
        if call.split(":")[1].startswith(("Get", "List", "Describe")):
            continue  # interrupting a read leaves nothing behind
        seen[call] = seen.get(call, 0) + 1
        points.append((call, seen[call]))
    return points


def _recorded_first_deploy() -> list[str]:
    recorded = ROOT / "test-artifacts" / "deploy-calls.txt"
    if not recorded.exists():  # `make deploy-simulation` runs the bounded variant first, which records them
        return [LATE_CALL[0]]
    return recorded.read_text().split()


def _record_outcome(call: str, occurrence: int, found: dict[str, Any]) -> None:
    """One line per interruption point, for docs/deploy.md's table: what exists after the re-run."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with (ROOT / "test-artifacts" / "deploy-simulation.txt").open("a") as out:
        out.write(f"{call} #{occurrence}: mappings={len(found['mappings'])} apis={len(found['apis'])} "
                  f"subscriptions={len(found['subscriptions'])} functions={len(found['functions'])}\n")


@pytest.mark.parametrize(("call", "occurrence"), _interruption_points())
def test_a_deploy_interrupted_then_run_again_converges_to_one_of_everything(moto_endpoint, project, first_deploy,
                                                                            call, occurrence):
    found = interrupted_then_rerun(moto_endpoint, project, call, occurrence)
    _record_outcome(call, occurrence, found)
    assert_one_of_everything(found)
    assert_safety_net(found)


RESTORED = "tmc-dev-cases-r1"


def _point_the_copy_at(project: Path, table: str) -> None:
    """docs/runbook.md, PITR step 3, on the project copy: CASES_TABLE names the
    restored table, and each policy grants on it beside the original."""
    config_path = project / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"][STAGE]["environment_variables"]["CASES_TABLE"] = table
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    original = f"table/tmc-{STAGE}-cases"
    for path in (project / ".chalice").glob(f"policy-{STAGE}-*.json"):
        policy = json.loads(path.read_text())
        for statement in policy["Statement"]:
            resources = statement.get("Resource")
            if not isinstance(resources, list):
                continue
            statement["Resource"] = [*resources, *(r.replace(original, f"table/{table}") for r in resources
                                                   if f"{original}/" in r or r.endswith(original))]
        path.write_text(json.dumps(policy, indent=2) + "\n")


# About 10 s on an idle machine (two `make infra`, one `chalice deploy`).
def test_a_pitr_restore_is_reattached_by_make_infra_and_chalice_deploy(moto_endpoint, project, first_deploy):
    """docs/runbook.md, "Restoring a table from point-in-time recovery", steps
    1 to 4 on the deployed stage. moto restores every item (it ignores the
    restore time) and, as AWS documents for RestoreTableToPointInTime, gives the
    new table no stream, TTL or PITR settings (nor deletion protection)."""
    import boto3

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-2")
    dynamodb = session.client("dynamodb", endpoint_url=moto_endpoint)
    lambda_ = session.client("lambda", endpoint_url=moto_endpoint)
    item = {"pk": {"S": "CASE#pitr-rehearsal"}, "sk": {"S": "CASE"}, "crime_number": {"S": "PITR/1"}}
    dynamodb.put_item(TableName=f"tmc-{STAGE}-cases", Item=item)
    old_stream = dynamodb.describe_table(TableName=f"tmc-{STAGE}-cases")["Table"]["LatestStreamArn"]
    saved = {p: p.read_bytes() for p in (project / ".chalice").glob("*.json")}
    try:
        # 1. The restore, to a new name.
        dynamodb.restore_table_to_point_in_time(
            SourceTableName=f"tmc-{STAGE}-cases", TargetTableName=RESTORED, UseLatestRestorableTime=True,
            SSESpecificationOverride={"Enabled": True, "SSEType": "KMS",
                                      "KMSMasterKeyId": f"alias/track-my-crime-{STAGE}"})
        restored = dynamodb.describe_table(TableName=RESTORED)["Table"]
        assert "LatestStreamArn" not in restored and not restored.get("DeletionProtectionEnabled")
        assert dynamodb.describe_time_to_live(TableName=RESTORED)["TimeToLiveDescription"]["TimeToLiveStatus"] \
            == "DISABLED"
        assert dynamodb.describe_continuous_backups(TableName=RESTORED)["ContinuousBackupsDescription"][
            "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
        # 2. What a restore drops, put back.
        dynamodb.update_time_to_live(TableName=RESTORED,
                                     TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
        dynamodb.update_continuous_backups(TableName=RESTORED, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
        dynamodb.update_table(TableName=RESTORED, DeletionProtectionEnabled=True)
        dynamodb.update_table(TableName=RESTORED,
                              StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        restored = dynamodb.describe_table(TableName=RESTORED)["Table"]
        new_stream = restored["LatestStreamArn"]
        assert new_stream != old_stream and restored["DeletionProtectionEnabled"] is True
        # 3. The app pointed at it.
        _point_the_copy_at(project, RESTORED)
        # 4. make infra (Chalice's record: the old mapping superseded), chalice deploy, make infra.
        make_infra(project, moto_endpoint)
        chalice_deploy(project, moto_endpoint)
        after_deploy = counts(moto_endpoint)
        assert [m["EventSourceArn"] for m in after_deploy["mappings"]] == [new_stream]  # the old one swept
        make_infra(project, moto_endpoint)
        found = counts(moto_endpoint)
    finally:
        for path, text in saved.items():
            path.write_bytes(text)
    assert_one_of_everything(found)
    assert_safety_net(found)  # on the new mapping: bisect, retries, age, on-failure destination
    (mapping,) = found["mappings"]
    assert mapping["EventSourceArn"] == new_stream
    assert dynamodb.get_item(TableName=RESTORED, Key={k: item[k] for k in ("pk", "sk")})["Item"] == item
    for function in found["functions"]:
        environment = lambda_.get_function_configuration(FunctionName=function)["Environment"]["Variables"]
        assert environment["CASES_TABLE"] == RESTORED
    role_policy = session.client("iam", endpoint_url=moto_endpoint).get_role_policy(
        RoleName=f"track-my-crime-{STAGE}-send_emails", PolicyName=f"track-my-crime-{STAGE}-send_emails")
    assert f"table/{RESTORED}/stream/*" in json.dumps(role_policy["PolicyDocument"])


def test_destroy_removes_the_app_and_keeps_the_data(moto_endpoint, project, first_deploy):
    import boto3

    destroy(project, moto_endpoint)
    found = counts(moto_endpoint)
    assert found["functions"] == [] and found["apis"] == [] and found["mappings"] == []
    assert found["subscriptions"] == [] and found["rules"] == [] and found["roles"] == []
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="eu-west-2",
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    assert "tmc-dev-cases" in dynamodb.list_tables()["TableNames"]
