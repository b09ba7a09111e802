"""Actions on RDS snapshots (delete, who may restore them) and on subnet and
parameter groups (delete, copy, set parameters)."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.batching import chunks
from c7n_lite.filters.accounts import VIOLATIONS
from c7n_lite.registry import actions

AUTOMATED = "automated snapshot: RDS deletes it at the end of the retention period"


class _DeleteSnapshot(Action):
    """Delete manual snapshots; automated ones are skipped (RDS expires them)."""

    operation = ""
    id_param = ""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls: list[ApiCall] = []
        automated = [self.resource_id(r) for r in resources if r.get("SnapshotType") == "automated"]
        for r in resources:
            sid = self.resource_id(r)
            source = r.get("DBInstanceIdentifier") or r.get("DBClusterIdentifier", "?")
            if sid not in automated:
                calls.append(ApiCall("rds", self.operation, {self.id_param: sid}, [sid],
                                     f"delete snapshot of {source}"))
        if automated:
            calls.append(ApiCall.skip(automated, AUTOMATED, self.operation))
        return calls


@actions.register("delete", "aws.rds-snapshot")
class DeleteSnapshot(_DeleteSnapshot):
    __doc__ = _DeleteSnapshot.__doc__
    permissions = ("rds:DeleteDBSnapshot",)
    operation, id_param = "delete_db_snapshot", "DBSnapshotIdentifier"


@actions.register("delete", "aws.rds-cluster-snapshot")
class DeleteClusterSnapshot(_DeleteSnapshot):
    __doc__ = _DeleteSnapshot.__doc__
    permissions = ("rds:DeleteDBClusterSnapshot",)
    operation, id_param = "delete_db_cluster_snapshot", "DBClusterSnapshotIdentifier"


class _SetPermissions(Action):
    """Change who may restore the snapshot: `add` account ids (or `all`, the
    public), `remove` account ids, or `remove: matched` for the accounts the
    `cross-account` filter found.  With neither, nothing changes (skipped)."""

    schema = {"add": {"type": "array", "items": {"type": "string"}},
              "remove": {"oneOf": [{"enum": ["matched"]}, {"type": "array", "items": {"type": "string"}}]}}
    operation = ""
    id_param = ""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        add = [str(a) for a in self.data.get("add") or ()]
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            remove = self.data.get("remove") or []
            remove = list(r.get(VIOLATIONS) or ()) if remove == "matched" else [str(a) for a in remove]
            if not add and not remove:
                calls.append(ApiCall.skip([sid], "nothing to add or remove", self.operation))
                continue
            params: dict[str, Any] = {self.id_param: sid, "AttributeName": "restore"}
            if add:
                params["ValuesToAdd"] = add
            if remove:
                params["ValuesToRemove"] = remove
            message = "; ".join(part for part in (
                f"allow restore by {', '.join(add)}" if add else "",
                f"stop restore by {', '.join(remove)}" if remove else "") if part)
            calls.append(ApiCall("rds", self.operation, params, [sid], message))
        return calls


@actions.register("set-permissions", "aws.rds-snapshot")
class SetSnapshotPermissions(_SetPermissions):
    __doc__ = _SetPermissions.__doc__
    permissions = ("rds:ModifyDBSnapshotAttribute",)
    operation, id_param = "modify_db_snapshot_attribute", "DBSnapshotIdentifier"


@actions.register("set-permissions", "aws.rds-cluster-snapshot")
class SetClusterSnapshotPermissions(_SetPermissions):
    __doc__ = _SetPermissions.__doc__
    permissions = ("rds:ModifyDBClusterSnapshotAttribute",)
    operation, id_param = "modify_db_cluster_snapshot_attribute", "DBClusterSnapshotIdentifier"


class _DeleteGroup(Action):
    """Delete the groups; AWS's default groups (`default`, `default.*`) cannot be and are skipped."""

    operation = ""
    id_param = ""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls: list[ApiCall] = []
        defaults = [self.resource_id(r) for r in resources
                    if self.resource_id(r) == "default" or self.resource_id(r).startswith("default.")]
        for r in resources:
            gid = self.resource_id(r)
            if gid not in defaults:
                calls.append(ApiCall("rds", self.operation, {self.id_param: gid}, [gid], "delete"))
        if defaults:
            calls.append(ApiCall.skip(defaults, "an AWS default group", self.operation))
        return calls


@actions.register("delete", "aws.rds-subnet-group")
class DeleteSubnetGroup(_DeleteGroup):
    __doc__ = _DeleteGroup.__doc__
    permissions = ("rds:DeleteDBSubnetGroup",)
    operation, id_param = "delete_db_subnet_group", "DBSubnetGroupName"


@actions.register("delete", "aws.rds-param-group")
class DeleteParamGroup(_DeleteGroup):
    __doc__ = _DeleteGroup.__doc__
    permissions = ("rds:DeleteDBParameterGroup",)
    operation, id_param = "delete_db_parameter_group", "DBParameterGroupName"


@actions.register("delete", "aws.rds-cluster-param-group")
class DeleteClusterParamGroup(_DeleteGroup):
    __doc__ = _DeleteGroup.__doc__
    permissions = ("rds:DeleteDBClusterParameterGroup",)
    operation, id_param = "delete_db_cluster_parameter_group", "DBClusterParameterGroupName"


class _CopyGroup(Action):
    """Copy the group as `name` (with `description`, default "copy of <group>")."""

    schema = {"name": {"type": "string"}, "description": {"type": "string"}}
    required = ("name",)
    operation = ""
    params = ("", "", "")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        source, target, description = self.params
        return [ApiCall("rds", self.operation,
                        {source: self.resource_id(r), target: self.data["name"],
                         description: self.data.get("description", f"copy of {self.resource_id(r)}")},
                        [self.resource_id(r)], f"copy as {self.data['name']}")
                for r in resources]


@actions.register("copy", "aws.rds-param-group")
class CopyParamGroup(_CopyGroup):
    __doc__ = _CopyGroup.__doc__
    permissions = ("rds:CopyDBParameterGroup",)
    operation = "copy_db_parameter_group"
    params = ("SourceDBParameterGroupIdentifier", "TargetDBParameterGroupIdentifier",
              "TargetDBParameterGroupDescription")


@actions.register("copy", "aws.rds-cluster-param-group")
class CopyClusterParamGroup(_CopyGroup):
    __doc__ = _CopyGroup.__doc__
    permissions = ("rds:CopyDBClusterParameterGroup",)
    operation = "copy_db_cluster_parameter_group"
    params = ("SourceDBClusterParameterGroupIdentifier", "TargetDBClusterParameterGroupIdentifier",
              "TargetDBClusterParameterGroupDescription")


class _ModifyGroup(Action):
    """Set parameters: `params: [{name, value, apply-method}]` (`apply-method`
    `immediate`, the default, or `pending-reboot`), 20 a call as RDS allows."""

    schema = {"params": {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["name", "value"],
        "properties": {"name": {"type": "string"}, "value": {"type": ["string", "number", "boolean"]},
                       "apply-method": {"enum": ["immediate", "pending-reboot"]}}}}}
    required = ("params",)
    operation = ""
    id_param = ""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        params = [{"ParameterName": p["name"], "ParameterValue": str(p["value"]),
                   "ApplyMethod": p.get("apply-method", "immediate")} for p in self.data["params"]]
        calls = []
        for r in resources:
            gid = self.resource_id(r)
            for part in chunks(params, 20):
                calls.append(ApiCall("rds", self.operation, {self.id_param: gid, "Parameters": part}, [gid],
                                     ", ".join(f"{p['ParameterName']}={p['ParameterValue']}" for p in part)))
        return calls


@actions.register("modify", "aws.rds-param-group")
class ModifyParamGroup(_ModifyGroup):
    __doc__ = _ModifyGroup.__doc__
    permissions = ("rds:ModifyDBParameterGroup",)
    operation, id_param = "modify_db_parameter_group", "DBParameterGroupName"


@actions.register("modify", "aws.rds-cluster-param-group")
class ModifyClusterParamGroup(_ModifyGroup):
    __doc__ = _ModifyGroup.__doc__
    permissions = ("rds:ModifyDBClusterParameterGroup",)
    operation, id_param = "modify_db_cluster_parameter_group", "DBClusterParameterGroupName"


@actions.register("delete", "aws.rds-proxy")
class DeleteProxy(Action):
    """Delete proxies (the databases behind them are untouched)."""

    permissions = ("rds:DeleteDBProxy",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("rds", "delete_db_proxy", {"DBProxyName": self.resource_id(r)}, [self.resource_id(r)],
                        "delete") for r in resources]


@actions.register("delete", "aws.rds-subscription")
class DeleteEventSubscription(Action):
    """Delete event subscriptions (the SNS topic is untouched)."""

    permissions = ("rds:DeleteEventSubscription",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("rds", "delete_event_subscription", {"SubscriptionName": self.resource_id(r)},
                        [self.resource_id(r)], "delete") for r in resources]


class _RegionCopy(Action):
    """Copy snapshots to `target_region` (same identifier there), encrypted with
    `target_key` (a KMS key of that region) when given, with the snapshot's
    tags (`copy_tags`) and extra `tags`."""

    schema = {"target_region": {"type": "string"}, "target_key": {"type": "string"},
              "copy_tags": {"type": "boolean"}, "tags": {"type": "object"}}
    required = ("target_region",)
    operation = ""
    params = ("", "")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        session = self.manager.session
        region = self.data["target_region"]
        source_param, target_param = self.params
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            if region == session.region:
                calls.append(ApiCall.skip([sid], f"already in {region}", self.operation))
                continue
            params: dict[str, Any] = {source_param: self.manager.resource_type.arn(r, session), target_param: sid,
                                      "SourceRegion": session.region}
            if self.data.get("target_key"):
                params["KmsKeyId"] = self.data["target_key"]
            if self.data.get("copy_tags"):
                params["CopyTags"] = True
            if self.data.get("tags"):
                params["Tags"] = [{"Key": k, "Value": str(v)} for k, v in self.data["tags"].items()]
            calls.append(ApiCall("rds", self.operation, params, [sid], f"copy to {region}",
                                 run=_in_region(region, self.operation, params)))
        return calls


def _in_region(region: str, operation: str, params: dict) -> Any:
    def run(session: Any) -> Any:
        return getattr(session.client("rds", region), operation)(**params)
    return run


@actions.register("region-copy", "aws.rds-snapshot")
class RegionCopySnapshot(_RegionCopy):
    __doc__ = _RegionCopy.__doc__
    permissions = ("rds:CopyDBSnapshot", "rds:AddTagsToResource")
    operation = "copy_db_snapshot"
    params = ("SourceDBSnapshotIdentifier", "TargetDBSnapshotIdentifier")


@actions.register("region-copy", "aws.rds-cluster-snapshot")
class RegionCopyClusterSnapshot(_RegionCopy):
    __doc__ = _RegionCopy.__doc__
    permissions = ("rds:CopyDBClusterSnapshot", "rds:AddTagsToResource")
    operation = "copy_db_cluster_snapshot"
    params = ("SourceDBClusterSnapshotIdentifier", "TargetDBClusterSnapshotIdentifier")
