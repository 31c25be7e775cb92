"""The other half of least privilege: the policies allow what the code does.
The journeys run against moto while every AWS call is recorded; each call is
turned into the IAM action and resource it needs, and the function's policy
must allow it. A new call that the policies miss fails here, not in AWS."""

from __future__ import annotations

import fnmatch
import json
import time
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib.core.domain import case_key
from chalicelib.storage.models import (
    CasesTableItem,
    ContactItem,
    DeliveryItem,
    InvitationItem,
    UpdateItem,
    case_pk,
)
from tests.infra.support import STAGES, as_list, policy, stage_policy_files
from tests.support import STRONG_PASSWORD, Journey, post_json

TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                    "ConditionCheck": "ConditionCheckItem"}


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, str, dict[str, Any]]]:
    recorded: list[tuple[str, str, dict[str, Any]]] = []
    real = BaseClient._make_api_call

    def recording(client, operation_name, api_params):
        recorded.append((client.meta.service_model.service_name, operation_name, api_params))
        return real(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return recorded


def _needs(call: tuple[str, str, dict[str, Any]]) -> list[tuple[str, str, dict[str, str]]]:
    """(IAM action, resource, condition context) for one recorded call; resources
    are `table/NAME[/index/INDEX]` or `identity/DOMAIN` before the ARN prefix."""
    service, operation, params = call
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            return [(f"dynamodb:{TRANSACT_ACTIONS[kind]}", f"table/{detail['TableName']}", {})
                    for item in params["TransactItems"] for kind, detail in item.items()]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", f"table/{table}", {}) for table in params["RequestItems"]]
        resource = f"table/{params['TableName']}"
        if params.get("IndexName"):
            resource += f"/index/{params['IndexName']}"
        return [(f"dynamodb:{operation}", resource, {})]
    if service == "ses":
        needs = [(f"ses:{operation}", f"identity/{params['Source'].rpartition('@')[2]}",
                  {"ses:FromAddress": params["Source"]})]
        if params.get("ConfigurationSetName"):
            needs.append((f"ses:{operation}", f"configuration-set/{params['ConfigurationSetName']}",
                          {"ses:FromAddress": params["Source"]}))
        return needs
    pytest.fail(f"a call the policies were not written for: {service} {operation}")


def _allows(document: dict[str, Any], action: str, resource: str, context: dict[str, str]) -> bool:
    for statement in as_list(document["Statement"]):
        if action.lower() not in {a.lower() for a in as_list(statement["Action"])}:
            continue
        if not any(fnmatch.fnmatchcase(resource, pattern.split(":", 5)[5])
                   for pattern in as_list(statement["Resource"])):
            continue
        equals = statement.get("Condition", {}).get("StringEquals", {})
        if all(context.get(key) == value for key, value in equals.items()):
            return True
    return False


def _stage_view(need: tuple[str, str, dict[str, str]], stage: str, settings: Any) -> tuple:
    """The tests' names (tmc-test-*, the tests' sender) as the stage's."""
    from tests.infra.support import stage_env

    env = stage_env(stage)
    action, resource, context = need
    resource = resource.replace(f"table/tmc-{settings.stage}-", f"table/tmc-{stage}-")
    if context.get("ses:FromAddress") == settings.mail_from:
        domain = env["MAIL_FROM"].rpartition("@")[2]
        resource = resource.replace(settings.mail_from.rpartition("@")[2], domain)
        context = {"ses:FromAddress": env["MAIL_FROM"]}
    return action, resource, context


def _assert_allowed(calls, function: str, settings: Any) -> set[tuple[str, str]]:
    needs = {(a, r, json.dumps(c)) for call in calls for a, r, c in _needs(call)}
    assert needs, "the journey made no AWS call: the recorder is not working"
    for stage in STAGES:
        document = policy(stage_policy_files(stage).get(function, stage_policy_files(stage)["*"]))
        for action, resource, context in needs:
            staged = _stage_view((action, resource, json.loads(context)), stage, settings)
            assert _allows(document, *staged), f"{stage} {function} lacks {staged}"
    return {(action, resource) for action, resource, _c in needs}


def _officer_and_victim_journey(client, journey: Journey) -> str:
    number, contact, created = journey.create_case()
    assert journey.register(number, created, contact).status_code == 201
    assert journey.sign_in(number, contact, password="wrong " + STRONG_PASSWORD).status_code == 401
    signed_in = journey.sign_in(number, contact)
    cookie = signed_in.headers["Set-Cookie"].split(";")[0]
    assert client.http.get("/victim/case", headers={"Cookie": cookie}).status_code == 200
    for _ in range(2):
        assert journey.post_update(number, clientReference="ref-1").status_code in (200, 201)
    assert client.http.get(f"/officer/cases/{number}", headers=journey.officer).status_code == 200
    reset = {"crimeNumber": number, "surname": contact["surname"], "dateOfBirth": contact["dateOfBirth"]}
    assert post_json(client, "/victim/password-reset", reset).status_code == 202
    headers = {"Cookie": cookie, "Content-Type": "application/json"}
    assert client.http.post("/victim/sign-out", headers=headers, body=b"{}").status_code == 204
    return number


def _stream_record(item: CasesTableItem, arn: str, sequence: int) -> dict[str, Any]:
    image = item.serialize()
    return {"eventID": str(sequence), "eventName": "INSERT", "eventSource": "aws:dynamodb",
            "eventSourceARN": arn, "awsRegion": "eu-west-2",
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


def test_the_api_policies_allow_every_call_of_the_journeys(client, issuer, aws, calls):
    journey = Journey(client, issuer, aws)
    calls.clear()
    _officer_and_victim_journey(client, journey)
    needs = _assert_allowed(calls, "api_handler", aws)
    assert ("dynamodb:PutItem", "table/tmc-test-audit") in needs
    assert ("dynamodb:BatchGetItem", "table/tmc-test-sessions") in needs


def test_the_email_policies_allow_every_call_of_sending_retrying_and_bounces(client, issuer, aws, calls):
    journey = Journey(client, issuer, aws)
    number, _contact, _created = journey.create_case()
    assert journey.post_update(number).status_code == 201
    key = case_key("lincs", number)
    partition = list(CasesTableItem.query(case_pk(key)))
    contact = next(i for i in partition if isinstance(i, ContactItem))
    update = next(i for i in partition if isinstance(i, UpdateItem))
    invitation = InvitationItem.get(f"INVITATION#{contact.invitation_id}", "INVITATION")
    arn = aws.cases_stream_arn or "arn:aws:dynamodb:eu-west-2:111122223333:table/tmc-test-cases/stream/x"

    calls.clear()
    client.lambda_.invoke("send_emails", {"Records": [_stream_record(invitation, arn, 1),
                                                      _stream_record(update, arn, 2)]})
    client.lambda_.invoke("retry_emails", _scheduled_event())
    sent = [params for service, _operation, params in calls if service == "ses"]
    recorded = list(calls)
    message_id = next(item.message_id for item in DeliveryItem.scan() if item.message_id)
    calls.clear()
    bounce = {"notificationType": "Bounce", "mail": {"messageId": message_id},
              "bounce": {"bounceType": "Permanent", "bouncedRecipients": []}}
    client.lambda_.invoke("email_events", _sns_event(json.dumps(bounce)))
    assert ContactItem.get(contact.pk, contact.sk).alerts_failing
    needs = _assert_allowed(recorded + calls, "send_emails", aws)
    assert sent, "no email was sent: the journey did not reach SES"
    assert ("dynamodb:Query", "table/tmc-test-sessions/index/retry-due") in needs
    assert any(action == "ses:SendRawEmail" for action, _resource in needs)


def test_the_email_policies_allow_the_retention_erasure_after_ttl(client, issuer, aws, calls):
    from chalicelib.storage.models import CASE_SK, CaseItem
    from tests.alerts import events

    journey = Journey(client, issuer, aws)
    number, _contact, _created = journey.create_case()
    assert journey.post_update(number, type="case_closed", text="Closed.").status_code == 201
    case_item = CaseItem.get(case_pk(case_key("lincs", number)), CASE_SK)
    case_item.delete()  # what TTL does; the stream then says so
    calls.clear()
    client.lambda_.invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))
    needs = _assert_allowed(list(calls), "send_emails", aws)
    assert ("dynamodb:BatchWriteItem", "table/tmc-test-cases") in needs
    assert list(CasesTableItem.query(case_pk(case_key("lincs", number)))) == []


def test_the_policies_allow_an_erasure_that_failed_to_be_recorded_and_retried(client, issuer, aws, calls,
                                                                              monkeypatch):
    from chalicelib.core.errors import ServiceUnavailable
    from chalicelib.storage.cases import CaseStore
    from chalicelib.storage.models import CASE_SK, CaseItem
    from tests.alerts import events

    journey = Journey(client, issuer, aws)
    number, _contact, _created = journey.create_case()
    assert journey.post_update(number, type="case_closed", text="Closed.").status_code == 201
    case_item = CaseItem.get(case_pk(case_key("lincs", number)), CASE_SK)
    case_item.delete()
    real_erase = CaseStore.erase_case

    def refused(self, key):
        raise ServiceUnavailable()

    monkeypatch.setattr(CaseStore, "erase_case", refused)
    calls.clear()
    client.lambda_.invoke("send_emails", events.batch(events.remove(case_item, ttl=True)))
    recorded = list(calls)
    monkeypatch.setattr(CaseStore, "erase_case", real_erase)
    calls.clear()
    client.lambda_.invoke("retry_erasures", _scheduled_event())
    assert list(CasesTableItem.query(case_pk(case_key("lincs", number)))) == []
    _assert_allowed(recorded, "send_emails", aws)
    needs = _assert_allowed(list(calls), "retry_erasures", aws)
    assert ("dynamodb:DeleteItem", "table/tmc-test-sessions") in needs
