"""VPC security groups."""
from __future__ import annotations

from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType


@resources.register("aws.security-group")
class SecurityGroup(ResourceType):
    service = "ec2"
    config_type = "AWS::EC2::SecurityGroup"
    enum_op = "describe_security_groups"
    enum_path = "SecurityGroups"
    id = "GroupId"
    name = "GroupName"
    arn_key = "SecurityGroupArn"
    arn_format = "arn:{partition}:ec2:{region}:{account}:security-group/{id}"
    date = None
    taggable = True
    fetch_gone = ("InvalidGroup.NotFound", "InvalidGroupId.NotFound")
    vpc_expr = "VpcId"
    fetch_op = "describe_security_groups"
    fetch_param = "GroupIds"
    fetch_batch = 200
    report_fields = ("GroupId", "GroupName", "VpcId", "Description", "tag:Name")
