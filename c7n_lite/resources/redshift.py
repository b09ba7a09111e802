"""Redshift clusters and their snapshots."""
from __future__ import annotations

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType, Tagging

REDSHIFT_TAGGING = Tagging("calls", "redshift", "create_tags", "delete_tags", "ResourceName",
                           permissions=("redshift:CreateTags", "redshift:DeleteTags"),
                           untag_permissions=("redshift:DeleteTags",))


@resources.register("aws.redshift")
class Redshift(ResourceType):
    """Redshift clusters (tags come with the describe call)."""

    service = "redshift"
    config_type = "AWS::Redshift::Cluster"
    enum_op = "describe_clusters"
    enum_path = "Clusters"
    id = name = "ClusterIdentifier"
    arn_format = "arn:{partition}:redshift:{region}:{account}:cluster:{id}"
    date = "ClusterCreateTime"
    taggable = True
    security_groups_expr = "VpcSecurityGroups[].VpcSecurityGroupId"
    vpc_expr = "VpcId"
    kms_key_expr = "KmsKeyId"
    metrics_namespace = "AWS/Redshift"
    metrics_dimensions = (("ClusterIdentifier", "ClusterIdentifier"),)
    tagging = REDSHIFT_TAGGING
    fetch_op = "describe_clusters"
    fetch_param = "ClusterIdentifier"
    fetch_single = True
    fetch_gone = ("ClusterNotFound",)
    report_fields = ("ClusterIdentifier", "NodeType", "NumberOfNodes", "PubliclyAccessible",
                     "Encrypted", "ClusterCreateTime")


@resources.register("aws.redshift-snapshot")
class RedshiftSnapshot(ResourceType):
    """Redshift cluster snapshots, manual and automated (tags come with the describe call)."""

    service = "redshift"
    config_type = "AWS::Redshift::ClusterSnapshot"
    enum_op = "describe_cluster_snapshots"
    enum_path = "Snapshots"
    id = name = "SnapshotIdentifier"
    arn_key = "SnapshotArn"
    date = "SnapshotCreateTime"
    taggable = True
    tagging = REDSHIFT_TAGGING
    fetch_op = "describe_cluster_snapshots"
    fetch_param = "SnapshotIdentifier"
    fetch_single = True
    fetch_gone = ("ClusterSnapshotNotFound",)
    report_fields = ("SnapshotIdentifier", "ClusterIdentifier", "SnapshotType", "Encrypted",
                     "SnapshotCreateTime")

    @classmethod
    def arn(cls, resource: dict, session: AwsSession) -> str:
        if resource.get("SnapshotArn"):
            return resource["SnapshotArn"]
        # A snapshot's ARN names its cluster too: ...:snapshot:<cluster>/<snapshot>
        return (f"arn:{session.partition}:redshift:{session.region}:{session.account_id}:"
                f"snapshot:{resource['ClusterIdentifier']}/{resource['SnapshotIdentifier']}")
