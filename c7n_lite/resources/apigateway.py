"""API Gateway REST APIs and their stages."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType, Tagging, paginate
from c7n_lite.resources.facts import tags_from_map

# API Gateway's IAM actions are the HTTP verbs on resource ARNs.
APIGW_TAGGING = Tagging("calls", "apigateway", "tag_resource", "untag_resource", "resourceArn",
                        tags_param="tags", tags_shape="map", keys_param="tagKeys",
                        permissions=("apigateway:PUT", "apigateway:DELETE"))


class ApiGatewayType(ResourceType):
    service = "apigateway"
    taggable = True
    tagging = APIGW_TAGGING

    @classmethod
    def read_permissions(cls) -> list[str]:
        return ["apigateway:GET"]


@resources.register("aws.rest-api")
class RestApi(ApiGatewayType):
    """API Gateway REST APIs (tags and the resource `policy` come with the
    listing).  Tested against moto, which does not tag REST APIs by ARN (stages
    it does)."""

    enum_op = "get_rest_apis"
    enum_path = "items"
    id = "id"
    name = "name"
    arn_format = "arn:{partition}:apigateway:{region}::/restapis/{id}"
    date = "createdDate"
    policy_key = "policy"
    metrics_namespace = "AWS/ApiGateway"
    metrics_dimensions = (("ApiName", "name"),)
    report_fields = ("id", "name", "endpointConfiguration.types[0]", "createdDate")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        resource["Tags"] = tags_from_map(resource.pop("tags", None))
        return resource


@resources.register("aws.rest-stage")
class RestStage(ApiGatewayType):
    """Stages of the REST APIs (GetStages per API), with the API's id
    (`restApiId`) and the stage ARN (`stageArn`, the id here: deployment ids are
    shared between stages).  Tested against moto, which does not serve client
    certificates (`client-certificate` validates; its read is unproven) nor
    WAF Classic (`waf-enabled`)."""

    enum_op = "get_stages"
    enum_path = "item"
    id = "stageArn"
    name = "stageName"
    arn_key = "stageArn"
    date = "createdDate"
    metrics_namespace = "AWS/ApiGateway"
    report_fields = ("restApiId", "stageName", "deploymentId", "tracingEnabled", "webAclArn")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("apigateway")
        stages: list[dict] = []
        for api in paginate(client, "get_rest_apis", "items"):
            for stage in client.get_stages(restApiId=api["id"]).get("item") or ():
                stage["restApiId"] = api["id"]
                stage["restApiType"] = (api.get("endpointConfiguration") or {}).get("types")
                stage["stageArn"] = (f"arn:{session.partition}:apigateway:{session.region}::/restapis/"
                                     f"{api['id']}/stages/{stage['stageName']}")
                stage["Tags"] = tags_from_map(stage.pop("tags", None))
                stages.append(stage)
        return stages

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        return resource


def stage_key(stage: dict) -> dict[str, Any]:
    return {"restApiId": stage["restApiId"], "stageName": stage["stageName"]}
