"""EC2, EBS, AMI and snapshot actions of their own, read back from moto."""
from __future__ import annotations

import json

from tests.test_actions_ec2 import launch


def run(cli, write_policies, text, dry=False):
    result = cli(*(["run", "--dryrun"] if dry else ["run"]), write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def instance(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def test_set_metadata_access_requires_tokens(aws, cli, write_policies):
    ec2 = aws("ec2")
    target, other = launch(ec2, 1, {"Env": "dev"})[0], launch(ec2, 1, {"Env": "prod"})[0]
    run(cli, write_policies, """
policies:
  - name: imdsv2
    resource: aws.ec2
    filters: [{"tag:Env": dev}]
    actions: [{type: set-metadata-access, tokens: required, hop-limit: 2}]
""")
    options = instance(ec2, target)["MetadataOptions"]
    assert options["HttpTokens"] == "required" and options["HttpPutResponseHopLimit"] == 2
    assert instance(ec2, other)["MetadataOptions"]["HttpTokens"] == "optional"


def test_instance_snapshot_copies_listed_tags(aws, cli, write_policies):
    ec2 = aws("ec2")
    iid = launch(ec2, 1, {"Name": "web", "Env": "dev"})[0]
    launch(ec2, 1, {"Name": "db"})
    run(cli, write_policies, """
policies:
  - name: backup
    resource: aws.ec2
    filters: [{"tag:Name": web}]
    actions: [{type: snapshot, copy-tags: [Name], tags: {backup: daily}}]
""")
    snaps = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert len(snaps) == 1
    assert iid in snaps[0]["Description"]
    assert {t["Key"]: t["Value"] for t in snaps[0]["Tags"]} == {"Name": "web", "backup": "daily"}


def test_resize_stopped_instance_only(aws, cli, write_policies):
    ec2 = aws("ec2")
    stopped, running = launch(ec2, 2, {"Env": "dev"})
    ec2.stop_instances(InstanceIds=[stopped])
    run(cli, write_policies, """
policies:
  - name: shrink
    resource: aws.ec2
    filters: [{"tag:Env": dev}]
    actions: [{type: resize, type-map: {t3.micro: t3.nano}}]
""")
    assert instance(ec2, stopped)["InstanceType"] == "t3.nano"
    assert instance(ec2, running)["InstanceType"] == "t3.micro"


def test_modify_security_groups_remove_matched_and_isolate(aws, cli, write_policies):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    bad = ec2.create_security_group(GroupName="wide-open", Description="x", VpcId=vpc)["GroupId"]
    good = ec2.create_security_group(GroupName="web", Description="x", VpcId=vpc)["GroupId"]
    quarantine = ec2.create_security_group(GroupName="quarantine", Description="x", VpcId=vpc)["GroupId"]
    both = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
                             SecurityGroupIds=[bad, good])["Instances"][0]["InstanceId"]
    only_bad = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
                                 SecurityGroupIds=[bad])["Instances"][0]["InstanceId"]
    # moto ignores the new groups of ModifyNetworkInterfaceAttribute (it reads a parameter
    # boto3 does not send): the plan is checked, and that the calls were made.
    text = f"""
policies:
  - name: drop-open
    resource: aws.ec2
    filters: [{{type: security-group, key: GroupName, value: wide-open}}]
    actions: [{{type: modify-security-groups, remove: matched, isolation-group: {quarantine}}}]
"""
    eni = {iid: instance(ec2, iid)["NetworkInterfaces"][0]["NetworkInterfaceId"] for iid in (both, only_bad)}
    planned = run(cli, write_policies, text, dry=True)
    # (read before the real run, which replaces the dry run's plan.json in the same directory)
    plan = json.loads((planned.output_dir / "drop-open" / "plan.json").read_text())
    result = run(cli, write_policies, text)

    groups = {c["params"]["NetworkInterfaceId"]: c["params"]["Groups"] for a in plan for c in a["calls"]}
    assert groups == {eni[both]: [good], eni[only_bad]: [quarantine]}
    outcomes = json.loads((result.output_dir / "drop-open" / "action-modify-security-groups.json").read_text())
    assert sorted(o["resource_id"] for o in outcomes if o["status"] == "done") == sorted([both, only_bad])


def test_copy_instance_tags_to_volumes(aws, cli, write_policies):
    ec2 = aws("ec2")
    iid = launch(ec2, 1, {"Owner": "alice", "Env": "dev"})[0]
    loose = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    run(cli, write_policies, """
policies:
  - {name: copy, resource: aws.ebs, actions: [{type: copy-instance-tags, tags: [Owner]}]}
""")
    volume_id = instance(ec2, iid)["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    tags = {t["Key"]: t["Value"] for t in ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["Tags"]}
    assert tags["Owner"] == "alice" and "Env" not in tags and tags["LastAttachInstance"] == iid
    assert not ec2.describe_volumes(VolumeIds=[loose])["Volumes"][0].get("Tags")


def test_ebs_snapshot_copy_tags_list(aws, cli, write_policies):
    ec2 = aws("ec2")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}, {"Key": "Team", "Value": "red"}]}])
    run(cli, write_policies, f"""
policies:
  - name: snap
    resource: aws.ebs
    filters: [{{VolumeId: {vol["VolumeId"]}}}]
    actions: [{{type: snapshot, copy-tags: [Name]}}]
""")
    snap = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"][0]
    assert {t["Key"]: t["Value"] for t in snap["Tags"]} == {"Name": "data", "custodian_snapshot": ""}


def make_image(ec2, name):
    iid = launch(ec2, 1)[0]
    return ec2.create_image(InstanceId=iid, Name=name)["ImageId"]


def test_deregister_with_snapshots(aws, cli, write_policies):
    ec2 = aws("ec2")
    old, kept = make_image(ec2, "old"), make_image(ec2, "kept")
    snaps = [m["Ebs"]["SnapshotId"] for m in ec2.describe_images(ImageIds=[old])["Images"][0]["BlockDeviceMappings"]
             if "Ebs" in m]
    run(cli, write_policies, """
policies:
  - {name: gone, resource: aws.ami, filters: [{Name: old}], actions: [{type: deregister, delete-snapshots: true}]}
""")
    assert [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]] == [kept]
    left = {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert snaps and not left & set(snaps)


def launch_permissions(ec2, image):
    return ec2.describe_image_attribute(ImageId=image, Attribute="launchPermission")["LaunchPermissions"]


def test_image_sharing_actions(aws, cli, write_policies):
    ec2 = aws("ec2")
    shared, private = make_image(ec2, "shared"), make_image(ec2, "private")
    ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": "210987654321"},
                                                                        {"UserId": "111111111111"}]})
    run(cli, write_policies, """
policies:
  - name: unshare
    resource: aws.ami
    filters: [{type: cross-account, whitelist: ["111111111111"]}]
    actions: [{type: remove-launch-permissions, accounts: matched}]
  - name: share
    resource: aws.ami
    filters: [{Name: private}]
    actions: [{type: set-permissions, add: ["222222222222"]}]
""")
    assert launch_permissions(ec2, shared) == [{"UserId": "111111111111"}]
    assert launch_permissions(ec2, private) == [{"UserId": "222222222222"}]
    run(cli, write_policies, """
policies:
  - {name: reset, resource: aws.ami, filters: [{Name: shared}], actions: [remove-launch-permissions]}
""")
    assert launch_permissions(ec2, shared) == []
    assert launch_permissions(ec2, private) == [{"UserId": "222222222222"}]


def test_snapshot_set_permissions_remove_matched(aws, cli, write_policies):
    ec2 = aws("ec2")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    shared = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    private = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission", OperationType="add",
                                  UserIds=["210987654321"])
    run(cli, write_policies, """
policies:
  - name: unshare
    resource: aws.ebs-snapshot
    filters: [cross-account]
    actions: [{type: set-permissions, remove: matched}]
""")
    perms = ec2.describe_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission")
    assert perms["CreateVolumePermissions"] == []
    assert private


def test_delete_security_group(aws, cli, write_policies):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    gone = ec2.create_security_group(GroupName="unused-one", Description="x", VpcId=vpc)["GroupId"]
    kept = ec2.create_security_group(GroupName="kept", Description="x", VpcId=vpc)["GroupId"]
    run(cli, write_policies, """
policies:
  - {name: del, resource: aws.security-group, filters: [{GroupName: unused-one}], actions: [delete]}
""")
    ids = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert kept in ids and gone not in ids


def test_dry_run_plans_ec2_actions_and_sends_no_write(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    launch(ec2, 1)
    make_image(ec2, "img")
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: ec2-all
    resource: aws.ec2
    actions:
      - {type: set-metadata-access, tokens: required}
      - snapshot
      - {type: resize, default: t3.nano, restart: true}
  - {name: ami-all, resource: aws.ami, actions: [{type: deregister, delete-snapshots: true}]}
""", dry=True)
    assert server.writes() == []
    plan = json.loads((result.output_dir / "ec2-all" / "plan.json").read_text())
    assert [(a["action"], sorted({c["operation"] for c in a["calls"]})) for a in plan] == [
        ("set-metadata-access", ["modify_instance_metadata_options"]), ("snapshot", ["create_snapshots"]),
        ("resize", ["modify_instance_attribute"])]
