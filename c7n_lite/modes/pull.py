"""Pull mode: scan the account from the CLI."""
from __future__ import annotations

from c7n_lite.modes.core import Mode, PolicyRun, run_policy
from c7n_lite.policy import Policy
from c7n_lite.registry import modes


@modes.register("pull")
class PullMode(Mode):
    """Run from the CLI against the whole account (the default)."""


def run_scan(policy: Policy, dryrun: bool) -> PolicyRun:
    """Enumerate (cached per run and region), filter, then plan or run actions."""
    return run_policy(policy, dryrun, policy.manager.resources)
