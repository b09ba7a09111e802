"""The terminal summary of a run: a line per policy as it finishes (and the
dry-run plan), then the totals."""
from __future__ import annotations

import click

from c7n_lite.modes.core import PolicyRun
from c7n_lite.policy import resource_type_name
from c7n_lite.textsafe import safe

MAX_IDS_SHOWN = 5


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_IDS_SHOWN])
    return shown + (f", … (+{len(ids) - MAX_IDS_SHOWN})" if len(ids) > MAX_IDS_SHOWN else "")


def _echo(line: str) -> None:
    # Ids, tags and error messages come from AWS: no control character reaches the terminal raw.
    click.echo(safe(line))


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def is_compliance(data: dict) -> bool:
    """A compliance check: its metadata names controls or a severity (see docs/reports.md)."""
    meta = data.get("metadata")
    return isinstance(meta, dict) and bool(meta.get("controls") or meta.get("severity"))


HEADER = ("POLICY", "RESOURCE", "REGION", "EVALUATED", "MATCHED", "ERRORED", "TIME", "STATUS")


class Summary:
    """A table: a header row, a row per policy (and region) when it finishes, with
    its errors and actions under it, then the totals.  `defer`: keep the lines
    and print them at `flush()` (a terminal shows a progress display meanwhile)."""

    def __init__(self, policies: list[dict], dryrun: bool, regions: list[str] | tuple[str, ...] = (),
                 defer: bool = False) -> None:
        self.dryrun = dryrun
        self.compliance = {p["name"] for p in policies if is_compliance(p)}
        self.width = max((len(p["name"]) for p in policies), default=10)
        self.rwidth = max((len(resource_type_name(str(p["resource"]))) for p in policies), default=10)
        self.gwidth = max((len(r) for r in regions), default=9)
        self.defer = defer
        self.lines: list[str] = []
        self.headed = False

    def _echo(self, line: str) -> None:
        if self.defer:
            self.lines.append(line)
        else:
            _echo(line)

    def flush(self) -> None:
        """Print the kept lines (deferred mode), once."""
        lines, self.lines, self.defer = self.lines, [], False
        for line in lines:
            _echo(line)

    def _head(self, cells: tuple[str, ...]) -> str:
        name, rtype, region = cells[:3]
        return (f"{name:<{max(self.width, 6)}}  {rtype:<{max(self.rwidth, 8)}}  "
                f"{region:<{max(self.gwidth, 6)}}")

    def header(self) -> None:
        if not self.headed:
            self.headed = True
            self._echo(f"{self._head(HEADER)}  {HEADER[3]}  {HEADER[4]}  {HEADER[5]}  {HEADER[6]:>7}  {HEADER[7]}")

    def status(self, run: PolicyRun) -> str:
        """FAILED: something could not be read or done (the exit code says so too);
        for a compliance check, failed/passed by whether it found violations."""
        if not run.ok:
            return "FAILED"
        if run.policy in self.compliance and run.matched:
            return "failed"
        if run.errors:
            return "warning"
        return "passed" if run.policy in self.compliance else "ok"

    def line(self, run: PolicyRun) -> None:
        self.header()
        head = self._head((run.policy, resource_type_name(run.resource), run.region))
        if run.skipped:
            self._echo(f"{head}  skipped: {run.skipped}")
            return
        # Without the resources, counts of 0 would read as "nothing found": show none.
        if run.unknown:
            counts = f"{'-':>9}  {'-':>7}  {'-':>7}"
        else:
            counts = f"{run.evaluated:>9}  {len(run.matched):>7}  {run.errored:>7}"
        self._echo(f"{head}  {counts}  {run.duration:6.2f}s  {self.status(run)}")
        if run.gone:
            self._echo(f"    {run.gone} resource(s) gone since they were listed (not evaluated)")
        for error in run.errors:
            where = error.get("operation") or error.get("stage")
            count = f"{error['resources']} resource(s) not evaluated: " if "resources" in error else ""
            code = f"{error['error_code']} " if error.get("error_code") else ""
            self._echo(f"    error ({where}): {count}{code}{error.get('error')}")
        for action in run.actions:
            if self.dryrun:
                self._plan(action)
            else:
                self._outcomes(action)

    def _plan(self, action) -> None:
        for call in action.plan:
            if call.get("skip_reason"):
                self._echo(f"    {action.action} would skip {_ids(call['resource_ids'])}: {call['skip_reason']}")
                continue
            self._echo(f"    would {action.action}: {call['service']}.{call['operation']} "
                       f"on {_ids(call['resource_ids'])}"
                       + (f" — {call['message']}" if call.get("message") else ""))

    def _outcomes(self, action) -> None:
        summary = action.summary()
        self._echo(f"    {action.action}: " + ", ".join(
            f"{k} {v}" for k, v in summary.items() if k not in ("action", "planned_calls")))
        for outcome in [o for o in action.outcomes if o.status == "failed"][:MAX_IDS_SHOWN]:
            self._echo(f"      failed {outcome.resource_id}: {outcome.error_code} {outcome.error_message}")
        reasons: dict[str, list[str]] = {}
        for outcome in action.outcomes:
            if outcome.status in ("skipped", "gone"):
                reason = outcome.reason or ("gone since it was listed" if outcome.status == "gone" else "")
                reasons.setdefault(reason, []).append(outcome.resource_id)
        for reason, ids in reasons.items():
            self._echo(f"      skipped {_ids(ids)}: {reason}")

    def totals(self, runs: list[PolicyRun], output_dir: str, interrupted: bool = False) -> bool:
        """The closing line; True when nothing failed (a compliance check that found
        violations is not a failure of the run: `report --fail-on` gates on those)."""
        total = sum(len(r.matched) for r in runs)
        errored = sum(r.errored for r in runs)
        failed = sum(1 for r in runs if not r.skipped and not r.ok)
        checks = sum(1 for r in runs if not r.skipped and r.ok and r.policy in self.compliance and r.matched)
        self._echo(f"{plural(len(runs), 'policy', 'policies')}, {plural(total, 'resource')} matched"
                   f"{', ' + plural(checks, 'compliance check') + ' failed' if checks else ''}"
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
