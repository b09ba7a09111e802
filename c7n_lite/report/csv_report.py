"""The CSV report: one row per finding and control, safe to open in a spreadsheet.

A finding of a policy mapped to two controls is two rows (one per control), so
a pivot by control is direct; count distinct (policy, account, region, id) for
resources.  A policy without controls gives one row with an empty control.
"""
from __future__ import annotations

import csv
import io

from c7n_lite.report.collect import Findings

COLUMNS = ("policy", "control", "severity", "account", "region", "resource_type", "id", "name",
           "key_fields", "remediation", "status")
# A spreadsheet evaluates a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a would-be formula with a quote, which spreadsheets show as text."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def key_fields(fields: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in fields.items() if v != "")


def rows(findings: Findings) -> list[list[str]]:
    """A row per finding (status fail) and per resource that could not be
    evaluated (status error: unknown, never passed)."""
    remediation = {r.key: r.remediation or "" for r in findings.current}
    out = []
    for f in findings.findings:
        for control in f.controls or [""]:
            out.append([f.policy, control, f.severity or "", f.account, f.region, f.resource_type, f.id, f.name,
                        key_fields(f.fields), remediation.get((f.policy, f.account, f.region), ""), "fail"])
    for r in findings.current:
        why = {str(i): e for e in r.errors for i in e.get("resource_ids") or ()}
        for rid in r.errored_ids:
            error = why.get(rid, {})
            detail = "; ".join(f"{k}={error[k]}" for k in ("operation", "error_code") if error.get(k))
            for control in r.controls or [""]:
                out.append([r.name, control, r.severity or "", r.account, r.region, r.resource_type, rid, "",
                            detail, r.remediation or "", "error"])
    return out


def render(findings: Findings) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(findings):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
