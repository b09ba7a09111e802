"""More actions of EC2, EBS, AMIs, security groups, S3, SNS and Redshift, read
back from moto (or, where moto lacks the API, checked in the plan)."""
from __future__ import annotations

import json

import pytest

from tests.test_actions_ec2 import launch, states
from tests.test_actions_network_storage import make_cluster, make_group


def run(cli, write_policies, text, dry=False):
    result = cli(*(["run", "--dryrun"] if dry else ["run"]), write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def plan_calls(result, policy):
    plan = json.loads((result.output_dir / policy / "plan.json").read_text())
    return [c for a in plan for c in a["calls"]]


def test_reboot_and_set_monitoring_plan(aws, cli, write_policies):
    ec2 = aws("ec2")
    running, stopped = launch(ec2, 2)
    ec2.stop_instances(InstanceIds=[stopped])
    run(cli, write_policies, "policies: [{name: reboot, resource: aws.ec2, actions: [reboot]}]")
    assert states(ec2, [running, stopped]) == {running: "running", stopped: "stopped"}
    # moto does not implement MonitorInstances: the plan is checked.
    result = run(cli, write_policies, """
policies: [{name: mon, resource: aws.ec2, actions: [{type: set-monitoring, state: enable}]}]
""", dry=True)
    calls = plan_calls(result, "mon")
    assert [(c["operation"], sorted(c["params"]["InstanceIds"])) for c in calls] == [
        ("monitor_instances", sorted([running, stopped]))]


def test_ebs_detach_and_modify(aws, cli, write_policies):
    ec2 = aws("ec2")
    iid = launch(ec2, 1)[0]
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, VolumeType="gp2")["VolumeId"]
    other = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, VolumeType="gp2")["VolumeId"]
    ec2.attach_volume(VolumeId=vol, InstanceId=iid, Device="/dev/sdf")
    run(cli, write_policies, f"""
policies:
  - {{name: detach, resource: aws.ebs, filters: [{{VolumeId: {vol}}}], actions: [detach]}}
  - {{name: grow, resource: aws.ebs, filters: [{{VolumeId: {other}}}],
     actions: [{{type: modify, volume-type: gp3, size-percent: 200}}]}}
""")
    volumes = {v["VolumeId"]: v for v in ec2.describe_volumes(VolumeIds=[vol, other])["Volumes"]}
    assert volumes[vol]["Attachments"] == []
    assert (volumes[other]["VolumeType"], volumes[other]["Size"]) == ("gp3", 20)


def test_ami_set_deprecation_plan(aws, cli, write_policies):
    ec2 = aws("ec2")
    iid = launch(ec2, 1)[0]
    image = ec2.create_image(InstanceId=iid, Name="old-image")["ImageId"]
    result = run(cli, write_policies, """
policies: [{name: dep, resource: aws.ami, actions: [{type: set-deprecation, days: 30}]}]
""", dry=True)
    calls = plan_calls(result, "dep")
    assert [(c["operation"], c["resource_ids"]) for c in calls] == [("enable_image_deprecation", [image])]


def test_security_group_set_permissions(aws, cli, write_policies):
    ec2 = aws("ec2")
    gid = make_group(ec2)
    run(cli, write_policies, f"""
policies:
  - name: swap
    resource: aws.security-group
    filters: [{{GroupId: {gid}}}, {{type: ingress, Ports: [22], Cidr: {{value: 0.0.0.0/0}}}}]
    actions:
      - type: set-permissions
        remove-ingress: matched
        add-ingress:
          - {{IpProtocol: tcp, FromPort: 22, ToPort: 22, IpRanges: [{{CidrIp: 10.1.0.0/16}}]}}
""")
    group = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
    rules = sorted((p.get("FromPort"), r["CidrIp"]) for p in group["IpPermissions"] for r in p.get("IpRanges", ()))
    assert rules == [(22, "10.1.0.0/16"), (443, "10.0.0.0/8")]


def test_s3_set_public_block_merges_and_encryption_policy(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="half-open")
    s3.put_public_access_block(Bucket="half-open", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    s3.create_bucket(Bucket="other-bucket")
    run(cli, write_policies, """
policies:
  - name: block
    resource: aws.s3
    filters: [{Name: half-open}]
    actions: [{type: set-public-block, BlockPublicPolicy: true}, encryption-policy]
""")
    block = s3.get_public_access_block(Bucket="half-open")["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": False}
    statements = json.loads(s3.get_bucket_policy(Bucket="half-open")["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["RequiredEncryptedPutObject"]
    assert statements[0]["Effect"] == "Deny" and statements[0]["Resource"] == "arn:aws:s3:::half-open/*"
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket="other-bucket")


def test_sns_modify_policy(aws, cli, write_policies):
    sns = aws("sns")
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    untouched = sns.create_topic(Name="quiet")["TopicArn"]
    run(cli, write_policies, """
policies:
  - name: allow-events
    resource: aws.sns
    filters: [{type: value, key: TopicArn, op: regex, value: ".*:alerts$"}]
    actions:
      - type: modify-policy
        add-statements:
          - {Sid: AllowEvents, Effect: Allow, Principal: {Service: events.amazonaws.com}, Action: "SNS:Publish",
             Resource: "*"}
""")
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    sids = [s.get("Sid") for s in policy["Statement"]]
    assert "AllowEvents" in sids and len(sids) >= 2  # the default statement is kept
    quiet = json.loads(sns.get_topic_attributes(TopicArn=untouched)["Attributes"]["Policy"])["Statement"]
    assert "AllowEvents" not in [s.get("Sid") for s in quiet]


def test_redshift_set_logging_retention_and_vpc_routing(aws, cli, write_policies):
    redshift, s3 = aws("redshift"), aws("s3")
    make_cluster(redshift, "target")
    make_cluster(redshift, "other")
    s3.create_bucket(Bucket="audit-logs")
    run(cli, write_policies, """
policies:
  - name: fix
    resource: aws.redshift
    filters: [{ClusterIdentifier: target}]
    actions:
      - {type: set-logging, state: enabled, bucket: audit-logs, prefix: rs/}
      - {type: retention, days: 7}
      - enable-vpc-routing
""")
    status = redshift.describe_logging_status(ClusterIdentifier="target")
    assert status["LoggingEnabled"] and status["BucketName"] == "audit-logs"
    assert not redshift.describe_logging_status(ClusterIdentifier="other")["LoggingEnabled"]
    cluster = redshift.describe_clusters(ClusterIdentifier="target")["Clusters"][0]
    assert cluster["AutomatedSnapshotRetentionPeriod"] == 7 and cluster["EnhancedVpcRouting"] is True


def test_ami_and_snapshot_copy(aws, cli, write_policies):
    ec2 = aws("ec2")
    iid = launch(ec2, 1)[0]
    image = ec2.create_image(InstanceId=iid, Name="golden")["ImageId"]
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol, TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "backup"}]}])["SnapshotId"]
    text = f"""
policies:
  - {{name: dr-image, resource: aws.ami, filters: [{{ImageId: {image}}}],
     actions: [{{type: copy, region: us-west-2, name: golden-dr}}]}}
  - {{name: dr-snap, resource: aws.ebs-snapshot, filters: [{{SnapshotId: {snap}}}],
     actions: [{{type: copy, target_region: us-west-2}}]}}
"""
    planned = run(cli, write_policies, text, dry=True)
    assert plan_calls(planned, "dr-snap")[0]["params"]["Encrypted"] is True
    run(cli, write_policies, text)
    west = aws("ec2", "us-west-2")
    assert [i["Name"] for i in west.describe_images(Owners=["self"])["Images"]] == ["golden-dr"]
    # (the image copy brings its own snapshot along)
    copies = [s for s in west.describe_snapshots(OwnerIds=["self"])["Snapshots"]
              if {"Key": "Name", "Value": "backup"} in s.get("Tags", [])]
    assert len(copies) == 1  # (moto ignores Encrypted on CopySnapshot: the plan shows it)


def test_set_instance_profile(aws, cli, write_policies):
    iam, ec2 = aws("iam"), aws("ec2")
    for name in ("old-profile", "new-profile"):
        iam.create_instance_profile(InstanceProfileName=name)
    moved = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                              IamInstanceProfile={"Name": "old-profile"})["Instances"][0]["InstanceId"]
    bare = launch(ec2, 1, {"Env": "dev"})[0]
    run(cli, write_policies, """
policies:
  - {name: profile, resource: aws.ec2, actions: [{type: set-instance-profile, name: new-profile}]}
""")
    assoc = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
    by_instance = {a["InstanceId"]: a["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1] for a in assoc
                   if a["State"] in ("associated", "associating")}
    assert by_instance == {moved: "new-profile", bare: "new-profile"}


def test_autorecover_alarm(aws, cli, write_policies):
    ec2, cw = aws("ec2"), aws("cloudwatch")
    target = launch(ec2, 1, {"Env": "prod"})[0]
    launch(ec2, 1, {"Env": "dev"})
    run(cli, write_policies, """
policies:
  - {name: recover, resource: aws.ec2, filters: [{"tag:Env": prod}], actions: [autorecover-alarm]}
""")
    alarms = cw.describe_alarms()["MetricAlarms"]
    assert [(a["AlarmName"], a["AlarmActions"]) for a in alarms] == [
        (f"recover-{target}", ["arn:aws:automate:us-east-1:ec2:recover"])]


def test_redshift_set_attributes(aws, cli, write_policies):
    redshift = aws("redshift")
    make_cluster(redshift, "target")
    make_cluster(redshift, "other")
    run(cli, write_policies, """
policies:
  - {name: attrs, resource: aws.redshift, filters: [{ClusterIdentifier: target}],
     actions: [{type: set-attributes, attributes: {AutomatedSnapshotRetentionPeriod: 9}}]}
""")
    periods = {c["ClusterIdentifier"]: c["AutomatedSnapshotRetentionPeriod"]
               for c in redshift.describe_clusters()["Clusters"]}
    assert periods["target"] == 9 and periods["other"] != 9


def test_send_command(aws, cli, write_policies):
    ec2, ssm = aws("ec2"), aws("ssm")
    target = launch(ec2, 1, {"Patch": "yes"})[0]
    launch(ec2, 1, {"Patch": "no"})
    result = run(cli, write_policies, """
policies:
  - name: patch
    resource: aws.ec2
    filters: [{"tag:Patch": "yes"}]
    actions:
      - type: send-command
        command: {DocumentName: AWS-RunShellScript, Parameters: {commands: [yum -y update]}}
""")
    commands = ssm.list_commands()["Commands"]
    # moto adds every instance of the region to a command sent without Targets: the outcomes name the sent ids.
    assert [c["DocumentName"] for c in commands] == ["AWS-RunShellScript"] and target in commands[0]["InstanceIds"]
    outcomes = json.loads((result.output_dir / "patch" / "action-send-command.json").read_text())
    assert [(o["resource_id"], o["status"]) for o in outcomes] == [(target, "done")]


def test_propagate_spot_tags(aws, cli, write_policies):
    ec2 = aws("ec2")
    ec2.request_spot_instances(InstanceCount=1, LaunchSpecification={"ImageId": "ami-12c6146b",
                                                                     "InstanceType": "t3.micro"},
                               TagSpecifications=[{"ResourceType": "spot-instances-request", "Tags": [
                                   {"Key": "Team", "Value": "red"}, {"Key": "Cost", "Value": "cc-1"}]}])
    on_demand = launch(ec2, 1)[0]
    run(cli, write_policies, """
policies:
  - {name: spot-tags, resource: aws.ec2, actions: [{type: propagate-spot-tags, only_tags: [Team]}]}
""")
    found = {i["InstanceId"]: {t["Key"]: t["Value"] for t in i.get("Tags", [])}
             for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
    spot = [iid for iid in found if iid != on_demand]
    assert found[spot[0]] == {"Team": "red"} and found[on_demand] == {}
