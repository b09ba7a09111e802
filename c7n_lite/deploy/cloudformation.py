"""One policy as a CloudFormation template: function, role, rule, target and
permission, the same desired state `deploy` converges to (the role's inline
policy is `iam.role_document`, least privilege), for pipelines that deploy with
CloudFormation or roll a stack out to an organisation with StackSets.

Account, region and partition are the stack's own (`${AWS::AccountId}` …), so one
template serves every account and region.  The code comes from an S3 object
(`s3://bucket/key`; `${AWS::Region}` may appear in the bucket, for StackSets'
one bucket per region) or, inline, as a small `index.py` that carries the
archive and unpacks it into /tmp on a cold start (stdlib only).
"""
from __future__ import annotations

import base64
import json
from typing import Any

from c7n_lite.deploy import iam
from c7n_lite.deploy.archive import Archive, build
from c7n_lite.deploy.target import POLICY_TAG, DeployError, Target
from c7n_lite.policy import policy_permission_resources, policy_permissions
from c7n_lite.registry import modes

# CloudFormation's limits on a template: passed in the call (TemplateBody), or
# read from S3 (TemplateURL).  Inline code makes a template of some 80 KB: it is
# deployed from S3; one over the second limit needs --code-uri.
TEMPLATE_BODY_LIMIT = 51_200
TEMPLATE_URL_LIMIT = 1024 * 1024
MANAGED_BY = "cloudformation"   # not "c7n-lite": `gc` leaves the stack's resources to the stack
INLINE_HANDLER = "index.handler"
BOOTSTRAP = '''"""c7n-lite policy {policy}: the archive (sha256 {sha}) inline, unpacked on a cold start."""
import base64, io, os, sys, tempfile, zipfile

ARCHIVE = "{data}"
HOME = os.path.join(tempfile.gettempdir(), "c7n-lite-{short}")


def handler(event, context):
    if not os.path.exists(os.path.join(HOME, "config.json")):
        zipfile.ZipFile(io.BytesIO(base64.b64decode(ARCHIVE))).extractall(HOME)
    if HOME not in sys.path:
        sys.path.insert(0, HOME)
    os.environ["C7N_LITE_PACKAGE"] = HOME
    from c7n_lite.handler import handler as run
    return run(event, context)
'''


def stack_target(data: dict) -> Target:
    """The policy's desired state, with the stack's account, region and partition."""
    mode = modes.get(data["mode"]["type"])(data["mode"])
    return Target(data, mode, build(data), "${AWS::AccountId}", "${AWS::Region}", "${AWS::Partition}",
                  sorted(policy_permissions(data)), policy_permission_resources(data), ("${AWS::Region}",))


def inline_code(target: Target) -> str:
    archive: Archive = target.archive
    return BOOTSTRAP.format(policy=target.name, sha=archive.hexdigest, short=archive.hexdigest[:16],
                            data=base64.b64encode(archive.data).decode())


def _sub(value: Any) -> Any:
    """Strings naming the stack's pseudo parameters become Fn::Sub."""
    if isinstance(value, str):
        return {"Fn::Sub": value} if "${AWS::" in value else value
    if isinstance(value, dict):
        return {k: _sub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sub(v) for v in value]
    return value


def _tags(target: Target) -> list[dict]:
    tags = {**(target.mode.data.get("tags") or {}), POLICY_TAG: target.name, "c7n-lite:managed-by": MANAGED_BY}
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def template(data: dict, code_uri: str | None = None) -> dict:
    """The template for one serverless policy; `code_uri` s3://bucket/key, else inline code."""
    target = stack_target(data)
    config = target.function_config()
    if code_uri:
        if not code_uri.startswith("s3://") or "/" not in code_uri[5:]:
            raise DeployError(f"--code-uri {code_uri!r}: expected s3://bucket/key")
        bucket, _, key = code_uri[5:].partition("/")
        code: dict = {"S3Bucket": _sub(bucket), "S3Key": key}
        handler = config["Handler"]
    else:
        code, handler = {"ZipFile": inline_code(target)}, INLINE_HANDLER
    resources: dict[str, dict] = {}
    if target.own_role:
        resources["Role"] = {"Type": "AWS::IAM::Role", "Properties": {
            "Description": f"c7n-lite policy {target.name}: least privilege",
            "AssumeRolePolicyDocument": iam.TRUST,
            "Policies": [{"PolicyName": iam.INLINE_POLICY, "PolicyDocument": _sub(iam.role_document(target))}],
            "Tags": _tags(target)}}
        role: Any = {"Fn::GetAtt": ["Role", "Arn"]}
    else:
        role = _sub(target.role_arn)
    function = {k: v for k, v in config.items() if k not in ("Role", "Handler", "Environment")}
    if config["Environment"]["Variables"]:
        function["Environment"] = config["Environment"]
    resources["Function"] = {"Type": "AWS::Lambda::Function", "Properties": {
        **function, "Role": role, "Handler": handler, "Code": code, "Tags": _tags(target)}}
    trigger = target.mode.rule()
    rule: dict = {"Name": target.rule_name, "Description": target.description, "State": "ENABLED",
                  "Targets": [{"Id": target.function_name, "Arn": {"Fn::GetAtt": ["Function", "Arn"]}}]}
    if "EventPattern" in trigger:
        rule["EventPattern"] = json.loads(trigger["EventPattern"])
    else:
        rule["ScheduleExpression"] = trigger["ScheduleExpression"]
    resources["Rule"] = {"Type": "AWS::Events::Rule", "Properties": rule}
    resources["Permission"] = {"Type": "AWS::Lambda::Permission", "Properties": {
        "FunctionName": {"Ref": "Function"}, "Action": "lambda:InvokeFunction",
        "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}}
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"c7n-lite policy {target.name} ({target.mode.type} mode): {target.description}"[:1024],
        "Resources": resources,
        "Outputs": {"FunctionArn": {"Value": {"Fn::GetAtt": ["Function", "Arn"]}},
                    "RuleArn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}}},
    }
    size = len(json.dumps(doc))
    if not code_uri and size > TEMPLATE_URL_LIMIT:
        raise DeployError(f"policy {target.name}: with the code inline the template would be {size} bytes, over "
                          f"CloudFormation's {TEMPLATE_URL_LIMIT}: give --code-uri s3://bucket/key")
    return doc
