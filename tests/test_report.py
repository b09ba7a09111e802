"""`c7n-lite report`: every format from a real dry run against the moto server,
parsed back and checked against what the account holds."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.report_helpers import assert_offline, parse_page

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text())
NASTY_NAME = '=HYPERLINK("http://evil.example/x","<b>click</b>")'
SCRIPT_NAME = "<script>alert(1)</script>"

POLICIES = """
policies:
  - name: ec2-owner-tag
    resource: aws.ec2
    description: Every instance names its owner.
    filters:
      - "tag:Owner": absent
    metadata:
      controls: [NIST-800-53-r5-CM-8]
      severity: medium
      category: tagging
      remediation: Tag the instance with Owner=<team>.
  - name: ebs-unencrypted
    resource: aws.ebs
    filters:
      - Encrypted: false
    metadata:
      controls: [AWS-FSBP-EC2.3, CIS-AWS-v3.0.0-2.2.1]
      severity: high
      category: encryption
      remediation: Snapshot the volume, copy the snapshot with encryption, restore from it.
  - name: ec2-no-tiny
    resource: aws.ec2
    filters:
      - InstanceType: t1.micro
    metadata:
      controls: [INTERNAL-1]
      severity: critical
"""


def seed(aws) -> dict:
    """Three instances (one without Owner, named to attack a spreadsheet and a page),
    and an encrypted volume beside the instances' unencrypted root volumes."""
    ec2 = aws("ec2")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, InstanceType="t3.micro",
                      TagSpecifications=[{"ResourceType": "instance",
                                          "Tags": [{"Key": "Owner", "Value": "alice"},
                                                   {"Key": "Name", "Value": SCRIPT_NAME}]}])
    ownerless = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m5.large",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": NASTY_NAME}]}],
    )["Instances"][0]["InstanceId"]
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=5, Encrypted=True)
    volumes = ec2.describe_volumes()["Volumes"]
    return {"ownerless": ownerless,
            "unencrypted": sorted(v["VolumeId"] for v in volumes if not v["Encrypted"]),
            "volumes": len(volumes), "instances": 3}


@pytest.fixture
def audit(cli, aws, write_policies, tmp_path):
    """A dry run of the policies above; returns (report runner, seeded facts, output dir)."""
    facts = seed(aws)
    result = cli("run", "--dryrun", write_policies(POLICIES))
    assert result.exit_code == 0, result.output

    def report(*args):
        return cli("report", str(result.output_dir), *args)
    return report, facts, result.output_dir


def test_table_has_a_row_per_policy_and_totals_that_add_up(audit):
    report, facts, _ = audit
    result = report()
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()}
    failed_volumes = len(facts["unencrypted"])
    # POLICY SEVERITY CONTROLS EVALUATED FAILED PASSED ERRORED STATUS
    assert lines["ec2-owner-tag"][1:] == ["medium", "NIST-800-53-r5-CM-8", "3", "1", "2", "0", "FAIL"]
    assert lines["ebs-unencrypted"][1:] == ["high", "AWS-FSBP-EC2.3,CIS-AWS-v3.0.0-2.2.1", str(facts["volumes"]),
                                            str(failed_volumes), str(facts["volumes"] - failed_volumes), "0", "FAIL"]
    assert lines["ec2-no-tiny"][1:] == ["critical", "INTERNAL-1", "3", "0", "3", "0", "PASS"]
    evaluated = 3 + facts["volumes"] + 3
    failed = 1 + failed_volumes
    assert lines["TOTAL"][1:5] == [str(evaluated), str(failed), str(evaluated - failed), "0"]
    # Highest severity first.
    order = [line.split()[0] for line in result.output.splitlines()[1:4]]
    assert order == ["ec2-no-tiny", "ebs-unencrypted", "ec2-owner-tag"]


def test_json_validates_against_its_schema_and_counts_add_up(audit):
    report, facts, out = audit
    result = report("--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    jsonschema.validate(doc, SCHEMA)
    summary = doc["summary"]
    assert summary["evaluated"] == summary["failed"] + summary["passed"] == 3 + facts["volumes"] + 3
    assert (summary["policies"], summary["policies_failed"], summary["policies_passed"]) == (3, 2, 1)
    assert summary["accounts"] == ["123456789012"] and summary["regions"] == ["us-east-1"]
    assert summary["by_severity"]["high"]["failed"] == len(facts["unencrypted"])
    for policy in doc["policies"]:
        assert policy["evaluated"] == policy["failed"] + policy["passed"]
        assert len(policy["failed_ids"]) == policy["failed"] and len(policy["passed_ids"]) == policy["passed"]
    by_name = {p["name"]: p for p in doc["policies"]}
    assert by_name["ec2-owner-tag"]["failed_ids"] == [facts["ownerless"]]
    assert sorted(by_name["ebs-unencrypted"]["failed_ids"]) == facts["unencrypted"]
    assert by_name["ebs-unencrypted"]["remediation"].startswith("Snapshot the volume")
    assert by_name["ec2-owner-tag"]["execution"]["dryrun"] is True
    # Findings: one per non-compliant resource, with the type's key fields.
    owner = [f for f in doc["findings"] if f["policy"] == "ec2-owner-tag"]
    assert [(f["id"], f["name"], f["account"], f["region"], f["resource_type"]) for f in owner] == [
        (facts["ownerless"], NASTY_NAME, "123456789012", "us-east-1", "aws.ec2")]
    assert owner[0]["fields"]["InstanceType"] == "m5.large"
    assert owner[0]["fields"]["State.Name"] == "running"
    assert sum(1 for f in doc["findings"] if f["policy"] == "ebs-unencrypted") == len(facts["unencrypted"])
    controls = {c["control"]: c for c in doc["controls"]}
    assert controls["AWS-FSBP-EC2.3"]["policy_names"] == ["ebs-unencrypted"]
    assert controls["INTERNAL-1"]["status"] == "pass"
    # The JSON is what the run wrote: the same ids as resources.json.
    written = json.loads((out / "ebs-unencrypted" / "resources.json").read_text())
    assert sorted(r["VolumeId"] for r in written) == facts["unencrypted"]


def test_csv_has_a_row_per_finding_and_control_and_neutralises_formulas(audit):
    report, facts, _ = audit
    result = report("--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    owner = [r for r in rows if r["policy"] == "ec2-owner-tag"]
    assert len(owner) == 1
    assert owner[0]["id"] == facts["ownerless"] and owner[0]["control"] == "NIST-800-53-r5-CM-8"
    assert owner[0]["severity"] == "medium" and owner[0]["account"] == "123456789012"
    assert "InstanceType=m5.large" in owner[0]["key_fields"]
    # A spreadsheet would run the Name tag as a formula; the report makes it text.
    assert owner[0]["name"] == "'" + NASTY_NAME
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    # ebs-unencrypted has two controls: each finding appears once per control.
    ebs = [r for r in rows if r["policy"] == "ebs-unencrypted"]
    assert sorted(r["id"] for r in ebs if r["control"] == "AWS-FSBP-EC2.3") == facts["unencrypted"]
    assert sorted(r["id"] for r in ebs if r["control"] == "CIS-AWS-v3.0.0-2.2.1") == facts["unencrypted"]
    assert len({(r["policy"], r["account"], r["region"], r["id"]) for r in rows}) == 1 + len(facts["unencrypted"])


def test_html_is_self_contained_and_lists_every_failed_resource(audit, tmp_path):
    report, facts, _ = audit
    target = tmp_path / "report.html"
    result = report("-o", str(target))  # format from the suffix
    assert result.exit_code == 0, result.output
    text = target.read_text()
    page = parse_page(text)
    assert_offline(page)
    body = " ".join(page.text)
    for resource_id in [facts["ownerless"], *facts["unencrypted"]]:
        assert resource_id in body
    # Resource values are text, never markup.
    assert NASTY_NAME in body
    assert all(tag != "b" for tag, _ in page.tags)
    assert "<script>" not in text
    assert "Snapshot the volume, copy the snapshot with encryption" in body  # remediation
    assert "Tag the instance with Owner=<team>." in body
    # Charts by severity and by control, per-control table, phone and print styles.
    charts = {attrs.get("id") for tag, attrs in page.tags if tag == "figure"}
    assert {"chart-severity", "chart-controls"} <= charts
    assert "AWS-FSBP-EC2.3" in body and "CIS-AWS-v3.0.0-2.2.1" in body
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags
    assert "@media print" in page.style and "@media (max-width" in page.style
    sections = {attrs.get("id") for tag, attrs in page.tags if tag == "section"}
    assert {"summary", "controls", "scopes", "policies"} <= sections
    assert "trend" not in sections  # one run: nothing to trend


def test_junit_has_a_testcase_per_policy_failing_with_its_resources(audit):
    report, facts, _ = audit
    result = report("--format", "junit")
    assert result.exit_code == 0
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "2"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"ec2-owner-tag", "ebs-unencrypted", "ec2-no-tiny"}
    assert cases["ebs-unencrypted"].get("classname") == "aws.ebs"
    failure = cases["ebs-unencrypted"].find("failure")
    for volume in facts["unencrypted"]:
        assert volume in failure.text
    assert "Remediation: Snapshot the volume" in failure.text
    assert facts["ownerless"] in cases["ec2-owner-tag"].find("failure").text
    assert cases["ec2-no-tiny"].find("failure") is None and cases["ec2-no-tiny"].find("error") is None
    controls = [p.get("value") for p in cases["ebs-unencrypted"].iter("property") if p.get("name") == "control"]
    assert controls == ["AWS-FSBP-EC2.3", "CIS-AWS-v3.0.0-2.2.1"]


@pytest.mark.parametrize("threshold, code", [("critical", 0), ("high", 1), ("medium", 1), ("low", 1), ("any", 1)])
def test_fail_on_exits_non_zero_for_a_finding_at_or_above_the_severity(audit, threshold, code):
    report, _, _ = audit
    result = report("--fail-on", threshold)
    assert result.exit_code == code, result.output
    if code:
        assert f"fail-on {threshold}: ebs-unencrypted (high" in result.output


def test_fail_on_counts_unrated_policies_only_for_any(cli, aws, write_policies):
    seed(aws)
    run = cli("run", "--dryrun", write_policies("""
policies:
  - name: unrated-owner
    resource: aws.ec2
    filters: [{"tag:Owner": absent}]
"""))
    assert cli("report", str(run.output_dir), "--fail-on", "low").exit_code == 0
    assert cli("report", str(run.output_dir), "--fail-on", "any").exit_code == 1


def test_a_policy_run_error_is_a_junit_error_and_fails_the_gate(cli, aws, write_policies):
    """The snapshot policy's allow-list lives in a bucket that does not exist: the run
    records the error, and the report must not call that policy compliant."""
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume)
    run = cli("run", "--dryrun", write_policies("""
policies:
  - name: snapshot-shared
    resource: aws.ebs-snapshot
    filters:
      - type: cross-account
        whitelist_from: {url: "s3://no-such-allow-list/accounts.json"}
    metadata: {severity: high, controls: [AWS-FSBP-EC2.1]}
"""))
    assert run.metadata("snapshot-shared")["errors"], run.output
    junit = ET.fromstring(cli("report", str(run.output_dir), "-f", "junit").output)
    case = next(junit.iter("testcase"))
    assert case.find("error") is not None and case.find("failure") is None
    assert junit.get("errors") == "1"
    table = cli("report", str(run.output_dir))
    assert "ERROR" in table.output
    gate = cli("report", str(run.output_dir), "--fail-on", "high")
    assert gate.exit_code == 1 and "run had 1 error" in gate.output
    doc = json.loads(cli("report", str(run.output_dir), "-f", "json").output)
    jsonschema.validate(doc, SCHEMA)
    assert doc["policies"][0]["status"] == "error" and doc["summary"]["policies_errored"] == 1


def test_missing_or_invalid_output_dirs_give_one_line_errors(cli, tmp_path):
    missing = cli("report", str(tmp_path / "nope"))
    assert missing.exit_code == 2
    assert missing.output.strip() == f"report: {tmp_path / 'nope'}: no such directory"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("report", str(empty))
    assert result.exit_code == 2 and "no policy results here" in result.output
    broken = tmp_path / "broken" / "some-policy"
    broken.mkdir(parents=True)
    (broken / "metadata.json").write_text("{not json")
    result = cli("report", str(tmp_path / "broken"))
    assert result.exit_code == 2
    assert result.output.startswith(f"report: {broken / 'metadata.json'}: unreadable")
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
