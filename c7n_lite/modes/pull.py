"""Pull mode: scan the account from the CLI."""
from __future__ import annotations

import logging
import time

from c7n_lite.modes.core import Mode, PolicyRun, api_call_delta, evaluate
from c7n_lite.policy import Policy
from c7n_lite.registry import modes

log = logging.getLogger("c7n_lite")


@modes.register("pull")
class PullMode(Mode):
    """Run from the CLI against the whole account (the default)."""


def run_scan(policy: Policy, dryrun: bool) -> PolicyRun:
    """Enumerate (cached per run and region), filter, then plan or run actions."""
    run = PolicyRun(policy.name, policy.resource_type.type, policy.region, dryrun)
    before = dict(policy.session.api_calls)
    start = time.perf_counter()
    try:
        evaluate(policy, policy.manager.resources(), run)
    except Exception as exc:  # noqa: BLE001 - reported per policy; the run goes on
        log.error("policy %s: %s", policy.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        run.errors.append({"stage": "resources", "error": str(exc)})
    run.duration = time.perf_counter() - start
    run.api_calls = api_call_delta(before, policy.session.api_calls)
    return run
