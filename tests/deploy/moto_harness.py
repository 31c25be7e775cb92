"""moto made able to take a deploy: `make infra` (CloudFormation) and `chalice
deploy`. Test harness only (the deploy simulation, tests/deploy); the local
stack's moto (local/moto_patches.py) is not changed by it.

    python -m tests.deploy.moto_harness -p 5005     # a moto server with these patches

Written against moto 5.2.5 (local/moto_patches.MOTO_VERSION). Each patch says
what moto does without it.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

from local import moto_patches


def install() -> None:
    moto_patches.install()
    _kms_key_tags_from_cloudformation()
    _unsupported_resources_as_stand_ins()
    _rest_api_from_swagger()
    _one_mapping_per_function_and_stream()
    _a_deployment_keeps_its_stages_settings()
    _interruptible()


def _kms_key_tags_from_cloudformation() -> None:
    # moto's AWS::KMS::Key passes the template's tags ({Key, Value}) to
    # create_key, which wants the API's shape ({TagKey, TagValue}): KeyError.
    from moto.kms.models import Key

    original = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    if getattr(original, "_tmc_deploy", False):
        return

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        tags = properties.get("Tags") or []
        properties["Tags"] = [{"TagKey": t.get("Key", t.get("TagKey")), "TagValue": t.get("Value", t.get("TagValue"))}
                              for t in tags]
        return original(cls, resource_name, cloudformation_json, *args, **kwargs)

    create._tmc_deploy = True  # type: ignore[attr-defined]
    Key.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]


def _unsupported_resources_as_stand_ins() -> None:
    # moto's CloudFormation skips a resource type it does not model (SES email
    # identity, EventBridge pipe, CloudWatch dashboard...), and a `!GetAtt` of
    # one then fails the whole stack. A stand-in keeps the stack whole: its
    # physical id is its name (or logical id), and any attribute reads as
    # `<logical id>.<attribute>`. Nothing is created behind it.
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel

    if getattr(parsing.resource_class_from_type, "_tmc_deploy", False):
        return
    original = parsing.resource_class_from_type

    class StandIn(CloudFormationModel):
        # moto files each model under the second part of its module's name.
        __module__ = "moto.cloudformation.stand_in"

        def __init__(self, name: str, logical_id: str, properties: dict[str, Any]) -> None:
            self.name, self.logical_id, self.properties = name, logical_id, properties

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        def get_cfn_attribute(self, attribute_name: str) -> str:
            return f"{self.logical_id}.{attribute_name}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str,
                                            region_name: str, **kwargs: Any) -> StandIn:
            properties = cloudformation_json.get("Properties", {})
            name = next((str(v) for k, v in properties.items() if k in _NAME_PROPERTIES), resource_name)
            return cls(name, kwargs.get("LogicalId", resource_name), properties)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str,
                                            cloudformation_json: Any, account_id: str, region_name: str) -> StandIn:
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id,
                                                       region_name, LogicalId=original_resource.logical_id)

        @classmethod
        def delete_from_cloudformation_json(cls, *args: Any, **kwargs: Any) -> None:
            return None

    def resource_class(resource_type: str) -> Any:
        found = original(resource_type)
        if found is None and resource_type not in parsing.NULL_MODELS:
            return StandIn
        return found

    resource_class._tmc_deploy = True  # type: ignore[attr-defined]
    parsing.resource_class_from_type = resource_class


_NAME_PROPERTIES = {"EmailIdentity", "Name", "DashboardName", "AlarmName"}


def _rest_api_from_swagger() -> None:
    # Chalice creates its API with ImportRestApi and replaces it with PutRestApi
    # (mode=overwrite), both from a Swagger 2.0 document. moto's import wants
    # `info.description` (KeyError without one), and both refuse anything but
    # OpenAPI 3 (the structure they read is the same for what Chalice writes).
    # Neither reads `x-amazon-apigateway-gateway-responses`; AWS does, and an
    # overwrite replaces the API's gateway responses with the document's.
    from moto.apigateway.models import APIGatewayBackend

    if getattr(APIGatewayBackend.put_rest_api, "_tmc_deploy", False):
        return
    original_put = APIGatewayBackend.put_rest_api

    def put_rest_api(self: Any, function_id: str, api_doc: dict[str, Any], fail_on_warnings: bool,
                     mode: str = "merge") -> Any:
        document = copy.deepcopy(api_doc)
        if document.pop("swagger", None) is not None:
            document["openapi"] = "3.0.1"
        api = original_put(self, function_id, document, fail_on_warnings=False, mode=mode)
        if mode == "overwrite":
            api.gateway_responses.clear()
        for response_type, spec in document.get("x-amazon-apigateway-gateway-responses", {}).items():
            api.put_gateway_response(response_type, status_code=spec.get("statusCode"),
                                     response_parameters=spec.get("responseParameters"),
                                     response_templates=spec.get("responseTemplates"))
        return api

    def import_rest_api(self: Any, api_doc: dict[str, Any], fail_on_warnings: bool) -> Any:
        info = api_doc.get("info", {})
        api = self.create_rest_api(name=info.get("title", ""), description=info.get("description", ""))
        return put_rest_api(self, api.id, api_doc, fail_on_warnings, mode="overwrite")

    put_rest_api._tmc_deploy = True  # type: ignore[attr-defined]
    APIGatewayBackend.put_rest_api = put_rest_api  # type: ignore[method-assign]
    APIGatewayBackend.import_rest_api = import_rest_api  # type: ignore[method-assign]


def _a_deployment_keeps_its_stages_settings() -> None:
    """AWS: CreateDeployment naming an existing stage points the stage at the new
    deployment and keeps its settings (throttling, access log). moto 5.2.5 makes
    a new stage instead, which would lose what `make infra` set."""
    from moto.apigateway.models import RestAPI

    original = RestAPI.create_deployment

    def create_deployment(self: Any, name: str, description: str, stage_variables: Any = None) -> Any:
        existing = self.stages.get(name) if name else None
        deployment = original(self, name, description, stage_variables)
        if existing is not None:
            existing.deployment_id = deployment.id
            self.stages[name] = existing
        return deployment

    RestAPI.create_deployment = create_deployment  # type: ignore[method-assign]


def _one_mapping_per_function_and_stream() -> None:
    # AWS refuses a second mapping of the same function to the same stream
    # (ResourceConflictException: the failure of aws/chalice#2146); moto
    # creates it. Without this, the simulation could not see that bug.
    from moto.awslambda.models import LambdaBackend
    from moto.core.exceptions import JsonRESTError

    if getattr(LambdaBackend.create_event_source_mapping, "_tmc_deploy", False):
        return
    original = LambdaBackend.create_event_source_mapping

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        function = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec.get("FunctionName", ""))
        for existing in self._event_source_mappings.values():
            if existing.event_source_arn == spec.get("EventSourceArn") and \
                    existing.function_arn == function.function_arn:
                conflict = JsonRESTError("ResourceConflictException",
                                f"An event source mapping with {existing.event_source_arn} and function "
                                f"{function.function_name} already exists. Please update or delete the "
                                f"existing mapping with UUID {existing.uuid}")
                conflict.code = 409
                raise conflict
        return original(self, spec)

    # And AWS lists a function's mappings by its name or its ARN; moto compares
    # the filter with whatever the mapping was created with (Chalice: the ARN).
    def list_event_source_mappings(self: Any, event_source_arn: str, function_name: str) -> Any:
        mappings = list(self._event_source_mappings.values())
        if event_source_arn:
            mappings = [m for m in mappings if m.event_source_arn == event_source_arn]
        if function_name:
            wanted = function_name.rsplit(":function:", 1)[-1].split(":")[0]
            mappings = [m for m in mappings if m.function_arn.rsplit(":function:", 1)[-1].split(":")[0] == wanted]
        return mappings

    create_event_source_mapping._tmc_deploy = True  # type: ignore[attr-defined]
    LambdaBackend.create_event_source_mapping = create_event_source_mapping  # type: ignore[method-assign]
    LambdaBackend.list_event_source_mappings = list_event_source_mappings  # type: ignore[method-assign]


@dataclass
class Interruption:
    """Fault injection for the deploy simulation: every AWS operation the
    server answers is appended to `calls` (as `service:Operation`); the
    `occurrence`-th call of `operation` (e.g. `lambda:CreateEventSourceMapping`)
    is refused, as if the deployer had been stopped right there."""

    operation: str | None = None
    occurrence: int = 1
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self, operation: str | None = None, occurrence: int = 1) -> None:
        with self.lock:
            self.operation, self.occurrence = operation, occurrence
            self.calls.clear()

    def record(self, call: str) -> bool:
        """Whether this call is the one to refuse."""
        with self.lock:
            self.calls.append(call)
            return call == self.operation and self.calls.count(call) == self.occurrence


INTERRUPTION = Interruption()


def _interruptible() -> None:
    from moto.core.responses import BaseResponse

    if getattr(BaseResponse.call_action, "_tmc_deploy", False):
        return
    original = BaseResponse.call_action

    def call_action(self: Any) -> Any:
        service = {"awslambda": "lambda"}.get(self.service_name, self.service_name)
        call = f"{service}:{self._get_action()}"
        if INTERRUPTION.record(call):
            # 400 with a non-retryable code: botocore gives up at once, as a
            # deployer killed at this point would.
            body = '{"__type": "DeployInterrupted", "message": "interrupted by the deploy simulation"}'
            return 400, {"x-amzn-ErrorType": "DeployInterrupted", "Content-Type": "application/json"}, body
        return original(self)

    call_action._tmc_deploy = True  # type: ignore[attr-defined]
    BaseResponse.call_action = call_action  # type: ignore[method-assign]


def main() -> None:
    install()
    from moto.server import main as moto_server

    moto_server()


if __name__ == "__main__":
    main()
