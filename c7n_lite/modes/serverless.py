"""What every Lambda mode shares: its options, the function it becomes, and
how one event turns into a run (ids from the event → those resources only →
`run_policy`, the same conditions-filter-act step pull mode uses).

Lambda-safe: stdlib only (jmespath is imported by the modes that need it).
"""
from __future__ import annotations

import json
import re
import time
from typing import Any, ClassVar

from c7n_lite.modes.core import Mode, PolicyRun, run_policy
from c7n_lite.policy import Policy

DEFAULT_PREFIX = "custodian-"
DEFAULT_RUNTIME = "python3.11"
DEFAULT_MEMORY = 512
DEFAULT_TIMEOUT = 900
RUNTIMES = ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13")

# Options every Lambda mode accepts (Cloud Custodian's names).
LAMBDA_OPTIONS: dict[str, dict] = {
    "role": {"type": "string"},
    "memory": {"type": "integer", "minimum": 128, "maximum": 10240},
    "timeout": {"type": "integer", "minimum": 1, "maximum": 900},
    "runtime": {"enum": list(RUNTIMES)},
    "function-prefix": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
    "tags": {"type": "object", "additionalProperties": {"type": "string"}},
    # Custodian's shape is the Lambda API's, {Variables: {NAME: value}}; a flat
    # map of names to values is accepted too.
    "environment": {"oneOf": [
        {"type": "object", "additionalProperties": False, "required": ["Variables"],
         "properties": {"Variables": {"type": "object", "additionalProperties": {"type": "string"}}}},
        {"type": "object", "additionalProperties": {"type": "string"}, "not": {"required": ["Variables"]}}]},
    "execution-options": {"type": "object"},
    "tracing": {"enum": ["Active", "PassThrough"]},
    # Seconds to wait before fetching the resources: CloudTrail events can
    # arrive before the resource is visible to describe calls.
    "delay": {"type": "integer", "minimum": 0, "maximum": 600},
    "description": {"type": "string"},
    "member-role": {"type": "string"},
}
# Options that shape the function, not what it does: left out of the shipped
# policy so that changing them updates the configuration, not the code.
DEPLOY_ONLY = ("role", "memory", "timeout", "runtime", "function-prefix", "tags", "environment",
               "tracing", "description", "member-role", "execution-options",
               # schedule mode's: what the schedule is, not what the function does
               "scheduler-role", "timezone", "start-date", "end-date", "group-name")


def environment_variables(data: dict) -> dict[str, str]:
    """A mode's `environment`, in either shape, as the Lambda's variables."""
    env = data.get("environment") or {}
    if isinstance(env.get("Variables"), dict):
        env = env["Variables"]
    return {str(k): str(v) for k, v in env.items()}


FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")  # \Z, not $: no trailing newline


class ServerlessMode(Mode):
    """A mode whose policy runs as a Lambda function behind an EventBridge rule."""

    serverless = True
    schema: ClassVar[dict] = dict(LAMBDA_OPTIONS)
    # What invokes the function: an EventBridge rule ("events"), an EventBridge
    # Scheduler schedule ("scheduler") or an AWS Config rule ("config").
    trigger: ClassVar[str] = "events"
    # What the function needs besides its policy's own permissions (config-rule: PutEvaluations).
    role_permissions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: dict) -> None:
        self.data = data

    @classmethod
    def check(cls, data: dict) -> list[str]:
        prefix = data.get("function-prefix", DEFAULT_PREFIX)
        # The schema's pattern ends in `$`, which also matches before a final newline.
        if isinstance(prefix, str) and not re.fullmatch(r"[A-Za-z0-9_-]*", prefix):
            return [f"function-prefix {prefix!r}: use letters, digits, '-' or '_'"]
        if len(prefix) > 40:
            return [f"function-prefix {prefix!r} is too long (a function name has at most 64 characters)"]
        from c7n_lite.metrics import MetricsError, lambda_metrics
        try:
            lambda_metrics(data.get("execution-options") if isinstance(data.get("execution-options"), dict) else {})
        except MetricsError as exc:
            return [f"execution-options: {exc}"]
        return []

    # --- the function and its rule -------------------------------------------
    def function_name(self, policy_name: str) -> str:
        return f"{self.data.get('function-prefix', DEFAULT_PREFIX)}{policy_name}"

    def rule(self) -> dict[str, str]:
        """The EventBridge rule's trigger: {"EventPattern": json} or {"ScheduleExpression": ...}."""
        return {"EventPattern": render_pattern(self.event_pattern())}

    def event_pattern(self) -> dict:
        raise NotImplementedError

    # --- one event ------------------------------------------------------------
    def resource_ids(self, event: dict) -> list[str] | None:
        """The ids the event names; None means "scan everything" (periodic)."""
        raise NotImplementedError

    def skip_reason(self, event: dict) -> str | None:
        """Why this event must not be acted on, or None."""
        return None

    def expected_origin(self) -> tuple[list[str], list[str]]:
        """The EventBridge sources and detail-types this mode's events come with."""
        pattern = self.event_pattern()
        return list(pattern.get("source") or ()), list(pattern.get("detail-type") or ())

    def refusal(self, event: dict) -> str | None:
        """Why the event cannot be trusted to come from AWS, or None.  Anyone allowed
        `events:PutEvents` can send any detail, but not a `source` starting with
        `aws.`: those only AWS services send."""
        if not isinstance(event, dict):
            return "the event is not a JSON object"
        source, detail_type = event.get("source"), event.get("detail-type")
        sources, detail_types = self.expected_origin()
        if not isinstance(source, str) or not source.startswith("aws."):
            return f"source {source!r} is not an AWS service"
        if source not in sources:
            return f"source {source!r} is not one this policy listens to ({', '.join(sources)})"
        if detail_type not in detail_types:
            return f"detail-type {detail_type!r} is not {' or '.join(map(repr, detail_types))}"
        return None

    def run(self, policy: Policy, event: dict, dryrun: bool) -> PolicyRun:
        reason = self.skip_reason(event)
        ids = None
        if not reason:
            try:
                ids = self.resource_ids(event)
            except Exception as exc:  # noqa: BLE001 - reported in the summary, no crash loop
                run = PolicyRun(policy.name, policy.resource_type.type, policy.region, dryrun)
                run.errors.append({"stage": "event", "error": str(exc)})
                return run
            if ids is not None and not ids:
                reason = "the event names no resource"
        if reason:
            return PolicyRun(policy.name, policy.resource_type.type, policy.region, dryrun, skipped=reason)
        if ids and self.data.get("delay"):
            time.sleep(int(self.data["delay"]))
        fetch = policy.manager.resources if ids is None else lambda: policy.manager.get_resources(ids)
        return run_policy(policy, dryrun, fetch, event)


def render_pattern(pattern: dict) -> str:
    """The same pattern always renders to the same text: sorted keys and lists."""
    return json.dumps(_sorted(pattern), sort_keys=True, separators=(",", ":"))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        try:
            return sorted(set(items)) if all(isinstance(i, str) for i in items) else items
        except TypeError:
            return items
    return value
