"""What every mode shares: filter the resources, then plan and (unless dry) run actions."""
from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from c7n_lite.actions.core import DONE, FAILED, GONE, SKIPPED, Outcome
from c7n_lite.aws.session import POLICY_CALLS
from c7n_lite.plugin import Plugin
from c7n_lite.policy import Policy
from c7n_lite.resources.outcomes import Unevaluated

log = logging.getLogger("c7n_lite")


class Mode(Plugin):
    """How and where a policy runs.  Subclasses declare `schema` for their options."""

    # Deployed as a Lambda (not run by `c7n-lite run` as a scan).
    serverless: ClassVar[bool] = False
    # Triggered by an event that names the resources, so `run` cannot scan it.
    event_driven: ClassVar[bool] = False


@dataclass
class ActionRun:
    action: str
    plan: list[dict] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if o.status == FAILED)

    def summary(self) -> dict:
        """Resources by status; an action making several calls per resource (quarantine)
        counts the resource once: failed if any call failed, else done if any was made."""
        rank = {FAILED: 3, DONE: 2, GONE: 1, SKIPPED: 0}
        status: dict[str, str] = {}
        for o in self.outcomes:
            if rank.get(o.status, 0) >= rank.get(status.get(o.resource_id, SKIPPED), 0):
                status[o.resource_id] = o.status
        counts: dict[str, int] = {}
        for value in status.values():
            counts[value] = counts.get(value, 0) + 1
        return {"action": self.action, "planned_calls": len(self.plan), **counts}


@dataclass
class PolicyRun:
    """What one policy did in one region."""

    policy: str
    resource: str
    region: str
    dryrun: bool
    # evaluated = matched + passed + errored; gone resources (deleted since the
    # describe) are not evaluated.
    evaluated: int = 0
    matched: list[dict] = field(default_factory=list)
    evaluated_ids: list[str] = field(default_factory=list)
    errored_ids: list[str] = field(default_factory=list)
    gone: int = 0
    actions: list[ActionRun] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    duration: float = 0.0
    # Of the duration, the time the actions took (planning and executing; not in a dry run).
    action_time: float = 0.0
    api_calls: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None
    # `--denied-reads warn`: resources errored only by denied reads do not fail
    # the run (they stay errored, never passed).
    denied_reads_warn: bool = False
    # The account's name in an organisation run (c7n-lite org run), else "".
    account: str = ""

    @property
    def errored(self) -> int:
        return len(self.errored_ids)

    @property
    def passed(self) -> int:
        return self.evaluated - len(self.matched) - self.errored

    @property
    def unknown(self) -> bool:
        """The resources could not be listed at all: no counts to show."""
        return any(e.get("stage") in ("resources", "policy") for e in self.errors)

    @property
    def failed_actions(self) -> int:
        return sum(a.failed for a in self.actions)

    def blocking_errors(self) -> list[dict]:
        if not self.denied_reads_warn:
            return self.errors
        from c7n_lite.resources.outcomes import DENIED_CODES
        return [e for e in self.errors if e.get("error_code") not in DENIED_CODES]

    @property
    def ok(self) -> bool:
        return not self.blocking_errors() and not self.failed_actions

    @property
    def status(self) -> str:
        """ok, or error: something could not be read, or an action failed."""
        return "ok" if self.ok else "error"

    def all_errors(self) -> list[dict]:
        """The run's errors and every failed action outcome, as recorded in outputs."""
        return self.errors + [
            {"stage": f"action:{a.action}", "resource": o.resource_id, "error_code": o.error_code,
             "error": o.error_message}
            for a in self.actions for o in a.outcomes if o.status == FAILED]


def run_policy(policy: Policy, dryrun: bool, fetch: Callable[[], list[dict]],
               event: dict | None = None) -> PolicyRun:
    """Check the policy's conditions, fetch its resources, filter, act; time it
    and count its API calls.  A failure is recorded in the run, never raised."""
    run = PolicyRun(policy.name, policy.resource_type.type, policy.region, dryrun)
    policy.manager.unevaluated = Unevaluated()  # a warm Lambda runs the same policy again
    calls: Counter[str] = Counter()
    token = POLICY_CALLS.set(calls)
    start = time.perf_counter()
    try:
        if not policy.conditions_met(event):
            run.skipped = "conditions not met"
        else:
            evaluate(policy, fetch(), run, event)
    except Exception as exc:  # noqa: BLE001 - reported per policy; the run goes on
        log.error("policy %s: %s", policy.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        run.errors.append({"stage": "resources", "error": str(exc)})
    finally:
        POLICY_CALLS.reset(token)
    run.duration = time.perf_counter() - start
    run.api_calls = dict(calls)
    return run


def act(policy: Policy, matched: list[dict], run: PolicyRun, event: dict | None = None) -> None:
    """Plan each action for the matched resources; execute the plan unless dry."""
    if not matched:
        return
    started = time.perf_counter()
    try:
        _act(policy, matched, run, event)
    finally:
        if not run.dryrun and policy.actions:
            run.action_time += time.perf_counter() - started


def _act(policy: Policy, matched: list[dict], run: PolicyRun, event: dict | None) -> None:
    for action in policy.actions:
        record = ActionRun(action.name)
        run.actions.append(record)
        try:
            plan = action.plan(matched, event)
        except Exception as exc:  # noqa: BLE001 - one action's failure is recorded, the rest go on
            # One line for people; the traceback only when debugging (-vv).
            log.error("policy %s: planning %s failed: %s", policy.name, action.name, exc,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            run.errors.append({"stage": f"action:{action.name}", "error": str(exc)})
            continue
        record.plan = [call.to_dict() for call in plan]
        if run.dryrun:
            continue
        record.outcomes = action.execute(plan)
        if policy.session.interrupted:
            run.errors.append({"stage": f"action:{action.name}", "error": "interrupted (Ctrl-C)"})
            break
        for outcome in record.outcomes:
            if outcome.status == FAILED:
                log.error("policy %s: %s on %s failed: %s %s", policy.name, action.name,
                          outcome.resource_id, outcome.error_code, outcome.error_message)


def evaluate(policy: Policy, resources: list[dict], run: PolicyRun, event: dict | None = None) -> list[dict]:
    """Filter, count (matched, passed, errored; gone ones leave the count), act."""
    matched = policy.filter(resources, event)
    unevaluated = policy.manager.unevaluated
    ids = policy.resource_ids(resources)
    run.gone = sum(1 for i in ids if i in unevaluated.gone)
    run.evaluated_ids = [i for i in ids if i not in unevaluated.gone]
    run.evaluated = len(run.evaluated_ids)
    run.errored_ids = [i for i in run.evaluated_ids if i in unevaluated.errored]
    run.errors.extend(unevaluated.groups())
    for entry in unevaluated.groups():
        log.error("policy %s: %d resource(s) not evaluated: %s %s: %s", policy.name, entry["resources"],
                  entry["operation"] or entry["stage"], entry["error_code"], entry["error"])
    if unevaluated.gone:
        policy.manager.forget(unevaluated.gone)
    run.matched = matched
    over = policy.resource_limit_error(len(matched), run.evaluated)
    if over is not None:
        log.error("policy %s: %s", policy.name, over)
        run.errors.append({"stage": "max-resources", "error": over})
        return matched
    act(policy, matched, run, event)
    return matched

