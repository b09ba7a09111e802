"""policies/compliance/: every policy maps to controls, and the documented
three-step audit (dry run, HTML report) works on the sandbox's demo account."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from c7n_lite.sandbox_seed import seed_demo_account
from c7n_lite.schema import load_policies
from tests.moto_gaps import NOTHING_PASSES_IN_MOTO
from tests.report_helpers import assert_offline, parse_page

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "policies" / "compliance"
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text())
# CIS-AWS-v3.0.0-5.2, AWS-FSBP-EC2.13, NIST-800-53-r5-SC-28
CONTROL_ID = re.compile(r"^(CIS-AWS-v\d+\.\d+\.\d+-\d+(\.\d+)*"
                        r"|AWS-FSBP-[A-Za-z0-9]+\.\d+|NIST-800-53-r5-[A-Z]{2}-\d+)$")


def test_every_pack_policy_has_controls_severity_category_and_remediation():
    specs, errors = load_policies([str(PACK)])
    assert errors == []
    assert len(specs) >= 10
    for spec in specs:
        meta = spec.data.get("metadata") or {}
        assert meta.get("controls"), spec.name
        assert all(CONTROL_ID.match(c) for c in meta["controls"]), (spec.name, meta["controls"])
        assert meta.get("severity") in ("low", "medium", "high", "critical"), spec.name
        assert meta.get("category") and len(meta.get("remediation", "")) > 20, spec.name


def test_three_step_audit_of_the_demo_account(server, cli, tmp_path):
    seed_demo_account(server.endpoint, "us-east-1")
    run = cli("run", "--dryrun", str(PACK))
    assert run.exit_code == 0, run.output
    target = tmp_path / "report.html"
    assert cli("report", str(run.output_dir), "--format", "html", "-o", str(target)).exit_code == 0
    doc = json.loads(cli("report", str(run.output_dir), "--format", "json").output)
    jsonschema.validate(doc, SCHEMA)
    assert doc["summary"]["evaluated"] == doc["summary"]["failed"] + doc["summary"]["passed"]
    # The demo account breaks every control of the pack, and complies somewhere too.
    assert doc["summary"]["policies_failed"] == doc["summary"]["policies"]
    # (account-level policies excepted: the one demo account breaks them all; and
    # moto reports no bucket with MFA delete, no IAM server certificate that is
    # current: tests/test_compliance_sandbox.py serves those)
    account_level = {spec.name for spec in load_policies([str(PACK)])[0] if spec.data["resource"] == "aws.account"}
    assert all(p["passed"] > 0 for p in doc["policies"] if p["name"] not in account_level | NOTHING_PASSES_IN_MOTO)
    assert {c["control"] for c in doc["controls"]} >= {"CIS-AWS-v3.0.0-5.2", "AWS-FSBP-EC2.1", "AWS-FSBP-S3.8",
                                                       "AWS-FSBP-Redshift.1"}
    page = parse_page(target.read_text())
    assert_offline(page)
    body = " ".join(page.text)
    for finding in doc["findings"]:
        assert finding["id"] in body
    # --fail-on in CI: the demo account has critical findings (public snapshot, public Redshift).
    gate = cli("report", str(run.output_dir), "--fail-on", "critical")
    assert gate.exit_code == 1
    assert "ebs-snapshot-publicly-restorable" in gate.output and "redshift-publicly-accessible" in gate.output
