"""ElastiCache clusters (Redis/Valkey and Memcached nodes groups).

Tags and the cluster's subnet group (for the `subnet` / `vpc` filters) are
read per cluster when a filter reads them.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging


def _tags(client: Any, cluster: dict) -> dict:
    return {"Tags": client.list_tags_for_resource(ResourceName=cluster["ARN"])["TagList"]}


def _subnet_group(client: Any, cluster: dict) -> dict:
    name = cluster.get("CacheSubnetGroupName")
    if not name:
        # EC2-Classic-era clusters, outside any VPC: there is no subnet group to read.
        return {"CacheSubnetGroup": None}
    found = client.describe_cache_subnet_groups(CacheSubnetGroupName=name)["CacheSubnetGroups"]
    return {"CacheSubnetGroup": found[0]}


@resources.register("aws.cache-cluster")
class CacheCluster(ResourceType):
    """ElastiCache clusters, with their nodes (`ShowCacheNodeInfo`); tags and
    the subnet group are read per cluster when a filter reads them."""

    service = "elasticache"
    enum_op = "describe_cache_clusters"
    enum_path = "CacheClusters"
    enum_params = {"ShowCacheNodeInfo": True}
    id = name = "CacheClusterId"
    arn_key = "ARN"
    arn_format = "arn:{partition}:elasticache:{region}:{account}:cluster:{id}"
    date = "CacheClusterCreateTime"
    taggable = True
    tagging = Tagging("calls", "elasticache", "add_tags_to_resource", "remove_tags_from_resource", "ResourceName",
                      permissions=("elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource"))
    security_groups_expr = "SecurityGroups[].SecurityGroupId"
    subnets_expr = "CacheSubnetGroup.Subnets[].SubnetIdentifier"
    vpc_expr = "CacheSubnetGroup.VpcId"
    metrics_namespace = "AWS/ElastiCache"
    metrics_dimensions = (("CacheClusterId", "CacheClusterId"),)
    fetch_op = "describe_cache_clusters"
    fetch_param = "CacheClusterId"
    fetch_single = True
    fetch_gone = ("CacheClusterNotFound", "CacheClusterNotFoundFault")
    details = {
        "tags": Detail(("Tags",), _tags, ("elasticache:ListTagsForResource",)),
        "subnet-group": Detail(("CacheSubnetGroup",), _subnet_group, ("elasticache:DescribeCacheSubnetGroups",)),
    }
    report_fields = ("CacheClusterId", "Engine", "EngineVersion", "CacheNodeType", "NumCacheNodes",
                     "CacheClusterStatus", "ReplicationGroupId")


def _snapshot_tags(client: Any, snapshot: dict) -> dict:
    return {"Tags": client.list_tags_for_resource(ResourceName=snapshot["ARN"])["TagList"]}


@resources.register("aws.cache-snapshot")
class CacheSnapshot(ResourceType):
    """ElastiCache (Redis/Valkey) snapshots, manual and automatic; tags are read
    per snapshot when a filter reads them.  A snapshot's date is its first
    node snapshot's (`age` reads it); moto's snapshots have no node
    snapshots, so `age` is tested on that reading alone."""

    service = "elasticache"
    enum_op = "describe_snapshots"
    enum_path = "Snapshots"
    id = name = "SnapshotName"
    arn_key = "ARN"
    arn_format = "arn:{partition}:elasticache:{region}:{account}:snapshot:{id}"
    taggable = True
    tagging = CacheCluster.tagging
    kms_key_expr = "KmsKeyId"
    fetch_op = "describe_snapshots"
    fetch_param = "SnapshotName"
    fetch_single = True
    fetch_gone = ("SnapshotNotFoundFault",)
    details = {"tags": Detail(("Tags",), _snapshot_tags, ("elasticache:ListTagsForResource",))}
    report_fields = ("SnapshotName", "CacheClusterId", "SnapshotSource", "SnapshotStatus")
