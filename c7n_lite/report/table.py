"""The terminal table: one row per policy, then a totals line."""
from __future__ import annotations

from c7n_lite.report.aggregate import total
from c7n_lite.report.collect import Findings
from c7n_lite.textsafe import safe

MAX_CONTROLS_WIDTH = 40


def render(findings: Findings) -> str:
    current = findings.current
    several_scopes = len({(r.account, r.region) for r in current}) > 1
    header = ["POLICY", *(["ACCOUNT", "REGION"] if several_scopes else []),
              "SEVERITY", "CONTROLS", "EVALUATED", "FAILED", "PASSED", "ERRORED", "STATUS"]
    rows = []
    for r in current:
        controls = ",".join(r.controls) or "-"
        if len(controls) > MAX_CONTROLS_WIDTH:
            controls = controls[:MAX_CONTROLS_WIDTH - 1] + "…"
        rows.append([r.name, *([r.account, r.region] if several_scopes else []), r.severity or "-", controls,
                     str(r.evaluated), str(r.failed), str(r.passed), str(r.errored), r.status.upper()])
    # Names and controls come from run files: escape control characters (c7n_lite.textsafe).
    rows = [[safe(cell) for cell in row] for row in rows]
    t = total(findings)
    totals = ["TOTAL", *(["", ""] if several_scopes else []), "", "", str(t.evaluated), str(t.failed),
              str(t.passed), str(t.errored),
              f"{t.policies_failed} failed/{t.policies_errored} errored/{t.policies} policies"]
    numeric = {len(header) - 5, len(header) - 4, len(header) - 3, len(header) - 2}
    widths = [max(len(row[i]) for row in [header, *rows, totals]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        return "  ".join(cells).rstrip()

    out = [line(header), *(line(row) for row in rows), line(totals)]
    if t.policies_errored or any(r.errors for r in current):
        out.append(f"{sum(1 for r in current if r.errors)} policy run(s) had errors: see the json or html report")
    return "\n".join(out) + "\n"
