"""EC2 instances."""
from __future__ import annotations

from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType


@resources.register("aws.ec2")
class EC2(ResourceType):
    service = "ec2"
    enum_op = "describe_instances"
    server_query = True
    enum_path = "Reservations[].Instances[]"
    id = "InstanceId"
    name = "InstanceId"
    arn_format = "arn:{partition}:ec2:{region}:{account}:instance/{id}"
    date = "LaunchTime"
    taggable = True
    fetch_gone = ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")
    security_groups_expr = "SecurityGroups[].GroupId"
    subnets_expr = "SubnetId"
    vpc_expr = "VpcId"
    metrics_namespace = "AWS/EC2"
    metrics_dimensions = (("InstanceId", "InstanceId"),)
    fetch_op = "describe_instances"
    fetch_param = "InstanceIds"
    fetch_batch = 1000
    report_fields = ("InstanceId", "InstanceType", "State.Name", "LaunchTime", "tag:Name")
