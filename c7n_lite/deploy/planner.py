"""Desired state + what exists → a plan: the API calls, as data, with a message each.

Reads only.  The executor runs a plan; `--dryrun` prints it.  Both deploy and
gc are planned here, so what a dry run shows is what a real run does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.session import AwsSession
from c7n_lite.deploy import events, iam, lambda_, triggers
from c7n_lite.deploy.archive import Archive
from c7n_lite.deploy.target import Target, is_serverless, target_for


@dataclass
class PolicyPlan:
    policy: str
    calls: list[ApiCall] = field(default_factory=list)
    archive: Archive | None = None
    function: str | None = None
    error: str | None = None


def plan_deploy(policies: list[dict], session: AwsSession, role_regions: tuple[str, ...] = (),
                roles: bool = True) -> list[PolicyPlan]:
    """One plan per serverless policy: role, function, rule, target, permission.
    `role_regions`: every region deployed to in this account (the role is global);
    without `roles`, the roles are left as they are (org deploy converges them in
    an account's first region only)."""
    plans = []
    for data in policies:
        if not is_serverless(data):
            continue
        try:
            target = target_for(data, session, role_regions)
            calls = iam.plan_role(session, target) if roles else []
            function_calls, exists = lambda_.plan_function(session, target)
            calls += function_calls
            calls += plan_trigger(session, target, exists)
        except Exception as exc:  # noqa: BLE001 - one policy's problem does not stop the others
            plans.append(PolicyPlan(data["name"], error=str(exc)))
            continue
        plans.append(PolicyPlan(data["name"], calls, target.archive, target.function_name))
    return plans


def plan_trigger(session: AwsSession, target: Target, exists: bool) -> list[ApiCall]:
    """What invokes the function, and its leave to: an EventBridge rule, a Scheduler
    schedule (which invokes as its own role) or a Config rule (Config's permission first)."""
    kind = target.mode.trigger
    if kind == "scheduler":
        return triggers.plan_schedule(session, target)
    if kind == "config":
        return triggers.plan_config_permission(session, target, exists) + triggers.plan_config_rule(session, target)
    return events.plan_rule(session, target) + lambda_.plan_permission(session, target, exists)


def plan_gc(policies: list[dict], session: AwsSession, roles: bool = True) -> list[PolicyPlan]:
    """Delete what c7n-lite deployed for policies that are no longer serverless policies in `policies`;
    roles (global) only with `roles` (org gc removes them once per account, after every region)."""
    keep = {data["name"] for data in policies if is_serverless(data)}
    doomed: dict[str, PolicyPlan] = {}

    def plan(name: str) -> PolicyPlan:
        return doomed.setdefault(name, PolicyPlan(name))

    # Order matters: a rule stops sending events before its function goes;
    # a role goes last, once nothing uses it.
    for rule, policy in sorted(events.managed_rules(session).items()):
        if policy not in keep:
            plan(policy).calls += events.plan_delete_rule(session, rule, policy)
    for function, policy in sorted(lambda_.managed_functions(session).items()):
        if policy not in keep:
            plan(policy).calls += triggers.plan_delete_triggers(session, function, policy)
            plan(policy).calls += lambda_.plan_delete_function(function, policy)
            plan(policy).function = function
    for role, policy in sorted(iam.managed_roles(session).items() if roles else ()):
        if policy not in keep:
            plan(policy).calls += iam.plan_delete_role(session, role, policy)
    return [doomed[name] for name in sorted(doomed)]
