"""Redshift clusters: turn public access off (or on)."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
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
        from c7n_lite.actions.snapshot import redshift_snapshot_id
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
