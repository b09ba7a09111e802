"""Auto Scaling groups and the launch configurations they launch from."""
from __future__ import annotations

from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType, Tagging

# ASG tags have their own shape (ResourceId, ResourceType, PropagateAtLaunch):
# the "asg" planner in actions.tagging writes them.
ASG_TAGGING = Tagging("asg", "autoscaling", "create_or_update_tags", "delete_tags", "ResourceId",
                      by="id", permissions=("autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"))


@resources.register("aws.asg")
class AutoScalingGroup(ResourceType):
    """EC2 Auto Scaling groups (tags come with the describe call, each with its
    `PropagateAtLaunch`).  The image, security groups, key pair and volumes an
    ASG launches with are those of its launch configuration or launch template
    version (`launch-config`, `image`, `not-encrypted`, `invalid` read them).
    Its subnets are the comma-separated `VPCZoneIdentifier`.

    Tested against moto, which ignores `update`'s `default-cooldown`,
    `capacity-rebalance` and `max-instance-lifetime` (they are planned and sent
    as AWS documents them)."""

    service = "autoscaling"
    enum_op = "describe_auto_scaling_groups"
    enum_path = "AutoScalingGroups"
    id = name = "AutoScalingGroupName"
    arn_key = "AutoScalingGroupARN"
    date = "CreatedTime"
    taggable = True
    tagging = ASG_TAGGING
    fetch_op = "describe_auto_scaling_groups"
    fetch_param = "AutoScalingGroupNames"
    fetch_batch = 50
    metrics_namespace = "AWS/AutoScaling"
    metrics_dimensions = (("AutoScalingGroupName", "AutoScalingGroupName"),)
    report_fields = ("AutoScalingGroupName", "MinSize", "MaxSize", "DesiredCapacity",
                     "LaunchConfigurationName", "LaunchTemplate.LaunchTemplateName", "CreatedTime")


@resources.register("aws.launch-config")
class LaunchConfiguration(ResourceType):
    """EC2 Auto Scaling launch configurations (not taggable in AWS)."""

    service = "autoscaling"
    enum_op = "describe_launch_configurations"
    enum_path = "LaunchConfigurations"
    id = name = "LaunchConfigurationName"
    arn_key = "LaunchConfigurationARN"
    date = "CreatedTime"
    fetch_op = "describe_launch_configurations"
    fetch_param = "LaunchConfigurationNames"
    fetch_batch = 50
    security_groups_expr = "SecurityGroups[]"
    report_fields = ("LaunchConfigurationName", "ImageId", "InstanceType", "KeyName", "CreatedTime")
