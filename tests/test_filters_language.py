"""Type-specific filters of EC2, EBS, snapshots, AMIs, security groups and
Redshift: each with a resource that matches and one that does not."""
from __future__ import annotations

import base64
import datetime
import json

import pytest

from tests.test_actions_ec2 import AMI, launch
from tests.test_actions_network_storage import make_cluster


@pytest.fixture
def ids(cli, write_policies):
    """Run one policy; the ids it matched."""
    def go(resource, filters, key):
        text = json.dumps({"policies": [{"name": "p", "resource": resource, "filters": filters}]})
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        return result.ids("p", key)
    return go


def test_termination_and_stop_protected(aws, ids):
    ec2 = aws("ec2")
    guarded, free = launch(ec2, 2)
    ec2.modify_instance_attribute(InstanceId=guarded, DisableApiTermination={"Value": True})
    assert ids("aws.ec2", ["termination-protected"], "InstanceId") == [guarded]
    assert ids("aws.ec2", [{"not": ["termination-protected"]}], "InstanceId") == [free]


def test_user_data_and_instance_attribute(aws, ids):
    ec2 = aws("ec2")
    secret = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                               UserData="#!/bin/sh\nexport DB_PASSWORD=hunter2\n")["Instances"][0]["InstanceId"]
    plain = launch(ec2, 1)[0]
    found = ids("aws.ec2", [{"type": "user-data", "op": "regex", "value": "(?smi).*password="}], "InstanceId")
    assert found == [secret]
    assert ids("aws.ec2", [{"type": "user-data", "value": "absent"}], "InstanceId") == [plain]
    found = ids("aws.ec2", [{"type": "instance-attribute", "attribute": "instanceType", "key": "Value",
                             "value": "t3.micro"}], "InstanceId")
    assert found == sorted([secret, plain])
    found = ids("aws.ec2", [{"type": "instance-attribute", "attribute": "instanceType", "key": "Value",
                             "value": "m5.large"}], "InstanceId")
    assert found == []


def test_state_age_image_age_and_uptime(aws, ids, monkeypatch):
    ec2 = aws("ec2")
    running, stopped = launch(ec2, 2)
    ec2.stop_instances(InstanceIds=[stopped])
    # moto stamps StateTransitionReason with the real clock: look from 40 days on.
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=40)
    monkeypatch.setenv("C7N_LITE_NOW", later.isoformat())
    assert ids("aws.ec2", [{"type": "state-age", "days": 30}], "InstanceId") == [stopped]
    assert ids("aws.ec2", [{"type": "instance-uptime", "days": 30}], "InstanceId") == sorted([running, stopped])
    assert ids("aws.ec2", [{"type": "instance-uptime", "days": 30, "op": "lt"}], "InstanceId") == []


def test_has_specific_managed_policy(aws, ids):
    iam, ec2 = aws("iam"), aws("ec2")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                                   "Resource": "*"}]})
    for name, policy in (("admin", "AdministratorAccess"), ("reader", "ReadOnlyAccess")):
        arn = iam.create_policy(PolicyName=policy, PolicyDocument=document)["Policy"]["Arn"]
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        iam.create_instance_profile(InstanceProfileName=name)
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    admin = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                              IamInstanceProfile={"Name": "admin"})["Instances"][0]["InstanceId"]
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "reader"})
    launch(ec2, 1)
    found = ids("aws.ec2", [{"type": "has-specific-managed-policy", "value": "AdministratorAccess"}], "InstanceId")
    assert found == [admin]


def test_ssm_filter(aws, ids, server):
    # moto does not serve DescribeInstanceInformation: the answer is injected.
    ec2 = aws("ec2")
    managed, unmanaged = launch(ec2, 2)
    answer = json.dumps({"InstanceInformationList": [
        {"InstanceId": managed, "PingStatus": "Online", "PlatformName": "Amazon Linux"}]})
    server.hooks.append(lambda r: (200, answer, "application/x-amz-json-1.1")
                        if r.operation == "DescribeInstanceInformation" else None)
    assert ids("aws.ec2", [{"type": "ssm", "key": "PingStatus", "value": "Online"}], "InstanceId") == [managed]
    assert ids("aws.ec2", [{"type": "ssm", "key": "PingStatus", "value": "absent"}], "InstanceId") == [unmanaged]


def test_tags_left_out_of_describe_are_read(aws, ids, server):
    ec2 = aws("ec2")
    tagged, untagged = launch(ec2, 1, {"Owner": "alice"})[0], launch(ec2, 1)[0]
    assert ids("aws.ec2", [{"tag:Owner": "absent"}], "InstanceId") == [untagged]
    assert "DescribeTags" in [r.operation for r in server.requests]
    assert tagged


def volume(ec2, **kw):
    return ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, **kw)["VolumeId"]


def test_ebs_instance_snapshots_and_modifyable(aws, ids):
    ec2 = aws("ec2")
    iid = launch(ec2, 1, {"Env": "prod"})[0]
    attached = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
        "BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    backed, magnetic = volume(ec2), volume(ec2, VolumeType="standard")
    ec2.create_snapshot(VolumeId=backed)
    assert ids("aws.ebs", [{"type": "instance", "key": "tag:Env", "value": "prod"}], "VolumeId") == [attached]
    assert ids("aws.ebs", [{"type": "snapshots", "count": 0}], "VolumeId") == sorted([attached, magnetic])
    assert ids("aws.ebs", [{"type": "snapshots", "attrs": [{"State": "completed"}]}], "VolumeId") == [backed]
    assert magnetic not in ids("aws.ebs", ["modifyable"], "VolumeId")
    assert backed in ids("aws.ebs", ["modifyable"], "VolumeId")


def test_snapshot_volume_and_unused(aws, ids):
    ec2 = aws("ec2")
    kept, gone = volume(ec2), volume(ec2)
    live = ec2.create_snapshot(VolumeId=kept)["SnapshotId"]
    orphan = ec2.create_snapshot(VolumeId=gone)["SnapshotId"]
    ec2.delete_volume(VolumeId=gone)
    assert ids("aws.ebs-snapshot", [{"type": "volume", "key": "VolumeId", "value": "absent"}], "SnapshotId") == [orphan]
    ec2.create_launch_template(LaunchTemplateName="lt", LaunchTemplateData={
        "ImageId": AMI, "BlockDeviceMappings": [{"DeviceName": "/dev/sdb", "Ebs": {"SnapshotId": live}}]})
    assert ids("aws.ebs-snapshot", ["unused"], "SnapshotId") == [orphan]
    assert ids("aws.ebs-snapshot", [{"type": "unused", "value": False}], "SnapshotId") == [live]


def test_ami_unused_counts_launch_templates(aws, ids):
    ec2 = aws("ec2")
    iid = launch(ec2, 1)[0]
    templated = ec2.create_image(InstanceId=iid, Name="templated")["ImageId"]
    idle = ec2.create_image(InstanceId=iid, Name="idle")["ImageId"]
    ec2.create_launch_template(LaunchTemplateName="lt", LaunchTemplateData={"ImageId": templated})
    assert ids("aws.ami", ["unused"], "ImageId") == [idle]


def test_security_group_unused_and_used(aws, ids):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    on_eni = ec2.create_security_group(GroupName="on-eni", Description="x", VpcId=vpc)["GroupId"]
    referenced = ec2.create_security_group(GroupName="referenced", Description="x", VpcId=vpc)["GroupId"]
    idle = ec2.create_security_group(GroupName="idle", Description="x", VpcId=vpc)["GroupId"]
    ec2.create_network_interface(SubnetId=subnet, Groups=[on_eni])
    ec2.authorize_security_group_ingress(GroupId=on_eni, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": referenced}]}])
    unused = ids("aws.security-group", ["unused"], "GroupId")
    assert idle in unused and on_eni not in unused and referenced not in unused
    used = ids("aws.security-group", ["used"], "GroupId")
    assert on_eni in used and referenced in used and idle not in used


SNAPSHOTS_XML = """<DescribeClusterSnapshotsResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/">
<DescribeClusterSnapshotsResult><Snapshots>
<Snapshot><SnapshotIdentifier>shared-snap</SnapshotIdentifier><ClusterIdentifier>logged</ClusterIdentifier>
<SnapshotType>manual</SnapshotType><SnapshotCreateTime>{when}</SnapshotCreateTime>
<AccountsWithRestoreAccess><AccountWithRestoreAccess><AccountId>210987654321</AccountId></AccountWithRestoreAccess>
<AccountWithRestoreAccess><AccountId>111111111111</AccountId></AccountWithRestoreAccess></AccountsWithRestoreAccess>
</Snapshot>
<Snapshot><SnapshotIdentifier>own-snap</SnapshotIdentifier><ClusterIdentifier>logged</ClusterIdentifier>
<SnapshotType>manual</SnapshotType><SnapshotCreateTime>2020-01-01T00:00:00Z</SnapshotCreateTime></Snapshot>
</Snapshots></DescribeClusterSnapshotsResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeClusterSnapshotsResponse>"""


def test_redshift_logging_and_param(aws, ids):
    redshift, s3 = aws("redshift"), aws("s3")
    make_cluster(redshift, "logged")
    make_cluster(redshift, "silent")
    s3.create_bucket(Bucket="audit-logs")
    redshift.enable_logging(ClusterIdentifier="logged", BucketName="audit-logs")
    found = ids("aws.redshift", [{"type": "logging", "key": "LoggingEnabled", "value": False}], "ClusterIdentifier")
    assert found == ["silent"]
    # moto's default parameter group holds mock parameters as strings.
    found = ids("aws.redshift", [{"type": "param", "key": "auto_analyze", "value": "true"}], "ClusterIdentifier")
    assert found == ["logged", "silent"]
    assert ids("aws.redshift", [{"type": "param", "key": "auto_analyze", "value": "false"}], "ClusterIdentifier") == []


def test_redshift_snapshot_cross_account_and_age(aws, ids, server):
    # moto cannot share a snapshot (AuthorizeSnapshotAccess): the listing is injected.
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    server.hooks.append(lambda r: (200, SNAPSHOTS_XML.format(when=when))
                        if r.operation == "DescribeClusterSnapshots" else None)
    found = ids("aws.redshift-snapshot", ["cross-account"], "SnapshotIdentifier")
    assert found == ["shared-snap"]
    found = ids("aws.redshift-snapshot", [{"type": "cross-account", "whitelist": ["210987654321", "111111111111"]}],
                "SnapshotIdentifier")
    assert found == []
    assert ids("aws.redshift-snapshot", [{"type": "age", "days": 30}], "SnapshotIdentifier") == ["own-snap"]
    assert ids("aws.redshift-snapshot", [{"type": "age", "days": 30, "op": "lt"}], "SnapshotIdentifier") == [
        "shared-snap"]


def test_decode_user_data_gzip():
    import gzip

    from c7n_lite.filters.ec2_attrs import decode_user_data
    assert decode_user_data(base64.b64encode(gzip.compress(b"hello")).decode()) == "hello"


def test_iam_role_singleton_and_ephemeral(aws, ids):
    iam, ec2, cw = aws("iam"), aws("ec2"), aws("cloudwatch")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for name, env in (("prod-role", "Production"), ("dev-role", "Dev")):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, Tags=[{"Key": "Environment", "Value": env}])
        iam.create_instance_profile(InstanceProfileName=name)
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    prod = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                             IamInstanceProfile={"Name": "prod-role"})["Instances"][0]["InstanceId"]
    dev = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                            IamInstanceProfile={"Name": "dev-role"})["Instances"][0]["InstanceId"]
    bare = launch(ec2, 1)[0]
    assert ids("aws.ec2", [{"type": "iam-role", "key": "tag:Environment", "value": "Production"}],
               "InstanceId") == [prod]
    assert ids("aws.ec2", [{"type": "iam-role", "key": "RoleName", "value": "absent"}], "InstanceId") == [bare]
    cw.put_metric_alarm(AlarmName="recover", MetricName="StatusCheckFailed_System", Namespace="AWS/EC2",
                        Statistic="Minimum", Period=60, EvaluationPeriods=1, Threshold=0,
                        ComparisonOperator="GreaterThanThreshold",
                        Dimensions=[{"Name": "InstanceId", "Value": prod}],
                        AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"])
    assert ids("aws.ec2", ["singleton"], "InstanceId") == sorted([dev, bare])
    root = ec2.describe_instances(InstanceIds=[bare])["Reservations"][0]["Instances"][0][
        "BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    ec2.detach_volume(VolumeId=root, InstanceId=bare, Force=True)
    assert ids("aws.ec2", ["ephemeral"], "InstanceId") == [bare]


def test_image_attribute(aws, ids):
    ec2 = aws("ec2")
    iid = launch(ec2, 1)[0]
    golden = ec2.create_image(InstanceId=iid, Name="golden", Description="golden image")["ImageId"]
    ec2.create_image(InstanceId=iid, Name="scratch", Description="scratch")
    found = ids("aws.ami", [{"type": "image-attribute", "attribute": "description", "key": "Value",
                             "value": "golden image"}], "ImageId")
    assert found == [golden]


DAILY_XML = """<DescribeClusterSnapshotsResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/">
<DescribeClusterSnapshotsResult><Snapshots>{items}</Snapshots></DescribeClusterSnapshotsResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeClusterSnapshotsResponse>"""
SNAP_XML = ("<Snapshot><SnapshotIdentifier>{sid}</SnapshotIdentifier><ClusterIdentifier>{cluster}</ClusterIdentifier>"
            "<Status>available</Status><SnapshotCreateTime>{when}</SnapshotCreateTime></Snapshot>")


def test_redshift_consecutive_snapshots(aws, ids, server):
    # The snapshots' dates are injected: moto stamps snapshots with the current time only.
    redshift = aws("redshift")
    make_cluster(redshift, "daily")
    make_cluster(redshift, "gappy")
    now = datetime.datetime.now(datetime.timezone.utc)
    items = "".join(SNAP_XML.format(sid=f"{c}-{d}", cluster=c,
                                    when=(now - datetime.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ"))
                    for c, days in (("daily", (1, 2, 3)), ("gappy", (1, 3))) for d in days)
    server.hooks.append(lambda r: (200, DAILY_XML.format(items=items))
                        if r.operation == "DescribeClusterSnapshots" else None)
    found = ids("aws.redshift", [{"type": "consecutive-snapshots", "count": 3, "period": "days",
                                  "status": "available"}], "ClusterIdentifier")
    assert found == ["daily"]


def test_image_metadata(aws, ids, server):
    # moto does not serve DescribeInstanceImageMetadata: the answer is injected.
    ec2 = aws("ec2")
    stale, fine = launch(ec2, 2)
    item = ("<item><instanceId>{i}</instanceId><imageMetadata><imageId>ami-1</imageId>"
            "<imageState>{s}</imageState></imageMetadata></item>")
    answer = ('<DescribeInstanceImageMetadataResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
              "<requestId>1</requestId><instanceImageMetadataSet>"
              + item.format(i=stale, s="deregistered") + item.format(i=fine, s="available")
              + "</instanceImageMetadataSet></DescribeInstanceImageMetadataResponse>")
    server.hooks.append(lambda r: (200, answer) if r.operation == "DescribeInstanceImageMetadata" else None)
    assert ids("aws.ec2", [{"type": "image-metadata", "key": "State", "value": "deregistered"}],
               "InstanceId") == [stale]


def test_security_group_stale(aws, ids, server):
    # moto does not serve DescribeStaleSecurityGroups: the answer is injected.
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    stale = ec2.create_security_group(GroupName="stale", Description="x", VpcId=vpc)["GroupId"]
    ec2.create_security_group(GroupName="fresh", Description="x", VpcId=vpc)
    answer = ('<DescribeStaleSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
              f"<requestId>1</requestId><staleSecurityGroupSet><item><groupId>{stale}</groupId>"
              f"<vpcId>{vpc}</vpcId><staleIpPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort>"
              "<toPort>22</toPort><groups><item><groupId>sg-gone</groupId></item></groups></item>"
              "</staleIpPermissions></item></staleSecurityGroupSet></DescribeStaleSecurityGroupsResponse>")
    server.hooks.append(lambda r: (200, answer) if r.operation == "DescribeStaleSecurityGroups" else None)
    assert ids("aws.security-group", ["stale"], "GroupId") == [stale]
