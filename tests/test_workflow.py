"""Step Functions state machines, EventBridge rules, CodeBuild projects and
CloudFormation stacks against moto, seeded with the sandbox's demo
resources: listing, filters (one matches, another not), details read only
when filtered, fetch by id, actions read back from moto, and dry runs."""
from __future__ import annotations

import json

import pytest

from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed import workflow as workflow_seed
from tests.service_helpers import manager, scan, served

REGION = "us-east-1"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:"


@pytest.fixture
def seeded(server):
    workflow_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return server


# --- Step Functions --------------------------------------------------------------

def test_state_machines_described_and_tagged_only_when_read(seeded, cli, write_policies, aws):
    result = scan(cli, write_policies, """
policies:
  - name: all
    resource: aws.step-machine
""", "--dryrun")
    assert len(result.resources("all")) == 2 and served(seeded, "DescribeStateMachine") == 0
    result = scan(cli, write_policies, """
policies:
  - name: no-logging
    resource: aws.step-machine
    filters: [{loggingConfiguration.level: "OFF"}]
  - name: dev
    resource: step-machine
    filters: [{"tag:Environment": dev}]
""", "--dryrun")
    assert result.ids("no-logging", "name") == ["nightly-report"]
    assert result.ids("dev", "name") == ["nightly-report"]
    found = manager(seeded, "aws.step-machine").get_resources([MACHINE + "order-fulfilment", MACHINE + "gone"])
    assert [m["name"] for m in found] == ["order-fulfilment"] and "ResponseMetadata" not in found[0]


def test_state_machine_tags_are_written_in_lower_case_shape(seeded, cli, write_policies, aws):
    scan(cli, write_policies, """
policies:
  - name: tag
    resource: aws.step-machine
    filters: [{name: nightly-report}]
    actions: [{type: tag, key: Owner, value: reporting}, {type: remove-tag, tags: [Environment]}]
""")
    tags = aws("stepfunctions").list_tags_for_resource(resourceArn=MACHINE + "nightly-report")["tags"]
    assert tags == [{"key": "Owner", "value": "reporting"}]


# --- EventBridge rules ------------------------------------------------------------

def test_event_rule_target_filter(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: no-targets
    resource: aws.event-rule
    filters: [{type: event-rule-target, key: "@", value: empty}]
  - name: starts-report
    resource: aws.event-rule
    filters:
      - type: event-rule-target
        key: "[].Arn"
        op: contains
        value: arn:aws:states:us-east-1:123456789012:stateMachine:nightly-report
""", "--dryrun")
    assert result.ids("no-targets", "Name") == ["orphaned-ec2-state-change"]
    assert result.ids("starts-report", "Name") == ["nightly-report-schedule"]
    assert served(seeded, "ListTargetsByRule") == 2   # once per rule, for both policies
    found = manager(seeded, "aws.event-rule").get_resources(["nightly-report-schedule", "gone-rule"])
    assert [r["Name"] for r in found] == ["nightly-report-schedule"]


def test_event_rule_actions(seeded, cli, write_policies, aws):
    events = aws("events")
    scan(cli, write_policies, """
policies:
  - name: enable
    resource: aws.event-rule
    actions: [{type: set-rule-state, enabled: true}]
""")
    assert {r["Name"]: r["State"] for r in events.list_rules()["Rules"]} == {
        "nightly-report-schedule": "ENABLED", "orphaned-ec2-state-change": "ENABLED"}
    seeded.reset_log()
    scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.event-rule
    filters: [{"tag:Environment": dev}]
    actions: [{type: delete, force: true}]
""")
    assert events.list_rules()["Rules"] == []
    assert served(seeded, "RemoveTargets") == 1   # only the rule that had a target


def test_event_rule_delete_dry_run(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.event-rule
    actions: [{type: delete, force: true}, {type: set-rule-state, enabled: false}]
""", "--dryrun")
    assert seeded.writes() == []
    assert "remove_targets" in result.output and "delete_rule" in result.output
    assert "already DISABLED" in result.output


# --- CodeBuild ----------------------------------------------------------------------

def test_codebuild_projects(seeded, cli, write_policies, aws):
    result = scan(cli, write_policies, """
policies:
  - name: privileged
    resource: aws.codebuild
    filters: [{environment.privilegedMode: true}]
  - name: plaintext-secrets
    resource: codebuild
    filters:
      - type: value
        key: "environment.environmentVariables[?type=='PLAINTEXT'].name"
        op: intersect
        value: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
  - name: prod
    resource: aws.codebuild
    filters: [{"tag:Environment": prod}]
""", "--dryrun")
    assert result.ids("privileged", "name") == ["docker-images"]
    assert result.ids("plaintext-secrets", "name") == ["docker-images"]
    assert result.ids("prod", "name") == ["unit-tests"]
    found = manager(seeded, "aws.codebuild").get_resources(["unit-tests", "gone-project"])
    assert [p["name"] for p in found] == ["unit-tests"]
    scan(cli, write_policies, """
policies:
  - name: delete-privileged
    resource: aws.codebuild
    filters: [{environment.privilegedMode: true}]
    actions: [delete]
""")
    assert aws("codebuild").list_projects()["projects"] == ["unit-tests"]


# --- CloudFormation ---------------------------------------------------------------

def test_cfn_stacks(seeded, cli, write_policies, aws):
    # moto does not serve UpdateTerminationProtection: set-protection is checked in its plan.
    result = scan(cli, write_policies, """
policies:
  - name: unprotected
    resource: aws.cfn
    filters: [{EnableTerminationProtection: false}]
    actions: [set-protection]
  - name: protected
    resource: aws.cfn
    filters: [{StackStatus: CREATE_COMPLETE}]
    actions: [{type: set-protection, state: true}]
""", "--dryrun")
    assert seeded.writes() == []
    assert result.ids("unprotected", "StackName") == ["feature-preview-42"]
    calls = json.loads((result.output_dir / "protected" / "plan.json").read_text())[0]["calls"]
    skipped = {c["resource_ids"][0]: c["skip_reason"] for c in calls if c.get("skip_reason")}
    assert skipped == {"network-core": "protection already on"}
    planned = [c for c in calls if not c.get("skip_reason")]
    assert [(c["operation"], c["params"]) for c in planned] == [("update_termination_protection", {
        "StackName": "feature-preview-42", "EnableTerminationProtection": True})]
    found = manager(seeded, "aws.cfn").get_resources(["network-core", "gone-stack"])
    assert [s["StackName"] for s in found] == ["network-core"]


def test_cfn_delete_and_force(seeded, cli, write_policies, aws):
    cfn = aws("cloudformation")
    result = scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.cfn
    actions: [{type: delete, force: true}]
""", "--dryrun")
    assert seeded.writes() == []
    assert result.output.count("update_termination_protection") == 1   # only network-core is protected
    scan(cli, write_policies, """
policies:
  - name: delete-dev
    resource: aws.cfn
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    assert [s["StackName"] for s in cfn.describe_stacks()["Stacks"]] == ["network-core"]


def test_cfn_template_filter(seeded, cli, write_policies, aws):
    aws("cloudformation").create_stack(StackName="leaky", TemplateBody=json.dumps({"Resources": {"Topic": {
        "Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "API_KEY9 abc123"}}}}))
    result = scan(cli, write_policies, """
policies:
  - name: secrets-in-templates
    resource: aws.cfn
    filters: [{type: template, pattern: "API_KEY[0-9A-Z]"}]
""", "--dryrun")
    assert result.ids("secrets-in-templates", "StackName") == ["leaky"]
    bad = cli("validate", write_policies("""
policies:
  - name: bad-pattern
    resource: aws.cfn
    filters: [{type: template, pattern: "API_KEY[0-9"}]
""", name="bad.yml"))
    assert bad.exit_code != 0 and "invalid pattern" in bad.output


def test_force_adds_only_the_permissions_it_needs():
    load_all()
    rule_delete = resources.get("aws.event-rule").action_class("delete")
    stack_delete = resources.get("aws.cfn").action_class("delete")
    assert rule_delete.all_permissions({"type": "delete"}) == {"events:DeleteRule"}
    assert rule_delete.all_permissions({"type": "delete", "force": True}) == {
        "events:DeleteRule", "events:ListTargetsByRule", "events:RemoveTargets"}
    assert stack_delete.all_permissions({"type": "delete", "force": True}) == {
        "cloudformation:DeleteStack", "cloudformation:UpdateTerminationProtection"}
    db_delete = resources.get("aws.rds").action_class("delete")
    assert db_delete.all_permissions({"type": "delete", "skip-snapshot": True}) == {"rds:DeleteDBInstance"}
    assert "rds:AddTagsToResource" in db_delete.all_permissions({"type": "delete", "copy-restore-info": True})
