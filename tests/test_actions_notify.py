"""notify: messages received through an SQS subscription; large ones split, never dropped."""
from __future__ import annotations

import json

from c7n_lite.actions.notify import SNS_MAX_BYTES, split_entries
from tests.test_actions_ec2 import launch


def subscribed_queue(aws):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="custodian")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, queue_url


def received(sqs, queue_url):
    out = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return out
        for m in batch:
            envelope = json.loads(m["Body"])
            out.append((envelope.get("Subject"), json.loads(envelope["Message"])))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])


def test_notify_publishes_policy_account_and_resources(aws, cli, write_policies):
    topic, queue_url = subscribed_queue(aws)
    ids = launch(aws("ec2"), 2, {"Name": "web"})
    result = cli("run", write_policies(f"""
policies:
  - name: untagged-instances
    resource: ec2
    description: instances without an owner
    metadata: {{severity: high}}
    actions:
      - type: notify
        subject: "[{{account}}] {{policy}}: {{count}} instances"
        violation_desc: no Owner tag
        action_desc: please tag them
        to: [team@example.com]
        transport: {{type: sns, topic: "{topic}"}}
"""))
    assert result.exit_code == 0, result.output
    (subject, message), = received(aws("sqs"), queue_url)
    assert subject == "[123456789012] untagged-instances: 2 instances"
    assert message["policy"]["name"] == "untagged-instances"
    assert message["policy"]["metadata"] == {"severity": "high"}
    assert message["account_id"] == "123456789012" and message["region"] == "us-east-1"
    assert message["violation_desc"] == "no Owner tag" and message["to"] == ["team@example.com"]
    assert message["part"] == {"index": 1, "count": 1}
    assert sorted(r["id"] for r in message["resources"]) == sorted(ids)
    assert all(r["tag:Name"] == "web" and r["State.Name"] == "running" for r in message["resources"])


def test_notify_splits_a_message_over_the_sns_limit(aws, cli, write_policies):
    topic, queue_url = subscribed_queue(aws)
    iot = aws("iot")
    # ~40 KB of attributes per thing: 9 things do not fit in one 256 KB message
    attrs = {f"a{i}": "x" * 800 for i in range(50)}
    for n in range(9):
        iot.create_thing(thingName=f"thing-{n}", attributePayload={"attributes": attrs})
    result = cli("run", write_policies(f"""
policies:
  - name: many-things
    resource: aws.iot
    actions:
      - {{type: notify, transport: {{type: sns, topic: "{topic}"}}}}
"""))
    assert result.exit_code == 0, result.output
    parts = received(aws("sqs"), queue_url)
    count = parts[0][1]["part"]["count"]
    assert count >= 2 and len(parts) == count
    assert sorted(m["part"]["index"] for _, m in parts) == list(range(1, count + 1))
    assert all(f"[part {m['part']['index']} of {count}]" in s for s, m in parts)
    assert sorted(r["id"] for _, m in parts for r in m["resources"]) == [f"thing-{n}" for n in range(9)]
    assert all(m["resource_count"] == 9 for _, m in parts)


def test_split_keeps_every_part_under_the_limit():
    envelope = {"policy": {"name": "p"}, "resources": []}
    entries = [{"id": f"r{i}", "blob": "y" * 1000} for i in range(1000)]
    groups = split_entries(envelope, entries)
    assert sum(len(g) for g in groups) == 1000
    for g in groups:
        text = json.dumps(dict(envelope, part={"index": 1, "count": len(groups)}, resources=g),
                          separators=(",", ":"))
        assert len(text.encode()) <= SNS_MAX_BYTES


def test_notify_needs_a_topic_arn(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad-notify
    resource: ec2
    actions: [{type: notify, transport: {type: sns, topic: my-topic}}]
"""))
    assert result.exit_code == 1 and "must be an SNS topic ARN" in result.output
