"""What invokes a function other than an EventBridge rule: an EventBridge
Scheduler schedule (schedule mode) or an AWS Config custom rule (config-rule
mode).  Planned like the rule: read what exists, then only the calls needed."""
from __future__ import annotations

import datetime
import json
from typing import Any

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.deploy.target import DeployError, Target

SCHEDULE_FIELDS = ("Description", "State", "ScheduleExpression", "ScheduleExpressionTimezone",
                   "StartDate", "EndDate")
CONFIG_SOURCE_DETAILS = [{"EventSource": "aws.config", "MessageType": m}
                         for m in ("ConfigurationItemChangeNotification",
                                   "OversizedConfigurationItemChangeNotification")]


def _missing(exc: Exception, *codes: str) -> bool:
    return error_code(exc) in codes


def _same_time(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        utc = datetime.timezone.utc
        return (a if a.tzinfo else a.replace(tzinfo=utc)) == (b if b.tzinfo else b.replace(tzinfo=utc))
    return a == b


def scheduler_role(target: Target) -> str:
    role = target.mode.data.get("scheduler-role")
    if not role:
        raise DeployError(f"policy {target.name}: schedule mode needs `scheduler-role`, the role EventBridge "
                          "Scheduler invokes the function as")
    role = role.replace("{account_id}", target.account)
    return role if role.startswith("arn:") else f"arn:{target.partition}:iam::{target.account}:role/{role}"


def plan_schedule(session: AwsSession, target: Target) -> list[ApiCall]:
    params = target.mode.schedule_params(target.function_name, target.description, target.function_arn,
                                         scheduler_role(target))
    scheduler = session.client("scheduler")
    name, group = params["Name"], params["GroupName"]
    calls = []
    try:
        scheduler.get_schedule_group(Name=group)
    except Exception as exc:  # noqa: BLE001
        if not _missing(exc, "ResourceNotFoundException"):
            raise
        calls.append(ApiCall("scheduler", "create_schedule_group", {"Name": group}, [target.name],
                             f"create schedule group {group}"))
        current = None
    else:
        try:
            current = scheduler.get_schedule(Name=name, GroupName=group)
        except Exception as exc:  # noqa: BLE001
            if not _missing(exc, "ResourceNotFoundException"):
                raise
            current = None
    shown = f"{params['ScheduleExpression']} ({params['ScheduleExpressionTimezone']})"
    if current is None:
        calls.append(ApiCall("scheduler", "create_schedule", params, [target.name],
                             f"create schedule {group}/{name}: {shown}"))
        return calls
    have_target = current.get("Target") or {}
    changed = [k for k in SCHEDULE_FIELDS if not _same_time(current.get(k), params.get(k))] + [
        f"Target.{k}" for k in ("Arn", "RoleArn", "Input") if have_target.get(k) != params["Target"][k]]
    if changed:
        calls.append(ApiCall("scheduler", "update_schedule", params, [target.name],
                             f"update schedule {group}/{name} ({', '.join(changed)}): {shown}"))
    return calls


def _config_rules(session: AwsSession, name: str) -> list[dict]:
    """The Config rule of that name, as a list of one, or [] where there is none."""
    try:
        return session.client("config").describe_config_rules(ConfigRuleNames=[name])["ConfigRules"]
    except Exception as exc:  # noqa: BLE001
        if not _missing(exc, "NoSuchConfigRuleException"):
            raise
        return []


def plan_config_rule(session: AwsSession, target: Target) -> list[ApiCall]:
    config_type = _config_type(target)
    name = target.function_name
    params = {"ConfigRuleName": name, "Description": target.description,
              "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": target.function_arn,
                         "SourceDetails": CONFIG_SOURCE_DETAILS},
              "Scope": {"ComplianceResourceTypes": [config_type]}}
    rules = _config_rules(session, name)
    tags = [{"Key": k, "Value": v} for k, v in sorted(target.tags.items())]
    if not rules:
        return [ApiCall("config", "put_config_rule", {"ConfigRule": params, "Tags": tags}, [target.name],
                        f"create config rule {name} on {config_type} changes")]
    current = rules[0]
    source = current.get("Source") or {}
    same = (current.get("Description", "") == params["Description"]
            and source.get("SourceIdentifier") == target.function_arn
            and sorted(d.get("MessageType", "") for d in source.get("SourceDetails") or ())
            == sorted(d["MessageType"] for d in CONFIG_SOURCE_DETAILS)
            and (current.get("Scope") or {}).get("ComplianceResourceTypes") == [config_type])
    if same:
        return []
    return [ApiCall("config", "put_config_rule", {"ConfigRule": params}, [target.name],
                    f"update config rule {name} on {config_type} changes")]


def _config_type(target: Target) -> str:
    from c7n_lite.policy import resource_type_for
    return resource_type_for(target.data["resource"]).config_type


def plan_config_permission(session: AwsSession, target: Target, exists: bool) -> list[ApiCall]:
    """Let AWS Config (for this account) invoke the function."""
    if exists:
        try:
            policy = json.loads(session.client("lambda").get_policy(FunctionName=target.function_name)["Policy"])
        except Exception as exc:  # noqa: BLE001
            if not _missing(exc, "ResourceNotFoundException"):
                raise
            policy = {"Statement": []}
        if any(s.get("Sid") == "config-rule" and s.get("Principal") == {"Service": "config.amazonaws.com"}
               for s in policy.get("Statement", [])):
            return []
    return [ApiCall("lambda", "add_permission",
                    {"FunctionName": target.function_name, "StatementId": "config-rule",
                     "Action": "lambda:InvokeFunction", "Principal": "config.amazonaws.com",
                     "SourceAccount": target.account},
                    [target.name], f"allow AWS Config to invoke {target.function_name}")]


def plan_delete_triggers(session: AwsSession, function: str, policy: str) -> list[ApiCall]:
    """The schedules and config rule named after a function that is going away."""
    calls = []
    try:
        pages = session.client("scheduler").get_paginator("list_schedules").paginate(NamePrefix=function)
        for page in pages:
            for schedule in page.get("Schedules", []):
                if schedule["Name"] == function:
                    calls.append(ApiCall("scheduler", "delete_schedule",
                                         {"Name": function, "GroupName": schedule["GroupName"]}, [policy],
                                         f"delete schedule {schedule['GroupName']}/{function}"))
    except Exception as exc:  # noqa: BLE001 - a region without Scheduler has no schedule to delete
        if not _missing(exc, "UnknownOperationException"):
            raise
    found = _config_rules(session, function)
    if found:
        calls.append(ApiCall("config", "delete_config_rule", {"ConfigRuleName": function}, [policy],
                             f"delete config rule {function}"))
    return calls
