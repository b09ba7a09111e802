"""OCSF Detection Finding JSON (class 2004), the shape Prowler writes by default
and Security Lake and SIEMs ingest: a JSON array with one finding per
(policy, resource) evaluation.

- failed: `status_code` FAIL, the policy's severity, `is_alert` true;
- passed: `status_code` PASS, severity Informational (a pass reports no risk;
  Security Hub rates its own passed checks so), `is_alert` false; kept, as
  Prowler keeps them, so a consumer sees a failed resource come right;
- errored (a read the policy needed failed): `status_code` ERROR, `status_id`
  0 (Unknown) and severity Unknown: neither failed nor passed; a policy that
  could not list its resources is one such finding, without resources.

`finding_info.uid` is stable per policy, account, region and resource, so the
findings of a later run update those of an earlier one.
"""
from __future__ import annotations

import json

from c7n_lite import __version__
from c7n_lite.actions.asff import partition_of
from c7n_lite.report.collect import Findings
from c7n_lite.report.evaluations import ERROR, FAIL, PASS, Evaluation, evaluations, run_time

OCSF_VERSION = "1.4.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2004, 2, 1
# severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
SEVERITY_IDS = {None: (0, "Unknown"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
                "critical": (5, "Critical")}
INFORMATIONAL = (1, "Informational")
# status_id is the finding's workflow state: 1 New; 0 Unknown for what could not be checked.
STATUS = {FAIL: (1, "New", "FAIL"), PASS: (1, "New", "PASS"), ERROR: (0, "Unknown", "ERROR")}
AWS_ACCOUNT_TYPE_ID = 10


def finding(e: Evaluation) -> dict:
    r = e.result
    when = run_time(r)
    millis = int(when.timestamp() * 1000)
    severity_id, severity = (INFORMATIONAL if e.status == PASS else
                             (0, "Unknown") if e.status == ERROR else SEVERITY_IDS[r.severity])
    status_id, status, code = STATUS[e.status]
    subject = e.uid or "policy"
    info: dict = {
        "uid": f"c7n-lite-{r.name}-{r.account}-{r.region}-{subject}",
        "title": r.name if not r.description else f"{r.name}: {r.description}"[:256],
        "desc": r.description or r.name,
        "created_time": millis,
        "first_seen_time": millis,
        "last_seen_time": millis,
        "product": {"name": "c7n-lite", "vendor_name": "c7n-lite", "version": __version__},
        "types": [r.category] if r.category else [],
        "analytic": {"name": r.name, "type_id": 1, "type": "Rule", "uid": r.name},
    }
    out: dict = {
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "category_uid": CATEGORY_UID, "category_name": "Findings",
        "class_uid": CLASS_UID, "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Detection Finding: Create",
        "severity_id": severity_id, "severity": severity,
        "status_id": status_id, "status": status, "status_code": code, "status_detail": e.detail,
        "message": e.detail,
        "is_alert": e.status == FAIL,
        "time": millis, "time_dt": when.isoformat(),
        "metadata": {"version": OCSF_VERSION, "profiles": ["cloud", "datetime"], "event_code": r.name,
                     "product": {"name": "c7n-lite", "vendor_name": "c7n-lite", "version": __version__,
                                 "uid": "c7n-lite", "feature": {"name": r.name, "uid": r.name}}},
        "finding_info": info,
        "cloud": {"provider": "aws", "region": r.region,
                  "account": {"uid": r.account, "type": "AWS Account", "type_id": AWS_ACCOUNT_TYPE_ID}},
        "unmapped": {"controls": r.controls, "policy_severity": r.severity, "resource_type": r.resource_type,
                     "dryrun": r.dryrun, "source": r.source},
    }
    if e.resource_id is not None:
        resource: dict = {"uid": e.uid, "type": r.resource_type, "region": r.region,
                          "cloud_partition": partition_of(r.region),
                          "group": {"name": r.resource_type.split(".", 1)[-1]}}
        if e.name:
            resource["name"] = e.name
        if e.fields:
            resource["data"] = {"fields": e.fields}
        labels = _labels(e.resource)
        if labels:
            resource["labels"] = labels
        out["resources"] = [resource]
    if r.remediation and e.status == FAIL:
        out["remediation"] = {"desc": r.remediation}
    return out


def _labels(resource: dict) -> list[str]:
    """Tags as `Key:Value` labels (OCSF labels are strings)."""
    tags = resource.get("Tags")
    pairs = tags.items() if isinstance(tags, dict) else (
        (t.get("Key"), t.get("Value")) for t in tags or () if isinstance(t, dict))
    return [f"{k}:{v}" for k, v in pairs if k]


def build(findings: Findings) -> list[dict]:
    return [finding(e) for e in evaluations(findings)]


def render(findings: Findings) -> str:
    return json.dumps(build(findings), indent=2, default=str) + "\n"
