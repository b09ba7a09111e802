"""Actions on EventBridge rules (delete, enable/disable), CodeBuild projects
(delete) and CloudFormation stacks (delete, termination protection)."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions
from c7n_lite.resources.core import paginate


def _bus(rule: dict) -> dict:
    return {"EventBusName": rule["EventBusName"]} if rule.get("EventBusName") else {}


@actions.register("delete", "aws.event-rule")
class DeleteRule(Action):
    """Delete rules.  A rule with targets cannot be deleted: with `force: true`
    its targets are removed first (read when planning); without, the delete
    fails and is reported.  Rules managed by an AWS service need `force` too."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("events:DeleteRule",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        extra = {"events:ListTargetsByRule", "events:RemoveTargets"} if data.get("force") else set()
        return set(cls.permissions) | extra

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        client = self.manager.session.client("events")
        force = bool(self.data.get("force"))
        calls = []
        for r in resources:
            name = self.resource_id(r)
            if force:
                targets = r.get("c7n:Targets")
                if targets is None:
                    targets = paginate(client, "list_targets_by_rule", "Targets", {"Rule": name, **_bus(r)})
                ids = [t["Id"] for t in targets]
                for start in range(0, len(ids), 100):
                    part = ids[start:start + 100]
                    calls.append(ApiCall("events", "remove_targets",
                                         {"Rule": name, "Ids": part, "Force": True, **_bus(r)}, [name],
                                         f"remove targets {', '.join(part)}"))
            params = {"Name": name, **_bus(r)}
            if force:
                params["Force"] = True
            calls.append(ApiCall("events", "delete_rule", params, [name], "delete"))
        return calls


@actions.register("set-rule-state", "aws.event-rule")
class SetRuleState(Action):
    """Enable (`enabled: true`, the default) or disable rules; those already so are skipped."""

    schema = {"enabled": {"type": "boolean"}}
    permissions = ("events:EnableRule", "events:DisableRule")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        enabled = bool(self.data.get("enabled", True))
        state, op = ("ENABLED", "enable_rule") if enabled else ("DISABLED", "disable_rule")
        calls = []
        for r in resources:
            name = self.resource_id(r)
            if r.get("State") == state:
                calls.append(ApiCall.skip([name], f"already {state}", op))
            else:
                calls.append(ApiCall("events", op, {"Name": name, **_bus(r)}, [name], state.lower()))
        return calls


@actions.register("delete", "aws.codebuild")
class DeleteProject(Action):
    """Delete projects (their build history goes with them)."""

    permissions = ("codebuild:DeleteProject",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("codebuild", "delete_project", {"name": self.resource_id(r)}, [self.resource_id(r)],
                        "delete") for r in resources]


@actions.register("delete", "aws.cfn")
class DeleteStack(Action):
    """Delete stacks (and what they created).  A stack with termination
    protection fails to delete, and is reported; with `force: true` the
    protection is turned off first."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("cloudformation:DeleteStack",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        extra = {"cloudformation:UpdateTerminationProtection"} if data.get("force") else set()
        return set(cls.permissions) | extra

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            name = self.resource_id(r)
            if self.data.get("force") and r.get("EnableTerminationProtection"):
                calls.append(ApiCall("cloudformation", "update_termination_protection",
                                     {"StackName": name, "EnableTerminationProtection": False}, [name],
                                     "termination protection off"))
            calls.append(ApiCall("cloudformation", "delete_stack", {"StackName": name}, [name], "delete"))
        return calls


@actions.register("set-protection", "aws.cfn")
class SetProtection(Action):
    """Turn termination protection on (`state: true`, the default) or off."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("cloudformation:UpdateTerminationProtection",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        state = bool(self.data.get("state", True))
        calls = []
        for r in resources:
            name = self.resource_id(r)
            if bool(r.get("EnableTerminationProtection")) == state:
                calls.append(ApiCall.skip([name], f"protection already {'on' if state else 'off'}",
                                          "update_termination_protection"))
            else:
                calls.append(ApiCall("cloudformation", "update_termination_protection",
                                     {"StackName": name, "EnableTerminationProtection": state}, [name],
                                     f"termination protection {'on' if state else 'off'}"))
        return calls
