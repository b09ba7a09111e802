"""Demo state for the remediation examples (policies/actions-*.yml): instances
marked by an earlier `mark-for-op` run (one still unowned, one since claimed),
a certificate with an IoT policy on the unowned sensor, so that a quarantine
has something to deactivate and detach, and the security team's topic that
`notify` publishes to."""
from __future__ import annotations

import json

import boto3

BASE_IMAGE = "ami-12c6146b"
DUE_MARK = "Resource does not meet policy: stop@2020/01/01"
DEVICE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iot:Connect", "iot:Publish"], "Resource": "*"}]})


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    for tags in ({"Name": "batch-marked", "maid_status": DUE_MARK},
                 {"Name": "claimed-marked", "Owner": "bob", "maid_status": DUE_MARK}):
        ec2.run_instances(ImageId=BASE_IMAGE, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance",
                                              "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}])
    boto3.client("sns", region_name=region, endpoint_url=endpoint).create_topic(
        Name="security-alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"},
        Tags=[{"Key": "Owner", "Value": "security"}])
    iot = boto3.client("iot", region_name=region, endpoint_url=endpoint)
    cert = iot.create_keys_and_certificate(setAsActive=True)
    iot.create_policy(policyName="sensor-telemetry", policyDocument=DEVICE_POLICY)
    iot.attach_policy(policyName="sensor-telemetry", target=cert["certificateArn"])
    iot.attach_thing_principal(thingName="sensor-legacy-17", principal=cert["certificateArn"])
