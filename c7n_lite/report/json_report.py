"""The JSON report: a stable, documented structure (docs/report-schema.json).

Add fields freely; never rename or remove one without bumping REPORT_VERSION.
"""
from __future__ import annotations

import datetime
import json

from c7n_lite.report import aggregate
from c7n_lite.report.collect import Finding, Findings, PolicyResult

REPORT_VERSION = 1


def build(findings: Findings, now: datetime.datetime | None = None) -> dict:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    current = findings.current
    starts = sorted(r.start for r in findings.results if r.start)
    summary = aggregate.total(findings).to_dict()
    summary.update({
        "accounts": sorted({r.account for r in current}),
        "regions": sorted({r.region for r in current}),
        "first_run": starts[0] if starts else None,
        "last_run": starts[-1] if starts else None,
        "by_severity": {s: t.to_dict() for s, t in aggregate.by_severity(findings).items()},
    })
    return {
        "report_version": REPORT_VERSION,
        "generated_at": now.isoformat(),
        "sources": findings.sources,
        "summary": summary,
        "controls": [{"control": c, "severity": t.severity, "policy_names": t.names, **t.to_dict()}
                     for c, t in aggregate.by_control(findings).items()],
        "scopes": [{"account": a, "region": r, **t.to_dict()} for (a, r), t in aggregate.by_scope(findings).items()],
        "policies": [policy_dict(r) for r in current],
        "findings": [finding_dict(f) for f in findings.findings],
        "history": [{"policy": k[0], "account": k[1], "region": k[2],
                     "runs": [{"start": r.start, "evaluated": r.evaluated, "failed": r.failed, "passed": r.passed,
                               "errored": r.errored,
                               "status": r.status, "source": r.source} for r in runs]}
                    for k, runs in findings.history().items()],
    }


def policy_dict(r: PolicyResult) -> dict:
    return {
        "name": r.name, "description": r.description, "resource_type": r.resource_type,
        "account": r.account, "region": r.region,
        "controls": r.controls, "severity": r.severity, "category": r.category, "remediation": r.remediation,
        "status": r.status, "evaluated": r.evaluated, "failed": r.failed, "passed": r.passed,
        "errored": r.errored,
        "execution": {"start": r.start, "end": r.end, "duration": r.duration, "dryrun": r.dryrun, "mode": r.mode},
        "errors": [{"stage": str(e.get("stage") or ""), "error": str(e.get("error") or ""),
                    **({"resource": str(e["resource"])} if e.get("resource") else {}),
                    **{k: e[k] for k in ("operation", "error_code", "resources") if e.get(k)}} for e in r.errors],
        "failed_ids": [f.id for f in r.findings],
        "passed_ids": r.passed_ids,
        "source": r.source,
    }


def finding_dict(f: Finding) -> dict:
    return {"policy": f.policy, "controls": f.controls, "severity": f.severity, "account": f.account,
            "region": f.region, "resource_type": f.resource_type, "id": f.id, "name": f.name, "fields": f.fields}


def render(findings: Findings) -> str:
    return json.dumps(build(findings), indent=2) + "\n"
