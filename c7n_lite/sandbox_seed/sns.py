"""SNS demo topics: encrypted or not, open to everyone, shared with a partner
account, or private; some without an Owner tag."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
PARTNER = "999988887777"


def _policy(arn: str, principal: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "publish", "Effect": "Allow", "Principal": {"AWS": principal},
        "Action": "SNS:Publish", "Resource": arn}]})


def seed(endpoint: str, region: str) -> None:
    sns = boto3.client("sns", region_name=region, endpoint_url=endpoint)

    def arn(name: str) -> str:
        return f"arn:aws:sns:{region}:{ACCOUNT}:{name}"

    owner = [{"Key": "Owner", "Value": "platform"}]
    kms = {"KmsMasterKeyId": "alias/aws/sns"}
    topics = (
        ("orders-events", kms, owner),                     # private, encrypted
        ("billing-events", {}, owner),                     # private, unencrypted
        ("audit-events", {"Policy": _policy(arn("audit-events"),
                                            f"arn:aws:iam::{PARTNER}:root")}, []),
        ("public-alerts", {"Policy": _policy(arn("public-alerts"), "*")}, owner),
        ("partner-feed", {**kms, "Policy": _policy(arn("partner-feed"), PARTNER)}, owner),
    )
    for name, attributes, tags in topics:
        kwargs = {"Name": name, "Attributes": attributes}
        if tags:
            kwargs["Tags"] = tags
        sns.create_topic(**kwargs)
