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


@actions.register("delete", "aws.cache-snapshot")
class DeleteCacheSnapshot(Action):
    """Delete snapshots."""

    permissions = ("elasticache:DeleteSnapshot",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("elasticache", "delete_snapshot", {"SnapshotName": self.resource_id(r)},
                        [self.resource_id(r)], f"delete snapshot of {r.get('CacheClusterId', '?')}")
                for r in resources]


@actions.register("copy-cluster-tags", "aws.cache-snapshot")
class CopyClusterTags(Action):
    """Copy the listed `tags` (keys) from each snapshot's cluster to the snapshot
    (the cluster's tags are read when planning; keys it lacks are left out)."""

    schema = {"tags": {"type": "array", "items": {"type": "string"}}}
    required = ("tags",)
    permissions = ("elasticache:ListTagsForResource", "elasticache:AddTagsToResource")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        client = self.manager.session.client("elasticache")
        session = self.manager.session
        wanted = set(self.data["tags"])
        calls = []
        for r in resources:
            name = self.resource_id(r)
            cluster = r.get("CacheClusterId")
            if not cluster:
                calls.append(ApiCall.skip([name], "no cluster named on the snapshot", "add_tags_to_resource"))
                continue
            cluster_arn = f"arn:{session.partition}:elasticache:{session.region}:{session.account_id}:cluster:{cluster}"
            tags = [t for t in client.list_tags_for_resource(ResourceName=cluster_arn)["TagList"] if t["Key"] in wanted]
            if not tags:
                calls.append(ApiCall.skip([name], f"cluster {cluster} has none of the tags", "add_tags_to_resource"))
                continue
            arn = self.manager.resource_type.arn(r, session)
            calls.append(ApiCall("elasticache", "add_tags_to_resource", {"ResourceName": arn, "Tags": tags}, [name],
                                 f"copy {', '.join(t['Key'] for t in tags)} from {cluster}"))
        return calls
