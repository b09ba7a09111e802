"""EC2 demo instances."""
from __future__ import annotations

import boto3


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, InstanceType="t3.micro",
                      TagSpecifications=[{"ResourceType": "instance",
                                          "Tags": [{"Key": "Owner", "Value": "alice"}]}])
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m5.xlarge")
