"""Actions on ElastiCache clusters: delete (with a final snapshot) and snapshot.

Only Redis and Valkey clusters have snapshots; a Memcached cluster is deleted
without one and is skipped by `snapshot`.  Members of a replication group are
managed through the group, and are skipped with the reason.
"""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.naming import identifier
from c7n_lite.registry import actions

SNAPSHOT_ENGINES = ("redis", "valkey")


def _member(resource: dict) -> str | None:
    group = resource.get("ReplicationGroupId")
    return f"member of replication group {group}: act on the group" if group else None


@actions.register("delete", "aws.cache-cluster")
class DeleteCacheCluster(Action):
    """Delete clusters, Redis/Valkey ones with a final snapshot `final-<id>-<time>`
    unless `skip-snapshot: true`."""

    schema = {"skip-snapshot": {"type": "boolean"}}
    permissions = ("elasticache:DeleteCacheCluster",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        calls = []
        for r in resources:
            cid = self.resource_id(r)
            if _member(r):
                calls.append(ApiCall.skip([cid], _member(r), "delete_cache_cluster"))
                continue
            params = {"CacheClusterId": cid}
            message = "delete, no final snapshot"
            if not self.data.get("skip-snapshot") and r.get("Engine") in SNAPSHOT_ENGINES:
                params["FinalSnapshotIdentifier"] = identifier("final", cid, stamp)
                message = f"delete, final snapshot {params['FinalSnapshotIdentifier']}"
            calls.append(ApiCall("elasticache", "delete_cache_cluster", params, [cid], message))
        return calls


@actions.register("snapshot", "aws.cache-cluster")
class SnapshotCacheCluster(Action):
    """Snapshot Redis/Valkey clusters as `backup-<id>-<YYYY-MM-DD-HH-MM>`."""

    permissions = ("elasticache:CreateSnapshot",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        calls = []
        for r in resources:
            cid = self.resource_id(r)
            if r.get("Engine") not in SNAPSHOT_ENGINES:
                calls.append(ApiCall.skip([cid], f"{r.get('Engine')} clusters have no snapshots", "create_snapshot"))
                continue
            name = identifier("backup", cid, stamp)
            calls.append(ApiCall("elasticache", "create_snapshot", {"CacheClusterId": cid, "SnapshotName": name},
                                 [cid], f"snapshot {name}"))
        return calls
