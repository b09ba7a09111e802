"""SQS queues, Kinesis streams and Firehose delivery streams against moto,
seeded with the sandbox's demo resources: listing, filters (one matches,
another not), per-queue reads only when filtered, fetch by id, actions read
back from moto, and dry runs with no write."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.sandbox_seed import messaging as messaging_seed
from tests.service_helpers import manager, scan, served

REGION = "us-east-1"


@pytest.fixture
def seeded(server):
    messaging_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return server


def queue_url(aws, name):
    return aws("sqs").get_queue_url(QueueName=name)["QueueUrl"]


def attributes(aws, name):
    return aws("sqs").get_queue_attributes(QueueUrl=queue_url(aws, name), AttributeNames=["All"])["Attributes"]


# --- SQS ----------------------------------------------------------------------

def test_queue_attributes_and_tags_are_read_only_when_filtered(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: all-queues
    resource: aws.sqs
""", "--dryrun")
    assert len(result.resources("all-queues")) == 3
    assert served(seeded, "GetQueueAttributes") == 0 and served(seeded, "ListQueueTags") == 0
    result = scan(cli, write_policies, """
policies:
  - name: unencrypted
    resource: aws.sqs
    filters: [{KmsMasterKeyId: absent}]
  - name: long-retention
    resource: aws.sqs
    filters:
      - type: value
        key: MessageRetentionPeriod
        value_type: integer
        value: 345600
        op: gt
  - name: prod
    resource: sqs
    filters: [{"tag:Environment": prod}]
""", "--dryrun")
    assert [q["QueueUrl"].rsplit("/", 1)[1] for q in result.resources("unencrypted")] == ["partner-inbound"]
    assert [q["QueueUrl"].rsplit("/", 1)[1] for q in result.resources("long-retention")] == ["partner-inbound"]
    assert len(result.resources("prod")) == 2
    # Attributes once per queue for the whole run, whatever the number of policies.
    assert served(seeded, "GetQueueAttributes") == 3
    assert seeded.writes() == []


def test_queue_whose_attributes_cannot_be_read_is_an_error(seeded, cli, write_policies):
    seeded.hooks.append(lambda request: (
        403, ('<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>'
              '<Message>no</Message></Error></ErrorResponse>'))
        if request.operation == "GetQueueAttributes" else None)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: unencrypted
    resource: aws.sqs
    filters: [{KmsMasterKeyId: absent}]
"""))
    assert result.metadata("unencrypted")["errors"]
    assert result.all_errored("unencrypted")


def test_fetch_queue_by_url(seeded, aws, server):
    url = queue_url(aws, "orders-events")
    found = manager(server, "aws.sqs").get_resources([url, url.replace("orders-events", "gone")])
    assert [q["QueueUrl"] for q in found] == [url]
    assert found[0]["KmsMasterKeyId"] == "alias/aws/sqs"
    session = AwsSession(REGION, endpoint_url=server.endpoint)
    assert resources.get("aws.sqs").arn({"QueueUrl": url}, session) == \
        "arn:aws:sqs:us-east-1:123456789012:orders-events"


def test_queue_actions(seeded, cli, write_policies, aws):
    scan(cli, write_policies, """
policies:
  - name: fix-partner-queue
    resource: aws.sqs
    filters: [{KmsMasterKeyId: absent}]
    actions:
      - {type: set-encryption, key: sqs-data, reuse-period: 600}
      - {type: set-retention-period, period: 86400}
      - {type: remove-statements, statement_ids: [PartnerSends]}
""")
    changed = attributes(aws, "partner-inbound")
    assert changed["KmsMasterKeyId"] == "alias/sqs-data" and changed["KmsDataKeyReusePeriodSeconds"] == "600"
    assert changed["MessageRetentionPeriod"] == "86400"
    assert [s["Sid"] for s in json.loads(changed["Policy"])["Statement"]] == ["OwnAccount"]
    assert attributes(aws, "orders-events")["MessageRetentionPeriod"] == "345600"
    scan(cli, write_policies, """
policies:
  - name: drop-policy
    resource: aws.sqs
    filters: [{Policy: present}]
    actions: [{type: remove-statements, statement_ids: "*"}]
""")
    assert "Policy" not in attributes(aws, "partner-inbound")
    scan(cli, write_policies, """
policies:
  - name: delete-partner
    resource: aws.sqs
    filters: [{QueueArn: "arn:aws:sqs:us-east-1:123456789012:partner-inbound"}]
    actions: [delete]
""")
    assert [u.rsplit("/", 1)[1] for u in aws("sqs").list_queues()["QueueUrls"]] == ["orders-events", "public-webhooks"]


def test_queue_tags_are_written_by_url(seeded, cli, write_policies, aws):
    scan(cli, write_policies, """
policies:
  - name: tag
    resource: aws.sqs
    filters: [{KmsMasterKeyId: absent}]
    actions: [{type: tag, key: Owner, value: partners}, {type: remove-tag, tags: [Environment]}]
""")
    assert aws("sqs").list_queue_tags(QueueUrl=queue_url(aws, "partner-inbound"))["Tags"] == {"Owner": "partners"}


def test_queue_dry_run_writes_nothing(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: everything
    resource: aws.sqs
    actions: [delete, {type: set-encryption, key: alias/aws/sqs}, {type: remove-statements, statement_ids: "*"}]
""", "--dryrun")
    assert seeded.writes() == []
    assert "delete_queue" in result.output and "set_queue_attributes" in result.output
    assert "no statement to remove" in result.output   # orders-events has no policy


# --- Kinesis and Firehose -------------------------------------------------------

def test_streams_and_delivery_streams(seeded, cli, write_policies, aws):
    result = scan(cli, write_policies, """
policies:
  - name: unencrypted-streams
    resource: aws.kinesis
    filters: [{EncryptionType: NONE}]
  - name: dev-streams
    resource: aws.kinesis
    filters: [{"tag:Environment": dev}]
  - name: unencrypted-delivery
    resource: aws.firehose
    filters: [{DeliveryStreamEncryptionConfiguration: absent}]
""", "--dryrun")
    assert result.ids("unencrypted-streams", "StreamName") == ["clickstream"]
    assert result.ids("dev-streams", "StreamName") == ["clickstream"]
    assert result.ids("unencrypted-delivery", "DeliveryStreamName") == ["clickstream-to-s3"]
    assert result.metadata("unencrypted-delivery")["counts"]["evaluated"] == 2
    found = manager(seeded, "aws.kinesis").get_resources(["audit-trail", "gone"])
    assert [s["StreamName"] for s in found] == ["audit-trail"]
    found = manager(seeded, "aws.firehose").get_resources(["audit-to-s3", "gone"])
    assert [s["DeliveryStreamName"] for s in found] == ["audit-to-s3"]


def test_stream_actions(seeded, cli, write_policies, aws):
    scan(cli, write_policies, """
policies:
  - name: encrypt
    resource: aws.kinesis
    actions: [encrypt]
  - name: drop-dev-delivery
    resource: aws.firehose
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    summary = aws("kinesis").describe_stream_summary(StreamName="clickstream")["StreamDescriptionSummary"]
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", "alias/aws/kinesis")
    assert aws("firehose").list_delivery_streams()["DeliveryStreamNames"] == ["audit-to-s3"]
    scan(cli, write_policies, """
policies:
  - name: delete-dev
    resource: aws.kinesis
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    assert aws("kinesis").list_streams()["StreamNames"] == ["audit-trail"]


def test_stream_dry_run_writes_nothing(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: all-streams
    resource: aws.kinesis
    actions: [encrypt, delete]
  - name: all-delivery
    resource: aws.firehose
    actions: [delete]
""", "--dryrun")
    assert seeded.writes() == []
    assert "start_stream_encryption" in result.output and "already encrypted" in result.output
    assert "delete_delivery_stream" in result.output


def test_dead_letter_filter(seeded, cli, write_policies, aws):
    sqs = aws("sqs")
    dlq = sqs.create_queue(QueueName="orders-events-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=queue_url(aws, "orders-events"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})
    result = scan(cli, write_policies, """
policies:
  - name: dead-letter-queues
    resource: aws.sqs
    filters: [dead-letter]
""", "--dryrun")
    assert [q["QueueUrl"] for q in result.resources("dead-letter-queues")] == [dlq]
    assert result.resources("dead-letter-queues")[0]["c7n:DeadLetterSourceQueues"] == [
        queue_url(aws, "orders-events")]


def test_encrypt_s3_destination(seeded, cli, write_policies, aws):
    key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    scan(cli, write_policies, f"""
policies:
  - name: encrypt-dev-delivery
    resource: aws.firehose
    filters: [{{"tag:Environment": dev}}]
    actions: [{{type: encrypt-s3-destination, key_arn: "{key}"}}]
""")
    firehose = aws("firehose")
    dest = firehose.describe_delivery_stream(DeliveryStreamName="clickstream-to-s3")[
        "DeliveryStreamDescription"]["Destinations"][0]
    s3 = dest.get("ExtendedS3DestinationDescription") or dest["S3DestinationDescription"]
    assert s3["EncryptionConfiguration"] == {"KMSEncryptionConfig": {"AWSKMSKeyARN": key}}
    other = firehose.describe_delivery_stream(DeliveryStreamName="audit-to-s3")[
        "DeliveryStreamDescription"]["Destinations"][0]
    assert "KMSEncryptionConfig" not in json.dumps(other)
