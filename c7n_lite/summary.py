"""The terminal summary of a run: a line per policy, and the dry-run plan."""
from __future__ import annotations

import click

from c7n_lite.modes.core import PolicyRun
from c7n_lite.textsafe import safe

MAX_IDS_SHOWN = 5


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_IDS_SHOWN])
    return shown + (f", … (+{len(ids) - MAX_IDS_SHOWN})" if len(ids) > MAX_IDS_SHOWN else "")


def _echo(line: str) -> None:
    # Ids, tags and error messages come from AWS: no control character reaches the terminal raw.
    click.echo(safe(line))


def print_summary(runs: list[PolicyRun], output_dir: str, dryrun: bool) -> bool:
    """Print one line per policy (and the plan when dry); True when nothing failed."""
    width = max((len(r.policy) for r in runs), default=10)
    rwidth = max((len(r.resource) for r in runs), default=20)
    ok = True
    for run in runs:
        if run.skipped:
            _echo(f"{run.policy:<{width}}  {run.resource:<{rwidth}} {run.region:<12} skipped: {run.skipped}")
            continue
        status = "ok" if run.ok else "FAILED"
        ok = ok and run.ok
        # Without the resources, counts of 0 would read as "nothing found": show none.
        unknown = any(e.get("stage") in ("resources", "policy") for e in run.errors)
        evaluated, matched = ("-", "-") if unknown else (run.evaluated, len(run.matched))
        _echo(f"{run.policy:<{width}}  {run.resource:<{rwidth}} {run.region:<12} "
              f"evaluated {evaluated:>5}  matched {matched:>5}  "
              f"{run.duration:6.2f}s  {status}")
        for error in run.errors:
            _echo(f"    error ({error.get('stage')}): {error.get('error')}")
        for action in run.actions:
            if dryrun:
                for call in action.plan:
                    if call.get("skip_reason"):
                        _echo(f"    {action.action} would skip {_ids(call['resource_ids'])}: "
                              f"{call['skip_reason']}")
                        continue
                    _echo(f"    would {action.action}: {call['service']}.{call['operation']} "
                          f"on {_ids(call['resource_ids'])}"
                          + (f" — {call['message']}" if call.get("message") else ""))
            else:
                summary = action.summary()
                failed = [o for o in action.outcomes if o.status == "failed"]
                _echo(f"    {action.action}: " + ", ".join(
                    f"{k} {v}" for k, v in summary.items() if k not in ("action", "planned_calls")))
                for outcome in failed[:MAX_IDS_SHOWN]:
                    _echo(f"      failed {outcome.resource_id}: {outcome.error_code} {outcome.error_message}")
                reasons: dict[str, list[str]] = {}
                for outcome in action.outcomes:
                    if outcome.status == "skipped":
                        reasons.setdefault(outcome.reason or "", []).append(outcome.resource_id)
                for reason, ids in reasons.items():
                    _echo(f"      skipped {_ids(ids)}: {reason}")
    total = sum(len(r.matched) for r in runs)
    failed = sum(1 for r in runs if not r.skipped and not r.ok)
    _echo(f"{len(runs)} policies, {total} resources matched"
          f"{f', {failed} FAILED' if failed else ''}{' (dry run: nothing changed)' if dryrun else ''}; "
          f"output in {output_dir}")
    return ok
