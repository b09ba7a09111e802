"""The shared network filters (security-group, subnet, vpc, default-vpc,
network-location) on every type that declares the facts: EC2 instances,
Redshift clusters, security groups."""
from __future__ import annotations

import json

import pytest
import yaml

from tests.test_filters_ec2 import AMI


@pytest.fixture
def run(cli, write_policies):
    def go(text, key):
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}, result
    return go


def network(ec2, team_vpc="blue", team_subnet="blue", team_sg="blue"):
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Team", "Value": team_vpc}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=[subnet], Tags=[{"Key": "Team", "Value": team_subnet}])
    sg = ec2.create_security_group(GroupName=f"sg-{team_sg}-{vpc}", Description="d", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[sg], Tags=[{"Key": "Team", "Value": team_sg}])
    return vpc, subnet, sg


def instance(ec2, subnet, sg, team):
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Team", "Value": team}]}]
    found = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[sg],
                              TagSpecifications=tags)
    return found["Instances"][0]["InstanceId"]


def cluster(aws, name, sg):
    aws("redshift").create_cluster(ClusterIdentifier=name, NodeType="dc2.large", ClusterType="single-node",
                                   MasterUsername="admin", MasterUserPassword="Passw0rd1",
                                   VpcSecurityGroupIds=[sg])


def test_security_group_filter_on_instances_and_clusters(aws, run):
    ec2 = aws("ec2")
    _, subnet, blue_sg = network(ec2)
    _, red_subnet, red_sg = network(ec2, "red", "red", "red")
    blue_i = instance(ec2, subnet, blue_sg, "blue")
    instance(ec2, red_subnet, red_sg, "red")
    cluster(aws, "blue-dw", blue_sg)
    cluster(aws, "red-dw", red_sg)
    r = run("""
policies:
  - name: ec2-blue-sg
    resource: ec2
    filters: [{type: security-group, key: "tag:Team", value: blue}]
""", "InstanceId")[0]
    assert r == {"ec2-blue-sg": [blue_i]}
    (r, res) = run("""
policies:
  - name: redshift-blue-sg
    resource: redshift
    filters: [{type: security-group, key: "tag:Team", value: blue}]
""", "ClusterIdentifier")
    assert r == {"redshift-blue-sg": ["blue-dw"]}
    assert res.resources("redshift-blue-sg")[0]["c7n:matched-security-groups"] == [blue_sg]


def test_subnet_and_vpc_filters(aws, run):
    ec2 = aws("ec2")
    blue_vpc, subnet, blue_sg = network(ec2)
    _, red_subnet, red_sg = network(ec2, "red", "red", "red")
    blue_i = instance(ec2, subnet, blue_sg, "blue")
    red_i = instance(ec2, red_subnet, red_sg, "red")
    r, res = run("""
policies:
  - name: ec2-blue-subnet
    resource: ec2
    filters: [{type: subnet, key: "tag:Team", value: blue}]
  - name: ec2-red-vpc
    resource: ec2
    filters: [{type: vpc, key: "tag:Team", value: red}]
""", "InstanceId")
    assert r == {"ec2-blue-subnet": [blue_i], "ec2-red-vpc": [red_i]}
    assert res.resources("ec2-blue-subnet")[0]["c7n:matched-subnets"] == [subnet]
    r, _ = run("""
policies:
  - name: sg-in-blue-vpc
    resource: security-group
    filters: [{type: vpc, key: "tag:Team", value: blue}]
""", "GroupId")
    # The blue VPC's groups: ours and the VPC's default group; none of the red VPC's.
    blue_groups = {g["GroupId"] for g in ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [blue_vpc]}])["SecurityGroups"]}
    assert blue_sg in r["sg-in-blue-vpc"] and set(r["sg-in-blue-vpc"]) == blue_groups
    assert red_sg not in r["sg-in-blue-vpc"]


def test_default_vpc_on_instances_and_security_groups(aws, run):
    ec2 = aws("ec2")
    _, subnet, sg = network(ec2)
    custom = instance(ec2, subnet, sg, "blue")
    default_subnet = [s for s in ec2.describe_subnets()["Subnets"] if s.get("DefaultForAz")][0]["SubnetId"]
    default_sg = ec2.create_security_group(GroupName="in-default", Description="d",
                                           VpcId=ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
                                           ["Vpcs"][0]["VpcId"])["GroupId"]
    in_default = instance(ec2, default_subnet, default_sg, "x")
    r, _ = run("policies:\n  - {name: ec2-default, resource: ec2, filters: [default-vpc]}\n", "InstanceId")
    assert r == {"ec2-default": [in_default]} and custom not in r["ec2-default"]
    r, _ = run("policies:\n  - {name: sg-default, resource: security-group, filters: [default-vpc]}\n", "GroupId")
    assert default_sg in r["sg-default"] and sg not in r["sg-default"]


def test_network_location_compares_tags_of_resource_subnet_and_groups(aws, run):
    ec2 = aws("ec2")
    _, subnet, sg = network(ec2)
    same = instance(ec2, subnet, sg, "blue")
    odd = instance(ec2, subnet, sg, "red")
    _, mixed_subnet, mixed_sg = network(ec2, "green", "green", "yellow")
    mixed = instance(ec2, mixed_subnet, mixed_sg, "green")
    r, res = run("""
policies:
  - name: mismatched
    resource: ec2
    filters: [{type: network-location, key: "tag:Team"}]
  - name: matched
    resource: ec2
    filters: [{type: network-location, key: "tag:Team", match: equal}]
  - name: resource-vs-sg-only
    resource: ec2
    filters:
      - type: network-location
        compare: [resource, security-group]
        key: "tag:Team"
        ignore: [{"tag:Team": yellow}]
""", "InstanceId")
    assert r["mismatched"] == sorted([odd, mixed])
    assert r["matched"] == [same]
    reasons = {x["reason"] for x in res.resources("mismatched")[0]["c7n:NetworkLocation"]}
    assert reasons & {"ResourceLocationMismatch", "LocationMismatch", "SecurityGroupMismatch"}
    # The yellow group is ignored: the green instance has no group left to disagree with.
    assert r["resource-vs-sg-only"] == [odd]


def test_subnet_gateway_tests(aws, run):
    ec2 = aws("ec2")
    public_vpc, public_subnet, public_sg = network(ec2)
    _, private_subnet, private_sg = network(ec2, "red", "red", "red")
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=public_vpc)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [public_vpc]},
                                              {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    ec2.create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public = instance(ec2, public_subnet, public_sg, "blue")
    private = instance(ec2, private_subnet, private_sg, "red")
    r, _ = run("""
policies:
  - name: internet-facing
    resource: ec2
    filters: [{type: subnet, igw: true}]
  - name: no-internet
    resource: ec2
    filters: [{type: subnet, igw: false, key: "tag:Team", value: red}]
""", "InstanceId")
    assert r == {"internet-facing": [public], "no-internet": [private]}


def test_modify_security_groups_removes_the_groups_network_location_flagged(aws, cli, write_policies):
    ec2 = aws("ec2")
    vpc, subnet, blue_sg = network(ec2)
    red_sg = ec2.create_security_group(GroupName="red-one", Description="d", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[red_sg], Tags=[{"Key": "Team", "Value": "red"}])
    shared = ec2.create_security_group(GroupName="shared", Description="d", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[shared], Tags=[{"Key": "Team", "Value": "Enterprise"}])
    isolation = ec2.create_security_group(GroupName="quarantine", Description="d", VpcId=vpc)["GroupId"]
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Team", "Value": "blue"}]}]
    mixed = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet, TagSpecifications=tags,
                              SecurityGroupIds=[blue_sg, red_sg, shared])["Instances"][0]["InstanceId"]
    all_red = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet, TagSpecifications=tags,
                                SecurityGroupIds=[red_sg])["Instances"][0]["InstanceId"]
    fine = instance(ec2, subnet, blue_sg, "blue")
    text = f"""
policies:
  - name: ec2-mismatched-sg-remove
    resource: ec2
    filters:
      - type: network-location
        compare: [resource, security-group]
        key: "tag:Team"
        ignore: [{{"tag:Team": Enterprise}}]
    actions: [{{type: modify-security-groups, remove: network-location, isolation-group: {isolation}}}]
"""
    eni = {i: ec2.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]
           ["NetworkInterfaceId"] for i in (mixed, all_red)}
    # moto reports an attached interface's groups together with its instance's launch groups, so
    # a removal cannot be read back from it: the groups are read from the plan the run then follows.
    planned = cli("run", "--dryrun", write_policies(text))
    plan = json.loads((planned.output_dir / "ec2-mismatched-sg-remove" / "plan.json").read_text())
    result = cli("run", write_policies(text))
    assert result.exit_code == 0, result.output
    groups = {c["params"]["NetworkInterfaceId"]: sorted(c["params"]["Groups"]) for a in plan for c in a["calls"]}
    assert groups == {eni[mixed]: sorted([blue_sg, shared]), eni[all_red]: [isolation]}
    outcomes = json.loads((result.output_dir / "ec2-mismatched-sg-remove" /
                           "action-modify-security-groups.json").read_text())
    assert {o["resource_id"]: o["status"] for o in outcomes} == {mixed: "done", all_red: "done"}
    assert fine not in result.ids("ec2-mismatched-sg-remove", "InstanceId")
