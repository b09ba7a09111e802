"""EBS demo volumes and snapshots, for policies/ebs.yml.

Volumes: a large unattached unencrypted one (and smaller or encrypted ones
that are fine), a gp2 one.  Snapshots: an old one, a recent one, a public one,
one shared with a partner account.
"""
from __future__ import annotations

import boto3

from c7n_lite.sandbox_seed.ec2 import PARTNER_ACCOUNT, days_ago, moto_ec2, tags


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    zone = f"{region}a"

    def volume(size: int, name: str, encrypted: bool = False, kind: str = "gp3") -> str:
        return ec2.create_volume(AvailabilityZone=zone, Size=size, Encrypted=encrypted, VolumeType=kind,
                                 TagSpecifications=[{"ResourceType": "volume", "Tags": tags(Name=name)}])["VolumeId"]

    volume(500, "orphaned-data")
    volume(500, "orphaned-encrypted", encrypted=True)
    volume(10, "scratch")
    source = volume(100, "legacy-gp2", encrypted=True, kind="gp2")

    def snapshot(name: str) -> str:
        return ec2.create_snapshot(VolumeId=source, Description=name, TagSpecifications=[
            {"ResourceType": "snapshot", "Tags": tags(Name=name)}])["SnapshotId"]

    old = snapshot("db-backup-2024")
    snapshot("db-backup-today")
    public = snapshot("oops-public")
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    partner = snapshot("partner-handover")
    ec2.modify_snapshot_attribute(SnapshotId=partner, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=[PARTNER_ACCOUNT])
    backend = moto_ec2(region)
    if backend is not None:
        backend.snapshots[old].start_time = days_ago(500)
