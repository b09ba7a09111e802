"""VPC demo networking, for policies/vpc.yml and policies/compliance/vpc.yml.

Besides moto's default VPC (no flow logs; default subnets that give public
IPs; its default NACL allows all traffic from anywhere), an `app` VPC with
flow logs to CloudWatch Logs, a private subnet behind a `restricted` NACL
(HTTPS only), an unused NACL open on SSH, an internet gateway, a NAT gateway,
S3 and DynamoDB endpoints, an interface holding an Elastic IP, and an unattached Elastic IP.
"""
from __future__ import annotations

import boto3

from c7n_lite.sandbox_seed.iam import document

WORLD = "0.0.0.0/0"


def _tags(kind: str, **tags: str) -> list[dict]:
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def _nacl(ec2, vpc: str, name: str, rules: list[tuple[int, str, int | None]]) -> str:
    acl = ec2.create_network_acl(VpcId=vpc, TagSpecifications=_tags("network-acl", Name=name))
    acl_id = acl["NetworkAcl"]["NetworkAclId"]
    for number, protocol, port in rules:
        extra = {"PortRange": {"From": port, "To": port}} if port is not None else {}
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=number, Protocol=protocol,
                                     RuleAction="allow", Egress=False, CidrBlock=WORLD, **extra)
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                 Egress=True, CidrBlock=WORLD)
    return acl_id


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    logs = boto3.client("logs", region_name=region, endpoint_url=endpoint)
    iam = boto3.client("iam", region_name=region, endpoint_url=endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16", TagSpecifications=_tags("vpc", Name="app"))["Vpc"]["VpcId"]
    logs.create_log_group(logGroupName="/vpc/app")
    role = iam.create_role(RoleName="vpc-flow-logs", AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
         "Action": "sts:AssumeRole"}))["Role"]["Arn"]
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                         LogGroupName="/vpc/app", DeliverLogsPermissionArn=role)

    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.1.0/24",
                               TagSpecifications=_tags("subnet", Name="app-private"))["Subnet"]["SubnetId"]
    restricted = _nacl(ec2, vpc, "restricted", [(100, "6", 443)])
    _nacl(ec2, vpc, "legacy-ssh", [(100, "6", 22)])
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    association = next(a["NetworkAclAssociationId"] for acl in current["NetworkAcls"]
                       for a in acl["Associations"] if a["SubnetId"] == subnet)
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=restricted)

    igw = ec2.create_internet_gateway(TagSpecifications=_tags("internet-gateway", Name="app-igw"))
    ec2.attach_internet_gateway(InternetGatewayId=igw["InternetGateway"]["InternetGatewayId"], VpcId=vpc)
    nat_ip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=nat_ip,
                           TagSpecifications=_tags("natgateway", Name="app-nat"))
    route_table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    for service in ("s3", "dynamodb"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                RouteTableIds=[route_table["RouteTableId"]])

    eni = ec2.create_network_interface(SubnetId=subnet, Description="app frontend",
                                       TagSpecifications=_tags("network-interface", Name="app-frontend"))
    held = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", Name="frontend"))
    ec2.associate_address(AllocationId=held["AllocationId"],
                          NetworkInterfaceId=eni["NetworkInterface"]["NetworkInterfaceId"])
    ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", Name="forgotten"))
