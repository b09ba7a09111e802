"""AWS Security Finding Format (ASFF) for `aws securityhub batch-import-findings`:
a JSON array, one finding per (policy, resource) evaluation, shaped by the
same code as the `post-finding` action (c7n_lite.actions.asff), so a finding
imported from a report and one posted by a policy are the same finding.

`Compliance.Status` says what the evaluation found: FAILED, PASSED (severity
INFORMATIONAL, as Security Hub rates its own passed checks; a later import
turns a fixed resource's finding PASSED) or NOT_AVAILABLE (the check could not
be performed: a read failed; never PASSED). A policy that could not list its
resources is one NOT_AVAILABLE finding on the account.
"""
from __future__ import annotations

import json

from c7n_lite.actions import asff
from c7n_lite.report.collect import Findings
from c7n_lite.report.evaluations import ERROR, FAIL, PASS, Evaluation, evaluations, run_time

COMPLIANCE = {FAIL: "FAILED", PASS: "PASSED", ERROR: "NOT_AVAILABLE"}
# Security Hub's finding type taxonomy: namespace/category/classifier.
DEFAULT_TYPE = "Software and Configuration Checks/c7n-lite"


def finding(e: Evaluation) -> dict:
    r = e.result
    now = run_time(r).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    label = (r.severity or "informational").upper() if e.status == FAIL else "INFORMATIONAL"
    subject = e.uid or f"AWS::::Account:{r.account}"  # the form Security Hub gives account findings
    details = asff.details_of(e.resource, r.resource_type, r.name) if e.resource else {
        "c7n:resource-type": r.resource_type, "c7n:policy": r.name, **({"Id": e.resource_id} if e.resource_id else {})}
    found = asff.shape(
        policy=r.name, resource_type=r.resource_type if e.resource_id else "aws.account", arn=subject,
        account=r.account, region=r.region, now=now,
        types=[f"{DEFAULT_TYPE}/{r.category}" if r.category else DEFAULT_TYPE],
        severity_label=label, title=r.name, description=r.description or e.detail, details=details,
        product_fields={"status": e.status, "detail": e.detail[:2048],
                        **({"controls": ",".join(r.controls)} if r.controls else {})},
        compliance_status=COMPLIANCE[e.status],
        remediation=r.remediation if e.status == FAIL else None)
    if e.resource_id is None:
        found["Resources"][0]["Type"] = "AwsAccount"
    if r.controls:
        found["Compliance"]["RelatedRequirements"] = r.controls[:32]
    return found


def build(findings: Findings) -> list[dict]:
    return [finding(e) for e in evaluations(findings)]


def render(findings: Findings) -> str:
    return json.dumps(build(findings), indent=2, default=str) + "\n"
