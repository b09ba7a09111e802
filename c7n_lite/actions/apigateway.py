"""API Gateway actions: patch or delete REST APIs and stages, set a stage's WAFv2 web ACL."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.elb import SetWafV2
from c7n_lite.registry import actions

PATCH_SCHEMA = {"type": "array", "items": {"type": "object", "required": ["op", "path"], "properties": {
    "op": {"enum": ["add", "remove", "update", "copy", "replace", "test"]},
    "path": {"type": "string"}, "value": {"type": "string"}, "from": {"type": "string"}}}}


def describe_patch(patch: list[dict]) -> str:
    return ", ".join(f"{p['op']} {p['path']}" + (f"={p['value']}" if "value" in p else "") for p in patch)


@actions.register("update", "aws.rest-api")
class UpdateRestApi(Action):
    """Apply `patch` operations to the API (UpdateRestApi)."""

    schema = {"patch": PATCH_SCHEMA}
    required = ("patch",)
    permissions = ("apigateway:PATCH",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        patch = self.data["patch"]
        return [ApiCall("apigateway", "update_rest_api", {"restApiId": r["id"], "patchOperations": patch},
                        [self.resource_id(r)], describe_patch(patch)) for r in resources]


@actions.register("delete", "aws.rest-api")
class DeleteRestApi(Action):
    """Delete the API with its stages."""

    permissions = ("apigateway:DELETE",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("apigateway", "delete_rest_api", {"restApiId": r["id"]}, [self.resource_id(r)], "delete")
                for r in resources]


@actions.register("update", "aws.rest-stage")
class UpdateStage(Action):
    """Apply `patch` operations to the stage (e.g. `op: replace`,
    `path: /tracingEnabled`, `value: "true"`)."""

    schema = {"patch": PATCH_SCHEMA}
    required = ("patch",)
    permissions = ("apigateway:PATCH",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        patch = self.data["patch"]
        return [ApiCall("apigateway", "update_stage", {"restApiId": r["restApiId"], "stageName": r["stageName"],
                                                      "patchOperations": patch},
                        [self.resource_id(r)], describe_patch(patch)) for r in resources]


@actions.register("delete", "aws.rest-stage")
class DeleteStage(Action):
    """Delete the stage."""

    permissions = ("apigateway:DELETE",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("apigateway", "delete_stage", {"restApiId": r["restApiId"], "stageName": r["stageName"]},
                        [self.resource_id(r)], "delete") for r in resources]


@actions.register("set-wafv2", "aws.rest-stage")
class SetStageWafV2(SetWafV2):
    """Associate the regional WAFv2 web ACL named `web-acl` with the stage
    (`state: false`: remove its web ACL)."""
