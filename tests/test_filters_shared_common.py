"""tag-count, event, reduce and list-item on several resource types (EC2
instances, EBS volumes, security groups, SNS topics)."""
from __future__ import annotations

import pytest
import yaml

from c7n_lite.aws.session import AwsSession
from c7n_lite.policy import Policy
from tests.test_actions_ec2 import launch


@pytest.fixture
def run(cli, write_policies):
    def go(text, key):
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}, result
    return go


def volume(ec2, size=1, **tags):
    spec = [{"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
    return ec2.create_volume(AvailabilityZone="us-east-1a", Size=size, TagSpecifications=spec)["VolumeId"]


def test_tag_count_on_instances_and_topics(aws, run):
    ec2, sns = aws("ec2"), aws("sns")
    (many,) = launch(ec2, 1, {"A": "1", "B": "2", "C": "3"})
    (few,) = launch(ec2, 1, {"A": "1"})
    tagged = sns.create_topic(Name="tagged", Tags=[{"Key": "A", "Value": "1"}, {"Key": "B", "Value": "2"}])["TopicArn"]
    sns.create_topic(Name="bare")
    found, _ = run("""
policies:
  - name: ec2-three-or-more
    resource: ec2
    filters: [{type: tag-count, count: 3}]
  - name: ec2-fewer-than-two
    resource: ec2
    filters: [{type: tag-count, count: 2, op: lt}]
""", "InstanceId")
    assert found == {"ec2-three-or-more": [many], "ec2-fewer-than-two": [few]}
    found, _ = run("""
policies:
  - name: sns-two
    resource: sns
    filters: [{type: tag-count, count: 2, op: eq}]
""", "TopicArn")
    assert found == {"sns-two": [tagged]}


def test_event_filter_on_instances_and_volumes(aws, server):
    ec2 = aws("ec2")
    launch(ec2, 2)
    volume(ec2)
    session = AwsSession("us-east-1", endpoint_url=server.endpoint)
    event = {"detail": {"eventName": "RunInstances", "userIdentity": {"type": "IAMUser"}}}
    for resource in ("ec2", "ebs"):
        policy = Policy({"name": "p", "resource": resource, "filters": [
            {"type": "event", "key": "detail.userIdentity.type", "value": "IAMUser"}]}, session)
        everything = policy.manager.resources()
        assert policy.filter(everything, event) == everything
        assert policy.filter(everything, {"detail": {"userIdentity": {"type": "Root"}}}) == []
        assert policy.filter(everything, None) == everything      # a pull run: no event to compare


def test_reduce_on_volumes_and_instances(aws, run):
    ec2 = aws("ec2")
    small_a = volume(ec2, 1, Team="a")
    big_a = volume(ec2, 8, Team="a")
    mid_a = volume(ec2, 4, Team="a")
    big_b = volume(ec2, 9, Team="b")
    volume(ec2, 2, Team="b")
    untagged = volume(ec2, 3)
    found, _ = run("""
policies:
  - name: biggest-per-team
    resource: ebs
    filters:
      - type: reduce
        group-by: "tag:Team"
        sort-by: {key: Size, value_type: number}
        order: desc
        limit: 1
  - name: all-but-the-smallest
    resource: ebs
    filters:
      - type: reduce
        sort-by: {key: Size, value_type: number}
        discard: 1
""", "VolumeId")
    assert sorted(found["biggest-per-team"]) == sorted([big_a, big_b, untagged])
    assert small_a not in found["all-but-the-smallest"] and len(found["all-but-the-smallest"]) == 5
    assert mid_a in found["all-but-the-smallest"]
    launch(ec2, 3)
    found, _ = run("""
policies:
  - name: two-instances
    resource: ec2
    filters: [{type: reduce, sort-by: InstanceId, limit: 2}]
""", "InstanceId")
    every = sorted(i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"])
    assert found["two-instances"] == every[:2]


def test_list_item_on_security_groups_and_instances(aws, run):
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ssh = ec2.create_security_group(GroupName="ssh", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    web = ec2.create_security_group(GroupName="web", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    found, result = run("""
policies:
  - name: port-22-rule
    resource: security-group
    filters:
      - type: list-item
        key: IpPermissions
        attrs:
          - FromPort: 22
  - name: two-rules
    resource: security-group
    filters: [{type: list-item, key: IpPermissions, count: 2, count_op: eq}]
""", "GroupId")
    assert found == {"port-22-rule": [ssh], "two-rules": [ssh]}
    assert result.resources("port-22-rule")[0]["c7n:ListItemMatches"] == ["IpPermissions[0]"]
    (with_sg,) = launch(ec2, 1)
    found, _ = run("""
policies:
  - name: running-interfaces
    resource: ec2
    filters:
      - type: list-item
        key: NetworkInterfaces
        attrs: [{type: value, key: Status, value: in-use}]
  - name: no-interfaces
    resource: ec2
    filters: [{type: list-item, key: NetworkInterfaces, count: 0}]
""", "InstanceId")
    assert found == {"running-interfaces": [with_sg], "no-interfaces": []}


def test_list_item_attrs_are_validated(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad-attrs
    resource: security-group
    filters: [{type: list-item, key: IpPermissions, attrs: [{type: ingress, Ports: [22]}]}]
  - name: good-attrs
    resource: security-group
    filters: [{type: list-item, key: IpPermissions, attrs: [{or: [{FromPort: 22}, {ToPort: 22}]}]}]
"""))
    assert result.exit_code == 1
    assert "bad-attrs" in result.output and "unknown filter 'ingress' for list entries" in result.output
    assert "good-attrs" not in result.output
