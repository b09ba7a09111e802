"""schedule mode (EventBridge Scheduler) and config-rule mode (an AWS Config
custom rule): deploy read back from moto, gc, and the packaged handler run on
their invocations.  moto's Config stores custom rules but answers
PutEvaluations only in test mode: the server takes the evaluations here and
the test reads what the function sent."""
from __future__ import annotations

import json

from c7n_lite.deploy.invoke import run_unpacked
from tests.test_handler import deployed_package, launch
from tests.write_detector import writes

ACCOUNT = "123456789012"

SCHEDULED = """
policies:
  - name: s3-bucket-check
    resource: s3
    mode:
      type: schedule
      role: arn:aws:iam::{account_id}:role/some-role
      schedule: rate(1 day)
      scheduler-role: arn:aws:iam::{account_id}:role/some-scheduler-role
      timezone: Asia/Seoul
      group-name: MySchedGroup
      start-date: '2024-04-04T00:05:23'
    filters: [{Name: open-bucket}]
"""

CONFIG_RULE = """
policies:
  - name: ec2-checker
    resource: aws.ec2
    mode:
      type: config-rule
    filters:
      - "tag:Owner": absent
"""


def roles(aws, *names):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}
    for name in names:
        aws("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))


def test_schedule_mode_deploys_a_scheduler_schedule(cli, aws, write_policies, server):
    roles(aws, "some-role", "some-scheduler-role")
    path = write_policies(SCHEDULED)
    result = cli("deploy", path)
    assert result.exit_code == 0, result.output
    function = aws("lambda").get_function(FunctionName="custodian-s3-bucket-check")["Configuration"]
    schedule = aws("scheduler").get_schedule(Name="custodian-s3-bucket-check", GroupName="MySchedGroup")
    assert schedule["ScheduleExpression"] == "rate(1 day)"
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Seoul"
    assert schedule["Target"]["Arn"] == function["FunctionArn"]
    assert schedule["Target"]["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/some-scheduler-role"
    assert schedule["StartDate"].strftime("%Y-%m-%dT%H:%M:%S") == "2024-04-04T00:05:23"
    # no EventBridge rule: the schedule invokes the function as its own role
    assert aws("events").list_rules()["Rules"] == []
    server.reset_log()
    again = cli("deploy", path)
    assert again.exit_code == 0, again.output
    assert writes(server) == []
    # dropped from the file: gc deletes the schedule with the function
    gc = cli("gc", write_policies("policies: []\n"))
    assert gc.exit_code == 0, gc.output
    assert aws("scheduler").list_schedules()["Schedules"] == []
    assert aws("lambda").list_functions()["Functions"] == []


def test_schedule_mode_without_a_scheduler_role_is_a_deploy_error(cli, aws, write_policies):
    roles(aws, "some-role")
    text = SCHEDULED.replace("      scheduler-role: arn:aws:iam::{account_id}:role/some-scheduler-role\n", "")
    assert cli("validate", write_policies(text)).exit_code == 0
    result = cli("deploy", write_policies(text))
    assert result.exit_code != 0
    assert "scheduler-role" in result.output
    assert aws("lambda").list_functions()["Functions"] == []


def test_a_scheduled_invocation_scans_the_account(cli, aws, write_policies, tmp_path):
    roles(aws, "some-role", "some-scheduler-role")
    s3 = aws("s3")
    s3.create_bucket(Bucket="open-bucket")
    s3.create_bucket(Bucket="other-bucket")
    package = deployed_package(cli, aws, write_policies(SCHEDULED), "s3-bucket-check",
                               "custodian-s3-bucket-check", tmp_path)
    target = aws("scheduler").get_schedule(Name="custodian-s3-bucket-check", GroupName="MySchedGroup")["Target"]
    # what Scheduler sends: the target's input, its placeholders filled in
    event = json.loads(target["Input"].replace("<aws.scheduler.schedule-arn>", "arn:aws:scheduler:x")
                       .replace("<aws.scheduler.scheduled-time>", "2026-12-02T00:00:00Z"))
    summary = run_unpacked(package, event).summary
    assert summary["refused"] is None and summary["errors"] == []
    assert summary["matched"] == ["open-bucket"] and summary["evaluated"] == 2


def config_event(instance_id, status="OK", left_scope=False):
    item = {"resourceType": "AWS::EC2::Instance", "resourceId": instance_id, "awsRegion": "us-east-1",
            "configurationItemCaptureTime": "2026-12-02T10:00:00.000Z", "configurationItemStatus": status}
    return {"configRuleName": "custodian-ec2-checker", "configRuleArn": "arn:aws:config:us-east-1:x",
            "accountId": ACCOUNT, "resultToken": "token-1", "eventLeftScope": left_scope, "version": "1.0",
            "invokingEvent": json.dumps({"configurationItem": item, "notificationCreationTime": "2026-12-02T10:00:01Z",
                                         "messageType": "ConfigurationItemChangeNotification"})}


def take_evaluations(server):
    """moto answers PutEvaluations only in test mode: the server records and accepts them."""
    sent = []

    def hook(request):
        if request.operation == "PutEvaluations":
            sent.append(json.loads(request.body))
            return 200, json.dumps({"FailedEvaluations": []}), "application/x-amz-json-1.1"
        return None
    server.hooks.append(hook)
    return sent


def test_config_rule_mode_deploys_a_custom_rule(cli, aws, write_policies, server):
    path = write_policies(CONFIG_RULE)
    result = cli("deploy", path)
    assert result.exit_code == 0, result.output
    function = aws("lambda").get_function(FunctionName="custodian-ec2-checker")["Configuration"]
    rule, = aws("config").describe_config_rules(ConfigRuleNames=["custodian-ec2-checker"])["ConfigRules"]
    assert rule["Source"]["Owner"] == "CUSTOM_LAMBDA"
    assert rule["Source"]["SourceIdentifier"] == function["FunctionArn"]
    assert {d["MessageType"] for d in rule["Source"]["SourceDetails"]} == {
        "ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"}
    assert rule["Scope"]["ComplianceResourceTypes"] == ["AWS::EC2::Instance"]
    statement, = json.loads(aws("lambda").get_policy(FunctionName="custodian-ec2-checker")["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "config.amazonaws.com"}
    document = aws("iam").get_role_policy(RoleName="c7n-lite-ec2-checker", PolicyName="c7n-lite-policy")
    allowed = {s["Sid"]: s["Action"] for s in document["PolicyDocument"]["Statement"]}
    assert "config:PutEvaluations" in allowed["Policy"]
    server.reset_log()
    assert cli("deploy", path).exit_code == 0
    assert writes(server) == []
    gc = cli("gc", write_policies("policies: []\n"))
    assert gc.exit_code == 0, gc.output
    assert aws("config").describe_config_rules()["ConfigRules"] == []


def test_config_rule_invocations_report_evaluations(cli, aws, write_policies, server, tmp_path):
    package = deployed_package(cli, aws, write_policies(CONFIG_RULE), "ec2-checker", "custodian-ec2-checker",
                               tmp_path)
    sent = take_evaluations(server)
    untagged = launch(aws)
    tagged = aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "alice"}]}])["Instances"][0]["InstanceId"]
    for event in (config_event(untagged), config_event(tagged), config_event(tagged, status="ResourceDeleted")):
        summary = run_unpacked(package, event).summary
        assert summary["refused"] is None and summary["errors"] == [], summary
    verdicts = [(e["ComplianceResourceId"], e["ComplianceType"]) for body in sent for e in body["Evaluations"]]
    assert verdicts == [(untagged, "NON_COMPLIANT"), (tagged, "COMPLIANT"), (tagged, "NOT_APPLICABLE")]
    assert {body["ResultToken"] for body in sent} == {"token-1"}
    assert sent[0]["Evaluations"][0]["ComplianceResourceType"] == "AWS::EC2::Instance"


def test_config_rule_sends_no_verdict_when_the_resource_cannot_be_read(cli, aws, write_policies, server, tmp_path):
    package = deployed_package(cli, aws, write_policies(CONFIG_RULE), "ec2-checker", "custodian-ec2-checker",
                               tmp_path)
    sent = take_evaluations(server)
    instance = launch(aws)
    # Config names an instance the describe call does not know: an error, no verdict
    summary = run_unpacked(package, config_event("i-0000000000000dead")).summary
    assert "InvalidInstanceID.NotFound" in json.dumps(summary["errors"])
    server.hooks.append(lambda r: (403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no"
                                        "</Message></Error></Errors></Response>")
                        if r.operation == "DescribeInstances" else None)
    summary = run_unpacked(package, config_event(instance)).summary
    assert "UnauthorizedOperation" in json.dumps(summary["errors"])
    assert sent == []


def test_config_rule_refuses_what_config_does_not_send(cli, aws, write_policies, tmp_path):
    package = deployed_package(cli, aws, write_policies(CONFIG_RULE), "ec2-checker", "custodian-ec2-checker",
                               tmp_path)
    for forged in ({"source": "aws.ec2"}, {**config_event("i-1"), "resultToken": ""},
                   {**config_event("i-1"), "invokingEvent": json.dumps({"messageType": "ScheduledNotification"})}):
        assert run_unpacked(package, forged).summary["refused"]


def test_config_rule_needs_a_type_config_records(cli, write_policies):
    text = CONFIG_RULE.replace("resource: aws.ec2", "resource: aws.ami")
    result = cli("validate", write_policies(text))
    assert result.exit_code == 1
    assert "AWS Config does not record aws.ami" in result.output
