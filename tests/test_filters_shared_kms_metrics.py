"""kms-key and metrics, shared by every type declaring kms_key_expr /
metrics_dimensions: on EBS volumes, SNS topics, EC2 instances."""
from __future__ import annotations

import datetime

import pytest
import yaml

from tests.test_actions_ec2 import launch


@pytest.fixture
def run(cli, write_policies):
    def go(text, key):
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}, result
    return go


def keys(aws):
    kms = aws("kms")
    app = kms.create_key(Description="app data")["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=app["KeyId"])
    kms.tag_resource(KeyId=app["KeyId"], Tags=[{"TagKey": "Owner", "TagValue": "app-team"}])
    other = kms.create_key(Description="other")["KeyMetadata"]
    return app, other


def test_kms_key_on_volumes_by_alias_and_tag(aws, run):
    app, other = keys(aws)
    ec2 = aws("ec2")
    mine = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True, KmsKeyId=app["Arn"])["VolumeId"]
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True, KmsKeyId=other["Arn"])
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    found, result = run("""
policies:
  - name: app-key
    resource: ebs
    filters: [{type: kms-key, key: "c7n:AliasName", value: alias/app}]
  - name: app-team-key
    resource: ebs
    filters: [{type: kms-key, key: "tag:Owner", value: app-team}]
  - name: customer-managed
    resource: ebs
    filters: [{type: kms-key, key: KeyManager, value: CUSTOMER}]
""", "VolumeId")
    assert found["app-key"] == [mine] and found["app-team-key"] == [mine]
    assert len(found["customer-managed"]) == 2
    assert result.resources("app-key")[0]["c7n:matched-kms-key"] == [app["Arn"]]


def test_kms_key_on_sns_topics_named_by_alias(aws, run):
    app, other = keys(aws)
    sns = aws("sns")
    mine = sns.create_topic(Name="app", Attributes={"KmsMasterKeyId": "alias/app"})["TopicArn"]
    sns.create_topic(Name="other", Attributes={"KmsMasterKeyId": other["KeyId"]})
    sns.create_topic(Name="plain")
    found, _ = run("""
policies:
  - name: app-key
    resource: sns
    filters: [{type: kms-key, key: Description, value: app data}]
""", "TopicArn")
    assert found["app-key"] == [mine]


def put_cpu(aws, namespace, dimension, rid, value):
    aws("cloudwatch").put_metric_data(Namespace=namespace, MetricData=[{
        "MetricName": "CPUUtilization" if namespace == "AWS/EC2" else "VolumeIdleTime",
        "Dimensions": [{"Name": dimension, "Value": rid}],
        "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=30),
        "Value": value}])


def test_metrics_on_instances(aws, run):
    idle, busy, silent = launch(aws("ec2"), 3)
    put_cpu(aws, "AWS/EC2", "InstanceId", idle, 2.0)
    put_cpu(aws, "AWS/EC2", "InstanceId", busy, 85.0)
    found, result = run("""
policies:
  - name: idle
    resource: ec2
    filters: [{type: metrics, name: CPUUtilization, days: 1, period: 3600, value: 10, op: less-than}]
  - name: idle-or-silent
    resource: ec2
    filters: [{type: metrics, name: CPUUtilization, days: 1, value: 10, missing-value: 0}]
  - name: busy
    resource: ec2
    filters: [{type: metrics, name: CPUUtilization, days: 1, statistics: Maximum, value: 50, op: gte}]
""", "InstanceId")
    assert found["idle"] == [idle]
    assert found["idle-or-silent"] == sorted([idle, silent])
    assert found["busy"] == [busy]
    assert "AWS/EC2.CPUUtilization.Average.1" in result.resources("idle")[0]["c7n.metrics"]


def test_metrics_on_volumes(aws, run):
    ec2 = aws("ec2")
    idle = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    used = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    put_cpu(aws, "AWS/EBS", "VolumeId", idle, 3600.0)
    put_cpu(aws, "AWS/EBS", "VolumeId", used, 10.0)
    found, _ = run("""
policies:
  - name: idle-volumes
    resource: ebs
    filters: [{type: metrics, name: VolumeIdleTime, days: 2, statistics: Sum, value: 3000, op: gt}]
""", "VolumeId")
    assert found["idle-volumes"] == [idle]


def test_metrics_options_are_checked(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad-stat
    resource: ec2
    filters: [{type: metrics, name: CPUUtilization, value: 1, statistics: Median}]
  - name: too-long
    resource: ec2
    filters: [{type: metrics, name: CPUUtilization, value: 1, days: 500}]
  - name: fine
    resource: ec2
    filters: [{type: metrics, name: CPUUtilization, value: 1, statistics: p99, period-start: start-of-day,
               percent-attr: CpuOptions.CoreCount, attr-multiplier: 2, dimensions: {Extra: x}}]
"""))
    assert result.exit_code == 1
    assert "bad-stat" in result.output and "too-long" in result.output and "'fine'" not in result.output
