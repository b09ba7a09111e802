"""Auto Scaling demo groups, for policies/asg.yml and policies/compliance/asg.yml.

- web-asg: launch configuration with an unencrypted data volume, one instance,
  an image 200 days old, one Availability Zone;
- api-asg: encrypted volumes, wants one instance and runs none (capacity delta),
  two Availability Zones, a launch configuration with a public IP;
- legacy-asg: its launch configuration names an image that no longer exists,
  no Owner tag;
- spare-lc-2023: a launch configuration no group uses;
- worker-asg: a launch template (the recommended way), two zones; the
  template's second version allows IMDSv1.
"""
from __future__ import annotations

import datetime

import boto3

BASE_IMAGE = "ami-12c6146b"
ACCOUNT = "123456789012"


def _backdate_image(region: str, image_id: str, days: int) -> None:
    try:
        from moto.ec2.models import ec2_backends
    except ImportError:
        return
    image = ec2_backends[ACCOUNT][region].amis[image_id]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    image.creation_date = now - datetime.timedelta(days=days)


def _want_more(region: str, name: str, desired: int) -> None:
    """moto launches the desired instances at once: raise the desired count in
    its model only, so the group runs fewer instances than it wants."""
    try:
        from moto.autoscaling.models import autoscaling_backends
    except ImportError:
        return
    autoscaling_backends[ACCOUNT][region].autoscaling_groups[name].desired_capacity = desired


def tags(propagate: bool = True, **pairs: str) -> list[dict]:
    return [{"Key": k, "Value": v, "PropagateAtLaunch": propagate} for k, v in pairs.items()]


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    asg = boto3.client("autoscaling", region_name=region, endpoint_url=endpoint)
    builder = ec2.run_instances(ImageId=BASE_IMAGE, MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "asg-image-builder"},
                                              {"Key": "Owner", "Value": "platform"}]}])["Instances"][0]
    image = ec2.create_image(InstanceId=builder["InstanceId"], Name="asg-base-2025")["ImageId"]
    _backdate_image(region, image, 200)
    ec2.terminate_instances(InstanceIds=[builder["InstanceId"]])
    subnets = {s["AvailabilityZone"]: s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]
               if s.get("DefaultForAz")}
    one_zone = subnets[f"{region}a"]
    two_zones = ",".join([subnets[f"{region}a"], subnets[f"{region}b"]])

    asg.create_launch_configuration(
        LaunchConfigurationName="web-lc-2025", ImageId=image, InstanceType="t3.micro",
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 20, "Encrypted": False}}])
    asg.create_launch_configuration(
        LaunchConfigurationName="api-lc-encrypted", ImageId=image, InstanceType="t3.small",
        AssociatePublicIpAddress=True,
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 15, "Encrypted": True}},
                             {"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 20, "Encrypted": True}}])
    asg.create_launch_configuration(LaunchConfigurationName="spare-lc-2023", ImageId=image,
                                    InstanceType="t3.micro")
    asg.create_launch_configuration(LaunchConfigurationName="legacy-lc-2019", ImageId=BASE_IMAGE,
                                    InstanceType="m4.large")
    ec2.create_launch_template(LaunchTemplateName="worker-template", LaunchTemplateData={
        "ImageId": image, "InstanceType": "t3.micro",
        "MetadataOptions": {"HttpTokens": "required"}})
    # Its second version drops the IMDSv2 requirement (a regression policies/asg.yml finds).
    ec2.create_launch_template_version(LaunchTemplateName="worker-template", SourceVersion="1",
                                       VersionDescription="debug build", LaunchTemplateData={
                                           "ImageId": image, "InstanceType": "t3.large",
                                           "MetadataOptions": {"HttpTokens": "optional"}})

    asg.create_auto_scaling_group(AutoScalingGroupName="web-asg", LaunchConfigurationName="web-lc-2025",
                                  MinSize=1, MaxSize=3, DesiredCapacity=1, VPCZoneIdentifier=one_zone,
                                  Tags=tags(Name="web", Owner="web-team", CostCenter="cc-100"))
    asg.create_auto_scaling_group(AutoScalingGroupName="api-asg", LaunchConfigurationName="api-lc-encrypted",
                                  MinSize=0, MaxSize=2, DesiredCapacity=0, VPCZoneIdentifier=two_zones,
                                  Tags=tags(Owner="api-team"))
    _want_more(region, "api-asg", 1)
    asg.create_auto_scaling_group(AutoScalingGroupName="legacy-asg", LaunchConfigurationName="legacy-lc-2019",
                                  MinSize=0, MaxSize=1, DesiredCapacity=0, VPCZoneIdentifier=one_zone)
    asg.create_auto_scaling_group(AutoScalingGroupName="worker-asg", MinSize=0, MaxSize=4, DesiredCapacity=0,
                                  LaunchTemplate={"LaunchTemplateName": "worker-template", "Version": "$Latest"},
                                  VPCZoneIdentifier=two_zones, Tags=tags(Owner="data-team"))
