"""Run deploy and gc plans, in order, stopping a policy's plan at its first failure.

Retries what AWS's eventual consistency makes fail for a few seconds: a
freshly created role that Lambda cannot assume yet, a function still busy
with its previous update.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.session import AwsSession, error_code, error_message
from c7n_lite.deploy.planner import PolicyPlan

log = logging.getLogger("c7n_lite")
ATTEMPTS = 8


@dataclass
class PolicyResult:
    policy: str
    done: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _transient(exc: Exception, new_role: bool) -> bool:
    code = error_code(exc)
    if code == "ResourceConflictException":
        return "in progress" in error_message(exc).lower()
    # IAM is eventually consistent: Lambda may not see a role created seconds ago.
    return new_role and code == "InvalidParameterValueException" and "assume" in error_message(exc).lower()


def _call(session: AwsSession, call: ApiCall, sleep: float, new_role: bool) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            getattr(session.client(call.service), call.operation)(**call.params)
            return
        except Exception as exc:  # noqa: BLE001
            if attempt == ATTEMPTS or not _transient(exc, new_role):
                raise
            log.info("%s: %s, retrying", call.operation, error_message(exc))
            time.sleep(sleep * attempt)


def execute(session: AwsSession, plans: list[PolicyPlan], sleep: float = 2.0) -> list[PolicyResult]:
    results = []
    for plan in plans:
        result = PolicyResult(plan.policy, error=plan.error)
        results.append(result)
        if plan.error:
            continue
        new_role = any(call.operation == "create_role" for call in plan.calls)
        for call in plan.calls:
            try:
                _call(session, call, sleep, new_role)
            except Exception as exc:  # noqa: BLE001 - reported; the next policy still deploys
                result.error = f"{call.message}: {error_code(exc)}: {error_message(exc)}"
                break
            result.done.append(call.message)
    return results
