"""The packaged handler, end to end: the zip deploy uploaded, unpacked into an
empty directory and run in a clean interpreter (stdlib + boto3/botocore/jmespath)
against the moto server, for real events."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import urllib.request
import zipfile
from pathlib import Path

import pytest

from c7n_lite.deploy.invoke import InvokeError, invoke, run_unpacked, unpack

EVENTS = Path(__file__).parent / "data" / "events"

AUTO_TAG = """
policies:
  - name: ec2-auto-tag-owner
    resource: aws.ec2
    mode:
      type: cloudtrail
      events: [RunInstances]
    filters:
      - "tag:Owner": absent
    actions:
      - type: auto-tag-user
        tag: Owner
"""

REDSHIFT_NIGHTLY = """
policies:
  - name: redshift-nightly-snapshot
    resource: aws.redshift
    mode:
      type: periodic
      schedule: cron(0 2 * * ? *)
    actions:
      - snapshot
"""


def sample(name: str, instance_id: str | None = None) -> dict:
    event = json.loads((EVENTS / name).read_text())
    if instance_id:
        event["detail"]["responseElements"]["instancesSet"]["items"][0]["instanceId"] = instance_id
    return event


def launch(aws) -> str:
    return aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def tags_of(aws, instance_id: str) -> dict:
    instance = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}


def deployed_package(cli, aws, path: str, policy: str, function: str, into: Path) -> Path:
    """Deploy, then check the zip `package` writes is byte for byte the one deployed; unpack it."""
    result = cli("deploy", path)
    assert result.exit_code == 0, result.output
    zip_path = into / "package.zip"
    assert cli("package", "-p", policy, "-o", str(zip_path), path).exit_code == 0
    data = zip_path.read_bytes()
    deployed = aws("lambda").get_function(FunctionName=function)["Configuration"]["CodeSha256"]
    assert deployed == base64.b64encode(hashlib.sha256(data).digest()).decode()
    return unpack(data, into / "unpacked")


def test_archive_is_reproducible_and_holds_only_what_the_policy_needs(cli, write_policies, tmp_path):
    path = write_policies(AUTO_TAG)
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    assert cli("package", "-p", "ec2-auto-tag-owner", "-o", str(a), path).exit_code == 0
    assert cli("package", "-p", "ec2-auto-tag-owner", "-o", str(b), path).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        config = json.loads(zf.read("config.json"))
    assert "c7n_lite/handler.py" in names and "policy.json" in names
    assert {"c7n_lite/resources/ec2.py", "c7n_lite/filters/value.py", "c7n_lite/actions/autotag.py",
            "c7n_lite/modes/cloudtrail.py"} <= set(names)
    # no CLI, validation or unrelated plugins
    for absent in ("c7n_lite/cli.py", "c7n_lite/schema.py", "c7n_lite/loader.py", "c7n_lite/resources/redshift.py",
                   "c7n_lite/modes/periodic.py", "c7n_lite/deploy/archive.py", "c7n_lite/custodian_names.json",
                   "c7n_lite/custodian.py"):
        assert absent not in names
    assert config["modules"] == ["c7n_lite.actions.autotag", "c7n_lite.filters.value",
                                 "c7n_lite.modes.cloudtrail", "c7n_lite.resources.ec2"]
    assert a.stat().st_size < 100_000


@pytest.mark.parametrize("event_file, owner", [
    ("cloudtrail-run-instances-iam-user.json", "alice"),
    ("cloudtrail-run-instances-assumed-role.json", "bob@example.com"),
])
def test_run_instances_event_tags_the_new_instance_with_its_caller(
        cli, aws, write_policies, tmp_path, event_file, owner):
    package = deployed_package(cli, aws, write_policies(AUTO_TAG), "ec2-auto-tag-owner",
                               "custodian-ec2-auto-tag-owner", tmp_path)
    new, other = launch(aws), launch(aws)
    result = run_unpacked(package, sample(event_file, new))
    summary = result.summary
    assert summary["errors"] == []
    assert summary["evaluated_ids"] == [new]  # only the instance the event names: no scan
    assert summary["matched"] == [new]
    assert tags_of(aws, new)["Owner"] == owner
    assert "Owner" not in tags_of(aws, other)
    assert summary["api_calls"].get("ec2:DescribeInstances") and "ec2:CreateTags" in summary["api_calls"]
    # structured logs: one JSON object per line
    logged = [json.loads(line) for line in result.logs]
    assert any(entry.get("summary", {}).get("policy") == "ec2-auto-tag-owner" for entry in logged)


@pytest.mark.parametrize("forge", [
    {"source": "attacker.custom"},                       # PutEvents by anyone with events:PutEvents
    {"source": None},
    {"detail-type": "EC2 Instance State-change Notification"},
])
def test_a_forged_event_is_refused_and_nothing_is_written(cli, aws, write_policies, tmp_path, forge):
    package = deployed_package(cli, aws, write_policies(AUTO_TAG), "ec2-auto-tag-owner",
                               "custodian-ec2-auto-tag-owner", tmp_path)
    instance = launch(aws)
    event = sample("cloudtrail-run-instances-iam-user.json", instance)
    event["detail"]["userIdentity"] = {"type": "IAMUser", "userName": "mallory-chose-this"}
    event.update(forge)
    if event["source"] is None:
        del event["source"]
    result = run_unpacked(package, event)
    summary = result.summary
    assert summary["refused"] and summary["matched"] == [] and summary["api_calls"] == {}
    assert summary["refused_events"] == 1
    assert "Owner" not in tags_of(aws, instance)
    logged = [json.loads(line) for line in result.logs]
    assert any(e["level"] == "WARNING" and "refused" in e["message"] for e in logged)
    # The same event from AWS is acted on.
    genuine = sample("cloudtrail-run-instances-iam-user.json", instance)
    assert run_unpacked(package, genuine).summary["refused"] is None
    assert tags_of(aws, instance)["Owner"] == "alice"


def test_a_forged_scheduled_event_scans_nothing(cli, aws, write_policies, tmp_path):
    from c7n_lite.deploy.archive import build
    from c7n_lite.schema import load_policies
    aws("redshift").create_cluster(ClusterIdentifier="analytics", NodeType="dc2.large", MasterUsername="admin",
                                   MasterUserPassword="Secret123", ClusterType="single-node")
    specs, _ = load_policies([write_policies(REDSHIFT_NIGHTLY)])

    def snapshots():
        return aws("redshift").describe_cluster_snapshots(ClusterIdentifier="analytics")["Snapshots"]

    before = snapshots()
    summary = invoke(build(specs[0].data).data, {**sample("scheduled.json"), "source": "my.scheduler"}).summary
    assert "not an AWS service" in summary["refused"]
    assert summary["api_calls"] == {}
    assert snapshots() == before


def test_failed_call_events_are_skipped(cli, aws, write_policies, tmp_path):
    from c7n_lite.deploy.archive import build
    from c7n_lite.schema import load_policies
    instance = launch(aws)
    event = sample("cloudtrail-run-instances-failed.json")
    event["detail"]["responseElements"] = {"instancesSet": {"items": [{"instanceId": instance}]}}
    specs, errors = load_policies([write_policies(AUTO_TAG)])
    summary = invoke(build(specs[0].data).data, event).summary
    assert "Client.UnauthorizedOperation" in summary["skipped"]
    assert summary["api_calls"] == {}
    assert "Owner" not in tags_of(aws, instance)


def test_scheduled_event_snapshots_redshift_clusters(cli, aws, write_policies, tmp_path):
    redshift = aws("redshift")
    redshift.create_cluster(ClusterIdentifier="analytics", NodeType="dc2.large", MasterUsername="admin",
                            MasterUserPassword="Secret123", ClusterType="single-node")
    package = deployed_package(cli, aws, write_policies(REDSHIFT_NIGHTLY), "redshift-nightly-snapshot",
                               "custodian-redshift-nightly-snapshot", tmp_path)
    rule = aws("events").describe_rule(Name="custodian-redshift-nightly-snapshot")
    assert rule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    summary = run_unpacked(package, sample("scheduled.json")).summary
    assert summary["errors"] == [] and summary["matched"] == ["analytics"]
    snapshots = redshift.describe_cluster_snapshots(ClusterIdentifier="analytics", SnapshotType="manual")
    assert len(snapshots["Snapshots"]) == 1


def test_invoke_command_runs_the_packaged_handler(cli, aws, write_policies, tmp_path):
    path = write_policies(AUTO_TAG)
    instance = launch(aws)
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(sample("cloudtrail-run-instances-iam-user.json", instance)))
    dry = cli("invoke", path, "-p", "ec2-auto-tag-owner", "--event", str(event_file), "--dryrun")
    assert dry.exit_code == 0, dry.output
    assert "Owner" not in tags_of(aws, instance)
    result = cli("invoke", path, "-p", "ec2-auto-tag-owner", "--event", str(event_file))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("\n{") + 1:])
    assert summary["matched"] == [instance]
    assert tags_of(aws, instance)["Owner"] == "alice"


def test_invoke_warns_when_the_rule_would_not_fire(cli, aws, write_policies, tmp_path):
    event_file = tmp_path / "event.json"
    event_file.write_text((EVENTS / "cloudtrail-create-volume.json").read_text())
    result = cli("invoke", write_policies(AUTO_TAG), "-p", "ec2-auto-tag-owner", "--event", str(event_file))
    assert "does not match the rule's pattern" in result.output


def test_the_handler_sees_only_the_archive_and_the_sdk(cli, write_policies, tmp_path):
    """A module left out of the zip fails here, not first in AWS: the checkout is not on the path."""
    from c7n_lite.deploy.archive import build
    from c7n_lite.schema import load_policies
    specs, _ = load_policies([write_policies(AUTO_TAG)])
    source = zipfile.ZipFile(io.BytesIO(build(specs[0].data).data))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        for name in source.namelist():
            if name != "c7n_lite/filters/value.py":
                zf.writestr(name, source.read(name))
    with pytest.raises(InvokeError) as failure:
        invoke(broken.getvalue(), sample("cloudtrail-run-instances-iam-user.json"))
    assert "No module named 'c7n_lite.filters.value'" in failure.value.stderr


def _enforce_iam(server, on: bool) -> None:
    request = urllib.request.Request(f"{server.endpoint}/moto-api/reset-auth", data=b"0" if on else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request).read()


def test_handler_runs_under_its_least_privilege_role(cli, aws, server, write_policies, tmp_path):
    package = deployed_package(cli, aws, write_policies(AUTO_TAG), "ec2-auto-tag-owner",
                               "custodian-ec2-auto-tag-owner", tmp_path)
    instance = launch(aws)
    role_arn = aws("lambda").get_function(FunctionName="custodian-ec2-auto-tag-owner")["Configuration"]["Role"]
    creds = aws("sts").assume_role(RoleArn=role_arn, RoleSessionName="lambda")["Credentials"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
           "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"], "AWS_SESSION_TOKEN": creds["SessionToken"]}
    import boto3
    as_role = boto3.client("ec2", region_name="us-east-1", endpoint_url=server.endpoint,
                           aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    _enforce_iam(server, True)
    try:
        summary = run_unpacked(package, sample("cloudtrail-run-instances-iam-user.json", instance), env).summary
        with pytest.raises(Exception) as denied:
            as_role.stop_instances(InstanceIds=[instance])
    finally:
        _enforce_iam(server, False)
    assert summary["errors"] == [], summary
    assert summary["matched"] == [instance]
    assert tags_of(aws, instance)["Owner"] == "alice"
    code = denied.value.response["Error"]["Code"]
    assert code in ("AccessDenied", "UnauthorizedOperation", "AccessDeniedException"), code


def _example(name: str) -> bytes:
    from c7n_lite.deploy.archive import build
    from c7n_lite.schema import load_policies
    root = Path(__file__).resolve().parent.parent / "policies"
    specs, errors = load_policies([str(p) for p in sorted(root.glob("lambda-*.yml"))])
    assert errors == []
    return build(next(s.data for s in specs if s.name == name)).data


def test_example_sg_opened_to_world_notifies(aws):
    sns, sqs, ec2 = aws("sns"), aws("sqs"), aws("ec2")
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    quiet = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    event = sample("cloudtrail-authorize-security-group-ingress.json")
    event["detail"]["requestParameters"]["groupId"] = group
    summary = invoke(_example("sg-opened-to-world"), event).summary
    assert summary["errors"] == [] and summary["matched"] == [group]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    # c7n-mailer's wire format: the SNS message is zlib-compressed, base64-encoded JSON.
    from c7n_lite.actions.notify_wire import unpack
    assert len(messages) == 1
    message = unpack(json.loads(messages[0]["Body"])["Message"])
    assert [r["GroupId"] for r in message["resources"]] == [group] and quiet not in json.dumps(message)
    assert message["event"]["detail"]["requestParameters"]["groupId"] == group


def test_example_ebs_auto_tag_user_tags_the_new_volume(aws):
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    event = sample("cloudtrail-create-volume.json")
    event["detail"]["responseElements"]["volumeId"] = volume
    summary = invoke(_example("ebs-auto-tag-user"), event).summary
    assert summary["errors"] == [] and summary["matched"] == [volume]
    tags = ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["Tags"]
    assert {"Key": "Owner", "Value": "alice"} in tags


def test_instance_state_event_acts_on_the_named_instance(aws, write_policies):
    from c7n_lite.deploy.archive import build
    from c7n_lite.schema import load_policies
    specs, _ = load_policies([write_policies("""
policies:
  - name: ec2-started
    resource: aws.ec2
    mode: {type: ec2-instance-state, events: [running]}
    actions:
      - {type: tag, key: SeenRunning, value: "yes"}
""")])
    started, other = launch(aws), launch(aws)
    event = sample("ec2-instance-state-running.json")
    event["detail"]["instance-id"] = started
    summary = invoke(build(specs[0].data).data, event).summary
    assert summary["matched"] == [started] and summary["errors"] == []
    assert tags_of(aws, started)["SeenRunning"] == "yes"
    assert "SeenRunning" not in tags_of(aws, other)


def test_a_filter_on_a_related_type_works_in_the_lambda(aws, write_policies):
    """skip-ami-snapshots reads the account's AMIs: aws.ami must ship and load in the zip."""
    from c7n_lite.deploy.archive import build
    from c7n_lite.policy import policy_permissions
    from c7n_lite.schema import load_policies
    specs, _ = load_policies([write_policies("""
policies:
  - name: snapshot-created
    resource: aws.ebs-snapshot
    mode: {type: cloudtrail, events: [CreateSnapshot]}
    filters:
      - type: skip-ami-snapshots
        value: true
    actions:
      - {type: tag, key: Checked, value: "yes"}
""")])
    archive = build(specs[0].data)
    assert "c7n_lite/resources/ami.py" in archive.files
    assert "ec2:DescribeImages" in policy_permissions(specs[0].data)
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    event = {"source": "aws.ec2", "detail-type": "AWS API Call via CloudTrail",
             "detail": {"eventSource": "ec2.amazonaws.com", "eventName": "CreateSnapshot",
                        "userIdentity": {"type": "IAMUser", "userName": "alice"},
                        "responseElements": {"snapshotId": snapshot}}}
    summary = invoke(archive.data, event).summary
    assert summary["errors"] == [], summary
    assert summary["matched"] == [snapshot]


def test_a_missing_filter_on_another_type_works_in_the_lambda(aws, write_policies):
    """`missing` reads its nested policy's type: that type ships and loads in the zip."""
    from c7n_lite.deploy.archive import build
    from c7n_lite.schema import load_policies
    specs, _ = load_policies([write_policies("""
policies:
  - name: no-trail
    resource: aws.account
    mode: {type: periodic, schedule: "rate(1 day)"}
    filters:
      - type: missing
        policy: {resource: aws.cloudtrail}
""")])
    archive = build(specs[0].data)
    assert "c7n_lite/resources/cloudtrail.py" in archive.files
    summary = invoke(archive.data, sample("scheduled.json")).summary
    assert summary["errors"] == [], summary
    assert summary["matched"] == ["123456789012"]
