"""Run validated policies in pull mode across regions and write Custodian's output layout."""
from __future__ import annotations

import contextlib
import datetime
import logging
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from c7n_lite import __version__
from c7n_lite.aws.session import AwsSession
from c7n_lite.clock import clock_from_env
from c7n_lite.modes.core import PolicyRun
from c7n_lite.modes.pull import run_scan
from c7n_lite.output import EVALUATED_FILE, METADATA_FILE, PLAN_FILE, RESOURCES_FILE, OutputError, PolicyOutput
from c7n_lite.policy import Policy
from c7n_lite.registry import load_all, modes

log = logging.getLogger("c7n_lite")


def default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def run_policies(policies: list[dict], output_dir: str, regions: list[str], dryrun: bool,
                 endpoint_url: str | None = None, profile: str | None = None) -> list[PolicyRun]:
    load_all()
    clock = clock_from_env()
    runs: list[PolicyRun] = []
    for region in regions:
        session = AwsSession(region, profile=profile, endpoint_url=endpoint_url, dryrun=dryrun,
                             run_regions=tuple(regions))
        root = Path(output_dir) / region if len(regions) > 1 else Path(output_dir)
        for data in policies:
            mode = modes.get((data.get("mode") or {}).get("type", "pull"))
            if mode is not None and mode.event_driven:
                run = PolicyRun(data["name"], data["resource"], region, dryrun,
                                skipped=f"{mode.type} mode runs on events: use deploy, or invoke with an event")
                runs.append(run)
                continue
            runs.append(run_one(data, session, root, dryrun, clock))
    return runs


def run_one(data: dict, session: AwsSession, root: Path, dryrun: bool,
            clock: Callable[[], datetime.datetime] | None) -> PolicyRun:
    # [wt-a, output safety] A policy whose output cannot be written is not run: its error, not a crash.
    try:
        output = PolicyOutput(root, data["name"])
        output.start_log(log)
    except OutputError as exc:
        log.error("policy %s: %s", data["name"], exc)
        return PolicyRun(data["name"], data["resource"], session.region, dryrun,
                         errors=[{"stage": "output", "error": str(exc)}])
    started = time.time()
    session.start_deadline()  # [wt-a, no hang] each policy has its own deadline (C7N_LITE_POLICY_TIMEOUT)
    log.info("policy %s: resource %s, region %s%s", data["name"], data["resource"], session.region,
             ", dry run" if dryrun else "")
    try:
        policy = Policy(data, session, clock)
        run = run_scan(policy, dryrun)
        log.info("policy %s: evaluated %d, matched %d, %d API calls, %.3fs", run.policy, run.evaluated,
                 len(run.matched), sum(run.api_calls.values()), run.duration)
    except Exception as exc:  # noqa: BLE001 - one policy's failure is reported, the run goes on
        log.error("policy %s: %s", data["name"], exc, exc_info=log.isEnabledFor(logging.DEBUG))
        run = PolicyRun(data["name"], data["resource"], session.region, dryrun,
                        errors=[{"stage": "policy", "error": str(exc)}])
    finally:
        output.stop_log(log)
    if run.skipped:
        # The policy did not apply here (its conditions): no result, and none
        # left from an earlier run to be mistaken for one.
        for stale in (RESOURCES_FILE, EVALUATED_FILE, METADATA_FILE):
            (output.dir / stale).unlink(missing_ok=True)
    else:
        # [wt-a, output safety] A file that cannot be written is this policy's error, in the
        # summary and (when it can still be written) in metadata.json.
        try:
            output.remove_stale(run.dryrun)
            write_outputs(output, data, run, session, started)
        except (OutputError, OSError) as exc:
            log.error("policy %s: %s", data["name"], exc)
            run.errors.append({"stage": "output", "error": str(exc)})
            with contextlib.suppress(OutputError):
                output.write_json(METADATA_FILE, metadata(data, run, session, started))
    return run


def write_outputs(output: PolicyOutput, data: dict, run: PolicyRun, session: AwsSession,
                  started: float) -> None:
    # Without the resources there is no result: no resources.json that would read as
    # "nothing matched".  metadata.json says what failed.
    if not any(e.get("stage") in ("resources", "policy") for e in run.errors):
        output.write_json(RESOURCES_FILE, run.matched)
        output.write_json(EVALUATED_FILE, run.evaluated_ids)
    else:
        for stale in (RESOURCES_FILE, EVALUATED_FILE):  # from an earlier run into the same directory
            (output.dir / stale).unlink(missing_ok=True)
    if run.dryrun:
        output.write_json(PLAN_FILE, [{"action": a.action, "calls": a.plan} for a in run.actions])
    else:
        seen: dict[str, int] = {}
        for action in run.actions:
            # The same action twice in a policy (two `tag`s): action-tag.json, action-tag-2.json
            seen[action.action] = seen.get(action.action, 0) + 1
            suffix = f"-{seen[action.action]}" if seen[action.action] > 1 else ""
            output.write_json(f"action-{action.action}{suffix}.json", [o.to_dict() for o in action.outcomes])
    output.write_json(METADATA_FILE, metadata(data, run, session, started))


def metadata(data: dict, run: PolicyRun, session: AwsSession, started: float) -> dict:
    account = None
    try:
        account = session.account_id
    except Exception:  # noqa: BLE001 - metadata must still be written without credentials
        pass
    return {
        "policy": data,
        "version": __version__,
        "execution": {
            "id": str(uuid.uuid4()),
            "start": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(),
            "end_time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "duration": round(run.duration, 4),
            "dryrun": run.dryrun,
            "mode": (data.get("mode") or {}).get("type", "pull"),
        },
        "account_id": account,
        "region": run.region,
        "resource_type": run.resource,
        "counts": {"evaluated": run.evaluated, "matched": len(run.matched),
                   "passed": run.evaluated - len(run.matched)},
        "api_calls": {"total": sum(run.api_calls.values()), "by_operation": run.api_calls},
        "actions": [a.summary() for a in run.actions],
        "errors": run.all_errors(),
        "metrics": [
            {"MetricName": "ResourceCount", "Value": len(run.matched), "Unit": "Count"},
            {"MetricName": "ResourceTime", "Value": round(run.duration, 4), "Unit": "Seconds"},
        ],
    }
