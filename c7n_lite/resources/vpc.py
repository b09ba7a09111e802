"""VPC networking: VPCs, network ACLs, subnets, network interfaces, Elastic IPs,
internet and NAT gateways, VPC endpoints.

All are EC2 resources, tagged with EC2's calls.  Each declares the facts the
shared network filters read (`vpc_expr`, `subnets_expr`, `security_groups_expr`).
"""
from __future__ import annotations

from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType


def _ec2_arn(kind: str) -> str:
    return "arn:{partition}:ec2:{region}:{account}:" + kind + "/{id}"


@resources.register("aws.vpc")
class Vpc(ResourceType):
    """VPCs (the default VPC included).  `flow-logs` reads `DescribeFlowLogs` once per run."""

    service = "ec2"
    enum_op = "describe_vpcs"
    enum_path = "Vpcs"
    id = name = "VpcId"
    arn_format = _ec2_arn("vpc")
    taggable = True
    fetch_op = "describe_vpcs"
    fetch_param = "VpcIds"
    fetch_gone = ("InvalidVpcID.NotFound",)
    vpc_expr = "VpcId"
    report_fields = ("VpcId", "CidrBlock", "IsDefault", "tag:Name")


@resources.register("aws.network-acl")
class NetworkAcl(ResourceType):
    """Network ACLs, with their `Entries` and subnet `Associations`.

    moto: `DescribePrefixLists` gives the AWS prefix lists without their
    `Cidrs`, so `s3-cidr` finds no range to check there."""

    service = "ec2"
    enum_op = "describe_network_acls"
    enum_path = "NetworkAcls"
    id = name = "NetworkAclId"
    arn_format = _ec2_arn("network-acl")
    taggable = True
    fetch_op = "describe_network_acls"
    fetch_param = "NetworkAclIds"
    fetch_gone = ("InvalidNetworkAclID.NotFound",)
    vpc_expr = "VpcId"
    subnets_expr = "Associations[].SubnetId"
    report_fields = ("NetworkAclId", "VpcId", "IsDefault", "tag:Name")


@resources.register("aws.subnet")
class Subnet(ResourceType):
    service = "ec2"
    enum_op = "describe_subnets"
    enum_path = "Subnets"
    id = name = "SubnetId"
    arn_key = "SubnetArn"
    arn_format = _ec2_arn("subnet")
    taggable = True
    fetch_op = "describe_subnets"
    fetch_param = "SubnetIds"
    fetch_gone = ("InvalidSubnetID.NotFound",)
    vpc_expr = "VpcId"
    subnets_expr = "SubnetId"
    report_fields = ("SubnetId", "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch")


@resources.register("aws.eni")
class NetworkInterface(ResourceType):
    """Elastic network interfaces.  EC2 returns their tags as `TagSet`; they are
    presented as `Tags`, as Custodian does."""

    service = "ec2"
    enum_op = "describe_network_interfaces"
    enum_path = "NetworkInterfaces"
    id = name = "NetworkInterfaceId"
    arn_format = _ec2_arn("network-interface")
    taggable = True
    fetch_op = "describe_network_interfaces"
    fetch_param = "NetworkInterfaceIds"
    fetch_gone = ("InvalidNetworkInterfaceID.NotFound",)
    vpc_expr = "VpcId"
    subnets_expr = "SubnetId"
    security_groups_expr = "Groups[].GroupId"
    report_fields = ("NetworkInterfaceId", "Status", "SubnetId", "Description", "InterfaceType")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        if "TagSet" in resource:
            resource["Tags"] = resource.pop("TagSet") or []
        return resource


@resources.register("aws.elastic-ip")
class ElasticIp(ResourceType):
    """Elastic IP addresses; unattached ones have no `AssociationId`."""

    service = "ec2"
    enum_op = "describe_addresses"
    enum_path = "Addresses"
    id = "AllocationId"
    name = "PublicIp"
    arn_format = _ec2_arn("elastic-ip")
    taggable = True
    fetch_op = "describe_addresses"
    fetch_param = "AllocationIds"
    fetch_gone = ("InvalidAllocationID.NotFound",)
    report_fields = ("AllocationId", "PublicIp", "AssociationId", "InstanceId", "NetworkInterfaceId")


@resources.register("aws.internet-gateway")
class InternetGateway(ResourceType):
    service = "ec2"
    enum_op = "describe_internet_gateways"
    enum_path = "InternetGateways"
    id = name = "InternetGatewayId"
    arn_format = _ec2_arn("internet-gateway")
    taggable = True
    fetch_op = "describe_internet_gateways"
    fetch_param = "InternetGatewayIds"
    fetch_gone = ("InvalidInternetGatewayID.NotFound",)
    vpc_expr = "Attachments[].VpcId"
    report_fields = ("InternetGatewayId", "Attachments[].VpcId", "tag:Name")


@resources.register("aws.nat-gateway")
class NatGateway(ResourceType):
    service = "ec2"
    enum_op = "describe_nat_gateways"
    enum_path = "NatGateways"
    id = name = "NatGatewayId"
    arn_format = _ec2_arn("natgateway")
    date = "CreateTime"
    taggable = True
    fetch_op = "describe_nat_gateways"
    fetch_param = "NatGatewayIds"
    fetch_gone = ("NatGatewayNotFound",)
    vpc_expr = "VpcId"
    subnets_expr = "SubnetId"
    report_fields = ("NatGatewayId", "State", "VpcId", "SubnetId")


@resources.register("aws.vpc-endpoint")
class VpcEndpoint(ResourceType):
    """VPC endpoints; the endpoint policy is `PolicyDocument` (JSON text).

    moto: deleting a Gateway endpoint fails (a server error); Interface ones delete."""

    service = "ec2"
    enum_op = "describe_vpc_endpoints"
    enum_path = "VpcEndpoints"
    id = name = "VpcEndpointId"
    arn_format = _ec2_arn("vpc-endpoint")
    date = "CreationTimestamp"
    taggable = True
    fetch_op = "describe_vpc_endpoints"
    fetch_param = "VpcEndpointIds"
    fetch_gone = ("InvalidVpcEndpointId.NotFound",)
    vpc_expr = "VpcId"
    subnets_expr = "SubnetIds"
    security_groups_expr = "Groups[].GroupId"
    policy_key = "PolicyDocument"
    report_fields = ("VpcEndpointId", "ServiceName", "VpcEndpointType", "VpcId", "State")
