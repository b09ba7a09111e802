"""SQS, Kinesis and Firehose demo resources: an encrypted queue, an
unencrypted one that another account may send to, with a long retention, and
one anyone may send to;
an encrypted and an unencrypted stream; a delivery stream to S3."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
PARTNER = "210987654321"


def _queue_policy(region: str, name: str) -> str:
    arn = f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "OwnAccount", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "sqs:*", "Resource": arn},
        {"Sid": "PartnerSends", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": "sqs:SendMessage", "Resource": arn},
    ]})


def seed(endpoint: str, region: str) -> None:
    sqs = boto3.client("sqs", region_name=region, endpoint_url=endpoint)
    sqs.create_queue(QueueName="orders-events", Attributes={"KmsMasterKeyId": "alias/aws/sqs"},
                     tags={"Environment": "prod"})
    sqs.create_queue(QueueName="partner-inbound", tags={"Environment": "prod"}, Attributes={
        "Policy": _queue_policy(region, "partner-inbound"), "MessageRetentionPeriod": "1209600",
        "SqsManagedSseEnabled": "false"})
    sqs.create_queue(QueueName="public-webhooks", tags={"Environment": "dev"}, Attributes={
        "KmsMasterKeyId": "alias/aws/sqs",
        "Policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "AnyoneSends", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
             "Resource": f"arn:aws:sqs:{region}:{ACCOUNT}:public-webhooks"}]})})
    kinesis = boto3.client("kinesis", region_name=region, endpoint_url=endpoint)
    kinesis.create_stream(StreamName="clickstream", ShardCount=1)
    kinesis.create_stream(StreamName="audit-trail", ShardCount=1)
    kinesis.start_stream_encryption(StreamName="audit-trail", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.add_tags_to_stream(StreamName="clickstream", Tags={"Environment": "dev"})
    firehose = boto3.client("firehose", region_name=region, endpoint_url=endpoint)
    for name, encrypted in (("clickstream-to-s3", False), ("audit-to-s3", True)):
        extra = {"DeliveryStreamEncryptionConfigurationInput": {"KeyType": "AWS_OWNED_CMK"}} if encrypted else {}
        firehose.create_delivery_stream(
            DeliveryStreamName=name, DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={"RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose-delivery",
                                                "BucketARN": "arn:aws:s3:::demo-data-lake"},
            Tags=[{"Key": "Environment", "Value": "dev" if not encrypted else "prod"}], **extra)
