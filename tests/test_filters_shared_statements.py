"""has-statement, missing-statement and the generic cross-account, on the types
that declare their resource policy (`policy_key`): S3 buckets, SNS topics, and
an SQS queue type declared only here (no cross-account filter of its own)."""
from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from c7n_lite.aws.session import AwsSession
from c7n_lite.filters.core import build_filter, run_filter
from c7n_lite.resources.core import Detail, ResourceManager, ResourceType

ACCOUNT = "123456789012"
DENY_INSECURE = {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": "arn:aws:s3:::{name}/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


@pytest.fixture
def run(cli, write_policies):
    def go(text, key):
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}
    return go


def bucket(s3, name, statements=None):
    s3.create_bucket(Bucket=name)
    if statements:
        stmts = [json.loads(json.dumps(s).replace("{name}", name)) for s in statements]
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": stmts}))


def test_has_and_missing_statement_on_buckets(aws, run):
    s3 = aws("s3")
    bucket(s3, "secure", [DENY_INSECURE])
    bucket(s3, "other-policy", [{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other-policy/*"}])
    bucket(s3, "no-policy")
    found = run("""
policies:
  - name: enforces-tls
    resource: s3
    filters:
      - type: has-statement
        statements:
          - Effect: Deny
            Action: "S3:*"
            Principal: "*"
            Condition: {Bool: {"AWS:SecureTransport": "false"}}
  - name: enforces-tls-partly
    resource: s3
    filters:
      - type: has-statement
        statements:
          - {Effect: Deny, Action: ["s3:*"], PartialMatch: Action}
  - name: by-sid
    resource: s3
    filters: [{type: has-statement, statement_ids: [DenyInsecure]}]
  - name: lacks-tls
    resource: s3
    filters: [{type: missing-statement, statement_ids: [DenyInsecure]}]
  - name: lacks-tls-old-name
    resource: s3
    filters: [{type: missing-policy-statement, statement_ids: [DenyInsecure]}]
""", "Name")
    assert found["enforces-tls"] == ["secure"] and found["enforces-tls-partly"] == ["secure"]
    assert found["by-sid"] == ["secure"]
    assert found["lacks-tls"] == ["no-policy", "other-policy"] == found["lacks-tls-old-name"]


def test_has_statement_on_topics_with_account_placeholder(aws, run):
    sns = aws("sns")
    locked = sns.create_topic(Name="locked")["TopicArn"]
    sns.set_topic_attributes(TopicArn=locked, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "OwnerOnly", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": locked}]}))
    sns.create_topic(Name="default-policy")
    found = run("""
policies:
  - name: owner-only
    resource: sns
    filters:
      - type: has-statement
        statements:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::{account_id}:root"}
            Action: [sns:subscribe, sns:publish]
  - name: no-owner-only
    resource: sns
    filters: [{type: missing-statement, statement_ids: [OwnerOnly]}]
""", "TopicArn")
    assert found["owner-only"] == [locked]
    assert locked not in found["no-owner-only"] and len(found["no-owner-only"]) == 1


def _queue_policy(client: Any, queue: dict) -> dict:
    attrs = client.get_queue_attributes(QueueUrl=queue["QueueUrl"], AttributeNames=["Policy"])
    return {"Policy": attrs.get("Attributes", {}).get("Policy")}


class Queue(ResourceType):
    """Not registered: a type with a resource policy and no cross-account of its own."""

    type = "test.sqs-queue"
    service = "sqs"
    enum_op = "list_queues"
    enum_path = "QueueUrls[].{QueueUrl: @}"
    id = "QueueUrl"
    policy_key = "Policy"
    details = {"policy": Detail(("Policy",), _queue_policy, ("sqs:GetQueueAttributes",))}


def test_generic_cross_account_for_a_type_with_a_policy(aws, server):
    sqs = aws("sqs")
    shared = sqs.create_queue(QueueName="shared")["QueueUrl"]
    private = sqs.create_queue(QueueName="private")["QueueUrl"]
    sqs.create_queue(QueueName="no-policy")
    for url, principal in ((shared, "arn:aws:iam::210987654321:root"), (private, f"arn:aws:iam::{ACCOUNT}:root")):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                                                    "Action": "sqs:SendMessage", "Resource": "*"}]})})
    manager = ResourceManager(Queue, AwsSession("us-east-1", endpoint_url=server.endpoint))
    queues = manager.resources()
    assert len(queues) == 3
    found = run_filter(build_filter({"type": "cross-account"}, manager), queues)
    assert [q["QueueUrl"] for q in found] == [shared]
    assert found[0]["CrossAccountViolations"]
    allowed = run_filter(build_filter({"type": "cross-account", "whitelist": ["210987654321"]}, manager), queues)
    assert allowed == []
