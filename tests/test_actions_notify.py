"""notify: c7n-mailer's wire format on SQS and SNS, read back from moto queues
and decoded as c7n-mailer decodes them; large messages split, never dropped."""
from __future__ import annotations

import base64
import json
import random
import zlib

from c7n_lite.actions.notify_wire import MAX_BYTES, pack
from c7n_lite.aws.session import AwsSession
from c7n_lite.policy import Policy
from tests.test_actions_ec2 import launch


def mailer_decode(body: str) -> dict:
    """What c7n-mailer's SQS processor does with a received body (SNS-wrapped or not)."""
    try:
        body = json.dumps(json.loads(body)["Message"])
    except ValueError:
        pass
    return json.loads(zlib.decompress(base64.b64decode(body)))


def received(sqs, queue_url):
    out = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                    MessageAttributeNames=["All"]).get("Messages", [])
        if not batch:
            return out
        for m in batch:
            out.append(m)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])


def make_queue(aws, name="mailer"):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def subscribed_queue(aws):
    sns = aws("sns")
    topic = sns.create_topic(Name="custodian")["TopicArn"]
    url, arn = make_queue(aws, "inbox")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return topic, url


def test_sqs_message_is_what_c7n_mailer_reads(aws, cli, write_policies, tmp_path):
    aws("iam").create_account_alias(AccountAlias="acme-prod")
    url, _ = make_queue(aws)
    ids = launch(aws("ec2"), 2, {"Name": "web", "Owner": "alice@example.com"})
    launch(aws("ec2"), 1, {"Name": "db"})
    cc_file = tmp_path / "cc.txt"
    cc_file.write_text("audit@example.com\n")
    result = cli("run", write_policies(f"""
policies:
  - name: web-instances
    resource: ec2
    description: web instances
    filters: [{{"tag:Name": web}}]
    actions:
      - type: notify
        template: default.html
        template_format: html
        priority_header: "2"
        subject: "{{{{ account }}}} - web"
        violation_desc: no backups
        action_desc: please add them
        to: [team@example.com, resource-owner]
        cc_from: {{url: "{cc_file}", format: txt}}
        owner_absent_contact: [fallback@example.com]
        slack_template: slack_default
        transport: {{type: sqs, queue: "{url}"}}
"""))
    assert result.exit_code == 0, result.output
    (msg,) = received(aws("sqs"), url)
    assert msg["MessageAttributes"]["mtype"]["StringValue"] == "maidmsg/1.0"
    message = mailer_decode(msg["Body"])
    assert message["policy"]["name"] == "web-instances" and message["policy"]["resource"] == "ec2"
    assert message["account_id"] == "123456789012" and message["account"] == "acme-prod"
    assert message["region"] == "us-east-1" and message["event"] is None
    assert message["execution_id"] and isinstance(message["execution_start"], float) and message["version"]
    action = message["action"]
    assert action["to"] == ["team@example.com", "resource-owner"]
    assert action["cc"] == ["audit@example.com"]
    assert action["template"] == "default.html" and action["priority_header"] == "2"
    assert action["violation_desc"] == "no backups" and action["subject"] == "{{ account }} - web"
    # Full resources, as the mailer's templates read them.
    assert sorted(r["InstanceId"] for r in message["resources"]) == sorted(ids)
    assert all({"Key": "Owner", "Value": "alice@example.com"} in r["Tags"] for r in message["resources"])


def test_sqs_queue_by_arn_and_dryrun_plan_shows_queue_and_recipients(aws, cli, write_policies):
    url, arn = make_queue(aws)
    launch(aws("ec2"), 1)
    path = write_policies(f"""
policies:
  - name: all-instances
    resource: ec2
    actions:
      - type: notify
        to: [team@example.com]
        cc: [boss@example.com]
        transport: {{type: sqs, queue: "{arn}"}}
""")
    dry = cli("run", "--dryrun", path)
    assert dry.exit_code == 0, dry.output
    plan = json.loads((dry.output_dir / "all-instances" / "plan.json").read_text())
    text = json.dumps(plan)
    assert arn in text and "to: team@example.com" in text and "cc: boss@example.com" in text
    assert received(aws("sqs"), url) == []          # a dry run sends nothing
    real = cli("run", path)
    assert real.exit_code == 0, real.output
    (msg,) = received(aws("sqs"), url)
    assert mailer_decode(msg["Body"])["action"]["cc"] == ["boss@example.com"]


def test_sns_message_in_mailer_format_with_attributes(aws, cli, write_policies):
    topic, url = subscribed_queue(aws)
    ids = launch(aws("ec2"), 2, {"Name": "web"})
    result = cli("run", write_policies("""
policies:
  - name: untagged-instances
    resource: ec2
    metadata: {severity: high}
    actions:
      - type: notify
        subject: "[{account}] {policy}: {count} instances"
        to: [team@example.com]
        transport: {type: sns, topic: custodian, attributes: {team: platform}}
"""))
    assert result.exit_code == 0, result.output
    (msg,) = received(aws("sqs"), url)
    envelope = json.loads(msg["Body"])
    assert envelope["TopicArn"] == topic                  # a bare topic name: this account and region
    assert envelope["MessageAttributes"]["mtype"]["Value"] == "maidmsg/1.0"
    assert envelope["MessageAttributes"]["team"]["Value"] == "platform"
    assert envelope["Subject"] == "[123456789012] untagged-instances: 2 instances"
    message = mailer_decode(msg["Body"])
    assert message["policy"]["metadata"] == {"severity": "high"}
    assert message["action"]["to"] == ["team@example.com"]
    assert sorted(r["InstanceId"] for r in message["resources"]) == sorted(ids)


def test_event_is_in_the_message_in_event_modes(aws, server):
    url, _ = make_queue(aws)
    ids = launch(aws("ec2"), 1)
    data = {"name": "on-launch", "resource": "ec2",
            "actions": [{"type": "notify", "to": ["x@example.com"], "transport": {"type": "sqs", "queue": url}}]}
    policy = Policy(data, AwsSession("us-east-1", endpoint_url=server.endpoint))
    event = {"detail": {"eventName": "RunInstances"}}
    resources = policy.manager.resources()
    (action,) = policy.actions
    action.execute(action.plan(resources, event))
    (msg,) = received(aws("sqs"), url)
    message = mailer_decode(msg["Body"])
    assert message["event"] == event and [r["InstanceId"] for r in message["resources"]] == ids


def test_notify_splits_a_message_over_the_limit(aws, cli, write_policies):
    topic, queue_url = subscribed_queue(aws)
    iot = aws("iot")
    # Random attributes (zlib would squeeze repeated text): 9 things do not fit in one message.
    for n in range(9):
        rng = random.Random(n)
        attrs = {f"a{i}": base64.b64encode(rng.randbytes(580)).decode() for i in range(50)}
        iot.create_thing(thingName=f"thing-{n}", attributePayload={"attributes": attrs})
    result = cli("run", write_policies(f"""
policies:
  - name: many-things
    resource: aws.iot
    actions:
      - {{type: notify, to: [a@example.com], transport: {{type: sns, topic: "{topic}"}}}}
"""))
    assert result.exit_code == 0, result.output
    parts = [mailer_decode(m["Body"]) for m in received(aws("sqs"), queue_url)]
    count = parts[0]["part"]["count"]
    assert count >= 2 and len(parts) == count
    assert sorted(m["part"]["index"] for m in parts) == list(range(1, count + 1))
    assert sorted(r["thingName"] for m in parts for r in m["resources"]) == [f"thing-{n}" for n in range(9)]
    assert all(m["resource_count"] == 9 for m in parts)


def test_split_keeps_every_packed_part_under_the_limit():
    from c7n_lite.actions.notify import split_entries
    envelope = {"policy": {"name": "p"}, "resources": []}
    entries = [{"id": f"r{i}", "blob": base64.b64encode(bytes(range(256)) * 4).decode() + str(i)}
               for i in range(1000)]
    groups = split_entries(envelope, entries)
    assert sum(len(g) for g in groups) == 1000 and len(groups) > 1
    for g in groups:
        assert len(pack(dict(envelope, part={"index": 1, "count": len(groups)}, resources=g))) <= MAX_BYTES


def test_notify_accepts_custodians_options_and_declares_permissions(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: all-keys
    resource: ec2
    actions:
      - type: notify
        to: [resource-owner]
        to_from: {url: "s3://bucket/emails.json", format: json, expr: "[].email"}
        cc_manager: true
        from: custodian@example.com
        owner_absent_contact: [ops@example.com]
        template_format: markdown
        assume_role: false
        some_future_key: kept
        transport: {type: sqs, queue: "https://sqs.us-east-1.amazonaws.com/123456789012/mailer", region: us-east-1}
  - name: reserved
    resource: ec2
    actions:
      - {type: notify, to: [a], transport: {type: sns, topic: t, attributes: {mtype: x}}}
"""))
    assert result.exit_code == 1
    assert "'mtype' is reserved" in result.output and "all-keys" not in result.output
    sqs = Policy({"name": "p", "resource": "ec2", "actions": [
        {"type": "notify", "transport": {"type": "sqs", "queue": "q"}}]}, AwsSession("us-east-1")).permissions()
    sns = Policy({"name": "p", "resource": "ec2", "actions": [
        {"type": "notify", "transport": {"type": "sns", "topic": "t"}}]}, AwsSession("us-east-1")).permissions()
    assert "sqs:SendMessage" in sqs and "sns:Publish" not in sqs
    assert "sns:Publish" in sns and "sqs:SendMessage" not in sns
