"""The terminal summary of a run: a line per policy as it finishes (and the
dry-run plan), then the totals."""
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


class Summary:
    """Prints each policy's line when it finishes, and the totals at the end."""

    def __init__(self, policies: list[dict], dryrun: bool) -> None:
        self.dryrun = dryrun
        self.width = max((len(p["name"]) for p in policies), default=10)
        self.rwidth = max((len(p["resource"]) for p in policies), default=20)

    def line(self, run: PolicyRun) -> None:
        head = f"{run.policy:<{self.width}}  {run.resource:<{self.rwidth}} {run.region:<12}"
        if run.skipped:
            _echo(f"{head} skipped: {run.skipped}")
            return
        # Without the resources, counts of 0 would read as "nothing found": show none.
        if run.unknown:
            counts = f"evaluated {'-':>5}  matched {'-':>5}  errored {'-':>4}"
        else:
            counts = f"evaluated {run.evaluated:>5}  matched {len(run.matched):>5}  errored {run.errored:>4}"
        status = ("warning" if run.errors else "ok") if run.ok else "FAILED"
        _echo(f"{head} {counts}  {run.duration:6.2f}s  {status}")
        if run.gone:
            _echo(f"    {run.gone} resource(s) gone since they were listed (not evaluated)")
        for error in run.errors:
            where = error.get("operation") or error.get("stage")
            count = f"{error['resources']} resource(s) not evaluated: " if "resources" in error else ""
            code = f"{error['error_code']} " if error.get("error_code") else ""
            _echo(f"    error ({where}): {count}{code}{error.get('error')}")
        for action in run.actions:
            if self.dryrun:
                self._plan(action)
            else:
                self._outcomes(action)

    def _plan(self, action) -> None:
        for call in action.plan:
            if call.get("skip_reason"):
                _echo(f"    {action.action} would skip {_ids(call['resource_ids'])}: {call['skip_reason']}")
                continue
            _echo(f"    would {action.action}: {call['service']}.{call['operation']} "
                       f"on {_ids(call['resource_ids'])}"
                       + (f" — {call['message']}" if call.get("message") else ""))

    def _outcomes(self, action) -> None:
        summary = action.summary()
        _echo(f"    {action.action}: " + ", ".join(
            f"{k} {v}" for k, v in summary.items() if k not in ("action", "planned_calls")))
        for outcome in [o for o in action.outcomes if o.status == "failed"][:MAX_IDS_SHOWN]:
            _echo(f"      failed {outcome.resource_id}: {outcome.error_code} {outcome.error_message}")
        reasons: dict[str, list[str]] = {}
        for outcome in action.outcomes:
            if outcome.status in ("skipped", "gone"):
                reason = outcome.reason or ("gone since it was listed" if outcome.status == "gone" else "")
                reasons.setdefault(reason, []).append(outcome.resource_id)
        for reason, ids in reasons.items():
            _echo(f"      skipped {_ids(ids)}: {reason}")

    def totals(self, runs: list[PolicyRun], output_dir: str, interrupted: bool = False) -> bool:
        """The closing line; True when nothing failed."""
        total = sum(len(r.matched) for r in runs)
        errored = sum(r.errored for r in runs)
        failed = sum(1 for r in runs if not r.skipped and not r.ok)
        _echo(f"{len(runs)} policies, {total} resources matched"
                   f"{f', {errored} not evaluated (errored)' if errored else ''}"
                   f"{f', {failed} FAILED' if failed else ''}"
                   f"{' (dry run: nothing changed)' if self.dryrun else ''}"
                   f"{' — interrupted: the rest did not run' if interrupted else ''}; "
                   f"output in {output_dir}")
        return failed == 0 and not interrupted


def print_summary(runs: list[PolicyRun], output_dir: str, dryrun: bool) -> bool:
    """Every line at once (for callers that did not print as they went)."""
    summary = Summary([{"name": r.policy, "resource": r.resource} for r in runs], dryrun)
    for run in runs:
        summary.line(run)
    return summary.totals(runs, output_dir)
