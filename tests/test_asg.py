"""Auto Scaling groups: enumeration, fetch by name, the launch-configuration
filters, each action's effect read back from moto, dry runs that write nothing."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources

BASE_IMAGE = "ami-12c6146b"


@pytest.fixture
def fleet(aws):
    """An image; groups from launch configurations (one encrypted, one not, one
    naming a missing image) and from a launch template."""
    ec2, asg = aws("ec2"), aws("autoscaling")
    builder = ec2.run_instances(ImageId=BASE_IMAGE, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    image = ec2.create_image(InstanceId=builder, Name="base-image")["ImageId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    asg.create_launch_configuration(LaunchConfigurationName="plain", ImageId=image, InstanceType="t3.micro",
                                    BlockDeviceMappings=[{"DeviceName": "/dev/sdb",
                                                          "Ebs": {"VolumeSize": 8, "Encrypted": False}}])
    asg.create_launch_configuration(LaunchConfigurationName="sealed", ImageId=image, InstanceType="t3.micro",
                                    BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                          "Ebs": {"VolumeSize": 8, "Encrypted": True}}])
    asg.create_launch_configuration(LaunchConfigurationName="broken", ImageId="ami-00000000deadbeef0",
                                    InstanceType="t3.micro")
    ec2.create_launch_template(LaunchTemplateName="tmpl", LaunchTemplateData={
        "ImageId": image, "InstanceType": "t3.micro", "KeyName": "no-such-key"})
    common = {"MinSize": 0, "MaxSize": 2, "VPCZoneIdentifier": subnet}
    asg.create_auto_scaling_group(AutoScalingGroupName="web", LaunchConfigurationName="plain", DesiredCapacity=1,
                                  Tags=[{"Key": "Owner", "Value": "alice", "PropagateAtLaunch": True}], **common)
    asg.create_auto_scaling_group(AutoScalingGroupName="api", LaunchConfigurationName="sealed",
                                  DesiredCapacity=0, **common)
    asg.create_auto_scaling_group(AutoScalingGroupName="old", LaunchConfigurationName="broken",
                                  DesiredCapacity=0, **common)
    asg.create_auto_scaling_group(AutoScalingGroupName="tmpl", DesiredCapacity=0,
                                  LaunchTemplate={"LaunchTemplateName": "tmpl", "Version": "$Latest"}, **common)
    return {"image": image, "subnet": subnet}


def run_policy(cli, write_policies, body, *flags):
    result = cli("run", *flags, write_policies("policies:\n  - name: p\n    resource: aws.asg\n" + body))
    assert result.exit_code == 0, result.output
    return result


def matched(cli, write_policies, body):
    return run_policy(cli, write_policies, body, "--dryrun").ids("p", "AutoScalingGroupName")


def test_enumerate_and_fetch_by_name(fleet, server):
    load_all()
    rt = resources.get("aws.asg")
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    assert sorted(r["AutoScalingGroupName"] for r in rt.enumerate(session)) == ["api", "old", "tmpl", "web"]
    (web,) = rt.fetch_by_ids(session, ["web"])
    assert web["Tags"][0]["Key"] == "Owner" and rt.arn(web, session).startswith("arn:aws:autoscaling:")
    assert rt.fetch_by_ids(session, ["gone-since"]) == []


def test_invalid_and_valid(fleet, cli, write_policies):
    result = run_policy(cli, write_policies, "    filters: [invalid]\n", "--dryrun")
    found = {r["AutoScalingGroupName"]: r["Invalid"] for r in result.resources("p")}
    assert found == {"old": [["invalid-image", "ami-00000000deadbeef0"]],
                     "tmpl": [["invalid-key-pair", "no-such-key"]]}
    assert matched(cli, write_policies, "    filters: [valid]\n") == ["api", "web"]


def test_not_encrypted_reads_the_launch_configuration_and_the_image(fleet, cli, write_policies):
    # Only the configuration: web maps an unencrypted volume.
    assert matched(cli, write_policies, "    filters: [{type: not-encrypted, exclude_image: true}]\n") == ["web"]
    # With the image: its unencrypted root counts unless the configuration maps it encrypted (api).
    assert matched(cli, write_policies, "    filters: [not-encrypted]\n") == ["tmpl", "web"]


def test_launch_config_image_and_vpc_filters(fleet, cli, write_policies):
    assert matched(cli, write_policies, "    filters: [{type: launch-config, key: KeyName, "
                                        "value: no-such-key}]\n") == ["tmpl"]
    assert matched(cli, write_policies, "    filters: [{type: image, key: Name, value: base-image}]\n") \
        == ["api", "tmpl", "web"]
    assert matched(cli, write_policies, "    filters: [{type: image-age, days: 1, op: lt}]\n") \
        == ["api", "tmpl", "web"]
    assert matched(cli, write_policies, "    filters: [{type: vpc-id, value: vpc-nope}]\n") == []
    assert len(matched(cli, write_policies, "    filters: [{type: vpc-id, value: present}]\n")) == 4


def test_capacity_delta(fleet, cli, write_policies):
    from moto.autoscaling.models import autoscaling_backends
    autoscaling_backends["123456789012"]["us-east-1"].autoscaling_groups["api"].desired_capacity = 2
    assert matched(cli, write_policies, "    filters: [capacity-delta]\n") == ["api"]


def test_suspend_then_resume(fleet, aws, cli, write_policies):
    asg, ec2 = aws("autoscaling"), aws("ec2")
    run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                    "    actions: [{type: suspend, exclude: [Terminate]}]\n")
    web = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    suspended = {p["ProcessName"] for p in web["SuspendedProcesses"]}
    assert "Launch" in suspended and "Terminate" not in suspended
    (instance,) = web["Instances"]
    state = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] in ("stopping", "stopped")
    api = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["api"])["AutoScalingGroups"][0]
    assert api["SuspendedProcesses"] == []

    run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                    "    actions: [{type: resume, delay: 0}]\n")
    web = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert web["SuspendedProcesses"] == []
    state = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] in ("pending", "running")


def test_resize_saves_and_restores_sizes(fleet, aws, cli, write_policies):
    asg = aws("autoscaling")
    run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                    "    actions: [{type: resize, min-size: 0, desired-size: 0, "
                                    "save-options-tag: OffHoursPrevious}]\n")
    web = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert (web["MinSize"], web["DesiredCapacity"]) == (0, 0)
    saved = {t["Key"]: t for t in web["Tags"]}["OffHoursPrevious"]
    assert saved["Value"] == "MinSize=0;MaxSize=2;DesiredCapacity=1" and saved["PropagateAtLaunch"] is False
    run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                    "    actions: [{type: resize, restore-options-tag: OffHoursPrevious}]\n")
    web = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert web["DesiredCapacity"] == 1


def test_delete_with_force(fleet, aws, cli, write_policies):
    asg = aws("autoscaling")
    run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                    "    actions: [{type: delete, force: true}]\n")
    left = {g["AutoScalingGroupName"] for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]}
    assert left == {"api", "old", "tmpl"}


def test_tag_family_writes_asg_tags(fleet, aws, cli, write_policies):
    asg, ec2 = aws("autoscaling"), aws("ec2")
    run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                    "    actions:\n"
                                    "      - {type: tag, key: Team, value: web, propagate: true}\n"
                                    "      - {type: tag, key: Note, value: x}\n"
                                    "      - {type: rename-tag, source: Owner, dest: Maintainer}\n")
    web = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    tags = {t["Key"]: (t["Value"], t["PropagateAtLaunch"]) for t in web["Tags"]}
    # The renamed tag keeps its propagation.
    assert tags == {"Team": ("web", True), "Note": ("x", False), "Maintainer": ("alice", True)}
    (instance,) = web["Instances"]
    on_instance = {t["Key"]: t["Value"] for t in ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [instance["InstanceId"]]}])["Tags"]}
    assert on_instance.get("Maintainer") == "alice" and "Owner" not in on_instance

    run_policy(cli, write_policies, "    actions: [propagate-tags]\n")
    on_instance = {t["Key"]: t["Value"] for t in ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [instance["InstanceId"]]}])["Tags"]}
    assert on_instance.get("Team") == "web" and "Note" not in on_instance

    run_policy(cli, write_policies, "    actions: [{type: remove-tag, key: Team}]\n")
    web = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert {t["Key"] for t in web["Tags"]} == {"Maintainer", "Note"}


def test_dry_run_plans_and_writes_nothing(fleet, server, cli, write_policies):
    server.reset_log()
    result = run_policy(cli, write_policies, "    filters: [{AutoScalingGroupName: web}]\n"
                                             "    actions: [suspend, {type: delete, force: true},\n"
                                             "              {type: tag, key: A, value: b}]\n", "--dryrun")
    assert server.writes() == []
    import json
    plan = json.loads((result.output_dir / "p" / "plan.json").read_text())
    ops = [c["operation"] for step in plan for c in step["calls"]]
    assert ops == ["suspend_processes", "stop_instances", "delete_auto_scaling_group", "create_or_update_tags"]
    tag_call = plan[2]["calls"][0]["params"]["Tags"]
    assert tag_call == [{"ResourceId": "web", "ResourceType": "auto-scaling-group", "Key": "A", "Value": "b",
                         "PropagateAtLaunch": False}]


def test_launch_configurations_unused_age_and_delete(fleet, aws, cli, write_policies):
    asg = aws("autoscaling")
    asg.create_launch_configuration(LaunchConfigurationName="spare", ImageId=fleet["image"],
                                    InstanceType="t3.micro")
    body = ("policies:\n  - name: lc\n    resource: aws.launch-config\n"
            "    filters: [unused, {type: age, days: 1, op: lt}]\n")
    result = cli("run", "--dryrun", write_policies(body))
    assert result.exit_code == 0, result.output
    assert result.ids("lc", "LaunchConfigurationName") == ["spare"]
    result = cli("run", write_policies(body + "    actions: [delete]\n"))
    assert result.exit_code == 0, result.output
    left = {c["LaunchConfigurationName"] for c in asg.describe_launch_configurations()["LaunchConfigurations"]}
    assert left == {"plain", "sealed", "broken"}


def test_user_data_propagated_tags_and_scaling_policies(fleet, aws, cli, write_policies):
    asg = aws("autoscaling")
    script = "#!/bin/bash\nexport DB_PASSWORD=hunter2\n"  # botocore base64-encodes it
    asg.create_launch_configuration(LaunchConfigurationName="leaky", ImageId=fleet["image"],
                                    InstanceType="t3.micro", UserData=script)
    asg.create_auto_scaling_group(AutoScalingGroupName="leaky", LaunchConfigurationName="leaky", MinSize=0,
                                  MaxSize=1, DesiredCapacity=0, VPCZoneIdentifier=fleet["subnet"])
    assert matched(cli, write_policies, "    filters: [{type: user-data, op: regex, "
                                        "value: '(?smi).*password='}]\n") == ["leaky"]
    assert matched(cli, write_policies, "    filters: [{type: propagated-tags, keys: [Owner]}]\n") == ["web"]
    assert matched(cli, write_policies, "    filters: [{type: propagated-tags, keys: [Owner], match: false}]\n") \
        == ["api", "leaky", "old", "tmpl"]
    asg.put_scaling_policy(AutoScalingGroupName="api", PolicyName="cpu", PolicyType="TargetTrackingScaling",
                           TargetTrackingConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
                               "PredefinedMetricType": "ASGAverageCPUUtilization"}})
    assert matched(cli, write_policies, "    filters: [{type: scaling-policy, key: PolicyType, "
                                        "value: TargetTrackingScaling}]\n") == ["api"]


def test_update_settings(fleet, aws, cli, write_policies):
    asg = aws("autoscaling")
    body = ("    filters: [{AutoScalingGroupName: api}]\n"
            "    actions: [{type: update, default-cooldown: 120, new-instances-protected-from-scale-in: true}]\n")
    import json
    plan = json.loads((run_policy(cli, write_policies, body, "--dryrun").output_dir / "p" / "plan.json").read_text())
    assert plan[0]["calls"][0]["params"] == {"AutoScalingGroupName": "api", "DefaultCooldown": 120,
                                             "NewInstancesProtectedFromScaleIn": True}
    run_policy(cli, write_policies, body)
    # moto applies NewInstancesProtectedFromScaleIn and ignores DefaultCooldown.
    groups = {g["AutoScalingGroupName"]: g for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]}
    assert groups["api"]["NewInstancesProtectedFromScaleIn"] is True
    assert groups["web"]["NewInstancesProtectedFromScaleIn"] is False
