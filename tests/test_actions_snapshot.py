"""Backups: snapshots created with tags copied; deletes guarded."""
from __future__ import annotations

import json
import re

from tests.test_actions_network_storage import make_cluster


def test_ebs_snapshot_copies_volume_tags(aws, cli, write_policies):
    ec2 = aws("ec2")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Owner", "Value": "alice"}]}])["VolumeId"]
    result = cli("run", write_policies("""
policies:
  - name: backup-volumes
    resource: aws.ebs
    actions: [snapshot]
"""))
    assert result.exit_code == 0, result.output
    snaps = ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [vol]}])["Snapshots"]
    assert len(snaps) == 1
    # As in Custodian, a snapshot given no `tags` is also marked custodian_snapshot.
    assert {t["Key"]: t["Value"] for t in snaps[0]["Tags"]} == {"Owner": "alice", "custodian_snapshot": ""}


def test_redshift_snapshot_is_timestamped_and_tagged(aws, cli, write_policies, monkeypatch):
    monkeypatch.setenv("C7N_LITE_NOW", "2030-02-03T04:05:00Z")
    redshift = aws("redshift")
    make_cluster(redshift, "warehouse", tags={"Team": "data"})
    result = cli("run", write_policies("""
policies:
  - name: nightly
    resource: aws.redshift
    actions: [snapshot]
"""))
    assert result.exit_code == 0, result.output
    [snap] = redshift.describe_cluster_snapshots(ClusterIdentifier="warehouse",
                                                 SnapshotType="manual")["Snapshots"]
    assert re.fullmatch(r"warehouse-2030-02-03-04-05-00-[0-9a-f]{4}", snap["SnapshotIdentifier"])
    assert {"Key": "Team", "Value": "data"} in snap["Tags"]


def test_two_redshift_snapshots_in_the_same_second_do_not_collide(aws, cli, write_policies, monkeypatch):
    monkeypatch.setenv("C7N_LITE_NOW", "2030-02-03T04:05:00Z")
    redshift = aws("redshift")
    make_cluster(redshift, "warehouse")
    path = write_policies("""
policies:
  - name: nightly
    resource: aws.redshift
    actions: [snapshot]
  - name: nightly-again
    resource: aws.redshift
    actions: [snapshot]
""")
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    snaps = redshift.describe_cluster_snapshots(ClusterIdentifier="warehouse", SnapshotType="manual")["Snapshots"]
    assert len({s["SnapshotIdentifier"] for s in snaps}) == 2


def test_delete_ebs_snapshots_skips_those_backing_an_ami(aws, cli, write_policies):
    ec2 = aws("ec2")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    loose = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    ec2.register_image(Name="golden", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": loose}}])
    # moto backs a registered image with a snapshot of its own: that is the one to protect
    image = ec2.describe_images(Owners=["self"])["Images"][0]
    backing = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    result = cli("run", write_policies(f"""
policies:
  - name: prune
    resource: aws.ebs-snapshot
    filters: [{{type: value, key: SnapshotId, op: in, value: [{loose}, {backing}]}}]
    actions: [delete]
"""))
    assert result.exit_code == 0, result.output
    left = {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert loose not in left and backing in left
    outcomes = {o["resource_id"]: o for o in json.loads(
        (result.output_dir / "prune" / "action-delete.json").read_text())}
    assert outcomes[backing]["status"] == "skipped" and "AMI" in outcomes[backing]["reason"]
    assert outcomes[loose]["status"] == "done"


def test_delete_redshift_snapshot(aws, cli, write_policies):
    redshift = aws("redshift")
    make_cluster(redshift, "warehouse")
    redshift.create_cluster_snapshot(SnapshotIdentifier="old-one", ClusterIdentifier="warehouse")
    redshift.create_cluster_snapshot(SnapshotIdentifier="keep-one", ClusterIdentifier="warehouse")
    result = cli("run", write_policies("""
policies:
  - name: prune-redshift
    resource: aws.redshift-snapshot
    filters: [{SnapshotIdentifier: old-one}]
    actions: [delete]
"""))
    assert result.exit_code == 0, result.output
    left = {s["SnapshotIdentifier"] for s in redshift.describe_cluster_snapshots()["Snapshots"]}
    assert "old-one" not in left and "keep-one" in left
