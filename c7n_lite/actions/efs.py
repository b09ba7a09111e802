"""Actions on EFS file systems: delete (with their mount targets), lifecycle
rules, and policy statements."""
from __future__ import annotations

import json

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.policy_statements import RemoveStatements
from c7n_lite.registry import actions
from c7n_lite.resources.core import paginate


@actions.register("delete", "aws.efs")
class DeleteFileSystem(Action):
    """Delete file systems, their mount targets first (read when planning).
    AWS deletes mount targets asynchronously: a file system whose mount
    targets are still going fails to delete, and the failure is reported."""

    permissions = ("elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DeleteMountTarget",
                   "elasticfilesystem:DeleteFileSystem")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        client = self.manager.session.client("efs")
        calls = []
        for r in resources:
            fs = self.resource_id(r)
            for target in paginate(client, "describe_mount_targets", "MountTargets", {"FileSystemId": fs}):
                calls.append(ApiCall("efs", "delete_mount_target", {"MountTargetId": target["MountTargetId"]},
                                     [fs], f"delete mount target {target['MountTargetId']}"))
            calls.append(ApiCall("efs", "delete_file_system", {"FileSystemId": fs}, [fs], "delete"))
        return calls


@actions.register("configure-lifecycle-policy", "aws.efs")
class ConfigureLifecyclePolicy(Action):
    """Set the lifecycle `rules` (`state: enable`, e.g. `[{TransitionToIA: AFTER_7_DAYS}]`)
    or remove them all (`state: disable`)."""

    schema = {"state": {"enum": ["enable", "disable"]}, "rules": {"type": "array", "items": {"type": "object"}}}
    required = ("state",)
    permissions = ("elasticfilesystem:PutLifecycleConfiguration",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("state") == "enable" and not data.get("rules"):
            return ["state 'enable' needs 'rules'"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        rules = list(self.data.get("rules") or []) if self.data["state"] == "enable" else []
        message = f"lifecycle {rules}" if rules else "remove lifecycle rules"
        return [ApiCall("efs", "put_lifecycle_configuration",
                        {"FileSystemId": self.resource_id(r), "LifecyclePolicies": rules},
                        [self.resource_id(r)], message) for r in resources]


@actions.register("remove-statements", "aws.efs")
class RemoveFileSystemStatements(RemoveStatements):
    __doc__ = RemoveStatements.__doc__
    permissions = ("elasticfilesystem:DescribeFileSystemPolicy", "elasticfilesystem:PutFileSystemPolicy",
                   "elasticfilesystem:DeleteFileSystemPolicy")

    def write(self, resource: dict, policy: dict | None) -> ApiCall:
        fs = self.resource_id(resource)
        if policy is None:
            return ApiCall("efs", "delete_file_system_policy", {"FileSystemId": fs}, [fs])
        return ApiCall("efs", "put_file_system_policy", {"FileSystemId": fs, "Policy": json.dumps(policy)}, [fs])
