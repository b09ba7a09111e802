"""Plan, then execute.

An action turns the matched resources into a plan: API calls as plain data,
each with the resources it touches and a message for people.  A dry run
saves and prints the plan; a real run hands the same plan to the executor,
which batches as planned, relies on botocore's backoff for throttling, and
when a batched call fails splits it to find the one resource at fault, so one
bad resource never stops the rest.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from c7n_lite.aws.session import AwsSession, error_code, error_message
from c7n_lite.plugin import Plugin

if TYPE_CHECKING:
    from c7n_lite.resources.core import ResourceManager

DONE, FAILED, SKIPPED = "done", "failed", "skipped"
# The resource no longer exists (deleted since it was described): not a failure.
GONE = "gone"


@dataclass
class ApiCall:
    """One API call an action would make."""

    service: str
    operation: str                      # boto3 method name, e.g. "create_tags"
    params: dict
    resource_ids: list[str]
    message: str = ""
    # The parameter holding the list of resource ids, so a failed batch can be
    # split; None when the call touches one resource.
    ids_param: str | None = None
    # Runs instead of a plain client call (for steps that depend on earlier
    # results); returns the response.  Not part of the saved plan.
    run: Callable[[Any], Any] | None = field(default=None, repr=False, compare=False)
    # Set when the action decided not to touch these resources (a guard, or
    # nothing to do): no call is made, and each resource is recorded as skipped.
    skip_reason: str | None = None

    @classmethod
    def skip(cls, resource_ids: list[str], reason: str, operation: str = "") -> ApiCall:
        """A plan entry that makes no call: the resources are recorded as skipped, with why."""
        return cls("", operation, {}, list(resource_ids), reason, skip_reason=reason)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("run")
        data.pop("ids_param")
        if data["skip_reason"] is None:
            data.pop("skip_reason")
        return data


@dataclass
class Outcome:
    resource_id: str
    status: str
    operation: str = ""
    error_code: str | None = None
    error_message: str | None = None
    reason: str | None = None           # why a resource was skipped

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


class Action(Plugin):
    """Changes resources.  Subclasses set `schema`, `required`, `permissions`
    and implement `plan`; an action that deletes its resources sets
    `removes_resources`, so later policies of the run do not see them."""

    removes_resources: ClassVar[bool] = False

    def __init__(self, data: dict, manager: ResourceManager) -> None:
        self.data = data
        self.manager = manager
        # The whole policy, set by Policy (notify puts its name and metadata in messages).
        self.policy_data: dict = {}

    @property
    def name(self) -> str:
        return self.type

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        raise NotImplementedError

    def execute(self, plan: list[ApiCall]) -> list[Outcome]:
        outcomes = execute_plan(self.manager.session, plan, self.manager.resource_type.fetch_gone)
        gone = [o.resource_id for o in outcomes if o.status == GONE or
                (self.removes_resources and o.status == DONE)]
        self.manager.forget(gone)
        return outcomes

    def resource_id(self, resource: dict) -> str:
        return self.manager.resource_type.resource_id(resource)


def normalize_action(data: Any) -> tuple[str, dict]:
    if isinstance(data, str):
        return data, {"type": data}
    if isinstance(data, dict) and isinstance(data.get("type"), str):
        return data["type"], data
    raise ValueError("an action must be a name or a mapping with a 'type'")


def build_actions(items: list, manager: ResourceManager) -> list[Action]:
    actions = []
    for item in items or ():
        name, data = normalize_action(item)
        cls = manager.resource_type.action_class(name)
        if cls is None:
            raise ValueError(f"unknown action {name!r} for {manager.resource_type.type}")
        actions.append(cls(data, manager))
    return actions


def execute_plan(session: AwsSession, plan: list[ApiCall], gone_codes: tuple[str, ...] = ()) -> list[Outcome]:
    """Run the plan's calls in order; each resource gets an outcome.  An error code
    in `gone_codes` means the resource was deleted meanwhile: gone, not failed."""
    outcomes: list[Outcome] = []
    for call in plan:
        if session.interrupted:
            outcomes.extend(Outcome(rid, SKIPPED, call.operation, reason="interrupted")
                            for rid in call.resource_ids)
            continue
        outcomes.extend(_execute_call(session, call))
    if gone_codes:
        for o in outcomes:
            if o.status == FAILED and o.error_code in gone_codes:
                o.status = GONE
    return outcomes


def _execute_call(session: AwsSession, call: ApiCall) -> list[Outcome]:
    if call.skip_reason is not None:
        return [Outcome(rid, SKIPPED, call.operation, reason=call.skip_reason) for rid in call.resource_ids]
    try:
        if call.run is not None:
            call.run(session)
        else:
            getattr(session.client(call.service), call.operation)(**call.params)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none stops the run
        if call.ids_param and len(call.resource_ids) > 1:
            return _split_and_retry(session, call)
        return [Outcome(rid, FAILED, call.operation, error_code(exc), error_message(exc))
                for rid in call.resource_ids]
    return [Outcome(rid, DONE, call.operation) for rid in call.resource_ids]


def _split_and_retry(session: AwsSession, call: ApiCall) -> list[Outcome]:
    """A batch failed (retries already spent): halve it until the culprit is alone."""
    ids = call.resource_ids
    half = len(ids) // 2
    outcomes: list[Outcome] = []
    for part in (ids[:half], ids[half:]):
        params = dict(call.params)
        params[call.ids_param] = part
        outcomes.extend(_execute_call(session, ApiCall(
            call.service, call.operation, params, part, call.message, call.ids_param)))
    return outcomes
