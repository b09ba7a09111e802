"""Redshift clusters: turn public access off (or on)."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.snapshot import redshift_snapshot_id
from c7n_lite.registry import actions


@actions.register("set-public-access", "aws.redshift")
class SetPublicAccess(Action):
    """Set `PubliclyAccessible` (`state`, default false: make the cluster private)."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("redshift:ModifyCluster",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        state = bool(self.data.get("state", False))
        todo = [r for r in resources if bool(r.get("PubliclyAccessible")) != state]
        calls = [ApiCall("redshift", "modify_cluster",
                         {"ClusterIdentifier": self.resource_id(r), "PubliclyAccessible": state},
                         [self.resource_id(r)], f"PubliclyAccessible={str(state).lower()}") for r in todo]
        done = [self.resource_id(r) for r in resources if r not in todo]
        if done:
            calls.append(ApiCall.skip(done, f"already PubliclyAccessible={str(state).lower()}"))
        return calls


@actions.register("delete", "aws.redshift")
class DeleteCluster(Action):
    """Delete clusters, taking a final snapshot `<cluster>-<YYYY-MM-DD-HH-MM>`
    first unless `skip-snapshot: true`."""

    schema = {"skip-snapshot": {"type": "boolean"}}
    permissions = ("redshift:DeleteCluster",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        return set(cls.permissions) | (set() if data.get("skip-snapshot") else {"redshift:CreateClusterSnapshot"})

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        calls = []
        for r in resources:
            cluster = self.resource_id(r)
            if self.data.get("skip-snapshot"):
                params: dict = {"ClusterIdentifier": cluster, "SkipFinalClusterSnapshot": True}
                text = "delete cluster, no final snapshot"
            else:
                final = redshift_snapshot_id(cluster, stamp)
                params = {"ClusterIdentifier": cluster, "SkipFinalClusterSnapshot": False,
                          "FinalClusterSnapshotIdentifier": final}
                text = f"delete cluster after final snapshot {final}"
            calls.append(ApiCall("redshift", "delete_cluster", params, [cluster], text))
        return calls


@actions.register("set-logging", "aws.redshift")
class SetLogging(Action):
    """Turn audit logging on (`state: enabled`, into `bucket` under `prefix`) or off."""

    schema = {"state": {"enum": ["enabled", "disabled"]}, "bucket": {"type": "string"}, "prefix": {"type": "string"}}
    required = ("state",)
    permissions = ("redshift:EnableLogging", "redshift:DisableLogging")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("state") == "enabled" and not data.get("bucket"):
            return ["state: enabled needs a 'bucket'"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        if self.data["state"] == "disabled":
            return [ApiCall("redshift", "disable_logging", {"ClusterIdentifier": self.resource_id(r)},
                            [self.resource_id(r)], "turn audit logging off") for r in resources]
        extra = {"S3KeyPrefix": self.data["prefix"]} if self.data.get("prefix") else {}
        where = f"s3://{self.data['bucket']}/{self.data.get('prefix', '')}"
        return [ApiCall("redshift", "enable_logging",
                        {"ClusterIdentifier": self.resource_id(r), "BucketName": self.data["bucket"], **extra},
                        [self.resource_id(r)], f"audit logs to {where}") for r in resources]


class ModifyClusterAction(Action):
    permissions = ("redshift:ModifyCluster",)
    field = ""

    def wanted(self) -> object:
        raise NotImplementedError

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        value = self.wanted()
        todo = [r for r in resources if r.get(self.field) != value]
        calls = [ApiCall("redshift", "modify_cluster", {"ClusterIdentifier": self.resource_id(r), self.field: value},
                         [self.resource_id(r)], f"{self.field} {r.get(self.field)} → {value}") for r in todo]
        done = [self.resource_id(r) for r in resources if r not in todo]
        if done:
            calls.append(ApiCall.skip(done, f"{self.field} already {value}", "modify_cluster"))
        return calls


@actions.register("retention", "aws.redshift")
class Retention(ModifyClusterAction):
    """Keep automated snapshots `days` days."""

    schema = {"days": {"type": "number"}}
    field = "AutomatedSnapshotRetentionPeriod"

    def wanted(self) -> object:
        return int(self.data.get("days", 1))


@actions.register("enable-vpc-routing", "aws.redshift")
class EnableVpcRouting(ModifyClusterAction):
    """Turn enhanced VPC routing on (`value: true`, the default) or off."""

    schema = {"value": {"type": "boolean"}}
    field = "EnhancedVpcRouting"

    def wanted(self) -> object:
        return bool(self.data.get("value", True))


@actions.register("revoke-access", "aws.redshift-snapshot")
class RevokeAccess(Action):
    """Stop sharing snapshots with the accounts the `cross-account` filter found."""

    permissions = ("redshift:RevokeSnapshotAccess",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, nothing = [], []
        for r in resources:
            sid = self.resource_id(r)
            accounts = r.get("c7n:CrossAccountViolations") or []
            if not accounts:
                nothing.append(sid)
            for account in accounts:
                params = {"SnapshotIdentifier": sid, "AccountWithRestoreAccess": account}
                if r.get("ClusterIdentifier"):
                    params["SnapshotClusterIdentifier"] = r["ClusterIdentifier"]
                calls.append(ApiCall("redshift", "revoke_snapshot_access", params, [sid], f"unshare from {account}"))
        if nothing:
            calls.append(ApiCall.skip(nothing, "no account to revoke (add a cross-account filter)"))
        return calls


@actions.register("set-attributes", "aws.redshift")
class SetAttributes(Action):
    """Change cluster settings (ModifyCluster parameters, e.g.
    `attributes: {AllowVersionUpgrade: true}`); settings already at the value
    are left out, clusters with nothing to change are skipped."""

    schema = {"attributes": {"type": "object"}}
    required = ("attributes",)
    permissions = ("redshift:ModifyCluster",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, same = [], []
        for r in resources:
            change = {k: v for k, v in self.data["attributes"].items() if r.get(k) != v}
            if not change:
                same.append(self.resource_id(r))
                continue
            calls.append(ApiCall("redshift", "modify_cluster", {"ClusterIdentifier": self.resource_id(r), **change},
                                 [self.resource_id(r)], ", ".join(f"{k}={v}" for k, v in change.items())))
        if same:
            calls.append(ApiCall.skip(same, "attributes already set", "modify_cluster"))
        return calls
