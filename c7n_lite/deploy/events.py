"""The EventBridge rule (schedule or event pattern) and its target."""
from __future__ import annotations

import json

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.deploy.target import MANAGED_TAG, MANAGED_VALUE, POLICY_TAG, Target


def _same_trigger(current: dict, wanted: dict) -> bool:
    if "EventPattern" in wanted:
        have = current.get("EventPattern")
        return have is not None and json.loads(have) == json.loads(wanted["EventPattern"]) \
            and not current.get("ScheduleExpression")
    return current.get("ScheduleExpression") == wanted["ScheduleExpression"] and not current.get("EventPattern")


def plan_rule(session: AwsSession, target: Target) -> list[ApiCall]:
    events = session.client("events")
    name = target.rule_name
    trigger = target.mode.rule()
    params = {"Name": name, "State": "ENABLED", "Description": target.description, **trigger}
    shown = trigger.get("ScheduleExpression") or trigger.get("EventPattern")
    try:
        current = events.describe_rule(Name=name)
    except Exception as exc:  # noqa: BLE001
        if error_code(exc) != "ResourceNotFoundException":
            raise
        current = None
    calls = []
    if current is None:
        tags = [{"Key": k, "Value": v} for k, v in sorted(target.tags.items())]
        calls.append(ApiCall("events", "put_rule", {**params, "Tags": tags}, [target.name],
                             f"create rule {name}: {shown}"))
        targets: list[dict] = []
    else:
        if not _same_trigger(current, trigger) or current.get("State") != "ENABLED" \
                or current.get("Description", "") != target.description:
            calls.append(ApiCall("events", "put_rule", params, [target.name], f"update rule {name}: {shown}"))
        have = {t["Key"]: t["Value"] for t in
                events.list_tags_for_resource(ResourceARN=current["Arn"]).get("Tags", [])}
        missing = [{"Key": k, "Value": v} for k, v in sorted(target.tags.items()) if have.get(k) != v]
        if missing:
            calls.append(ApiCall("events", "tag_resource", {"ResourceARN": current["Arn"], "Tags": missing},
                                 [target.name], f"tag rule {name}"))
        targets = events.list_targets_by_rule(Rule=name).get("Targets", [])
    if not any(t["Id"] == target.function_name and t["Arn"] == target.function_arn for t in targets):
        calls.append(ApiCall("events", "put_targets",
                             {"Rule": name, "Targets": [{"Id": target.function_name, "Arn": target.function_arn}]},
                             [target.name], f"send rule {name}'s events to {target.function_name}"))
    return calls


def managed_rules(session: AwsSession) -> dict[str, str]:
    """Rule name → policy name, for rules c7n-lite created in this region."""
    events = session.client("events")
    found: dict[str, str] = {}
    params: dict = {}
    while True:
        page = events.list_rules(**params)
        for rule in page.get("Rules", []):
            tags = {t["Key"]: t["Value"] for t in
                    events.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags", [])}
            if tags.get(MANAGED_TAG) == MANAGED_VALUE and POLICY_TAG in tags:
                found[rule["Name"]] = tags[POLICY_TAG]
        if not page.get("NextToken"):
            return found
        params["NextToken"] = page["NextToken"]


def plan_delete_rule(session: AwsSession, name: str, policy: str) -> list[ApiCall]:
    ids = [t["Id"] for t in session.client("events").list_targets_by_rule(Rule=name).get("Targets", [])]
    calls = []
    if ids:
        calls.append(ApiCall("events", "remove_targets", {"Rule": name, "Ids": ids}, [policy],
                             f"remove targets of rule {name}"))
    calls.append(ApiCall("events", "delete_rule", {"Name": name}, [policy], f"delete rule {name}"))
    return calls
