"""Run validated policies in pull mode across regions and write Custodian's output layout."""
from __future__ import annotations

import contextlib
import datetime
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from c7n_lite.aws.session import STOP, AwsSession
from c7n_lite.clock import clock_from_env
from c7n_lite.modes.core import PolicyRun
from c7n_lite.modes.pull import run_scan
from c7n_lite.output import EVALUATED_FILE, METADATA_FILE, PLAN_FILE, RESOURCES_FILE, OutputError, PolicyOutput
from c7n_lite.policy import Policy, resource_type_for, resource_type_name
from c7n_lite.prefetch import Describes, Readers
from c7n_lite.records import run_metadata
from c7n_lite.registry import load_types, modes

log = logging.getLogger("c7n_lite")


def default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


DEFAULT_WORKERS = int(os.environ.get("C7N_LITE_WORKERS", "8"))
# Entered around each policy run: watch(policy data, unit).
# watch(policy data, unit, advance=True): around a policy run (advance=False: around a describe for it).
Watch = Callable[..., contextlib.AbstractContextManager]


@dataclass
class Unit:
    """One account and region of a run: its session, where its outputs go, its policies."""

    session: AwsSession
    root: Path
    policies: list[dict]
    account: str = ""
    # Called with each policy's output directory once it is written (S3 records).
    publish: Callable[[Path], None] | None = None


def run_policies(policies: list[dict], output_dir: str, regions: list[str], dryrun: bool,
                 endpoint_url: str | None = None, profile: str | None = None,
                 denied_reads_warn: bool = False,
                 on_result: Callable[[PolicyRun], None] | None = None,
                 workers: int = DEFAULT_WORKERS,
                 publish: Callable[[Path], None] | None = None,
                 account_id: str | None = None, watch: Watch | None = None) -> list[PolicyRun]:
    """Run each policy in each region of one account (see `run_units`).  `account_id`:
    the account, when already known (the CLI's credentials check), not asked again."""
    units = []
    for region in regions:
        session = AwsSession(region, profile=profile, endpoint_url=endpoint_url, dryrun=dryrun,
                             run_regions=tuple(regions))
        if account_id:
            session._account_id = account_id
        root = Path(output_dir) / region if len(regions) > 1 else Path(output_dir)
        units.append(Unit(session, root, policies, publish=publish))
    return run_units(units, dryrun, denied_reads_warn, on_result, workers, watch)


def run_units(units: list[Unit], dryrun: bool, denied_reads_warn: bool = False,
              on_result: Callable[[PolicyRun], None] | None = None,
              workers: int = DEFAULT_WORKERS, watch: Watch | None = None) -> list[PolicyRun]:
    """Run every unit's policies, up to `workers` at once: accounts and regions
    side by side, and within a unit its policies, which share one describe per
    type and one read per detail (the unit session's cache).  Results come
    back, and `on_result` hears of them, in a stable order (unit, then policy).
    After Ctrl-C (`STOP`) the policies under way finish their calls in flight
    and no further policy starts.  `watch(data, unit)`, a context manager, is
    entered around each policy run in its worker (a progress display)."""
    load_types(resource_type_name(str(p["resource"])) for u in units for p in u.policies)
    STOP.clear()
    clock = clock_from_env()

    def task(data: dict, unit: Unit, after: Future | None) -> PolicyRun | None:
        try:
            return run_task(data, unit, after)
        finally:
            readers.done(unit, data)  # the types no policy left reads are let go

    def run_task(data: dict, unit: Unit, after: Future | None) -> PolicyRun | None:
        described[id(unit)].wait(data)  # the describe this policy reads is in (see prefetch.py)
        if after is not None:
            after.result()  # an earlier policy acting on this type goes first
        if STOP.is_set():
            return None
        with watch(data, unit) if watch is not None else contextlib.nullcontext():
            skipped = skip_reason(data, unit.session)
            if skipped:
                run = PolicyRun(data["name"], data["resource"], unit.session.region, dryrun, skipped=skipped)
            else:
                run = run_one(data, unit.session, unit.root, dryrun, clock)
                if unit.publish is not None:
                    publish_outputs(unit.publish, unit.root / data["name"], run)
        run.denied_reads_warn = denied_reads_warn
        run.account = unit.account
        return run

    runs: list[PolicyRun] = []
    readers = Readers(units)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool, \
            ThreadPoolExecutor(max_workers=max(1, min(workers, len(units)))) as describers:
        described = {id(unit): Describes(unit.policies, unit.session, skip_reason, clock, _describing(watch, unit))
                     for unit in units}
        for phase in described.values():
            describers.submit(phase.run)
        # Policies that change resources run in their written order with the
        # other policies of their type in the unit, so a later policy sees what
        # an earlier one did (a deleted volume is gone); read-only ones overlap.
        futures: list[Future] = []
        acting: dict[tuple[int, str], Future] = {}
        for unit in units:
            for data in unit.policies:
                key = (id(unit), str(data["resource"]).removeprefix("aws."))
                future = pool.submit(task, data, unit, acting.get(key))
                if data.get("actions") and not dryrun:
                    acting[key] = future
                futures.append(future)
        for future in futures:
            run = future.result()
            if run is None:
                continue
            runs.append(run)
            if on_result is not None:
                on_result(run)
    return runs


def _describing(watch: Watch | None, unit: Unit) -> Callable[[dict], contextlib.AbstractContextManager] | None:
    """The display's watch around a describe-first call: shown, but no policy counted done."""
    if watch is None:
        return None
    return lambda data: watch(data, unit, advance=False)


def publish_outputs(publish: Callable[[Path], None], directory: Path, run: PolicyRun) -> None:
    """Send the policy's records on (S3); a failure is that policy's error."""
    try:
        publish(directory)
    except Exception as exc:  # noqa: BLE001 - recorded; the run goes on
        log.error("policy %s: publishing %s failed: %s", run.policy, directory, exc)
        run.errors.append({"stage": "output", "error": f"publishing the records failed: {exc}"})


def skip_reason(data: dict, session: AwsSession) -> str | None:
    """Why the policy does not run in this session's region, if it does not."""
    mode = modes.get((data.get("mode") or {}).get("type", "pull"))
    if mode is not None and mode.event_driven:
        return f"{mode.type} mode runs on events: use deploy, or invoke with an event"
    rt = resource_type_for(data["resource"])
    if rt is not None and rt.global_resource and session.region != session.home_region:
        return f"global resource: reported once, in {session.home_region}"
    return None


def run_one(data: dict, session: AwsSession, root: Path, dryrun: bool,
            clock: Callable[[], datetime.datetime] | None) -> PolicyRun:
    # A policy whose output cannot be written is not run: its error, not a crash.
    try:
        output = PolicyOutput(root, data["name"])
        output.start_log(log)
    except OutputError as exc:
        log.error("policy %s: %s", data["name"], exc)
        return PolicyRun(data["name"], data["resource"], session.region, dryrun,
                         errors=[{"stage": "output", "error": str(exc)}])
    started = time.time()
    session.start_deadline()  # each policy (its thread and detail workers) has its own deadline
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
        # A file that cannot be written is this policy's error, in the
        # summary and (when it can still be written) in metadata.json.
        try:
            output.remove_stale(run.dryrun)
            write_outputs(output, data, run, session, started)
        except (OutputError, OSError) as exc:
            log.error("policy %s: %s", data["name"], exc)
            run.errors.append({"stage": "output", "error": str(exc)})
            with contextlib.suppress(OutputError):
                output.write_json(METADATA_FILE, run_metadata(data, run, session, started))
    return run


def write_outputs(output: PolicyOutput, data: dict, run: PolicyRun, session: AwsSession,
                  started: float) -> None:
    # Without the resources there is no result: no resources.json that would read as
    # "nothing matched".  metadata.json says what failed.
    if not run.unknown:
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
    output.write_json(METADATA_FILE, run_metadata(data, run, session, started))
