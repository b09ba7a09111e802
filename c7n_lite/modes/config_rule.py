"""Config-rule mode: the policy is an AWS Config custom rule.  Config invokes
the function when a recorded resource of the policy's type changes; the
function reads that resource, runs the policy on it (acting on a match), and
reports the verdict to Config (PutEvaluations): NON_COMPLIANT when the policy
matches, COMPLIANT when it does not, NOT_APPLICABLE when the resource was
deleted, left the rule's scope, or is gone.  A resource that could not be
read is never reported compliant: the run records the error and sends no
evaluation.

c7n-lite reads the resource with its describe calls when the event arrives
(Custodian evaluates the configuration item Config sent).
"""
from __future__ import annotations

import json
from typing import Any

from c7n_lite.actions.core import ApiCall, execute_plan
from c7n_lite.modes.core import ActionRun, PolicyRun
from c7n_lite.modes.serverless import LAMBDA_OPTIONS, ServerlessMode
from c7n_lite.policy import Policy
from c7n_lite.registry import modes

CHANGE_MESSAGES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")
GONE_STATUSES = ("ResourceDeleted", "ResourceNotRecorded", "ResourceDeletedNotRecorded")
EVALUATION = "config-evaluation"


def configuration_item(event: dict) -> dict:
    """The configuration item (or, for oversized ones, its summary) the event carries."""
    invoking = json.loads(event["invokingEvent"])
    return invoking.get("configurationItem") or invoking.get("configurationItemSummary") or {}


@modes.register("config-rule")
class ConfigRuleMode(ServerlessMode):
    """Runs the policy as an AWS Config custom rule on its resource type's changes."""

    trigger = "config"
    event_driven = True
    role_permissions = ("config:PutEvaluations",)
    schema = dict(LAMBDA_OPTIONS)

    @classmethod
    def check_for_resource(cls, data: dict, resource_type: Any) -> list[str]:
        if not getattr(resource_type, "config_type", None):
            return [f"AWS Config does not record {resource_type.type}: config-rule needs a type it records"]
        return []

    def refusal(self, event: dict) -> str | None:
        """Config's invocations carry the rule's invoking event (a JSON text) and a result token."""
        if not isinstance(event, dict):
            return "the event is not a JSON object"
        if not isinstance(event.get("invokingEvent"), str) or not event.get("resultToken"):
            return "not an AWS Config rule invocation (no invokingEvent or resultToken)"
        try:
            invoking = json.loads(event["invokingEvent"])
        except ValueError:
            return "invokingEvent is not JSON"
        if not isinstance(invoking, dict) or invoking.get("messageType") not in CHANGE_MESSAGES:
            return f"messageType {invoking.get('messageType') if isinstance(invoking, dict) else None!r} " \
                   f"is not a configuration change"
        return None

    def rule(self) -> dict[str, str]:
        """No EventBridge rule: deploy plans the mode's own trigger (deploy/triggers.py)."""
        return {}

    def expected_origin(self) -> tuple[list[str], list[str]]:
        return ["aws.config"], list(CHANGE_MESSAGES)

    def resource_ids(self, event: dict) -> list[str] | None:
        item = configuration_item(event)
        return [item["resourceId"]] if item.get("resourceId") else []

    def run(self, policy: Policy, event: dict, dryrun: bool) -> PolicyRun:
        item = configuration_item(event)
        config_type = policy.resource_type.config_type
        if item.get("resourceType") != config_type:
            return PolicyRun(policy.name, policy.resource_type.type, policy.region, dryrun,
                             skipped=f"resource type {item.get('resourceType')!r} is not {config_type}")
        if event.get("eventLeftScope") or item.get("configurationItemStatus") in GONE_STATUSES:
            run = PolicyRun(policy.name, policy.resource_type.type, policy.region, dryrun)
            verdict: tuple[str, str] | None = ("NOT_APPLICABLE", "The rule does not apply.")
        else:
            run = super().run(policy, event, dryrun)
            verdict = self.verdict(policy, run, item)
        if verdict is not None:
            self.report(policy, run, event, item, *verdict)
        return run

    @staticmethod
    def verdict(policy: Policy, run: PolicyRun, item: dict) -> tuple[str, str] | None:
        unread = [e for e in run.errors if not str(e.get("stage", "")).startswith("action:")]
        if run.skipped or run.errored or unread:
            return None
        if run.matched:
            return "NON_COMPLIANT", f"Resource is not compliant with policy:{policy.name}"
        if not run.evaluated:
            return "NOT_APPLICABLE", "The resource no longer exists."
        return "COMPLIANT", f"The resource is compliant with policy:{policy.name}."

    @staticmethod
    def report(policy: Policy, run: PolicyRun, event: dict, item: dict, compliance: str, annotation: str) -> None:
        evaluation = {"ComplianceResourceType": item["resourceType"], "ComplianceResourceId": item["resourceId"],
                      "ComplianceType": compliance, "Annotation": annotation,
                      "OrderingTimestamp": item.get("configurationItemCaptureTime")
                      or json.loads(event["invokingEvent"]).get("notificationCreationTime")}
        call = ApiCall("config", "put_evaluations",
                       {"Evaluations": [evaluation], "ResultToken": event["resultToken"]},
                       [item["resourceId"]], f"{compliance}: {annotation}")
        record = ActionRun(EVALUATION, plan=[call.to_dict()])
        run.actions.append(record)
        if not run.dryrun:
            record.outcomes = execute_plan(policy.session, [call])
