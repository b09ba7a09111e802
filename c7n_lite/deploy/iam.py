"""The function's role: created least-privilege unless the policy names one.

The inline policy lists exactly what the policy needs (`policy_permissions`:
reading its resource type and the details its filters and actions read, and
each filter's and action's own needs) plus writing its own CloudWatch log
group, and X-Ray when tracing is on.  A permission used only on resources the
policy names (notify's topic) is granted on those ARNs alone.
"""
from __future__ import annotations

import json
import urllib.parse
from typing import Any

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.deploy.target import MANAGED_TAG, MANAGED_VALUE, POLICY_TAG, ROLE_PREFIX, Target

INLINE_POLICY = "c7n-lite-policy"
# What every function needs besides its policy's own: write its log group, and
# send traces when the mode turns X-Ray on.
LOG_PERMISSIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
TRACING_PERMISSIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
# What the person (or pipeline) running `deploy` and `gc` needs: read and write
# the roles, functions and rules c7n-lite manages, and pass the role to Lambda.
DEPLOYER_PERMISSIONS = (
    "events:DeleteRule", "events:DescribeRule", "events:ListRules", "events:ListTagsForResource",
    "events:ListTargetsByRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets",
    "events:TagResource",
    "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:GetRole",
    "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags",
    "iam:ListRoles", "iam:PassRole", "iam:PutRolePolicy", "iam:TagRole", "iam:UpdateAssumeRolePolicy",
    "lambda:AddPermission", "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction",
    "lambda:GetPolicy", "lambda:ListFunctions", "lambda:ListTags", "lambda:TagResource",
    "lambda:UntagResource", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
    "sts:GetCallerIdentity",
    # schedule and config-rule modes: their schedule or config rule, and Scheduler's role passed on
    "scheduler:GetSchedule", "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule",
    "scheduler:ListSchedules", "scheduler:GetScheduleGroup", "scheduler:CreateScheduleGroup",
    "config:DescribeConfigRules", "config:PutConfigRule", "config:DeleteConfigRule", "config:TagResource",
)
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}


def role_document(target: Target) -> dict:
    log_groups = [f"arn:{target.partition}:logs:{region}:{target.account}:log-group:/aws/lambda/{target.function_name}"
                  for region in (target.role_regions or (target.region,))]
    statements: list[dict] = []
    scoped = target.permission_resources
    anywhere = [p for p in target.permissions if p not in scoped]
    if anywhere:
        statements.append({"Sid": "Policy", "Effect": "Allow", "Action": anywhere, "Resource": "*"})
    by_resources: dict[tuple[str, ...], list[str]] = {}
    for perm in target.permissions:
        if perm in scoped:
            by_resources.setdefault(tuple(sorted(scoped[perm])), []).append(perm)
    for index, (arns, perms) in enumerate(sorted(by_resources.items()), 1):
        statements.append({"Sid": f"PolicyScoped{index}", "Effect": "Allow", "Action": sorted(perms),
                           "Resource": list(arns)})
    statements.append({"Sid": "Logs", "Effect": "Allow",
                       "Action": list(LOG_PERMISSIONS),
                       "Resource": [arn for group in log_groups for arn in (group, f"{group}:*")]})
    if target.mode.data.get("tracing") == "Active":
        statements.append({"Sid": "Tracing", "Effect": "Allow",
                           "Action": list(TRACING_PERMISSIONS), "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def _document(value: Any) -> dict:
    """IAM returns documents URL-encoded (botocore usually decodes them)."""
    if isinstance(value, str):
        return json.loads(urllib.parse.unquote(value))
    return value


def _dumps(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def check_given_role(session: AwsSession, target: Target) -> None:
    """Fail the plan early (and clearly) when the policy's role does not exist."""
    if not target.role_arn.startswith(f"arn:{target.partition}:iam::{target.account}:"):
        return  # another account's role: not ours to look up
    try:
        session.client("iam").get_role(RoleName=target.role_name)
    except Exception as exc:  # noqa: BLE001
        if error_code(exc) == "NoSuchEntity":
            raise ValueError(f"role {target.role_name} (from the policy's mode) does not exist") from exc
        # no permission to look: let Lambda decide


def plan_role(session: AwsSession, target: Target) -> list[ApiCall]:
    if not target.own_role:
        check_given_role(session, target)
        return []
    iam = session.client("iam")
    name = target.role_name
    document = role_document(target)
    tags = [{"Key": k, "Value": v} for k, v in sorted(target.tags.items())]
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except Exception as exc:  # noqa: BLE001
        if error_code(exc) != "NoSuchEntity":
            raise
        return [
            ApiCall("iam", "create_role",
                    {"RoleName": name, "AssumeRolePolicyDocument": _dumps(TRUST),
                     "Description": f"c7n-lite policy {target.name}: least privilege", "Tags": tags},
                    [target.name], f"create role {name}"),
            ApiCall("iam", "put_role_policy",
                    {"RoleName": name, "PolicyName": INLINE_POLICY, "PolicyDocument": _dumps(document)},
                    [target.name], f"allow role {name}: {', '.join(target.permissions) or '(logs only)'}"),
        ]
    current_tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name).get("Tags", [])}
    if current_tags.get(MANAGED_TAG) != MANAGED_VALUE or current_tags.get(POLICY_TAG) != target.name:
        raise ValueError(f"role {name} exists and is not managed by c7n-lite for {target.name}: "
                         "name a role in the policy's mode, or remove it")
    calls = []
    if _document(role["AssumeRolePolicyDocument"]) != TRUST:
        calls.append(ApiCall("iam", "update_assume_role_policy",
                             {"RoleName": name, "PolicyDocument": _dumps(TRUST)},
                             [target.name], f"reset the trust policy of role {name}"))
    try:
        current = _document(iam.get_role_policy(RoleName=name, PolicyName=INLINE_POLICY)["PolicyDocument"])
    except Exception as exc:  # noqa: BLE001
        if error_code(exc) != "NoSuchEntity":
            raise
        current = None
    if current != document:
        calls.append(ApiCall("iam", "put_role_policy",
                             {"RoleName": name, "PolicyName": INLINE_POLICY, "PolicyDocument": _dumps(document)},
                             [target.name], f"update role {name}: {', '.join(target.permissions)}"))
    missing = [t for t in tags if current_tags.get(t["Key"]) != t["Value"]]
    if missing:
        calls.append(ApiCall("iam", "tag_role", {"RoleName": name, "Tags": missing},
                             [target.name], f"tag role {name}"))
    return calls


def plan_delete_role(session: AwsSession, name: str, policy: str) -> list[ApiCall]:
    iam = session.client("iam")
    calls = [ApiCall("iam", "delete_role_policy", {"RoleName": name, "PolicyName": p}, [policy],
                     f"delete inline policy {p} of role {name}")
             for p in iam.list_role_policies(RoleName=name).get("PolicyNames", [])]
    calls += [ApiCall("iam", "detach_role_policy", {"RoleName": name, "PolicyArn": p["PolicyArn"]}, [policy],
                      f"detach {p['PolicyArn']} from role {name}")
              for p in iam.list_attached_role_policies(RoleName=name).get("AttachedPolicies", [])]
    calls.append(ApiCall("iam", "delete_role", {"RoleName": name}, [policy], f"delete role {name}"))
    return calls


def managed_roles(session: AwsSession) -> dict[str, str]:
    """Role name → policy name, for roles c7n-lite created."""
    iam = session.client("iam")
    found: dict[str, str] = {}
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            if not role["RoleName"].startswith(ROLE_PREFIX):
                continue  # ours always carry the prefix: spare a tag read per foreign role
            tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role["RoleName"]).get("Tags", [])}
            if tags.get(MANAGED_TAG) == MANAGED_VALUE and POLICY_TAG in tags:
                found[role["RoleName"]] = tags[POLICY_TAG]
    return found
