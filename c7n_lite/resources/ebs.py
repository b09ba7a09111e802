"""EBS volumes and snapshots."""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType


@resources.register("aws.ebs")
class EBS(ResourceType):
    service = "ec2"
    config_type = "AWS::EC2::Volume"
    enum_op = "describe_volumes"
    server_query = True
    enum_path = "Volumes"
    id = "VolumeId"
    name = "VolumeId"
    arn_format = "arn:{partition}:ec2:{region}:{account}:volume/{id}"
    date = "CreateTime"
    taggable = True
    fetch_gone = ("InvalidVolume.NotFound",)
    kms_key_expr = "KmsKeyId"
    metrics_namespace = "AWS/EBS"
    metrics_dimensions = (("VolumeId", "VolumeId"),)
    fetch_op = "describe_volumes"
    fetch_param = "VolumeIds"
    fetch_batch = 200
    report_fields = ("VolumeId", "Attachments[0].InstanceId", "Size", "VolumeType", "Encrypted", "tag:Name")


def _create_volume_permissions(client: Any, snapshot: dict) -> dict:
    found = client.describe_snapshot_attribute(SnapshotId=snapshot["SnapshotId"],
                                               Attribute="createVolumePermission")
    return {"CreateVolumePermissions": found.get("CreateVolumePermissions", [])}


@resources.register("aws.ebs-snapshot")
class Snapshot(ResourceType):
    service = "ec2"
    enum_op = "describe_snapshots"
    server_query = True
    enum_path = "Snapshots"
    # Without it AWS lists every public snapshot too.
    enum_params = {"OwnerIds": ["self"]}
    id = "SnapshotId"
    name = "SnapshotId"
    # EC2 snapshot and image ARNs carry no account id.
    arn_format = "arn:{partition}:ec2:{region}::snapshot/{id}"
    date = "StartTime"
    taggable = True
    fetch_gone = ("InvalidSnapshot.NotFound",)
    kms_key_expr = "KmsKeyId"
    fetch_op = "describe_snapshots"
    fetch_param = "SnapshotIds"
    fetch_batch = 200
    details = {
        "create-volume-permission": Detail(
            keys=("CreateVolumePermissions",), fetch=_create_volume_permissions,
            permissions=("ec2:DescribeSnapshotAttribute",)),
    }
    report_fields = ("SnapshotId", "VolumeId", "VolumeSize", "StartTime", "State", "tag:Name")
