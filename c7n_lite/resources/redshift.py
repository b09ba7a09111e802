"""Redshift clusters and their snapshots."""
from __future__ import annotations

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType, paginate


def _fetch_each(rt: type[ResourceType], session: AwsSession, ids: list[str],
                not_found: str) -> list[dict]:
    """Redshift's describe calls take one identifier, not a list: one call per id
    (an event names a handful), a vanished one skipped."""
    client = session.client(rt.service)
    found: list[dict] = []
    for rid in ids:
        try:
            found.extend(paginate(client, rt.fetch_op, rt.enum_path, {rt.fetch_param: rid}))
        except Exception as exc:  # noqa: BLE001 - only "not found" is expected
            if error_code(exc) != not_found:
                raise
    return found


@resources.register("aws.redshift")
class Redshift(ResourceType):
    """Redshift clusters (tags come with the describe call)."""

    service = "redshift"
    enum_op = "describe_clusters"
    enum_path = "Clusters"
    id = name = "ClusterIdentifier"
    arn_format = "arn:{partition}:redshift:{region}:{account}:cluster:{id}"
    date = "ClusterCreateTime"
    taggable = True
    fetch_op = "describe_clusters"  # one id per call: see fetch_by_ids
    fetch_param = "ClusterIdentifier"
    report_fields = ("ClusterIdentifier", "NodeType", "NumberOfNodes", "PubliclyAccessible",
                     "Encrypted", "ClusterCreateTime")

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        return _fetch_each(cls, session, ids, "ClusterNotFound")


@resources.register("aws.redshift-snapshot")
class RedshiftSnapshot(ResourceType):
    """Redshift cluster snapshots, manual and automated (tags come with the describe call)."""

    service = "redshift"
    enum_op = "describe_cluster_snapshots"
    enum_path = "Snapshots"
    id = name = "SnapshotIdentifier"
    arn_key = "SnapshotArn"
    date = "SnapshotCreateTime"
    taggable = True
    fetch_op = "describe_cluster_snapshots"  # one id per call: see fetch_by_ids
    fetch_param = "SnapshotIdentifier"
    report_fields = ("SnapshotIdentifier", "ClusterIdentifier", "SnapshotType", "Encrypted",
                     "SnapshotCreateTime")

    @classmethod
    def arn(cls, resource: dict, session: AwsSession) -> str:
        if resource.get("SnapshotArn"):
            return resource["SnapshotArn"]
        # A snapshot's ARN names its cluster too: ...:snapshot:<cluster>/<snapshot>
        return (f"arn:{session.partition}:redshift:{session.region}:{session.account_id}:"
                f"snapshot:{resource['ClusterIdentifier']}/{resource['SnapshotIdentifier']}")

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        return _fetch_each(cls, session, ids, "ClusterSnapshotNotFound")
