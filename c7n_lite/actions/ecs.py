"""ECS actions: service size, settings and deletion; task definition deregistration."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


def service_key(service: dict) -> dict:
    return {"cluster": service["clusterArn"], "service": service["serviceName"]}


@actions.register("resize", "aws.ecs-service")
class ResizeService(Action):
    """Set the service's desired task count (`desired`; `current`: its running count)."""

    schema = {"desired": {"anyOf": [{"enum": ["current"]}, {"type": "integer", "minimum": 0}]}}
    required = ("desired",)
    permissions = ("ecs:UpdateService",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            count = r.get("runningCount", 0) if self.data["desired"] == "current" else self.data["desired"]
            calls.append(ApiCall("ecs", "update_service", {**service_key(r), "desiredCount": count},
                                 [self.resource_id(r)], f"desiredCount={count}"))
        return calls


@actions.register("modify", "aws.ecs-service")
class ModifyService(Action):
    """Apply `update`: UpdateService's parameters (e.g. `desiredCount`,
    `networkConfiguration`, `forceNewDeployment`)."""

    schema = {"update": {"type": "object"}}
    required = ("update",)
    permissions = ("ecs:UpdateService",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        update = {k: v for k, v in self.data["update"].items() if k not in ("cluster", "service")}
        return [ApiCall("ecs", "update_service", {**service_key(r), **update}, [self.resource_id(r)],
                        ", ".join(f"{k}={v}" for k, v in update.items())) for r in resources]


@actions.register("delete", "aws.ecs-service")
class DeleteService(Action):
    """Delete the service, stopping its tasks (`force`)."""

    permissions = ("ecs:DeleteService", "ecs:UpdateService")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("ecs", "delete_service", {**service_key(r), "force": True}, [self.resource_id(r)],
                        "delete") for r in resources]


@actions.register("delete", "aws.ecs-task-definition")
class DeleteTaskDefinition(Action):
    """Deregister the task definition revision; `force` also deletes it."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("ecs:DeregisterTaskDefinition", "ecs:DeleteTaskDefinitions")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = [ApiCall("ecs", "deregister_task_definition", {"taskDefinition": self.resource_id(r)},
                         [self.resource_id(r)], "deregister") for r in resources]
        if self.data.get("force"):
            calls += [ApiCall("ecs", "delete_task_definitions", {"taskDefinitions": [self.resource_id(r)]},
                              [self.resource_id(r)], "delete") for r in resources]
        return calls
