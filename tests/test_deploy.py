"""deploy and gc against the moto server: what they create, read back; idempotence."""
from __future__ import annotations

import base64
import hashlib
import json

import pytest

from tests.write_detector import writes

ACCOUNT = "123456789012"

POLICIES = """
policies:
  - name: ec2-untagged
    resource: aws.ec2
    mode:
      type: cloudtrail
      events: [RunInstances, StartInstances]
      memory: {memory}
      tags: {{team: security}}
    filters:
      - "tag:Owner": absent
  - name: ec2-nightly
    resource: aws.ec2
    mode:
      type: periodic
      schedule: rate(1 day)
      function-prefix: nightly-
    filters:
      - "State.Name": {state}
  - name: pulled
    resource: aws.ec2
"""


def policies(memory: int = 256, state: str = "running") -> str:
    return POLICIES.format(memory=memory, state=state)


def sha_of(path: str) -> str:
    with open(path, "rb") as f:
        return base64.b64encode(hashlib.sha256(f.read()).digest()).decode()


@pytest.fixture
def deployed(cli, write_policies, server):
    path = write_policies(policies())
    result = cli("deploy", path)
    assert result.exit_code == 0, result.output
    return path


def test_deploy_creates_function_rule_target_and_permission(deployed, aws, cli, tmp_path):
    lam, events, iam = aws("lambda"), aws("events"), aws("iam")
    fn = lam.get_function(FunctionName="custodian-ec2-untagged")
    config = fn["Configuration"]
    assert config["Handler"] == "c7n_lite.handler.handler"
    assert config["MemorySize"] == 256
    assert config["Role"] == f"arn:aws:iam::{ACCOUNT}:role/c7n-lite-ec2-untagged"
    assert fn["Tags"] == {"team": "security", "c7n-lite:policy": "ec2-untagged",
                          "c7n-lite:managed-by": "c7n-lite"}
    # the uploaded code is exactly what `package` writes
    zip_path = str(tmp_path / "p.zip")
    assert cli("package", "-p", "ec2-untagged", "-o", zip_path, deployed).exit_code == 0
    assert config["CodeSha256"] == sha_of(zip_path)

    rule = events.describe_rule(Name="custodian-ec2-untagged")
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["RunInstances", "StartInstances"],
                   "errorCode": [{"exists": False}]}}
    assert events.describe_rule(Name="nightly-ec2-nightly")["ScheduleExpression"] == "rate(1 day)"
    targets = events.list_targets_by_rule(Rule="custodian-ec2-untagged")["Targets"]
    assert [t["Arn"] for t in targets] == [config["FunctionArn"]]
    tags = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]}
    assert tags["c7n-lite:policy"] == "ec2-untagged"

    statement, = json.loads(lam.get_policy(FunctionName="custodian-ec2-untagged")["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]

    # least privilege: the policy's own permissions, plus its log group
    document = iam.get_role_policy(RoleName="c7n-lite-ec2-untagged", PolicyName="c7n-lite-policy")["PolicyDocument"]
    allowed = {s["Sid"]: s["Action"] for s in document["Statement"]}
    # DescribeTags: tags the DescribeInstances answer left out are read with it.
    assert allowed["Policy"] == ["ec2:DescribeInstances", "ec2:DescribeTags"]
    assert allowed["Logs"] == ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    # pull policies are not deployed
    assert {f["FunctionName"] for f in lam.list_functions()["Functions"]} == \
        {"custodian-ec2-untagged", "nightly-ec2-nightly"}


def test_second_deploy_makes_no_write_call(deployed, cli, server):
    server.reset_log()
    result = cli("deploy", deployed)
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    assert "ec2-untagged: up to date" in result.output
    assert len(server.requests) < 25  # reads only: a handful per policy


def test_changed_filter_uploads_only_the_code(deployed, cli, server, write_policies, aws):
    before = aws("lambda").get_function(FunctionName="nightly-ec2-nightly")["Configuration"]["CodeSha256"]
    server.reset_log()
    result = cli("deploy", write_policies(policies(state="stopped")))
    assert result.exit_code == 0, result.output
    assert [(w.method, w.path) for w in writes(server)] == \
        [("PUT", "/2015-03-31/functions/nightly-ec2-nightly/code")]
    after = aws("lambda").get_function(FunctionName="nightly-ec2-nightly")["Configuration"]["CodeSha256"]
    assert after != before


def test_changed_memory_updates_only_the_configuration(deployed, cli, server, write_policies, aws):
    server.reset_log()
    result = cli("deploy", write_policies(policies(memory=1024)))
    assert result.exit_code == 0, result.output
    assert [(w.method, w.path) for w in writes(server)] == \
        [("PUT", "/2015-03-31/functions/custodian-ec2-untagged/configuration")]
    assert "MemorySize 256 → 1024" in result.output
    assert aws("lambda").get_function(FunctionName="custodian-ec2-untagged")["Configuration"]["MemorySize"] == 1024


def test_dryrun_shows_the_plan_and_writes_nothing(cli, write_policies, server, aws):
    result = cli("deploy", "--dryrun", write_policies(policies()))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    assert "ec2-untagged: would" in result.output
    assert "create role c7n-lite-ec2-untagged" in result.output
    assert "create rule nightly-ec2-nightly: rate(1 day)" in result.output
    assert aws("lambda").list_functions()["Functions"] == []


def test_given_role_is_used_and_no_role_is_created(cli, write_policies, server, aws):
    path = write_policies("""
policies:
  - name: with-role
    resource: aws.ec2
    mode: {type: periodic, schedule: rate(1 hour), role: CustodianRole}
""")
    missing = cli("deploy", path)
    assert missing.exit_code == 1
    assert "role CustodianRole (from the policy's mode) does not exist" in missing.output
    aws("iam").create_role(RoleName="CustodianRole", AssumeRolePolicyDocument="{}")
    result = cli("deploy", path)
    assert result.exit_code == 0, result.output
    config = aws("lambda").get_function(FunctionName="custodian-with-role")["Configuration"]
    assert config["Role"] == f"arn:aws:iam::{ACCOUNT}:role/CustodianRole"
    assert [r["RoleName"] for r in aws("iam").list_roles()["Roles"]] == ["CustodianRole"]


def test_gc_removes_only_dropped_policies(deployed, cli, server, write_policies, aws):
    kept = write_policies(policies().split("  - name: ec2-nightly")[0], name="kept.yml")
    server.reset_log()
    dry = cli("gc", "--dryrun", kept)
    assert dry.exit_code == 0, dry.output
    assert "delete function nightly-ec2-nightly" in dry.output
    assert writes(server) == []

    result = cli("gc", kept)
    assert result.exit_code == 0, result.output
    lam, events, iam = aws("lambda"), aws("events"), aws("iam")
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["custodian-ec2-untagged"]
    assert [r["Name"] for r in events.list_rules()["Rules"]] == ["custodian-ec2-untagged"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["c7n-lite-ec2-untagged"]

    server.reset_log()
    assert "nothing to remove" in cli("gc", kept).output
    assert writes(server) == []


def test_gc_leaves_what_is_not_ours(cli, write_policies, server, aws):
    aws("iam").create_role(RoleName="c7n-lite-handmade", AssumeRolePolicyDocument="{}")
    aws("events").put_rule(Name="someone-elses", ScheduleExpression="rate(1 day)")
    server.reset_log()
    result = cli("gc", write_policies(policies()))
    assert "nothing to remove" in result.output
    assert writes(server) == []


def test_package_and_deploy_show_one_sha256_in_hex(cli, write_policies, server, tmp_path, aws):
    path = write_policies(policies())
    zip_path = str(tmp_path / "p.zip")
    packaged = cli("package", "-p", "ec2-untagged", "-o", zip_path, path)
    assert packaged.exit_code == 0, packaged.output
    with open(zip_path, "rb") as f:
        hexdigest = hashlib.sha256(f.read()).hexdigest()
    assert packaged.output.strip().endswith(f"sha256 {hexdigest}")
    planned = cli("deploy", "--dryrun", "-p", "ec2-untagged", path)
    assert planned.exit_code == 0, planned.output
    assert f"bytes, sha256 {hexdigest})" in planned.output
    assert cli("deploy", "-p", "ec2-untagged", path).exit_code == 0
    # a changed filter: the upload names the deployed code and the new one, both in hex
    changed = write_policies(policies(state="stopped").replace('"tag:Owner": absent', '"tag:Team": absent'),
                             "changed.yml")
    result = cli("deploy", "--dryrun", "-p", "ec2-untagged", changed)
    assert result.exit_code == 0, result.output
    with open(zip_path, "rb") as f:
        old = hashlib.sha256(f.read()).hexdigest()
    assert f"(sha256 {old} → " in result.output
    assert "=" not in result.output.split("(sha256 ", 1)[1].split(",")[0]

