"""Lambda modes: option validation, exact rule rendering, ids from events."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from c7n_lite.modes.pattern import matches
from c7n_lite.registry import load_all, modes

EVENTS = Path(__file__).parent / "data" / "events"


def event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def mode(data: dict):
    load_all()
    return modes.get(data["type"])(data)


POLICY = """
policies:
  - name: p
    resource: aws.ec2
    mode:
{mode}
"""


def validate(cli, write_policies, mode_yaml: str):
    indented = "\n".join("      " + line for line in mode_yaml.strip().splitlines())
    return cli("validate", write_policies(POLICY.format(mode=indented)))


@pytest.mark.parametrize("mode_yaml", [
    "type: periodic\nschedule: rate(1 day)",
    "type: periodic\nschedule: rate(15 minutes)",
    "type: periodic\nschedule: cron(0 2 * * ? *)",
    "type: periodic\nschedule: rate(1 hour)\nmemory: 256\ntimeout: 60\ntracing: Active\n"
    "tags: {team: sec}\nenvironment: {A: b}\nrole: arn:aws:iam::123456789012:role/x\ndelay: 5",
    "type: cloudtrail\nevents: [RunInstances, CreateVolume, AuthorizeSecurityGroupIngress]",
    "type: cloudtrail\nevents:\n  - source: ec2.amazonaws.com\n    event: StartInstances\n"
    "    ids: responseElements.instancesSet.items[].instanceId",
    "type: ec2-instance-state\nevents: [running, stopped]",
    "type: schedule\nschedule: rate(1 day)\nscheduler-role: arn:aws:iam::{account_id}:role/s\n"
    "timezone: Asia/Seoul\ngroup-name: MySchedGroup\nstart-date: '2024-04-04T00:05:23'\nend-date: '2030-01-01'",
    "type: schedule\nschedule: at(2030-01-01T00:00:00)",
    "type: config-rule\nrole: arn:aws:iam::123456789012:role/some-role",
])
def test_valid_modes(cli, write_policies, mode_yaml):
    result = validate(cli, write_policies, mode_yaml)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("mode_yaml, message", [
    ("type: periodic", "missing required key 'schedule'"),
    ("type: periodic\nschedule: every day", "expected rate(N unit) or cron("),
    ("type: periodic\nschedule: rate(1 days)", "write rate(1 day)"),
    ("type: periodic\nschedule: rate(5 minute)", "write rate(5 minutes)"),
    ("type: periodic\nschedule: cron(0 2 * * * *)", "exactly one of day-of-month and day-of-week"),
    ("type: periodic\nschedule: rate(1 day)\ntracing: Passive", "unknown tracing 'Passive'"),
    ("type: periodic\nschedule: rate(1 day)\nmemroy: 256", "unknown key 'memroy' (did you mean 'memory'?)"),
    ("type: cloudtrail\nevents: [RunInstance]",
     "unknown cloudtrail event 'RunInstance' (did you mean 'RunInstances'?)"),
    ("type: cloudtrail\nevents:\n  - {source: ec2.amazonaws.com, event: X, ids: 'a[?'}", "not a valid JMESPath"),
    ("type: ec2-instance-state\nevents: [runing]", "unknown"),
    ("type: schedule", "missing required key 'schedule'"),
    ("type: schedule\nschedule: rate(1 days)", "write rate(1 day)"),
    ("type: schedule\nschedule: rate(1 day)\nstart-date: tomorrow", "start-date 'tomorrow': expected a date"),
    ("type: config-rule\nschedule: rate(1 day)", "unknown key 'schedule'"),
])
def test_invalid_modes_name_the_problem(cli, write_policies, mode_yaml, message):
    result = validate(cli, write_policies, mode_yaml)
    assert result.exit_code == 1
    assert message in result.output, result.output


def test_cloudtrail_pattern_is_exact_and_order_independent():
    a = mode({"type": "cloudtrail", "events": ["RunInstances", "CreateVolume", "CreateBucket"]}).rule()
    b = mode({"type": "cloudtrail", "events": ["CreateBucket", "RunInstances", "CreateVolume"]}).rule()
    assert a == b == {"EventPattern": (
        '{"detail":{"errorCode":[{"exists":false}],'
        '"eventName":["CreateBucket","CreateVolume","RunInstances"],'
        '"eventSource":["ec2.amazonaws.com","s3.amazonaws.com"]},'
        '"detail-type":["AWS API Call via CloudTrail"],"source":["aws.ec2","aws.s3"]}')}


FORGED = {"source": "attacker.custom", "detail-type": "AWS API Call via CloudTrail"}


def test_cloudtrail_pattern_names_the_eventbridge_source_of_explicit_entries_too():
    pattern = mode({"type": "cloudtrail", "events": [
        "RunInstances", {"source": "iot.amazonaws.com", "event": "CreateThing", "ids": "responseElements.thingName"},
    ]}).event_pattern()
    assert pattern["source"] == ["aws.ec2", "aws.iot"]
    assert pattern["detail"]["eventSource"] == ["ec2.amazonaws.com", "iot.amazonaws.com"]


def test_a_forged_source_does_not_match_the_rule():
    """PutEvents may send any detail, but no source starting with aws.: the rule checks it."""
    pattern = json.loads(mode({"type": "cloudtrail", "events": ["RunInstances"]}).rule()["EventPattern"])
    genuine = event("cloudtrail-run-instances-iam-user.json")
    assert matches(pattern, genuine)
    assert not matches(pattern, {**genuine, "source": "attacker.custom"})
    assert not matches(pattern, {k: v for k, v in genuine.items() if k != "source"})


@pytest.mark.parametrize("data", [
    {"type": "cloudtrail", "events": ["RunInstances"]},
    {"type": "ec2-instance-state", "events": ["running"]},
    {"type": "periodic", "schedule": "rate(1 day)"},
    {"type": "schedule", "schedule": "rate(1 day)"},
    {"type": "config-rule"},
])
def test_every_lambda_mode_knows_the_aws_source_of_its_events(data):
    sources, detail_types = mode(data).expected_origin()
    assert sources and all(s.startswith("aws.") for s in sources) and detail_types
    rule = mode(data).rule()
    if "EventPattern" in rule:
        assert json.loads(rule["EventPattern"])["source"] == sources


def test_lambda_modes_are_all_checked_for_their_source():
    load_all()
    serverless = {name for name, cls in modes.items() if getattr(cls, "serverless", False)}
    # add a case above for a new one (config-rule's invocations are checked in test_schedule_config_modes.py)
    assert serverless == {"cloudtrail", "ec2-instance-state", "periodic", "schedule", "config-rule"}


@pytest.mark.parametrize("data, sample", [
    ({"type": "cloudtrail", "events": ["RunInstances"]}, "cloudtrail-run-instances-iam-user.json"),
    ({"type": "ec2-instance-state", "events": ["running"]}, "ec2-instance-state-running.json"),
    ({"type": "periodic", "schedule": "rate(1 day)"}, "scheduled.json"),
    ({"type": "schedule", "schedule": "rate(1 day)"}, "scheduler.json"),
])
def test_genuine_events_are_accepted_and_forged_or_foreign_ones_refused(data, sample):
    m = mode(data)
    genuine = event(sample)
    assert m.refusal(genuine) is None
    assert "not an AWS service" in m.refusal({**genuine, "source": "attacker.custom"})
    assert "not an AWS service" in m.refusal({k: v for k, v in genuine.items() if k != "source"})
    assert "detail-type" in m.refusal({**genuine, "detail-type": "Something Else"})
    assert "not one this policy listens to" in m.refusal({**genuine, "source": "aws.s3"})
    assert m.refusal("not an event")


def test_periodic_rule_is_a_schedule():
    assert mode({"type": "periodic", "schedule": "cron(0 2 * * ? *)"}).rule() == \
        {"ScheduleExpression": "cron(0 2 * * ? *)"}


def test_instance_state_pattern():
    rule = mode({"type": "ec2-instance-state", "events": ["stopped", "running"]}).rule()
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"],
        "detail": {"state": ["running", "stopped"]}}


@pytest.mark.parametrize("events, sample, expected", [
    (["RunInstances"], "cloudtrail-run-instances-iam-user.json", True),
    (["RunInstances"], "cloudtrail-run-instances-assumed-role.json", True),
    (["RunInstances"], "cloudtrail-run-instances-failed.json", False),  # errorCode: never invoked
    (["RunInstances"], "cloudtrail-create-volume.json", False),
    (["RunInstances", "CreateVolume"], "cloudtrail-create-volume.json", True),
    (["AuthorizeSecurityGroupIngress"], "cloudtrail-authorize-security-group-ingress.json", True),
    (["CreateBucket"], "cloudtrail-create-volume.json", False),
    (["RunInstances"], "scheduled.json", False),
])
def test_rendered_patterns_match_the_events_they_should(events, sample, expected):
    pattern = json.loads(mode({"type": "cloudtrail", "events": events}).rule()["EventPattern"])
    assert matches(pattern, event(sample)) is expected


def test_instance_state_pattern_matches_only_listed_states():
    sample = event("ec2-instance-state-running.json")
    running = json.loads(mode({"type": "ec2-instance-state", "events": ["running"]}).rule()["EventPattern"])
    stopped = json.loads(mode({"type": "ec2-instance-state", "events": ["stopped"]}).rule()["EventPattern"])
    assert matches(running, sample) and not matches(stopped, sample)


def test_matcher_operators():
    assert matches({"a": [{"prefix": "ec2"}]}, {"a": "ec2.amazonaws.com"})
    assert not matches({"a": [{"anything-but": ["x"]}]}, {"a": "x"})
    assert matches({"a": [{"numeric": [">", 1, "<=", 5]}]}, {"a": 5})
    assert matches({"a": {"b": [{"exists": True}]}}, {"a": {"b": None}})
    assert not matches({"a": {"b": ["x"]}}, {"a": "b"})


@pytest.mark.parametrize("sample, ids", [
    ("cloudtrail-run-instances-iam-user.json", ["i-0123456789abcdef0"]),
    ("cloudtrail-create-volume.json", ["vol-0123456789abcdef0"]),
    ("cloudtrail-authorize-security-group-ingress.json", ["sg-0123456789abcdef0"]),
])
def test_cloudtrail_ids_from_shortcuts(sample, ids):
    m = mode({"type": "cloudtrail", "events": ["RunInstances", "CreateVolume", "AuthorizeSecurityGroupIngress"]})
    assert m.resource_ids(event(sample)) == ids


def test_cloudtrail_ids_from_explicit_entries_relative_to_detail_or_event():
    sample = event("cloudtrail-run-instances-iam-user.json")
    for ids in ("responseElements.instancesSet.items[].instanceId",
                "detail.responseElements.instancesSet.items[].instanceId"):
        m = mode({"type": "cloudtrail",
                  "events": [{"source": "ec2.amazonaws.com", "event": "RunInstances", "ids": ids}]})
        assert m.resource_ids(sample) == ["i-0123456789abcdef0"]


def test_cloudtrail_event_for_another_call_names_nothing():
    m = mode({"type": "cloudtrail", "events": ["CreateVolume"]})
    assert m.resource_ids(event("cloudtrail-run-instances-iam-user.json")) == []


def test_failed_calls_are_skipped():
    m = mode({"type": "cloudtrail", "events": ["RunInstances"]})
    assert "Client.UnauthorizedOperation" in m.skip_reason(event("cloudtrail-run-instances-failed.json"))
    assert m.skip_reason(event("cloudtrail-run-instances-iam-user.json")) is None


def test_instance_state_and_periodic_ids():
    assert mode({"type": "ec2-instance-state", "events": ["running"]}).resource_ids(
        event("ec2-instance-state-running.json")) == ["i-0123456789abcdef0"]
    assert mode({"type": "periodic", "schedule": "rate(1 day)"}).resource_ids(event("scheduled.json")) is None


def test_run_scans_periodic_policies_and_skips_event_policies(cli, write_policies, aws):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    path = write_policies("""
policies:
  - name: nightly
    resource: aws.ec2
    mode: {type: periodic, schedule: rate(1 day)}
  - name: on-launch
    resource: aws.ec2
    mode: {type: cloudtrail, events: [RunInstances]}
  - name: scheduled
    resource: aws.ec2
    mode: {type: schedule, schedule: rate(1 day)}
  - name: config-checked
    resource: aws.ec2
    mode: {type: config-rule}
""")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    assert len(result.resources("nightly")) == 1
    assert len(result.resources("scheduled")) == 1
    assert not (result.output_dir / "on-launch" / "resources.json").exists()
    assert not (result.output_dir / "config-checked" / "resources.json").exists()
