"""Step Functions, EventBridge, CodeBuild and CloudFormation demo resources:
state machines with and without logging, rules with and without targets,
a privileged build project and a plain one, stacks with and without
termination protection."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


def _state_machines(sfn, region: str) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/step-functions"
    sfn.create_state_machine(name="order-fulfilment", definition=DEFINITION, roleArn=role,
                             loggingConfiguration={"level": "ALL", "includeExecutionData": False, "destinations": [
                                 {"cloudWatchLogsLogGroup": {"logGroupArn":
                                  f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/sfn/order-fulfilment:*"}}]},
                             tags=[{"key": "Environment", "value": "prod"}])
    sfn.create_state_machine(name="nightly-report", definition=DEFINITION, roleArn=role,
                             tags=[{"key": "Environment", "value": "dev"}])


def _rules(events) -> None:
    events.put_rule(Name="nightly-report-schedule", ScheduleExpression="cron(0 2 * * ? *)",
                    Tags=[{"Key": "Environment", "Value": "dev"}])
    events.put_targets(Rule="nightly-report-schedule", Targets=[{
        "Id": "report", "Arn": f"arn:aws:states:{events.meta.region_name}:{ACCOUNT}:stateMachine:nightly-report",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/events-start-sfn"}])
    events.put_rule(Name="orphaned-ec2-state-change", State="DISABLED",
                    EventPattern=json.dumps({"source": ["aws.ec2"]}), Tags=[{"Key": "Environment", "Value": "dev"}])


def _projects(codebuild) -> None:
    base = {"source": {"type": "S3", "location": "demo-build-sources/app.zip"}, "artifacts": {"type": "NO_ARTIFACTS"},
            "serviceRole": f"arn:aws:iam::{ACCOUNT}:role/codebuild"}
    codebuild.create_project(name="docker-images", environment={
        "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL",
        "privilegedMode": True, "environmentVariables": [
            {"name": "AWS_SECRET_ACCESS_KEY", "value": "not-a-real-key", "type": "PLAINTEXT"}]},
        tags=[{"key": "Environment", "value": "dev"}], **base)
    codebuild.create_project(name="unit-tests", environment={
        "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL",
        "privilegedMode": False}, tags=[{"key": "Environment", "value": "prod"}], **base)


def seed(endpoint: str, region: str) -> None:
    _state_machines(boto3.client("stepfunctions", region_name=region, endpoint_url=endpoint), region)
    _rules(boto3.client("events", region_name=region, endpoint_url=endpoint))
    _projects(boto3.client("codebuild", region_name=region, endpoint_url=endpoint))
    cfn = boto3.client("cloudformation", region_name=region, endpoint_url=endpoint)
    cfn.create_stack(StackName="network-core", TemplateBody=TEMPLATE, EnableTerminationProtection=True,
                     Tags=[{"Key": "Environment", "Value": "prod"}])
    cfn.create_stack(StackName="feature-preview-42", TemplateBody=TEMPLATE,
                     Tags=[{"Key": "Environment", "Value": "dev"}])
