"""Least privilege, both ways: every function's policy allows exactly what its
code does.

Journeys through every function run against moto while every AWS call is
recorded. Each call becomes the IAM action and resource it needs, with the
condition keys AWS evaluates (`dynamodb:LeadingKeys` and `dynamodb:Attributes`
from the request, `ses:FromAddress`), and then:

* the function's policy, in both stages, must allow every call (a call the
  policy misses, or a condition too narrow for it, fails here, not in AWS);
* every action a policy grants must be used by some call of the functions that
  carry the policy, unless it is in `USED_OUTSIDE_THE_CODE` with its reason (a
  grant nobody uses fails here);
* the audit table's resource policy refuses none of the records the journeys put.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient

from chalicelib.core.domain import case_key
from chalicelib.storage.models import (
    CASE_SK,
    CaseItem,
    CasesTableItem,
    ContactItem,
    DeliveryItem,
    InvitationItem,
    MessageItem,
    UpdateItem,
    case_pk,
)
from tests.infra import iam
from tests.infra.support import STAGES, chalice_config, policy, resources, stage_env, stage_policy_files
from tests.support import STRONG_PASSWORD, Journey, post_json

TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                    "ConditionCheck": "ConditionCheckItem"}
TEST_SECRET_PARAMETER = "/track-my-crime/test/token-secret"

# Grants no recorded call can show, and why they are needed anyway: (Sid, action pattern).
USED_OUTSIDE_THE_CODE = {
    ("WriteOwnLogs", "logs:*"): "the Lambda runtime writes the function's logs",
    ("CasesStream", "dynamodb:*"): "the stream's event source mapping reads it with the function's role",
    ("UseStageKeyThroughServices", "kms:*"): "DynamoDB, SSM, Secrets Manager and SQS call KMS for the caller",
    ("ParkFailedEvents", "sqs:*"): "Lambda sends a given-up stream batch or event to the failed-events queue "
                                   "(the on-failure destination) with the function's role",
}

Need = tuple[str, str, str]  # (action, resource after the ARN's fifth colon, JSON of the condition keys)


# -- the recorder ----------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def take(self) -> list[tuple[str, str, dict[str, Any]]]:
        taken, self.calls = self.calls, []
        return taken


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    recorder = Recorder()
    real = BaseClient._make_api_call

    def recording(client, operation_name, api_params):
        recorder.calls.append((client.meta.service_model.service_name, operation_name, api_params))
        return real(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return recorder


# -- a call -> what it needs ---------------------------------------------------------------


def _names(params: dict[str, Any]) -> set[str]:
    return set(params.get("ExpressionAttributeNames", {}).values()) | set(params.get("AttributesToGet", []))


def _pk(attributes: dict[str, Any]) -> str:
    return attributes["pk"]["S"]


def _query_partition(params: dict[str, Any]) -> str:
    names = params["ExpressionAttributeNames"]
    for name, value in re.findall(r"(#\w+) = (:\w+)", params["KeyConditionExpression"]):
        if names[name] == "pk":
            return params["ExpressionAttributeValues"][value]["S"]
    raise AssertionError(f"no partition key in {params['KeyConditionExpression']}")


def _item_context(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The DynamoDB condition keys of one item operation. Attributes: every name
    the request carries (a superset of what AWS counts, so never too lenient)."""
    context: dict[str, Any] = {}
    if kind == "PutItem":
        context = {"dynamodb:LeadingKeys": [_pk(params["Item"])],
                   "dynamodb:Attributes": sorted(set(params["Item"]) | _names(params))}
    elif kind in ("UpdateItem", "DeleteItem", "ConditionCheckItem"):
        context = {"dynamodb:LeadingKeys": [_pk(params["Key"])],
                   "dynamodb:Attributes": sorted(set(params["Key"]) | _names(params))}
    elif kind == "GetItem":
        context = {"dynamodb:LeadingKeys": [_pk(params["Key"])]}
        if params.get("ProjectionExpression") or params.get("AttributesToGet"):
            context["dynamodb:Attributes"] = sorted(set(params["Key"]) | _names(params))
    elif kind == "Query" and not params.get("IndexName"):
        context = {"dynamodb:LeadingKeys": [_query_partition(params)]}
        if params.get("ProjectionExpression") or params.get("AttributesToGet"):
            context["dynamodb:Attributes"] = sorted(_names(params))
    for key, name in (("ReturnValues", "dynamodb:ReturnValues"), ("Select", "dynamodb:Select")):
        if key in params:
            context[name] = params[key]
    return context


def _needs(call: tuple[str, str, dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(IAM action, resource, condition keys) for one recorded call; resources
    are `table/NAME[/index/INDEX]`, `identity/DOMAIN`, ... (after the ARN prefix)."""
    service, operation, params = call
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            return [(f"dynamodb:{TRANSACT_ACTIONS[kind]}", f"table/{detail['TableName']}",
                     _item_context(TRANSACT_ACTIONS[kind], detail))
                    for item in params["TransactItems"] for kind, detail in item.items()]
        if operation == "BatchWriteItem":
            needs = []
            for table, requests in params["RequestItems"].items():
                items = [r["PutRequest"]["Item"] if "PutRequest" in r else r["DeleteRequest"]["Key"]
                         for r in requests]
                needs.append(("dynamodb:BatchWriteItem", f"table/{table}",
                              {"dynamodb:LeadingKeys": sorted({_pk(i) for i in items}),
                               "dynamodb:Attributes": sorted({name for i in items for name in i})}))
            return needs
        if operation == "BatchGetItem":
            return [("dynamodb:BatchGetItem", f"table/{table}",
                     {"dynamodb:LeadingKeys": sorted({_pk(k) for k in request["Keys"]})})
                    for table, request in params["RequestItems"].items()]
        resource = f"table/{params['TableName']}"
        if params.get("IndexName"):
            resource += f"/index/{params['IndexName']}"
        return [(f"dynamodb:{operation}", resource, _item_context(operation, params))]
    if service == "ses":
        needs = [(f"ses:{operation}", f"identity/{params['Source'].rpartition('@')[2]}",
                  {"ses:FromAddress": params["Source"]})]
        if params.get("ConfigurationSetName"):
            needs.append((f"ses:{operation}", f"configuration-set/{params['ConfigurationSetName']}",
                          {"ses:FromAddress": params["Source"]}))
        return needs
    if service == "sns" and operation in ("Publish", "CheckIfPhoneNumberIsOptedOut"):
        assert "TopicArn" not in params and "TargetArn" not in params, "the service publishes to phone numbers only"
        return [(f"sns:{operation}", "*", {})]
    if service == "ssm":
        return [(f"ssm:{operation}", f"parameter{params['Name']}", {})]
    if service == "secretsmanager":
        secret = params["SecretId"]
        return [(f"secretsmanager:{operation}", "secret:" + secret.split(":secret:")[-1], {})]
    pytest.fail(f"a call the policies were not written for: {service} {operation}")


def _staged(need: Need, stage: str, settings: Any) -> tuple[str, str, dict[str, Any]]:
    """The tests' names (tmc-test-*, /track-my-crime/test/, the tests' sender) as the stage's."""
    env = stage_env(stage)
    action, resource, context_json = need
    context = json.loads(context_json)
    resource = resource.replace(f"table/tmc-{settings.stage}-", f"table/tmc-{stage}-")
    resource = resource.replace(f"track-my-crime/{settings.stage}/", f"track-my-crime/{stage}/")
    if context.get("ses:FromAddress") == settings.mail_from:
        domain = env["MAIL_FROM"].rpartition("@")[2]
        resource = resource.replace(settings.mail_from.rpartition("@")[2], domain)
        context = {"ses:FromAddress": env["MAIL_FROM"]}
    if resource.startswith("configuration-set/"):
        resource = f"configuration-set/{env['SES_CONFIGURATION_SET']}"
    return action, resource, context


def _suffixes(document: dict[str, Any]) -> dict[str, Any]:
    """The policy with each resource ARN cut to what follows its fifth colon
    (the account and region, policy variables, are the caller's own)."""
    return {**document, "Statement": [
        {**s, "Resource": [r if r == "*" else iam.substitute(r).split(":", 5)[5] for r in iam.as_list(s["Resource"])]}
        for s in iam.as_list(document["Statement"])]}


# -- the journeys -----------------------------------------------------------------------


def _functions() -> list[str]:
    import app

    return ["api_handler", *(s.name for s in app.app.event_sources),
            *(a.name for a in app.app.builtin_auth_handlers)]


def _policy_of(stage: str, function: str) -> str:
    files = stage_policy_files(stage)
    return files.get(function, files["*"])


def _function_env(stage: str, function: str) -> dict[str, str]:
    """What Chalice gives the function: the stage's variables, then its own."""
    stage_config = chalice_config()["stages"][stage]
    own = stage_config.get("lambda_functions", {}).get(function, {}).get("environment_variables", {})
    return {**stage_config["environment_variables"], **own}


@contextmanager
def _ses_answers(answers: list[str | None]) -> Iterator[None]:
    """SES answers these error codes (None: the real answer), call by call."""
    from chalicelib import bootstrap

    client = bootstrap.services().email_sender.mailer.client
    left = list(answers)

    def answer(**_: Any) -> Any:
        code = left.pop(0) if left else None
        if code is None:
            return None
        status = 503 if code == "ServiceUnavailable" else 400
        return (AWSResponse("https://email.eu-west-2.amazonaws.com/", status, {}, None),
                {"Error": {"Code": code, "Message": code, "Type": "Sender"},
                 "ResponseMetadata": {"HTTPStatusCode": status}})

    client.meta.events.register("before-call.ses.SendRawEmail", answer)
    try:
        yield
    finally:
        client.meta.events.unregister("before-call.ses.SendRawEmail", answer)


@contextmanager
def _sns_answers(answers: list[str | None]) -> Iterator[None]:
    """SNS Publish answers these error codes (None: the real answer), call by call."""
    from chalicelib import bootstrap

    client = bootstrap.services().texter.client
    left = list(answers)

    def answer(**_: Any) -> Any:
        code = left.pop(0) if left else None
        if code is None:
            return None
        return (AWSResponse("https://sns.eu-west-2.amazonaws.com/", 503, {}, None),
                {"Error": {"Code": code, "Message": code, "Type": "Sender"},
                 "ResponseMetadata": {"HTTPStatusCode": 503}})

    client.meta.events.register("before-call.sns.Publish", answer)
    try:
        yield
    finally:
        client.meta.events.unregister("before-call.sns.Publish", answer)


def _invitation_id(number: str) -> str:
    partition = list(CasesTableItem.query(case_pk(case_key("lincs", number))))
    return next(i.invitation_id for i in partition if isinstance(i, ContactItem))


def _stream_record(item: CasesTableItem, sequence: int) -> dict[str, Any]:
    image = item.serialize()
    return {"eventID": str(sequence), "eventName": "INSERT", "eventSource": "aws:dynamodb",
            "eventSourceARN": "arn:aws:dynamodb:eu-west-2:111122223333:table/tmc-test-cases/stream/x",
            "awsRegion": "eu-west-2",
            "dynamodb": {"ApproximateCreationDateTime": int(time.time()),
                         "Keys": {"pk": image["pk"], "sk": image["sk"]}, "NewImage": image,
                         "SequenceNumber": str(sequence), "SizeBytes": 100,
                         "StreamViewType": "NEW_IMAGE"}}


def _scheduled_event() -> dict[str, Any]:
    return {"version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "111122223333", "time": "2026-11-27T22:00:00Z", "region": "eu-west-2",
            "resources": [], "detail": {}}


def _sns_event(message: str) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                         "EventSubscriptionArn": "arn:aws:sns:eu-west-2:111122223333:t:1",
                         "Sns": {"Type": "Notification", "MessageId": "1", "Subject": None,
                                 "Message": message, "Timestamp": "2026-11-27T22:00:00.000Z",
                                 "TopicArn": "arn:aws:sns:eu-west-2:111122223333:t",
                                 "MessageAttributes": {}}}]}


class Journeys:
    """Every function at work, its calls recorded by function."""

    def __init__(self, client: Any, journey: Journey, clock: Any, recorder: Recorder):
        self.client, self.journey, self.clock, self.recorder = client, journey, clock, recorder
        self.calls: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
        self._sequence = 0

    def _invoke(self, function: str, event: dict[str, Any]) -> None:
        self.recorder.take()
        self.client.lambda_.invoke(function, event)
        self.calls[function] += self.recorder.take()

    def _stream(self, *items: CasesTableItem) -> None:
        records = []
        for item in items:
            self._sequence += 1
            records.append(_stream_record(item, self._sequence))
        self._invoke("send_emails", {"Records": records})

    def _registered_case(self) -> tuple[str, ContactItem, InvitationItem]:
        number, contact, created = self.journey.create_case()
        assert self.journey.register(number, created, contact).status_code == 201
        partition = list(CasesTableItem.query(case_pk(case_key("lincs", number))))
        contact_item = next(i for i in partition if isinstance(i, ContactItem))
        invitation = InvitationItem.get(f"INVITATION#{contact_item.invitation_id}", "INVITATION")
        return number, contact_item, invitation

    def _new_update(self, number: str) -> UpdateItem:
        before = {i.sk for i in CasesTableItem.query(case_pk(case_key("lincs", number)))}
        assert self.journey.post_update(number).status_code == 201
        (update,) = [i for i in CasesTableItem.query(case_pk(case_key("lincs", number)))
                     if isinstance(i, UpdateItem) and i.sk not in before]
        return update

    def api(self) -> None:
        client, journey = self.client, self.journey
        self.recorder.take()
        number, contact, created = journey.create_case()
        assert journey.register(number, created, contact).status_code == 201
        assert journey.sign_in(number, contact, password="wrong " + STRONG_PASSWORD).status_code == 401
        signed_in = journey.sign_in(number, contact)
        cookie = signed_in.headers["Set-Cookie"].split(";")[0]
        assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
        for _ in range(2):
            assert journey.post_update(number, clientReference="ref-1").status_code in (200, 201)
        headers = {"Cookie": cookie, "Content-Type": "application/json"}
        # Two-way contact: a request, a message, the officer reading them, a reply, the inbox, the reply read.
        assert client.http.post("/victim/update-request", headers=headers, body=b"{}").status_code == 201
        assert client.http.post("/victim/messages", headers=headers, body=b'{"text": "Any news?"}').status_code == 201
        assert client.http.get(f"/officer/cases/{number}", headers=journey.officer).status_code == 200
        contact_id = created["contacts"][0]["id"]
        assert post_json(client, f"/officer/cases/{number}/contacts/{contact_id}/messages",
                         {"text": "Soon.", "clientReference": "reply-1"}, journey.officer).status_code == 201
        assert client.http.get("/officer/inbox?mine=true", headers=journey.officer).status_code == 200
        assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
        reset = {"crimeNumber": number, "surname": contact["surname"], "dateOfBirth": contact["dateOfBirth"]}
        assert post_json(client, "/victim/password-reset", reset).status_code == 202
        assert client.http.post("/victim/sign-out", headers=headers, body=b"{}").status_code == 204
        self.calls["api_handler"] += self.recorder.take()

    def emails(self) -> None:
        # Sent at once (claimed, sent, recorded, audited); refused by SES (given
        # up, the contact marked as failing).
        number, _contact, invitation = self._registered_case()
        update = self._new_update(number)
        with _ses_answers([None]):
            self._stream(invitation)
        with _ses_answers(["MessageRejected"]):
            self._stream(update)
        # Not now (left for the retry), then sent by the retry; then refused on a retry.
        number, _contact, invitation = self._registered_case()
        with _ses_answers(["ServiceUnavailable", "ServiceUnavailable"]):
            self._stream(invitation, self._new_update(number))
        self.clock.advance(minutes=10)
        with _ses_answers([None, None]):
            self._invoke("retry_emails", _scheduled_event())
        with _ses_answers(["ServiceUnavailable"]):
            self._stream(self._new_update(number))
        self.clock.advance(minutes=10)
        with _ses_answers(["MessageRejected"]):
            self._invoke("retry_emails", _scheduled_event())
        # Two-way contact: a contact's message tells the officer in charge; the reply alerts the contact.
        number, contact_item, _invitation = self._registered_case()
        identity = {"surname": contact_item.surname, "dateOfBirth": contact_item.date_of_birth}
        cookie = self.journey.sign_in(number, identity).headers["Set-Cookie"].split(";")[0]
        assert self.client.http.post("/victim/messages", headers={"Cookie": cookie, "Content-Type": "application/json"},
                                     body=b'{"text": "Hello"}').status_code == 201
        assert post_json(self.client, f"/officer/cases/{number}/contacts/{contact_item.contact_id}/messages",
                         {"text": "Hi"},
                         self.journey.officer).status_code == 201
        messages = [i for i in CasesTableItem.query(case_pk(case_key("lincs", number))) if isinstance(i, MessageItem)]
        with _ses_answers([None, None]):
            self._stream(*messages)
        # Texts: an invitation to a mobile number only, not sent now (SNS unavailable), sent by the retry.
        number, _contact, _created = self.journey.create_case(contacts=[{
            "role": "victim", "forename": "Sam", "surname": "Mobile", "dateOfBirth": "1980-03-31",
            "mobile": "07700 900 123"}])
        invitation = InvitationItem.get(f"INVITATION#{_invitation_id(number)}", "INVITATION")
        with _sns_answers(["ServiceUnavailable"]):
            self._stream(invitation)
        self.clock.advance(minutes=10)
        self._invoke("retry_emails", _scheduled_event())
        # A bounce of a sent email.
        message_id = next(item.message_id for item in DeliveryItem.scan() if item.message_id)
        bounce = {"notificationType": "Bounce", "mail": {"messageId": message_id},
                  "bounce": {"bounceType": "Permanent", "bouncedRecipients": []}}
        self._invoke("email_events", _sns_event(json.dumps(bounce)))

    def retention(self) -> None:
        from tests.alerts import events

        number, _contact, _created = self.journey.create_case()
        assert self.journey.post_update(number, type="case_closed", text="Closed.").status_code == 201
        case_item = CaseItem.get(case_pk(case_key("lincs", number)), CASE_SK)
        case_item.delete()  # what TTL does; the stream then says so
        self._invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))
        assert list(CasesTableItem.query(case_pk(case_key("lincs", number)))) == []
        # An erasure that fails part-way: recorded by the stream handler, finished by retry_erasures.
        from chalicelib.core.errors import ServiceUnavailable
        from chalicelib.storage.cases import CaseStore

        number, _contact, _created = self.journey.create_case()
        assert self.journey.post_update(number, type="case_closed", text="Closed.").status_code == 201
        case_item = CaseItem.get(case_pk(case_key("lincs", number)), CASE_SK)
        case_item.delete()
        real_erase = CaseStore.erase_case

        def refused(store: Any, key: str) -> int:
            raise ServiceUnavailable()

        CaseStore.erase_case = refused  # type: ignore[method-assign]
        try:
            self._invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))
            self._invoke("retry_erasures", _scheduled_event())  # fails again: put off
        finally:
            CaseStore.erase_case = real_erase  # type: ignore[method-assign]
        self.clock.advance(minutes=3)
        self._invoke("retry_erasures", _scheduled_event())
        assert list(CasesTableItem.query(case_pk(case_key("lincs", number)))) == []

    def origin_check(self, monkeypatch: Any) -> None:
        """The API with the origin check on: it reads the origin secret."""
        import boto3

        from chalicelib import bootstrap

        secret = boto3.client("secretsmanager").create_secret(
            Name="track-my-crime/test/origin-verify", SecretString="v" * 48)
        # The setting given to the services directly, not through os.environ: an
        # earlier test's threads can leave chalice.test.Client's copy of the
        # environment in place, and a variable set here would then go unseen.
        services = bootstrap.services()
        bootstrap.install(settings=replace(services.settings, origin_verify_secret=secret["ARN"]),
                          clock=services.clock)
        self.recorder.take()
        assert self.client.http.get("/health").status_code == 403  # the check is on...
        assert self.client.http.get("/health", headers={"X-Origin-Verify": "v" * 48}).status_code == 200
        self.calls["api_handler"] += self.recorder.take()
        bootstrap.reset()

    def cold_starts(self) -> None:
        """Each function's settings loaded as in Lambda (the token secret from SSM)."""
        import boto3

        from chalicelib.config import load_settings

        boto3.client("ssm").put_parameter(Name=TEST_SECRET_PARAMETER, Type="SecureString",
                                          Value="s" * 48, Overwrite=True)
        for function in _functions():
            env = {**_function_env("dev", function), "TOKEN_SECRET_PARAMETER": TEST_SECRET_PARAMETER,
                   "AWS_REGION": "eu-west-2"}
            self.recorder.take()
            load_settings(env)
            self.calls[function] += self.recorder.take()

    def needs(self, function: str) -> set[Need]:
        return {(a, r, json.dumps(c, sort_keys=True)) for call in self.calls[function] for a, r, c in _needs(call)}


_RECORDED: dict[str, Journeys] = {}


@pytest.fixture
def journeys(client, issuer, aws, clock, recorder, monkeypatch) -> Journeys:
    """Run once per module (moto keeps its tables for the module)."""
    if "run" not in _RECORDED:
        run = Journeys(client, Journey(client, issuer, aws), clock, recorder)
        run.api()
        run.emails()
        run.retention()
        run.cold_starts()
        run.origin_check(monkeypatch)
        _RECORDED["run"] = run
    return _RECORDED["run"]


# -- the checks ---------------------------------------------------------------------------------


def test_the_journeys_reach_every_function_and_path(journeys):
    for function in _functions():
        assert function in journeys.calls, function
    api = {(a, r) for a, r, _c in journeys.needs("api_handler")}
    assert ("dynamodb:PutItem", "table/tmc-test-audit") in api
    assert ("dynamodb:BatchGetItem", "table/tmc-test-sessions") in api
    assert any(a == "secretsmanager:GetSecretValue" for a, _r in api)
    stream = {(a, r) for a, r, _c in journeys.needs("send_emails")}
    assert ("dynamodb:BatchWriteItem", "table/tmc-test-cases") in stream  # retention's erasure
    assert ("dynamodb:UpdateItem", "table/tmc-test-cases") in stream  # a refused email: contact failing
    assert any(a == "ses:SendRawEmail" for a, _r in stream)
    assert ("sns:CheckIfPhoneNumberIsOptedOut", "*") in stream and ("sns:Publish", "*") in stream
    retry = {(a, r) for a, r, _c in journeys.needs("retry_emails")}
    assert ("dynamodb:Query", "table/tmc-test-sessions/index/retry-due") in retry
    assert ("dynamodb:GetItem", "table/tmc-test-cases") in retry  # the invitation, read again
    assert ("dynamodb:UpdateItem", "table/tmc-test-cases") in retry
    assert any(a == "ses:SendRawEmail" for a, _r in retry)
    assert ("sns:Publish", "*") in retry  # the text, sent by the retry
    bounces = {(a, r) for a, r, _c in journeys.needs("email_events")}
    assert ("dynamodb:UpdateItem", "table/tmc-test-cases") in bounces


@pytest.mark.parametrize("stage", STAGES)
def test_every_call_of_the_journeys_is_allowed_by_its_functions_policy(journeys, aws, stage):
    for function in _functions():
        document = _suffixes(policy(_policy_of(stage, function)))
        for need in journeys.needs(function):
            staged = _staged(need, stage, aws)
            assert iam.allows(document, *staged), f"{stage} {function} ({_policy_of(stage, function)}) lacks {staged}"


@pytest.mark.parametrize("stage", STAGES)
def test_every_grant_is_used_by_the_code_or_listed_with_its_reason(journeys, aws, stage):
    files = {_policy_of(stage, f) for f in _functions()} | {stage_policy_files(stage)["*"]}
    for filename in sorted(files):
        users = [f for f in _functions() if _policy_of(stage, f) == filename]
        needs = [_staged(n, stage, aws) for f in users for n in journeys.needs(f)]
        for statement in _suffixes(policy(filename))["Statement"]:
            for action in iam.as_list(statement["Action"]):
                if any((statement.get("Sid"), pattern) in USED_OUTSIDE_THE_CODE
                       for pattern in (action, action.split(":")[0] + ":*")):
                    continue
                used = any(a.lower() == action.lower() and iam.matches(statement, a, r, c) for a, r, c in needs)
                assert used, (f"{filename}: {statement.get('Sid')} grants {action}, which no call of "
                              f"{users or 'any function'} uses")


@pytest.mark.parametrize("stage", STAGES)
def test_the_audit_tables_resource_policy_refuses_none_of_the_services_records(journeys, aws, stage):
    table = resources("data.yaml", "AWS::DynamoDB::Table")["AuditTable"]["Properties"]
    document = _suffixes(iam.resolve(table["ResourcePolicy"]["PolicyDocument"], stage))
    puts = 0
    for function in _functions():
        role = f"arn:aws:iam::111122223333:role/track-my-crime-{stage}-{function}"
        for need in journeys.needs(function):
            action, resource, context = _staged(need, stage, aws)
            if resource == f"table/tmc-{stage}-audit":
                puts += 1
                assert not iam.denies(document, action, resource, {**context, "aws:PrincipalArn": role}), need
    assert puts >= 3


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_functions_that_seal_links_read_the_token_secret(journeys, stage):
    for function in _functions():
        read = any(a == "ssm:GetParameter" for a, _r, _c in journeys.needs(function))
        unused = _function_env(stage, function).get("TOKEN_SECRET_UNUSED") == "true"
        granted = any(a.lower().startswith("ssm:") for s in policy(_policy_of(stage, function))["Statement"]
                      for a in iam.as_list(s["Action"]))
        assert read == (not unused) == granted, (function, read, unused, granted)
    # Those that seal or open links: the API (registration, reset) and the senders.
    for function in ("api_handler", "send_emails", "retry_emails"):
        assert "TOKEN_SECRET_UNUSED" not in _function_env(stage, function), function
