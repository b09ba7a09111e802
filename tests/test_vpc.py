"""VPCs, network ACLs, subnets, interfaces, Elastic IPs, gateways and endpoints
on the moto server: listing, filters (one match, one not), fetch by id, the
actions' effects read back, and a denied read that fails the policy."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed import vpc as vpc_seed

REGION = "us-east-1"
DENIED = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>'
          '<Message>You are not authorized to perform this operation.</Message></Error></Errors>'
          '<RequestID>injected</RequestID></Response>')


@pytest.fixture
def net(server, aws):
    vpc_seed.seed(server.endpoint, REGION)
    ec2 = aws("ec2")
    app = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["app"]}])["Vpcs"][0]["VpcId"]
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    return ec2, app, default


def run(cli, write_policies, text, dry=True):
    result = cli("run", *(["--dryrun"] if dry else []), write_policies("policies:\n" + text))
    assert result.exit_code == 0, result.output
    return result


def policy(name, resource, filters, actions=None):
    text = f"  - name: {name}\n    resource: {resource}\n    filters: {filters}\n"
    return text + (f"    actions: {actions}\n" if actions else "")


def ids(result, name, key):
    return sorted(r[key] for r in result.resources(name))


def test_every_network_type_lists_the_region(net, cli, write_policies):
    ec2, app, default = net
    types = {"vpc": "VpcId", "network-acl": "NetworkAclId", "subnet": "SubnetId", "eni": "NetworkInterfaceId",
             "elastic-ip": "AllocationId", "internet-gateway": "InternetGatewayId", "nat-gateway": "NatGatewayId",
             "vpc-endpoint": "VpcEndpointId"}
    result = run(cli, write_policies, "".join(policy(f"all-{t}", f"aws.{t}", "[]") for t in types))
    assert ids(result, "all-vpc", "VpcId") == sorted([app, default])
    assert len(result.resources("all-network-acl")) == 4
    assert len(result.resources("all-elastic-ip")) == 3
    assert len(result.resources("all-vpc-endpoint")) == 2
    (igw,) = result.resources("all-internet-gateway")
    assert igw["Attachments"][0]["VpcId"] == app
    (eni,) = [e for e in result.resources("all-eni") if e.get("Description") == "app frontend"]
    assert {"Key": "Name", "Value": "app-frontend"} in eni["Tags"] and "TagSet" not in eni


def test_fetch_by_id_and_shared_filter_facts(net, server):
    ec2, app, default = net
    load_all()
    session = AwsSession(REGION, endpoint_url=server.endpoint)
    found = resources.get("aws.vpc").fetch_by_ids(session, [app])
    assert [v["VpcId"] for v in found] == [app]
    eni = resources.get("aws.eni")
    assert (eni.vpc_expr, eni.subnets_expr, eni.security_groups_expr) == ("VpcId", "SubnetId", "Groups[].GroupId")
    assert resources.get("aws.network-acl").subnets_expr == "Associations[].SubnetId"


def test_flow_logs_filter_options(net, cli, write_policies):
    ec2, app, default = net
    text = "".join((
        policy("no-logs", "aws.vpc", "[{type: flow-logs, enabled: false}]"),
        policy("bare", "aws.vpc", "[flow-logs]"),
        policy("logs-all", "aws.vpc", "[{type: flow-logs, enabled: true, traffic-type: all, log-group: /vpc/app}]"),
        policy("logs-elsewhere", "aws.vpc", "[{type: flow-logs, enabled: true, op: not-equal, log-group: /vpc/app}]"),
        policy("misconfigured", "aws.vpc", "[{not: [{type: flow-logs, attrs: [{TrafficType: ALL},"
               " {FlowLogStatus: ACTIVE}, {LogGroupName: /vpc/app}]}]}]"),
        policy("all-reject", "aws.vpc", "[{type: flow-logs, enabled: true, set-op: and, traffic-type: reject}]"),
    ))
    result = run(cli, write_policies, text)
    assert ids(result, "no-logs", "VpcId") == [default]
    assert ids(result, "bare", "VpcId") == [default]
    assert ids(result, "logs-all", "VpcId") == [app]
    assert result.resources("logs-elsewhere") == []
    assert ids(result, "misconfigured", "VpcId") == [default]
    # As in Custodian: with set-op and, a VPC without any flow log counts as "all match".
    assert ids(result, "all-reject", "VpcId") == [default]


def test_flow_logs_cannot_mix_attrs_and_legacy_options(cli, write_policies):
    result = cli("validate", write_policies("policies:\n" + policy(
        "p", "aws.vpc", "[{type: flow-logs, enabled: true, attrs: [{TrafficType: ALL}]}]")))
    assert result.exit_code != 0 and "cannot combine" in result.output


def test_vpc_related_gateway_and_endpoint_filters(net, cli, write_policies):
    ec2, app, default = net
    text = "".join((
        policy("with-igw", "aws.vpc", "[{type: internet-gateway, key: InternetGatewayId, value: present}]"),
        policy("with-s3-endpoint", "aws.vpc",
               "[{type: vpc-endpoint, key: ServiceName, value: com.amazonaws.us-east-1.s3}]"),
        policy("with-nat", "aws.vpc", "[{type: nat-gateway, key: 'tag:Name', value: app-nat}]"),
    ))
    result = run(cli, write_policies, text)
    for name in ("with-igw", "with-s3-endpoint", "with-nat"):
        assert ids(result, name, "VpcId") == [app], name


PREFIX_LISTS = ('<DescribePrefixListsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                '<requestId>x</requestId><prefixListSet><item><prefixListId>pl-63a5400a</prefixListId>'
                '<prefixListName>com.amazonaws.us-east-1.s3</prefixListName><cidrSet>{cidrs}</cidrSet></item>'
                '</prefixListSet></DescribePrefixListsResponse>')


def test_s3_cidr_checks_the_prefix_list_ranges(net, server, cli, write_policies):
    ec2, app, default = net
    # moto lists the prefix lists without their ranges: answer with S3's at the server.
    ranges = ["52.216.0.0/15", "3.5.0.0/19"]
    lists = "".join(f"<item>{c}</item>" for c in ranges)
    server.hooks.append(lambda r: (200, PREFIX_LISTS.format(cidrs=lists)) if r.operation == "DescribePrefixLists"
                        else None)
    acl = ec2.create_network_acl(VpcId=app)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=10, Protocol="-1", RuleAction="deny",
                                 Egress=True, CidrBlock=ranges[0])
    result = run(cli, write_policies, policy("blocks-s3", "aws.network-acl", "[s3-cidr]")
                 + policy("allows-s3", "aws.network-acl", "[{type: s3-cidr, present: true}]")
                 + policy("ingress-only", "aws.network-acl", "[{type: s3-cidr, egress: false, present: true}]"))
    blocking = ids(result, "blocks-s3", "NetworkAclId")
    assert acl in blocking
    # The default NACLs allow everything in both directions.
    assert any(a not in blocking for a in ids(result, "allows-s3", "NetworkAclId"))
    assert acl not in ids(result, "allows-s3", "NetworkAclId")
    assert acl not in ids(result, "ingress-only", "NetworkAclId")   # no ingress rule either


def test_a_denied_flow_log_read_fails_the_policy(net, server, cli, write_policies):
    server.hooks.append(lambda r: (403, DENIED) if r.operation == "DescribeFlowLogs" else None)
    result = cli("run", "--dryrun", write_policies("policies:\n" + policy("p", "aws.vpc", "[{type: flow-logs}]")))
    assert result.exit_code == 1
    meta = result.metadata("p")
    assert meta["errors"][0]["error_code"] == "UnauthorizedOperation"
    assert meta["counts"]["passed"] == 0 and meta["counts"]["errored"] == meta["counts"]["evaluated"] > 0
    assert result.resources("p") == []


# --- actions ---------------------------------------------------------------------

def test_set_flow_log_on_and_off(net, cli, write_policies, aws):
    ec2, app, default = net
    run(cli, write_policies, policy("enable", "aws.vpc", "[{type: flow-logs, enabled: false}]",
                                    "[{type: set-flow-log, LogGroupName: /vpc/new,"
                                    " DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/vpc-flow-logs'}]"),
        dry=False)
    (log,) = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [default]}])["FlowLogs"]
    assert log["LogGroupName"] == "/vpc/new" and log["TrafficType"] == "ALL"
    run(cli, write_policies, policy("disable", "aws.vpc", f"[{{VpcId: {app}}}]",
                                    "[{type: set-flow-log, state: false}]"), dry=False)
    assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [app]}])["FlowLogs"] == []


def test_set_flow_log_needs_a_destination(cli, write_policies):
    result = cli("validate", write_policies("policies:\n" + policy("p", "aws.vpc", "[]", "[set-flow-log]")))
    assert result.exit_code != 0 and "LogGroupName" in result.output


def test_release_unattached_and_force(net, cli, write_policies):
    ec2, app, default = net
    run(cli, write_policies, policy("release", "aws.elastic-ip", "[]", "[release]"), dry=False)
    left = ec2.describe_addresses()["Addresses"]
    assert len(left) == 2 and all(a.get("AssociationId") for a in left)
    run(cli, write_policies, policy("force", "aws.elastic-ip", "[{'tag:Name': frontend}]",
                                    "[{type: release, force: true}]"), dry=False)
    assert len(ec2.describe_addresses()["Addresses"]) == 1


def test_disassociate_address(net, cli, write_policies):
    ec2, app, default = net
    run(cli, write_policies, policy("d", "aws.elastic-ip", "[{'tag:Name': frontend}]", "[disassociate]"), dry=False)
    (frontend,) = [a for a in ec2.describe_addresses()["Addresses"]
                   if {"Key": "Name", "Value": "frontend"} in a.get("Tags", [])]
    assert "AssociationId" not in frontend


def test_delete_gateways_endpoints_interfaces_and_subnets(net, cli, write_policies):
    ec2, app, default = net
    # moto fails to delete Gateway endpoints: an Interface one to delete.
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [app]}])["Subnets"][0]["SubnetId"]
    ec2.create_vpc_endpoint(VpcId=app, ServiceName="com.amazonaws.us-east-1.sqs", VpcEndpointType="Interface",
                            SubnetIds=[subnet])
    run(cli, write_policies, policy("igw", "aws.internet-gateway", "[]", "[delete]")
        + policy("nat", "aws.nat-gateway", "[]", "[delete]")
        + policy("vpce", "aws.vpc-endpoint", "[{VpcEndpointType: Interface}]", "[delete]"), dry=False)
    assert ec2.describe_internet_gateways()["InternetGateways"] == []
    assert {n["State"] for n in ec2.describe_nat_gateways()["NatGateways"]} <= {"deleting", "deleted"}
    assert sorted(e["ServiceName"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
                  if e["State"] not in ("deleted", "deleting")) == ["com.amazonaws.us-east-1.dynamodb",
                                                                    "com.amazonaws.us-east-1.s3"]
    spare = ec2.create_subnet(VpcId=app, CidrBlock="10.10.9.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=spare, Description="scratch")["NetworkInterface"]
    run(cli, write_policies, policy("eni", "aws.eni", "[{Description: scratch}]", "[delete]"), dry=False)
    assert eni["NetworkInterfaceId"] not in [n["NetworkInterfaceId"]
                                             for n in ec2.describe_network_interfaces()["NetworkInterfaces"]]
    run(cli, write_policies, policy("subnet", "aws.subnet", f"[{{SubnetId: {spare}}}]", "[delete]"), dry=False)
    assert spare not in [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]


def test_modify_subnet_and_tag_network_resources(net, cli, write_policies):
    ec2, app, default = net
    run(cli, write_policies, policy("m", "aws.subnet", "[{MapPublicIpOnLaunch: true}]",
                                    "[{type: modify, MapPublicIpOnLaunch: false}]")
        + policy("t", "aws.vpc", f"[{{VpcId: {default}}}]", "[{type: tag, key: Audit, value: flow-logs}]"), dry=False)
    assert not any(s["MapPublicIpOnLaunch"] for s in ec2.describe_subnets()["Subnets"])
    (vpc,) = ec2.describe_vpcs(VpcIds=[default])["Vpcs"]
    assert {"Key": "Audit", "Value": "flow-logs"} in vpc["Tags"]


def test_dhcp_options_and_ip_address_usage(net, cli, write_policies):
    ec2, app, default = net
    options = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name", "Values": ["corp.example"]},
        {"Key": "domain-name-servers", "Values": ["10.0.0.53"]}])["DhcpOptions"]["DhcpOptionsId"]
    ec2.associate_dhcp_options(DhcpOptionsId=options, VpcId=app)
    text = "".join((
        policy("corp", "aws.vpc", "[{type: dhcp-options, domain-name: corp.example}]"),
        policy("not-amazon", "aws.vpc", "[{type: dhcp-options, domain-name-servers: amazon, present: false}]"),
        policy("empty-subnets", "aws.subnet", "[{type: ip-address-usage, key: NumberUsed, value: 0}]"),
        policy("busy-subnets", "aws.subnet", "[{type: ip-address-usage, key: NumberUsed, op: gt, value: 0}]"),
    ))
    result = run(cli, write_policies, text)
    assert ids(result, "corp", "VpcId") == [app]
    # moto's default VPC has no options set ("default"): no Amazon resolver either.
    assert ids(result, "not-amazon", "VpcId") == sorted([app, default])
    busy = result.resources("busy-subnets")
    assert busy and all(s["VpcId"] == app for s in busy)   # the frontend interface takes an address
    assert len(result.resources("empty-subnets")) == 6


def test_delete_empty_vpc(net, cli, write_policies):
    ec2, app, default = net
    spare = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    run(cli, write_policies, policy("d", "aws.vpc", f"[{{VpcId: {spare}}}]", "[delete-empty]"), dry=False)
    assert spare not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]


def test_vpc_attributes_security_groups_and_subnets_in_the_vpc(net, cli, write_policies):
    ec2, app, default = net
    ec2.modify_vpc_attribute(VpcId=app, EnableDnsHostnames={"Value": True})
    ec2.create_security_group(GroupName="app-db", Description="db", VpcId=app)
    text = "".join((
        policy("hostnames", "aws.vpc", "[{type: vpc-attributes, dnshostnames: true, dnssupport: true}]"),
        policy("no-hostnames", "aws.vpc", "[{type: vpc-attributes, dnshostnames: false}]"),
        policy("has-db-group", "aws.vpc", "[{type: security-group, key: GroupName, value: app-db}]"),
        policy("private-subnet", "aws.vpc", "[{type: subnet, key: MapPublicIpOnLaunch, value: false}]"),
    ))
    result = run(cli, write_policies, text)
    # moto's default VPC has DNS hostnames on, as AWS's do
    assert app in ids(result, "hostnames", "VpcId")
    assert app not in ids(result, "no-hostnames", "VpcId")
    assert ids(result, "has-db-group", "VpcId") == [app]
    assert ids(result, "private-subnet", "VpcId") == [app]
