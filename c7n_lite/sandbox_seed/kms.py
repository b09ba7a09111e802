"""Demo KMS keys: one without rotation, one with, one anyone may use, and one
pending deletion."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"


def seed(endpoint: str, region: str) -> None:
    kms = boto3.client("kms", region_name=region, endpoint_url=endpoint)

    def key(description: str, owner: str) -> str:
        return kms.create_key(Description=description, Tags=[{"TagKey": "Owner", "TagValue": owner}])[
            "KeyMetadata"]["KeyId"]
    app = key("app data", "app-team")
    kms.create_alias(AliasName="alias/app-data", TargetKeyId=app)
    backups = key("backups", "platform")
    kms.enable_key_rotation(KeyId=backups)
    kms.create_alias(AliasName="alias/backups", TargetKeyId=backups)
    shared = key("shared with everyone by mistake", "data-platform")
    kms.enable_key_rotation(KeyId=shared)
    kms.put_key_policy(KeyId=shared, PolicyName="default", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Everyone", "Effect": "Allow", "Principal": "*",
             "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}]}))
    retired = key("retired", "app-team")
    kms.schedule_key_deletion(KeyId=retired, PendingWindowInDays=7)
