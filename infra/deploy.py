"""The fiddly steps of `make deploy` / `make destroy`, one subcommand each.

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
                    site_domain: str = "", certificate_arn: str = "", web_acl_arn: str = "") -> list[str]:
    """The edge stack's parameters. The origin secret's version id is passed so
    that a rotated secret changes the template's parameters, and CloudFormation
    resolves the header's value again."""
    if stage == "prod" and not (site_domain and certificate_arn):
        sys.exit(PROD_NEEDS_OWN_NAME)
    parameters = [f"Stage={stage}", f"ApiDomainName={api_domain}",
                  f"OriginVerifySecretArn={origin_secret_arn}", f"OriginVerifySecretVersion={origin_secret_version}"]
    for name, value in (("SiteDomainName", site_domain), ("CertificateArn", certificate_arn),
                        ("WebAclArn", web_acl_arn)):
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

    data = stack_outputs(data_stack(args.stage))
    api_id = rest_api_id(args.stage)
    apigateway = boto("apigateway")
    if not apigateway.get_account().get("cloudwatchRoleArn"):
        apigateway.update_account(patchOperations=[
            {"op": "replace", "path": "/cloudwatchRoleArn", "value": data["ApiGatewayLogsRoleArn"]}])
        log("API Gateway's logging role set for this account and region")
    for response in gateway_responses(SECURITY_HEADERS):
        apigateway.put_gateway_response(restApiId=api_id, **response)
    apigateway.create_deployment(restApiId=api_id, stageName=API_STAGE,
                                 description="gateway responses (make deploy)")
    # Stage settings apply at once, without a deployment.
    apigateway.update_stage(restApiId=api_id, stageName=API_STAGE,
                            patchOperations=stage_patches(args.rate, args.burst, data["ApiAccessLogGroupArn"]))
    log(f"API {api_id}: throttled at {args.rate}/s (burst {args.burst}); gateway responses carry the headers; "
        f"access log {data['ApiAccessLogGroupArn']}")


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
                                 args.certificate_arn, args.web_acl_arn)
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
    if (CHALICE_DIR / "deployed" / f"{args.stage}.json").exists():
        run("chalice", "delete", "--stage", args.stage)
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
    run("aws", "cloudformation", "delete-stack", "--stack-name", data_stack(args.stage))
    run("aws", "cloudformation", "wait", "stack-delete-complete", "--stack-name", data_stack(args.stage))
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

    sub = command("data", cmd_data)
    sub.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL", ""))
    sub.add_argument("--hosted-zone-id", default=os.environ.get("HOSTED_ZONE_ID", ""))
    sub.add_argument("--alert-sender", default=os.environ.get("ALERT_SENDER_FUNCTION", ""))
    command("secret", cmd_secret)
    sub = command("api", cmd_api)
    sub.add_argument("--rate", type=float, default=float(os.environ.get("THROTTLE_RATE", "50")))
    sub.add_argument("--burst", type=int, default=int(os.environ.get("THROTTLE_BURST", "100")))
    sub = command("edge", cmd_edge)
    sub.add_argument("--site-domain", default=os.environ.get("SITE_DOMAIN", ""))
    sub.add_argument("--certificate-arn", default=os.environ.get("CERTIFICATE_ARN", ""))
    sub.add_argument("--web-acl-arn", default=os.environ.get("WEB_ACL_ARN", ""))
    command("upload", cmd_upload)
    command("rotate-origin-secret", cmd_rotate_origin_secret)
    sub = command("destroy", cmd_destroy)
    sub.add_argument("--delete-data", action="store_true")
    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
