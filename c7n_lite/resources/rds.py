"""RDS: DB instances, Aurora clusters, their snapshots, subnet groups and
parameter groups.

RDS describes tags as `TagList`; `prepare` presents them as `Tags`, the shape
every tag filter reads.  Subnet and parameter groups are described without
tags: a `Detail` reads them (`ListTagsForResource`) when a filter does.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging

RDS_TAGGING = Tagging("calls", "rds", "add_tags_to_resource", "remove_tags_from_resource", "ResourceName",
                      permissions=("rds:AddTagsToResource", "rds:RemoveTagsFromResource"))


def _tag_list_as_tags(resource: dict) -> dict:
    if "TagList" in resource:
        resource = dict(resource)
        resource["Tags"] = resource.pop("TagList") or []
    return resource


def _tags_of(arn_key: str):
    def fetch(client: Any, resource: dict) -> dict:
        # No "not configured" case: a resource without tags answers an empty list.
        return {"Tags": client.list_tags_for_resource(ResourceName=resource[arn_key])["TagList"]}
    return fetch


class _RdsType(ResourceType):
    service = "rds"
    taggable = True
    tagging = RDS_TAGGING
    fetch_single = True

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        return _tag_list_as_tags(resource)

    @classmethod
    def read_permissions(cls) -> list[str]:
        # IAM spells RDS's actions as the API does (DescribeDBInstances), not as
        # the method name capitalises (DescribeDbInstances).
        return sorted({p.replace(":DescribeDb", ":DescribeDB") for p in super().read_permissions()})


@resources.register("aws.rds")
class RDS(_RdsType):
    """RDS DB instances (Aurora members too; tags come with the describe call).

    moto serves neither `DescribeDBEngineVersions` nor
    `DescribePendingMaintenanceActions`: `upgrade-available` and
    `pending-maintenance` are tested for their failure path only (the
    resource is errored, never passed)."""

    enum_op = "describe_db_instances"
    enum_path = "DBInstances"
    id = name = "DBInstanceIdentifier"
    arn_key = "DBInstanceArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:db:{id}"
    date = "InstanceCreateTime"
    security_groups_expr = "VpcSecurityGroups[].VpcSecurityGroupId"
    subnets_expr = "DBSubnetGroup.Subnets[].SubnetIdentifier"
    vpc_expr = "DBSubnetGroup.VpcId"
    kms_key_expr = "KmsKeyId"
    metrics_namespace = "AWS/RDS"
    metrics_dimensions = (("DBInstanceIdentifier", "DBInstanceIdentifier"),)
    fetch_op = "describe_db_instances"
    fetch_param = "DBInstanceIdentifier"
    fetch_gone = ("DBInstanceNotFound", "DBInstanceNotFoundFault")
    report_fields = ("DBInstanceIdentifier", "Engine", "EngineVersion", "DBInstanceClass",
                     "PubliclyAccessible", "StorageEncrypted", "DBInstanceStatus")


@resources.register("aws.rds-cluster")
class RDSCluster(_RdsType):
    """Aurora (and Multi-AZ) DB clusters (tags come with the describe call)."""

    enum_op = "describe_db_clusters"
    enum_path = "DBClusters"
    id = name = "DBClusterIdentifier"
    arn_key = "DBClusterArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:cluster:{id}"
    date = "ClusterCreateTime"
    security_groups_expr = "VpcSecurityGroups[].VpcSecurityGroupId"
    kms_key_expr = "KmsKeyId"
    metrics_namespace = "AWS/RDS"
    metrics_dimensions = (("DBClusterIdentifier", "DBClusterIdentifier"),)
    fetch_op = "describe_db_clusters"
    fetch_param = "DBClusterIdentifier"
    fetch_gone = ("DBClusterNotFoundFault",)
    report_fields = ("DBClusterIdentifier", "Engine", "EngineVersion", "Status", "StorageEncrypted",
                     "BackupRetentionPeriod", "DeletionProtection")


def _snapshot_attributes(op: str, id_param: str, result_key: str):
    def fetch(client: Any, snapshot: dict) -> dict:
        answer = getattr(client, op)(**{id_param: snapshot[id_param]})[result_key]
        shared = {a["AttributeName"]: a.get("AttributeValues") or [] for a in
                  answer.get("DBSnapshotAttributes", answer.get("DBClusterSnapshotAttributes", []))}
        return {"c7n:attributes": shared}
    return fetch


@resources.register("aws.rds-snapshot")
class RDSSnapshot(_RdsType):
    """DB instance snapshots, manual and automated, of the account (tags come
    with the describe call; who may restore one is read per snapshot, for
    `cross-account`)."""

    enum_op = "describe_db_snapshots"
    enum_path = "DBSnapshots"
    id = name = "DBSnapshotIdentifier"
    arn_key = "DBSnapshotArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:snapshot:{id}"
    date = "SnapshotCreateTime"
    kms_key_expr = "KmsKeyId"
    vpc_expr = "VpcId"
    fetch_op = "describe_db_snapshots"
    fetch_param = "DBSnapshotIdentifier"
    fetch_gone = ("DBSnapshotNotFound", "DBSnapshotNotFoundFault")
    details = {"attributes": Detail(("c7n:attributes",),
                                    _snapshot_attributes("describe_db_snapshot_attributes",
                                                         "DBSnapshotIdentifier",
                                                         "DBSnapshotAttributesResult"),
                                    ("rds:DescribeDBSnapshotAttributes",))}
    report_fields = ("DBSnapshotIdentifier", "DBInstanceIdentifier", "SnapshotType", "Encrypted",
                     "SnapshotCreateTime")


@resources.register("aws.rds-cluster-snapshot")
class RDSClusterSnapshot(_RdsType):
    """DB cluster snapshots, manual and automated (tags come with the describe
    call; who may restore one is read per snapshot, for `cross-account`)."""

    enum_op = "describe_db_cluster_snapshots"
    enum_path = "DBClusterSnapshots"
    id = name = "DBClusterSnapshotIdentifier"
    arn_key = "DBClusterSnapshotArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:cluster-snapshot:{id}"
    date = "SnapshotCreateTime"
    kms_key_expr = "KmsKeyId"
    vpc_expr = "VpcId"
    fetch_op = "describe_db_cluster_snapshots"
    fetch_param = "DBClusterSnapshotIdentifier"
    fetch_gone = ("DBClusterSnapshotNotFoundFault",)
    details = {"attributes": Detail(("c7n:attributes",),
                                    _snapshot_attributes("describe_db_cluster_snapshot_attributes",
                                                         "DBClusterSnapshotIdentifier",
                                                         "DBClusterSnapshotAttributesResult"),
                                    ("rds:DescribeDBClusterSnapshotAttributes",))}
    report_fields = ("DBClusterSnapshotIdentifier", "DBClusterIdentifier", "SnapshotType",
                     "StorageEncrypted", "SnapshotCreateTime")


@resources.register("aws.rds-subnet-group")
class RDSSubnetGroup(_RdsType):
    """DB subnet groups (tags are read per group, when a filter reads them)."""

    enum_op = "describe_db_subnet_groups"
    enum_path = "DBSubnetGroups"
    id = name = "DBSubnetGroupName"
    arn_key = "DBSubnetGroupArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:subgrp:{id}"
    subnets_expr = "Subnets[].SubnetIdentifier"
    vpc_expr = "VpcId"
    fetch_op = "describe_db_subnet_groups"
    fetch_param = "DBSubnetGroupName"
    fetch_gone = ("DBSubnetGroupNotFoundFault",)
    details = {"tags": Detail(("Tags",), _tags_of("DBSubnetGroupArn"), ("rds:ListTagsForResource",))}
    report_fields = ("DBSubnetGroupName", "VpcId", "SubnetGroupStatus")


@resources.register("aws.rds-param-group")
class RDSParamGroup(_RdsType):
    """DB parameter groups (tags are read per group, when a filter reads them)."""

    enum_op = "describe_db_parameter_groups"
    enum_path = "DBParameterGroups"
    id = name = "DBParameterGroupName"
    arn_key = "DBParameterGroupArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:pg:{id}"
    fetch_op = "describe_db_parameter_groups"
    fetch_param = "DBParameterGroupName"
    fetch_gone = ("DBParameterGroupNotFound",)
    details = {"tags": Detail(("Tags",), _tags_of("DBParameterGroupArn"), ("rds:ListTagsForResource",))}
    report_fields = ("DBParameterGroupName", "DBParameterGroupFamily", "Description")


@resources.register("aws.rds-cluster-param-group")
class RDSClusterParamGroup(_RdsType):
    """DB cluster parameter groups (tags are read per group, when a filter reads them)."""

    enum_op = "describe_db_cluster_parameter_groups"
    enum_path = "DBClusterParameterGroups"
    id = name = "DBClusterParameterGroupName"
    arn_key = "DBClusterParameterGroupArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:cluster-pg:{id}"
    fetch_op = "describe_db_cluster_parameter_groups"
    fetch_param = "DBClusterParameterGroupName"
    fetch_gone = ("DBParameterGroupNotFound", "DBClusterParameterGroupNotFound")
    details = {"tags": Detail(("Tags",), _tags_of("DBClusterParameterGroupArn"),
                              ("rds:ListTagsForResource",))}
    report_fields = ("DBClusterParameterGroupName", "DBParameterGroupFamily", "Description")


@resources.register("aws.rds-proxy")
class RDSProxy(_RdsType):
    """RDS proxies (tags are read per proxy, when a filter reads them)."""

    enum_op = "describe_db_proxies"
    enum_path = "DBProxies"
    id = name = "DBProxyName"
    arn_key = "DBProxyArn"
    date = "CreatedDate"
    security_groups_expr = "VpcSecurityGroupIds[]"
    subnets_expr = "VpcSubnetIds[]"
    vpc_expr = "VpcId"
    fetch_op = "describe_db_proxies"
    fetch_param = "DBProxyName"
    fetch_gone = ("DBProxyNotFoundFault",)
    details = {"tags": Detail(("Tags",), _tags_of("DBProxyArn"), ("rds:ListTagsForResource",))}
    report_fields = ("DBProxyName", "EngineFamily", "RequireTLS", "Status")


@resources.register("aws.rds-subscription")
class RDSEventSubscription(_RdsType):
    """RDS event subscriptions (tags are read per subscription, when a filter reads them)."""

    enum_op = "describe_event_subscriptions"
    enum_path = "EventSubscriptionsList"
    id = name = "CustSubscriptionId"
    arn_key = "EventSubscriptionArn"
    arn_format = "arn:{partition}:rds:{region}:{account}:es:{id}"
    fetch_op = "describe_event_subscriptions"
    fetch_param = "SubscriptionName"
    fetch_gone = ("SubscriptionNotFound", "SubscriptionNotFoundFault")
    details = {"tags": Detail(("Tags",), _tags_of("EventSubscriptionArn"), ("rds:ListTagsForResource",))}
    report_fields = ("CustSubscriptionId", "SnsTopicArn", "SourceType", "Enabled", "Status")
