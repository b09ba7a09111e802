"""Demo security groups, for policies/network.yml: SSH, RDP and all traffic open
to the world, SSH open over IPv6, SMB/CIFS (445) open to the world, a public web tier and an internal admin group."""
from __future__ import annotations

import boto3

WORLD = [{"CidrIp": "0.0.0.0/0"}]


def tcp(port: int, ranges: list[dict] | None = None, v6: list[dict] | None = None) -> dict:
    rule: dict = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if ranges:
        rule["IpRanges"] = ranges
    if v6:
        rule["Ipv6Ranges"] = v6
    return rule


GROUPS = {
    "legacy-ssh": [tcp(22, WORLD)],
    "windows-rdp": [tcp(3389, WORLD)],
    "wide-open": [{"IpProtocol": "-1", "IpRanges": WORLD}],
    "ipv6-bastion": [tcp(22, v6=[{"CidrIpv6": "::/0"}])],
    "public-web": [tcp(80, WORLD), tcp(443, WORLD)],
    "file-share": [tcp(445, WORLD)],
    "admin-internal": [tcp(22, [{"CidrIp": "10.0.0.0/8"}]), tcp(5432, [{"CidrIp": "10.20.0.0/16"}])],
}


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    for name, rules in GROUPS.items():
        group = ec2.create_security_group(GroupName=name, Description=f"demo: {name}")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=rules)
