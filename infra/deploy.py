"""The fiddly steps of `make deploy` / `make destroy`, one subcommand each.

    python -m infra.deploy infra STAGE       # `make infra`: data stack, token secret, reconcile
    python -m infra.deploy reconcile STAGE   # Chalice's record from what exists; the safety net
    python -m infra.deploy data STAGE        # aws cloudformation deploy infra/data.yaml
    python -m infra.deploy secret STAGE      # the token secret, a SecureString, made once
    python -m infra.deploy api STAGE         # API Gateway throttling and gateway responses
    python -m infra.deploy edge STAGE        # aws cloudformation deploy infra/edge.yaml
    python -m infra.deploy upload STAGE      # site/dist -> S3, then a CloudFront invalidation
    python -m infra.deploy rotate-origin-secret STAGE   # a new X-Origin-Verify value (then: edge)
    python -m infra.deploy destroy STAGE [--delete-data]

Every AWS change goes through the AWS CLI or boto3 with the caller's own
credentials; nothing here stores them, and nothing here writes a committed file
(.chalice/config.json and the policies name no account, region or stream: the
app reads the stream's ARN when `chalice deploy` imports it). The pure
functions (`gateway_responses`, `stage_patches`...) are tested offline in tests/infra.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chalicelib.web.gateway import gateway_responses

ROOT = Path(__file__).resolve().parent.parent
CHALICE_DIR = ROOT / ".chalice"
APP = "track-my-crime"
API_STAGE = "api"

def data_stack(stage: str) -> str:
    return f"{APP}-{stage}-data"


def edge_stack(stage: str) -> str:
    return f"{APP}-{stage}-edge"


def log(message: str) -> None:
    print(f"[deploy] {message}", flush=True)


# -- pure: what the post-deploy step applies ----------------------------------------------


# API Gateway's access log line ($context variables). The route template, never
# the path (it can hold a crime number); no header, no query string, no body.
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "time": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "method": "$context.httpMethod",
    "route": "$context.resourcePath",
    "status": "$context.status",
    "bytes": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationStatus": "$context.integration.status",
    "error": "$context.error.responseType",
    "principal": "$context.authorizer.principalId",
}, separators=(",", ":"))


def stage_patches(rate: float, burst: int, access_log_arn: str) -> list[dict[str, str]]:
    """update_stage patch operations: throttling and the access log."""
    return [
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(rate)},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(burst)},
        {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": access_log_arn},
        {"op": "replace", "path": "/accessLogSettings/format", "value": ACCESS_LOG_FORMAT},
    ]


PROD_NEEDS_OWN_NAME = ("prod needs SITE_DOMAIN and CERTIFICATE_ARN: on its own cloudfront.net name "
                      "CloudFront accepts TLS 1.0 and 1.1 (docs/deploy.md, the site's own name)")


def current_version(described: Mapping[str, Any]) -> str:
    """The version id of a secret's AWSCURRENT value (from DescribeSecret)."""
    for version, stages in described.get("VersionIdsToStages", {}).items():
        if "AWSCURRENT" in stages:
            return str(version)
    sys.exit(f"secret {described.get('Name')} has no current value")


def edge_parameters(stage: str, api_domain: str, origin_secret_arn: str, origin_secret_version: str,
                    site_domain: str = "", certificate_arn: str = "", web_acl_arn: str = "",
                    identity_provider_origin: str = "") -> list[str]:
    """The edge stack's parameters. The origin secret's version id is passed so
    that a rotated secret changes the template's parameters, and CloudFormation
    resolves the header's value again."""
    if stage == "prod" and not (site_domain and certificate_arn):
        sys.exit(PROD_NEEDS_OWN_NAME)
    parameters = [f"Stage={stage}", f"ApiDomainName={api_domain}",
                  f"OriginVerifySecretArn={origin_secret_arn}", f"OriginVerifySecretVersion={origin_secret_version}"]
    for name, value in (("SiteDomainName", site_domain), ("CertificateArn", certificate_arn),
                        ("WebAclArn", web_acl_arn), ("IdentityProviderOrigin", identity_provider_origin)):
        if value:
            parameters.append(f"{name}={value}")
    return parameters


# -- helpers over the CLI and boto3 ----------------------------------------------------


def run(*args: str) -> None:
    executable = shutil.which(args[0])
    if executable is None:
        sys.exit(f"{args[0]} is not installed (see docs/deploy.md, prerequisites)")
    log(" ".join(args))
    subprocess.run([executable, *args[1:]], check=True, cwd=ROOT)  # noqa: S603 - fixed commands, no shell


def _chalice() -> str:
    """The Chalice beside this interpreter (the project's .venv), else on PATH."""
    beside = Path(sys.executable).parent / "chalice"
    return str(beside) if beside.exists() else "chalice"


def boto(service: str) -> Any:
    import boto3

    return boto3.client(service)


def region() -> str:
    import boto3

    name = boto3.session.Session().region_name
    if not name:
        sys.exit("set AWS_REGION (or AWS_DEFAULT_REGION), e.g. eu-west-2")
    return name


def stack_outputs(stack: str) -> dict[str, str]:
    from botocore.exceptions import ClientError

    try:
        described = boto("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError:
        return {}
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def read_config() -> dict[str, Any]:
    return json.loads((CHALICE_DIR / "config.json").read_text())


def write_json(path: Path, document: Mapping[str, Any]) -> bool:
    text = json.dumps(document, indent=2) + "\n"
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def rest_api_id(stage: str) -> str:
    deployed = CHALICE_DIR / "deployed" / f"{stage}.json"
    if not deployed.exists():
        sys.exit(f"{deployed} is missing: run `chalice deploy --stage {stage}` first")
    for resource in json.loads(deployed.read_text())["resources"]:
        if resource.get("resource_type") == "rest_api":
            return resource["rest_api_id"]
    sys.exit(f"no REST API in {deployed}")


# -- subcommands -------------------------------------------------------------------------


# -- make infra: the stack, the secret, and the reconcile step ----------------------------

# What the safety net sets on the cases-stream mapping (Chalice cannot): a
# failing batch is split to find the bad record, retried a bounded number of
# times, given up after a day (before the stream's 24 hours drop it), and
# parked in the failed-events queue rather than lost.
STREAM_MAPPING_SAFETY = {
    "BisectBatchOnFunctionError": True,
    "MaximumRetryAttempts": 5,
    "MaximumRecordAgeInSeconds": 21600,
}
# Functions invoked asynchronously (SNS, EventBridge schedules): two retries,
# then the event goes to the failed-events queue.
ASYNC_FUNCTIONS = ("email_events", "retry_emails", "retry_erasures")
ASYNC_RETRIES = 2
STREAM_FUNCTION = "send_emails"
BOUNCE_FUNCTION = "email_events"


def function_name(stage: str, name: str) -> str:
    """Chalice's naming: the API handler is the bare app-stage name."""
    return f"{APP}-{stage}" if name == "api_handler" else f"{APP}-{stage}-{name}"


def deploy_stack(stack: str, template: Path, parameters: Mapping[str, str], tags: Mapping[str, str]) -> None:
    """Create or update a stack and wait: no change is not an error (as
    `aws cloudformation deploy --no-fail-on-empty-changeset`)."""
    from botocore.exceptions import ClientError

    cloudformation = boto("cloudformation")
    arguments: dict[str, Any] = {
        "StackName": stack, "TemplateBody": template.read_text(),
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        "Capabilities": ["CAPABILITY_IAM"], "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }
    try:
        status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except ClientError:
        status = None
    if status == "ROLLBACK_COMPLETE":  # a failed first creation cannot be updated, only replaced
        cloudformation.delete_stack(StackName=stack)
        cloudformation.get_waiter("stack_delete_complete").wait(StackName=stack)
        status = None
    try:
        if status is None:
            log(f"creating stack {stack}")
            cloudformation.create_stack(**arguments, EnableTerminationProtection=True)
            cloudformation.get_waiter("stack_create_complete").wait(StackName=stack)
        else:
            log(f"updating stack {stack}")
            cloudformation.update_stack(**arguments)
            cloudformation.get_waiter("stack_update_complete").wait(StackName=stack)
    except ClientError as exc:
        if "No updates are to be performed" not in str(exc):
            raise
        log(f"stack {stack}: no changes")


def cmd_infra(args: argparse.Namespace) -> None:
    """`make infra STAGE=...`: everything `chalice deploy` needs and does not
    make, then the reconcile step (which does nothing before a first deploy).
    Safe to run again at any time."""
    env = read_config()["stages"][args.stage]["environment_variables"]
    parameters = {"Stage": args.stage, "MailDomain": env["MAIL_FROM"].rpartition("@")[2]}
    for name, value in (("AlarmEmail", args.alarm_email), ("HostedZoneId", args.hosted_zone_id)):
        if value:
            parameters[name] = value
    deploy_stack(data_stack(args.stage), ROOT / "infra" / "data.yaml", parameters,
                 {"app": APP, "stage": args.stage})
    cmd_secret(args)
    cmd_reconcile(args)


def cmd_reconcile(args: argparse.Namespace) -> None:
    """Before and after `chalice deploy`, idempotent: Chalice's record of the
    stage made whole from what exists (so a re-run after a failed deploy, or a
    deploy from a fresh clone, updates instead of creating twice), then the
    safety net on whatever functions exist."""
    recovered = recover(args.stage)
    safety_net(args.stage)
    api = next((r["rest_api_id"] for r in recovered if r["name"] == "rest_api"), None)
    if api and boto("apigateway").get_stages(restApiId=api).get("item"):
        stage_settings(args.stage, api, args.rate, args.burst)


# -- Chalice's record of what it deployed -------------------------------------------------

def _deployed_path(stage: str) -> Path:
    return CHALICE_DIR / "deployed" / f"{stage}.json"


def _read_deployed(stage: str) -> dict[str, Any]:
    path = _deployed_path(stage)
    if path.exists():
        return dict(json.loads(path.read_text()))
    return {"resources": [], "schema_version": "2.0", "backend": "api"}


def merge_resources(recorded: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chalice's record with each found resource in place of the recorded one
    of the same name (or added): what exists wins over what was written."""
    by_name = {r["name"]: r for r in found}
    merged = [by_name.pop(r["name"], r) for r in recorded]
    return merged + list(by_name.values())


# A stream mapping of the alert sender to a stream that is no longer the cases
# table's (after a PITR restore, CASES_TABLE names the restored table) is
# recorded under this prefix: a name the app does not have, so the next
# `chalice deploy` removes it (its sweep, at the end, after the functions use
# the new table), while the mapping of the app's own name is created on the new
# stream. Chalice itself would update the old mapping for ever: its record
# check compares the recorded stream with the mapping, never with the app's.
SUPERSEDED_MAPPING = f"{STREAM_FUNCTION}-superseded-dynamodb-event-source-"


def without_stale_mappings(recorded: list[dict[str, Any]], found: list[dict[str, Any]],
                           stream_arn: str | None) -> list[dict[str, Any]]:
    """Chalice's record without the stream mappings that are not as recorded:
    a superseded one that no longer exists, and the app's own one when it is
    on another stream than the cases table's (`found` has it as superseded)."""
    found_names = {r["name"] for r in found}

    def stale(resource: dict[str, Any]) -> bool:
        if resource.get("resource_type") != "dynamodb_event" or resource["name"] in found_names:
            return False
        return resource["name"].startswith(SUPERSEDED_MAPPING) or \
            (stream_arn is not None and resource.get("stream_arn") != stream_arn)

    return [r for r in recorded if not stale(r)]


def recover(stage: str) -> list[dict[str, Any]]:
    """Chalice writes .chalice/deployed/STAGE.json only when a whole deploy
    succeeds (aws/chalice#2146), and it is not committed: after a failed
    deploy, or in a fresh clone, it misses what exists, and the next deploy
    creates a second REST API, a second stream mapping (AWS refuses it:
    ResourceConflictException) or subscription. This finds, for the three
    resources Chalice only knows from its record, the one that exists, writes
    it into the record, and deletes any orphan REST API of this stage."""
    found = [*_found_rest_api(stage), *_found_stream_mapping(stage), *_found_subscription(stage)]
    if not found:
        log(f"{stage}: nothing deployed yet; Chalice's record left as it is")
        return []
    deployed = _read_deployed(stage)
    merged = merge_resources(without_stale_mappings(deployed["resources"], found, _cases_stream_arn(stage)), found)
    if merged != deployed["resources"]:
        path = _deployed_path(stage)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json(path, {**deployed, "resources": merged})
        log(f"{path.relative_to(ROOT)}: recorded {', '.join(r['name'] for r in found)} as they exist")
    else:
        log(f"{stage}: Chalice's record matches what exists")
    return found


def _stage_apis(stage: str) -> list[dict[str, Any]]:
    """This stage's REST APIs: named after the app, integrated with this stage's API function."""
    apigateway = boto("apigateway")
    marker = f":function:{function_name(stage, 'api_handler')}/"
    apis = []
    for page in apigateway.get_paginator("get_rest_apis").paginate():
        for api in page["items"]:
            if api.get("name") != APP:
                continue
            uris = []
            for resource in apigateway.get_resources(restApiId=api["id"])["items"]:
                for method in resource.get("resourceMethods", {}):
                    try:
                        uris.append(apigateway.get_integration(restApiId=api["id"], resourceId=resource["id"],
                                                               httpMethod=method).get("uri", ""))
                    except apigateway.exceptions.NotFoundException:
                        continue
            if any(marker in uri for uri in uris):
                apis.append(api)
    return apis


def _found_rest_api(stage: str) -> list[dict[str, Any]]:
    apis = _stage_apis(stage)
    if not apis:
        return []
    recorded = {r.get("rest_api_id") for r in _read_deployed(stage)["resources"] if r["name"] == "rest_api"}
    served = stack_outputs(edge_stack(stage)).get("ApiDomainName", "").split(".")[0]

    def rank(api: dict[str, Any]) -> tuple[bool, bool, bool, Any]:
        has_stage = bool(boto("apigateway").get_stages(restApiId=api["id"]).get("item"))
        return (api["id"] == served, api["id"] in recorded, has_stage, api.get("createdDate"))

    keep, *orphans = sorted(apis, key=rank, reverse=True)
    for orphan in orphans:
        boto("apigateway").delete_rest_api(restApiId=orphan["id"])
        log(f"deleted orphan REST API {orphan['id']} (left by an interrupted deploy)")
    api_region = region()
    return [{"name": "rest_api", "resource_type": "rest_api", "rest_api_id": keep["id"],
             "rest_api_url": f"https://{keep['id']}.execute-api.{api_region}.amazonaws.com/{API_STAGE}/"}]


def _function_arn(name: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        return str(boto("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"])
    except ClientError:
        return None


def _stream_mappings(stage: str) -> list[dict[str, Any]]:
    name = function_name(stage, STREAM_FUNCTION)
    if _function_arn(name) is None:
        return []
    pages = boto("lambda").get_paginator("list_event_source_mappings").paginate(FunctionName=name)
    return [m for page in pages for m in page["EventSourceMappings"] if ":dynamodb:" in m["EventSourceArn"]]


def _cases_stream_arn(stage: str) -> str | None:
    from botocore.exceptions import ClientError

    table = read_config()["stages"][stage]["environment_variables"]["CASES_TABLE"]
    try:
        return boto("dynamodb").describe_table(TableName=table)["Table"].get("LatestStreamArn")
    except ClientError:
        return None


def _found_stream_mapping(stage: str) -> list[dict[str, Any]]:
    """The alert sender's mapping to the cases table's stream, and any to
    another stream (a table replaced by a restore) as superseded."""
    stream = _cases_stream_arn(stage)
    found = []
    for mapping in _stream_mappings(stage):  # AWS allows one per function and stream
        if mapping["EventSourceArn"] == stream:
            name = f"{STREAM_FUNCTION}-dynamodb-event-source"
        elif stream is not None:
            name = SUPERSEDED_MAPPING + mapping["UUID"]
            log(f"stream mapping {mapping['UUID']} reads {mapping['EventSourceArn']}, not the cases table's: "
                "the next chalice deploy removes it")
        else:
            continue
        found.append({"name": name, "resource_type": "dynamodb_event", "stream_arn": mapping["EventSourceArn"],
                      "event_uuid": mapping["UUID"], "lambda_arn": mapping["FunctionArn"]})
    return found


def _found_subscription(stage: str) -> list[dict[str, Any]]:
    lambda_arn = _function_arn(function_name(stage, BOUNCE_FUNCTION))
    topic_arn = stack_outputs(data_stack(stage)).get("MailEventsTopicArn")
    if lambda_arn is None or not topic_arn:
        return []
    sns = boto("sns")
    subscriptions = [s for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
                     for s in page["Subscriptions"] if s["Endpoint"] == lambda_arn]
    if not subscriptions:
        return []
    topic = read_config()["stages"][stage]["environment_variables"].get("EMAIL_EVENTS_TOPIC") \
        or f"tmc-{stage}-email-events"
    return [{"name": f"{BOUNCE_FUNCTION}-sns-subscription", "resource_type": "sns_event", "topic": topic,
             "lambda_arn": lambda_arn, "subscription_arn": subscriptions[0]["SubscriptionArn"],
             "topic_arn": topic_arn}]


# -- the safety net -------------------------------------------------------------------------

def safety_net(stage: str) -> None:
    """What Chalice cannot configure, set on whatever exists (a later
    `chalice deploy` keeps it: it updates a mapping's batch size and window
    only, and never touches event-invoke configs)."""
    queue = stack_outputs(data_stack(stage)).get("FailedEventsQueueArn")
    if not queue:
        sys.exit(f"no FailedEventsQueueArn from {data_stack(stage)}: run `make infra STAGE={stage}`")
    lambda_ = boto("lambda")
    for mapping in _stream_mappings(stage):
        lambda_.update_event_source_mapping(UUID=mapping["UUID"], **STREAM_MAPPING_SAFETY,
                                            DestinationConfig={"OnFailure": {"Destination": queue}})
        log(f"stream mapping {mapping['UUID']}: bisect on error, {STREAM_MAPPING_SAFETY['MaximumRetryAttempts']} "
            f"retries, records at most {STREAM_MAPPING_SAFETY['MaximumRecordAgeInSeconds']}s old, failures to {queue}")
    for name in ASYNC_FUNCTIONS:
        function = function_name(stage, name)
        if _function_arn(function) is None:
            continue
        lambda_.put_function_event_invoke_config(
            FunctionName=function, MaximumRetryAttempts=ASYNC_RETRIES,
            DestinationConfig={"OnFailure": {"Destination": queue}})
        log(f"{function}: {ASYNC_RETRIES} retries, then its event goes to {queue}")


def cmd_data(args: argparse.Namespace) -> None:
    env = read_config()["stages"][args.stage]["environment_variables"]
    parameters = [f"Stage={args.stage}", f"MailDomain={env['MAIL_FROM'].rpartition('@')[2]}"]
    for name, value in (("AlarmEmail", args.alarm_email), ("HostedZoneId", args.hosted_zone_id),
                        ("AlertSenderFunction", args.alert_sender)):
        if value:
            parameters.append(f"{name}={value}")
    run("aws", "cloudformation", "deploy", "--template-file", "infra/data.yaml",
        "--stack-name", data_stack(args.stage), "--no-fail-on-empty-changeset",
        "--tags", f"app={APP}", f"stage={args.stage}", "--parameter-overrides", *parameters)
    log("data stack outputs: " + json.dumps(stack_outputs(data_stack(args.stage)), indent=2))


def cmd_secret(args: argparse.Namespace) -> None:
    """CloudFormation cannot create a SecureString, so this does, once: 48
    random bytes from `secrets`, encrypted with the stage key. Never replaced
    here (a new value would spoil every invitation and reset link in flight)."""
    outputs = stack_outputs(data_stack(args.stage))
    name = outputs["TokenSecretParameter"]
    ssm = boto("ssm")
    try:
        ssm.get_parameter(Name=name)
        log(f"token secret {name} exists; left as it is")
        return
    except ssm.exceptions.ParameterNotFound:
        pass
    ssm.put_parameter(Name=name, Type="SecureString", KeyId=outputs["DataKeyAlias"],
                      Value=secrets.token_urlsafe(48), Overwrite=False,
                      Description="Track My Crime: seals invitation and reset links")
    log(f"token secret {name} created")


def cmd_api(args: argparse.Namespace) -> None:
    """Chalice has no setting for these, and its deploy replaces the API
    definition (PutRestApi, mode overwrite), which drops gateway responses: so
    they are put again after every `chalice deploy`, then deployed. The access
    log needs API Gateway's account-wide logging role: this stage's is set only
    if the account has none (another one works as well)."""
    sys.path.insert(0, str(ROOT))
    from chalicelib.web.http import SECURITY_HEADERS

    api_id = rest_api_id(args.stage)
    apigateway = boto("apigateway")
    for response in gateway_responses(SECURITY_HEADERS):
        apigateway.put_gateway_response(restApiId=api_id, **response)
    apigateway.create_deployment(restApiId=api_id, stageName=API_STAGE,
                                 description="gateway responses (make deploy)")
    stage_settings(args.stage, api_id, args.rate, args.burst)
    log(f"API {api_id}: gateway responses carry the headers")


def stage_settings(stage: str, api_id: str, rate: float, burst: int) -> None:
    """The stage's throttling and access log: Chalice has no setting for either.
    They apply at once, without a deployment, and a deploy keeps them (it
    creates a deployment, not a stage). The access log needs API Gateway's
    account-wide logging role: this stage's is set only if the account has none."""
    data = stack_outputs(data_stack(stage))
    apigateway = boto("apigateway")
    if not apigateway.get_account().get("cloudwatchRoleArn"):
        apigateway.update_account(patchOperations=[
            {"op": "replace", "path": "/cloudwatchRoleArn", "value": data["ApiGatewayLogsRoleArn"]}])
        log("API Gateway's logging role set for this account and region")
    apigateway.update_stage(restApiId=api_id, stageName=API_STAGE,
                            patchOperations=stage_patches(rate, burst, data["ApiAccessLogGroupArn"]))
    log(f"API {api_id}: throttled at {rate}/s (burst {burst}); access log {data['ApiAccessLogGroupArn']}")


def _origin_secret(stage: str) -> str:
    arn = stack_outputs(data_stack(stage)).get("OriginVerifySecretArn")
    if not arn:
        sys.exit(f"no OriginVerifySecretArn from {data_stack(stage)}: run `make deploy` (data step) first")
    return arn


def cmd_edge(args: argparse.Namespace) -> None:
    api_domain = f"{rest_api_id(args.stage)}.execute-api.{region()}.amazonaws.com"
    secret_arn = _origin_secret(args.stage)
    version = current_version(boto("secretsmanager").describe_secret(SecretId=secret_arn))
    parameters = edge_parameters(args.stage, api_domain, secret_arn, version, args.site_domain,
                                 args.certificate_arn, args.web_acl_arn, args.identity_provider_origin)
    run("aws", "cloudformation", "deploy", "--template-file", "infra/edge.yaml",
        "--stack-name", edge_stack(args.stage), "--no-fail-on-empty-changeset",
        "--tags", f"app={APP}", f"stage={args.stage}", "--parameter-overrides", *parameters)


def cmd_rotate_origin_secret(args: argparse.Namespace) -> None:
    """A new value for the header CloudFront sends the API. The API accepts the
    new and the previous value (it reads them at most every 5 minutes); the
    edge step, run after that, makes CloudFront send the new one."""
    secret_arn = _origin_secret(args.stage)
    boto("secretsmanager").put_secret_value(SecretId=secret_arn, SecretString=secrets.token_urlsafe(36))
    log(f"origin secret {secret_arn} rotated: wait 5 minutes, then run the edge step "
        f"(make deploy STAGE={args.stage}, or python -m infra.deploy edge {args.stage})")


def cmd_rotate_token_secret(args: argparse.Namespace) -> None:
    """A new link-sealing secret, as a new version of the same parameter. The
    app seals with it from each container's next start, and still opens links
    sealed with the version before it until those have expired (chalicelib/config.py)."""
    outputs = stack_outputs(data_stack(args.stage))
    name = outputs["TokenSecretParameter"]
    version = boto("ssm").put_parameter(Name=name, Type="SecureString", KeyId=outputs["DataKeyAlias"],
                                        Value=secrets.token_urlsafe(48), Overwrite=True)["Version"]
    log(f"token secret {name} is now version {version}; links sealed with version {version - 1} "
        "keep opening until they expire")


def cmd_upload(args: argparse.Namespace) -> None:
    outputs = stack_outputs(edge_stack(args.stage))
    dist = ROOT / "site" / "dist"
    if not (dist / "index.html").exists():
        sys.exit("site/dist is empty: run `make site` first")
    run("aws", "s3", "sync", "site/dist", f"s3://{outputs['SiteBucketName']}", "--delete")
    run("aws", "cloudfront", "create-invalidation", "--distribution-id", outputs["DistributionId"],
        "--paths", "/*")
    log(f"site: {outputs['SiteUrl']}")


def _empty_versioned_bucket(bucket: str) -> None:
    s3 = boto("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})


def cmd_destroy(args: argparse.Namespace) -> None:
    # What a failed deploy left unrecorded is recorded first, so that
    # `chalice delete` removes it too.
    recover(args.stage)
    if (CHALICE_DIR / "deployed" / f"{args.stage}.json").exists():
        run(_chalice(), "delete", "--stage", args.stage)
    edge = stack_outputs(edge_stack(args.stage))
    if edge:
        _empty_versioned_bucket(edge["SiteBucketName"])
        run("aws", "cloudformation", "delete-stack", "--stack-name", edge_stack(args.stage))
        run("aws", "cloudformation", "wait", "stack-delete-complete", "--stack-name", edge_stack(args.stage))
    if not args.delete_data:
        log(f"kept {data_stack(args.stage)}: tables, key, token secret, logs and alarms "
            "(make destroy KEEP_DATA=false deletes them)")
        return
    data = stack_outputs(data_stack(args.stage))
    if not data:
        log(f"{data_stack(args.stage)} does not exist")
        return
    dynamodb, logs = boto("dynamodb"), boto("logs")
    for output in ("CasesTableName", "SessionsTableName", "AuditTableName"):
        table = data[output]
        dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
        dynamodb.get_waiter("table_exists").wait(TableName=table)  # ACTIVE again
        dynamodb.delete_table(TableName=table)
        log(f"table {table} deleted")
    cloudformation = boto("cloudformation")
    cloudformation.update_termination_protection(StackName=data_stack(args.stage), EnableTerminationProtection=False)
    cloudformation.delete_stack(StackName=data_stack(args.stage))
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=data_stack(args.stage))
    # Retained by the template so that deleting the stack by hand can never
    # lose data; deleted here because it was asked for.
    for page in logs.get_paginator("describe_log_groups").paginate(
            logGroupNamePrefix=f"/aws/lambda/{APP}-{args.stage}"):
        for group in page["logGroups"]:
            logs.delete_log_group(logGroupName=group["logGroupName"])
            log(f"log group {group['logGroupName']} deleted")
    ssm = boto("ssm")
    with contextlib.suppress(ssm.exceptions.ParameterNotFound):
        ssm.delete_parameter(Name=data["TokenSecretParameter"])
    boto("kms").schedule_key_deletion(KeyId=data["DataKeyArn"], PendingWindowInDays=30)
    log("key scheduled for deletion in 30 days (aws kms cancel-key-deletion undoes it)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Any) -> argparse.ArgumentParser:
        sub = commands.add_parser(name)
        sub.add_argument("stage", choices=["dev", "prod"])
        sub.set_defaults(handler=handler)
        return sub

    def throttling(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--rate", type=float, default=float(os.environ.get("THROTTLE_RATE", "50")))
        sub.add_argument("--burst", type=int, default=int(os.environ.get("THROTTLE_BURST", "100")))

    sub = command("infra", cmd_infra)
    sub.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL", ""))
    sub.add_argument("--hosted-zone-id", default=os.environ.get("HOSTED_ZONE_ID", ""))
    throttling(sub)
    throttling(command("reconcile", cmd_reconcile))
    sub = command("data", cmd_data)
    sub.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL", ""))
    sub.add_argument("--hosted-zone-id", default=os.environ.get("HOSTED_ZONE_ID", ""))
    sub.add_argument("--alert-sender", default=os.environ.get("ALERT_SENDER_FUNCTION", ""))
    command("secret", cmd_secret)
    throttling(command("api", cmd_api))
    sub = command("edge", cmd_edge)
    sub.add_argument("--site-domain", default=os.environ.get("SITE_DOMAIN", ""))
    sub.add_argument("--certificate-arn", default=os.environ.get("CERTIFICATE_ARN", ""))
    sub.add_argument("--web-acl-arn", default=os.environ.get("WEB_ACL_ARN", ""))
    # The officer console's identity provider (its CSP connect-src); Entra ID's when unset.
    sub.add_argument("--identity-provider-origin", default=os.environ.get("IDENTITY_PROVIDER_ORIGIN", ""))
    command("upload", cmd_upload)
    command("rotate-origin-secret", cmd_rotate_origin_secret)
    command("rotate-token-secret", cmd_rotate_token_secret)
    sub = command("destroy", cmd_destroy)
    sub.add_argument("--delete-data", action="store_true")
    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
