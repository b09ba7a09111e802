"""Actions on RDS DB instances and clusters: delete (with a final snapshot
unless told not to), stop/start, snapshot, backup retention, and settings
changed through ModifyDBInstance / ModifyDBCluster.

Aurora members are managed through their cluster: instance actions that
cannot apply to a member (stop, start, snapshot, retention, delete) skip it
and say why.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.naming import identifier as rds_identifier
from c7n_lite.actions.shapes import MODIFY_DB_CLUSTER, MODIFY_DB_INSTANCE
from c7n_lite.aws.batching import tag_list, user_tags
from c7n_lite.filters.rds import upgrade_target
from c7n_lite.registry import actions

MEMBER = "member of Aurora cluster {}: act on the cluster (aws.rds-cluster)"


class RdsAction(Action):
    """Shared: the instance id, Aurora members set aside, a modify call per resource."""

    id_param = "DBInstanceIdentifier"
    modify_op = "modify_db_instance"
    skip_members = True

    def split_members(self, resources: list[dict]) -> tuple[list[dict], list[ApiCall]]:
        if not self.skip_members:
            return resources, []
        todo, skipped = [], []
        for r in resources:
            if r.get("DBClusterIdentifier") and self.id_param == "DBInstanceIdentifier":
                skipped.append(ApiCall.skip([self.resource_id(r)], MEMBER.format(r["DBClusterIdentifier"])))
            else:
                todo.append(r)
        return todo, skipped

    def modify(self, resource: dict, params: dict, message: str) -> ApiCall:
        rid = self.resource_id(resource)
        return ApiCall("rds", self.modify_op, {self.id_param: rid, **params}, [rid], message)


def _settings(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items() if k != "ApplyImmediately")


@actions.register("delete", "aws.rds")
class DeleteInstance(RdsAction):
    """Delete instances, with a final snapshot `final-<id>-<time>` unless
    `skip-snapshot: true` (read replicas have none).  `copy-restore-info`
    first tags the instance with what a restore needs (class, subnet, option
    and parameter groups, security groups) and turns on CopyTagsToSnapshot,
    so the final snapshot carries them.  Deletion protection is left alone:
    a protected instance fails to delete, and the failure is reported."""

    schema = {"skip-snapshot": {"type": "boolean"}, "copy-restore-info": {"type": "boolean"}}
    permissions = ("rds:DeleteDBInstance",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        extra = {"rds:AddTagsToResource", "rds:ModifyDBInstance"} if data.get("copy-restore-info") else set()
        return set(cls.permissions) | extra

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        todo, calls = self.split_members(resources)
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        for r in todo:
            rid = self.resource_id(r)
            params: dict[str, Any] = {"DBInstanceIdentifier": rid}
            if self.data.get("skip-snapshot") or r.get("ReadReplicaSourceDBInstanceIdentifier"):
                params["SkipFinalSnapshot"] = True
                message = "delete, no final snapshot"
            else:
                params["FinalDBSnapshotIdentifier"] = rds_identifier("final", rid, stamp)
                message = f"delete, final snapshot {params['FinalDBSnapshotIdentifier']}"
                if self.data.get("copy-restore-info"):
                    calls.extend(self.restore_info(r))
            calls.append(ApiCall("rds", "delete_db_instance", params, [rid], message))
        return calls

    def restore_info(self, r: dict) -> list[ApiCall]:
        rid = self.resource_id(r)
        info = {
            "VPCSecurityGroups": " ".join(g["VpcSecurityGroupId"] for g in r.get("VpcSecurityGroups") or ()),
            "OptionGroupName": " ".join(o["OptionGroupName"] for o in r.get("OptionGroupMemberships") or ()),
            "ParameterGroupName": " ".join(p["DBParameterGroupName"] for p in r.get("DBParameterGroups") or ()),
            "DBSubnetGroupName": (r.get("DBSubnetGroup") or {}).get("DBSubnetGroupName", ""),
            "InstanceClass": r.get("DBInstanceClass", ""),
            "StorageType": r.get("StorageType", ""),
            "MultiAZ": str(r.get("MultiAZ", False)).lower(),
        }
        tags = {k: v[:256] for k, v in info.items() if v}
        arn = self.manager.resource_type.arn(r, self.manager.session)
        calls = [ApiCall("rds", "add_tags_to_resource", {"ResourceName": arn, "Tags": tag_list(tags)},
                         [rid], "tag with restore info: " + ", ".join(sorted(tags)))]
        if not r.get("CopyTagsToSnapshot"):
            calls.append(self.modify(r, {"CopyTagsToSnapshot": True, "ApplyImmediately": True},
                                     "CopyTagsToSnapshot=True (restore info reaches the final snapshot)"))
        return calls


class _StateChange(RdsAction):
    from_status = ""
    operation = ""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        todo, calls = self.split_members(resources)
        for r in todo:
            rid = self.resource_id(r)
            status = r.get(self.status_key)
            if status != self.from_status:
                calls.append(ApiCall.skip([rid], f"status {status}, not {self.from_status}", self.operation))
            else:
                calls.append(ApiCall("rds", self.operation, {self.id_param: rid}, [rid], self.type))
        return calls

    status_key = "DBInstanceStatus"


@actions.register("stop", "aws.rds")
class StopInstance(_StateChange):
    """Stop available instances (AWS starts a stopped instance again after 7 days)."""

    permissions = ("rds:StopDBInstance",)
    from_status, operation = "available", "stop_db_instance"


@actions.register("start", "aws.rds")
class StartInstance(_StateChange):
    """Start stopped instances."""

    permissions = ("rds:StartDBInstance",)
    from_status, operation = "stopped", "start_db_instance"


@actions.register("stop", "aws.rds-cluster")
class StopCluster(_StateChange):
    """Stop available clusters (with their instances)."""

    permissions = ("rds:StopDBCluster",)
    id_param, status_key = "DBClusterIdentifier", "Status"
    from_status, operation = "available", "stop_db_cluster"


@actions.register("start", "aws.rds-cluster")
class StartCluster(_StateChange):
    """Start stopped clusters."""

    permissions = ("rds:StartDBCluster",)
    id_param, status_key = "DBClusterIdentifier", "Status"
    from_status, operation = "stopped", "start_db_cluster"


@actions.register("snapshot", "aws.rds")
class SnapshotInstance(RdsAction):
    """Create a manual snapshot `backup-<id>-<YYYY-MM-DD-HH-MM>`, with the instance's tags."""

    permissions = ("rds:CreateDBSnapshot", "rds:AddTagsToResource")
    operation, snapshot_param = "create_db_snapshot", "DBSnapshotIdentifier"

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        todo, calls = self.split_members(resources)
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        for r in todo:
            rid = self.resource_id(r)
            params: dict[str, Any] = {self.snapshot_param: rds_identifier("backup", rid, stamp), self.id_param: rid}
            tags = user_tags(r)
            if tags:
                params["Tags"] = tag_list(tags)
            calls.append(ApiCall("rds", self.operation, params, [rid], f"snapshot {params[self.snapshot_param]}"))
        return calls


@actions.register("snapshot", "aws.rds-cluster")
class SnapshotCluster(SnapshotInstance):
    """Create a manual cluster snapshot `backup-<id>-<YYYY-MM-DD-HH-MM>`, with the cluster's tags."""

    permissions = ("rds:CreateDBClusterSnapshot", "rds:AddTagsToResource")
    id_param = "DBClusterIdentifier"
    operation, snapshot_param = "create_db_cluster_snapshot", "DBClusterSnapshotIdentifier"


RETENTION_SCHEMA = {"days": {"type": "integer", "minimum": 0}, "copy-tags": {"type": "boolean"},
                    "enforce": {"enum": ["min", "max", "exact"]}}


@actions.register("retention", "aws.rds")
class Retention(RdsAction):
    """Set the automated backup retention to `days` where it is below it
    (`enforce: min`, the default), above it (`max`) or different (`exact`);
    `copy-tags: true` also copies the tags to snapshots."""

    schema = RETENTION_SCHEMA
    required = ("days",)
    permissions = ("rds:ModifyDBInstance",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        todo, calls = self.split_members(resources)
        days = int(self.data["days"])
        enforce = self.data.get("enforce", "min")
        for r in todo:
            current = r.get("BackupRetentionPeriod", 0)
            params: dict[str, Any] = {}
            if (enforce == "min" and current < days) or (enforce == "max" and current > days) or \
                    (enforce == "exact" and current != days):
                params["BackupRetentionPeriod"] = days
            if self.data.get("copy-tags") and not r.get("CopyTagsToSnapshot"):
                params["CopyTagsToSnapshot"] = True
            if not params:
                calls.append(ApiCall.skip([self.resource_id(r)],
                                          f"retention {current} days already meets {enforce} {days}"))
                continue
            calls.append(self.modify(r, {**params, "ApplyImmediately": True}, _settings(params)))
        return calls


@actions.register("retention", "aws.rds-cluster")
class ClusterRetention(Retention):
    __doc__ = Retention.__doc__
    permissions = ("rds:ModifyDBCluster",)
    id_param, modify_op = "DBClusterIdentifier", "modify_db_cluster"


class _Modify(RdsAction):
    """One modify call per resource with the planned settings, skipped where they are already so."""

    def settings(self, resource: dict) -> dict[str, Any]:
        raise NotImplementedError

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls: list[ApiCall] = []
        for r in resources:
            wanted = self.settings(r)
            changes = {k: v for k, v in wanted.items() if r.get(k) != v}
            if not changes:
                calls.append(ApiCall.skip([self.resource_id(r)], f"already {_settings(wanted)}", self.modify_op))
                continue
            if "immediate" in self.schema:
                changes["ApplyImmediately"] = bool(self.data.get("immediate", False))
            calls.append(self.modify(r, changes, _settings(changes)))
        return calls


@actions.register("modify-db", "aws.rds")
class ModifyDb(_Modify):
    """Set instance properties: `update: [{property: PubliclyAccessible, value: false}, …]`
    (any ModifyDBInstance parameter), `immediate` to apply them now rather
    than in the next maintenance window."""

    schema = {"update": {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["property", "value"],
        "properties": {"property": {"type": "string"}, "value": {}}}},
        "immediate": {"type": "boolean"}}
    required = ("update",)
    permissions = ("rds:ModifyDBInstance",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        known = MODIFY_DB_INSTANCE
        return [f"unknown property {u['property']!r} (not a ModifyDBInstance parameter)"
                for u in data.get("update") or () if isinstance(u, dict) and u.get("property") not in known]

    def settings(self, resource: dict) -> dict[str, Any]:
        return {u["property"]: u["value"] for u in self.data["update"]}


@actions.register("modify-db-cluster", "aws.rds-cluster")
class ModifyDbCluster(_Modify):
    """Set cluster properties: `attributes: {DeletionProtection: true, …}` (any
    ModifyDBCluster parameter), applied immediately."""

    schema = {"attributes": {"type": "object"}}
    required = ("attributes",)
    permissions = ("rds:ModifyDBCluster",)
    id_param, modify_op = "DBClusterIdentifier", "modify_db_cluster"

    @classmethod
    def check(cls, data: dict) -> list[str]:
        known = MODIFY_DB_CLUSTER
        return [f"unknown attribute {k!r} (not a ModifyDBCluster parameter)"
                for k in data.get("attributes") or {} if k not in known]

    def settings(self, resource: dict) -> dict[str, Any]:
        return dict(self.data["attributes"])


@actions.register("set-public-access", "aws.rds")
class SetPublicAccess(_Modify):
    """Set `PubliclyAccessible` (`state`, default false: make the instance private), applied immediately."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("rds:ModifyDBInstance",)

    def settings(self, resource: dict) -> dict[str, Any]:
        return {"PubliclyAccessible": bool(self.data.get("state", False))}

    def modify(self, resource: dict, params: dict, message: str) -> ApiCall:
        return super().modify(resource, {**params, "ApplyImmediately": True}, message)


@actions.register("set-snapshot-copy-tags", "aws.rds")
class SetSnapshotCopyTags(_Modify):
    """Copy the instance's tags to its snapshots (`enable`, default true), applied immediately."""

    schema = {"enable": {"type": "boolean"}}
    permissions = ("rds:ModifyDBInstance",)

    def settings(self, resource: dict) -> dict[str, Any]:
        return {"CopyTagsToSnapshot": bool(self.data.get("enable", True))}

    def modify(self, resource: dict, params: dict, message: str) -> ApiCall:
        return super().modify(resource, {**params, "ApplyImmediately": True}, message)


@actions.register("auto-patch", "aws.rds")
class AutoPatch(_Modify):
    """Turn automatic minor version upgrades on (`minor`, default true) and
    optionally set the maintenance `window` (e.g. `Mon:23:00-Tue:01:00`)."""

    schema = {"minor": {"type": "boolean"}, "window": {"type": "string"}}
    permissions = ("rds:ModifyDBInstance",)

    def settings(self, resource: dict) -> dict[str, Any]:
        wanted: dict[str, Any] = {"AutoMinorVersionUpgrade": bool(self.data.get("minor", True))}
        if self.data.get("window"):
            wanted["PreferredMaintenanceWindow"] = self.data["window"]
        return wanted


@actions.register("upgrade", "aws.rds")
class Upgrade(RdsAction):
    """Upgrade the engine to the newest version available (minor only unless
    `major: true`), now with `immediate: true`, else in the maintenance window.
    Uses the target `upgrade-available` noted, or reads it."""

    schema = {"major": {"type": "boolean"}, "immediate": {"type": "boolean"}}
    permissions = ("rds:ModifyDBInstance", "rds:DescribeDBEngineVersions")
    skip_members = False

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        major = bool(self.data.get("major"))
        calls = []
        for r in resources:
            target = r.get("c7n-rds-engine-upgrade") or upgrade_target(self.manager, r, major)
            if not target:
                calls.append(ApiCall.skip([self.resource_id(r)], f"no upgrade from {r.get('EngineVersion')}"))
                continue
            calls.append(self.modify(r, {"EngineVersion": target, "AllowMajorVersionUpgrade": major,
                                         "ApplyImmediately": bool(self.data.get("immediate", False))},
                                     f"upgrade {r.get('EngineVersion')} → {target}"))
        return calls


@actions.register("resize", "aws.rds")
class Resize(RdsAction):
    """Grow (or, with a negative `percent`, try to shrink) allocated storage by
    `percent`; `immediate: true` applies it now, else in the maintenance window."""

    schema = {"percent": {"type": "number"}, "immediate": {"type": "boolean"}}
    required = ("percent",)
    permissions = ("rds:ModifyDBInstance",)
    skip_members = False

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            current = int(r.get("AllocatedStorage") or 0)
            size = int(current * (100 + float(self.data["percent"])) / 100)
            if size == current:
                calls.append(ApiCall.skip([self.resource_id(r)], f"{current} GiB already"))
                continue
            calls.append(self.modify(r, {"AllocatedStorage": size,
                                         "ApplyImmediately": bool(self.data.get("immediate", False))},
                                     f"AllocatedStorage {current} → {size} GiB"))
        return calls
