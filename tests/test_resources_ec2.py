"""The EC2-family resource types: what they list, their ids, ARNs, tags,
fetch by ids and detail calls, against the moto account."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.resources.core import ResourceManager
from tests.write_detector import writes

AMI = "ami-12c6146b"


def tagged(kind, team="web"):
    return [{"ResourceType": kind, "Tags": [{"Key": "Team", "Value": team}]}]


def manager(server, type_name):
    load_all()
    session = AwsSession("us-east-1", endpoint_url=server.endpoint, dryrun=True)
    return ResourceManager(resources.get(type_name), session)


@pytest.fixture
def account(aws):
    """One of each type, tagged Team=web, and one more tagged Team=data."""
    ec2 = aws("ec2")
    web = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, TagSpecifications=tagged("instance"))
    data = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, TagSpecifications=tagged("instance", "data"))
    web_id, data_id = web["Instances"][0]["InstanceId"], data["Instances"][0]["InstanceId"]
    vols = [ec2.create_volume(AvailabilityZone="us-east-1a", Size=s, TagSpecifications=tagged("volume", t))["VolumeId"]
            for s, t in ((10, "web"), (20, "data"))]
    snaps = [ec2.create_snapshot(VolumeId=v, TagSpecifications=tagged("snapshot", t))["SnapshotId"]
             for v, t in zip(vols, ("web", "data"), strict=True)]
    images = [ec2.create_image(InstanceId=i, Name=f"image-{t}", TagSpecifications=tagged("image", t))["ImageId"]
              for i, t in ((web_id, "web"), (data_id, "data"))]
    groups = [ec2.create_security_group(GroupName=f"sg-{t}", Description=t,
                                        TagSpecifications=tagged("security-group", t))["GroupId"]
              for t in ("web", "data")]
    return {"aws.ec2": [web_id, data_id], "aws.ebs": vols, "aws.ebs-snapshot": snaps,
            "aws.ami": images, "aws.security-group": groups}


TYPES = {"aws.ec2": "InstanceId", "aws.ebs": "VolumeId", "aws.ebs-snapshot": "SnapshotId",
         "aws.ami": "ImageId", "aws.security-group": "GroupId"}


@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_tag_filter_matches_one_resource_of_each_type_and_not_the_other(type_name, account, cli, write_policies):
    path = write_policies(f"""
policies:
  - name: team-web
    resource: {type_name}
    filters:
      - tag:Team: web
""")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    web, data = account[type_name][:2]
    ids = result.ids("team-web", TYPES[type_name])
    assert web in ids and data not in ids
    # Tags come inline from the describe call, in Custodian's shape.
    found = {r[TYPES[type_name]]: r for r in result.resources("team-web")}
    assert {"Key": "Team", "Value": "web"} in found[web]["Tags"]


def test_arns_follow_aws_formats(account, server):
    expected = {
        "aws.ec2": "arn:aws:ec2:us-east-1:123456789012:instance/{}",
        "aws.ebs": "arn:aws:ec2:us-east-1:123456789012:volume/{}",
        "aws.ebs-snapshot": "arn:aws:ec2:us-east-1::snapshot/{}",
        "aws.ami": "arn:aws:ec2:us-east-1::image/{}",
        "aws.security-group": "arn:aws:ec2:us-east-1:123456789012:security-group/{}",
    }
    for type_name, fmt in expected.items():
        m = manager(server, type_name)
        first = account[type_name][0]
        resource = next(r for r in m.resources() if m.resource_type.resource_id(r) == first)
        assert m.resource_type.arn(resource, m.session) == fmt.format(first)


@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_fetch_by_ids_returns_just_those_resources_in_one_call(type_name, account, server):
    m = manager(server, type_name)
    wanted = account[type_name][1]
    server.reset_log()
    found = m.get_resources([wanted])
    assert [m.resource_type.resource_id(r) for r in found] == [wanted]
    assert len(server.requests) == 1


def test_images_by_id_drop_unknown_ids(account, server):
    m = manager(server, "aws.ami")
    found = m.get_resources([account["aws.ami"][0], "ami-0000000000000dead"])
    assert [r["ImageId"] for r in found] == [account["aws.ami"][0]]


def test_snapshot_permissions_are_fetched_only_when_a_filter_reads_them(account, aws, cli, write_policies, server):
    aws("ec2").modify_snapshot_attribute(SnapshotId=account["aws.ebs-snapshot"][0], Attribute="createVolumePermission",
                                         OperationType="add", GroupNames=["all"])
    path = write_policies("""
policies:
  - name: by-tag
    resource: aws.ebs-snapshot
    filters: [{"tag:Team": web}]
  - name: public-by-value
    resource: aws.ebs-snapshot
    filters:
      - type: value
        key: "CreateVolumePermissions[].Group"
        op: contains
        value: all
""")
    server.reset_log()
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    assert result.ids("public-by-value", "SnapshotId") == [account["aws.ebs-snapshot"][0]]
    calls = [r.operation for r in server.requests]
    # One describe for both policies; the attribute once per snapshot, for the second policy only.
    assert calls.count("DescribeSnapshots") == 1
    snapshots = len(aws("ec2").describe_snapshots(OwnerIds=["self"])["Snapshots"])
    assert snapshots == 4  # two made here, one behind each image
    assert calls.count("DescribeSnapshotAttribute") == snapshots
    assert "CreateVolumePermissions" not in result.resources("by-tag")[0]
    assert writes(server) == []


def test_image_launch_permissions_are_a_detail(account, aws, cli, write_policies):
    aws("ec2").modify_image_attribute(ImageId=account["aws.ami"][1], LaunchPermission={"Add": [{"Group": "all"}]})
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: public-images
    resource: ami
    filters:
      - "LaunchPermissions[].Group": not-null
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("public-images", "ImageId") == [account["aws.ami"][1]]
