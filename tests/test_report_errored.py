"""A policy whose resources could not be evaluated reads as errored in every
report format: passed 0, status error, nothing added to the passed total or
the compliance figure, never drawn green."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.test_trust import ec2_error

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "report-schema.json").read_text())


@pytest.fixture
def errored_run(aws, server, cli, write_policies):
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    snapshots = [ec2.create_snapshot(VolumeId=volume)["SnapshotId"] for _ in range(3)]
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)
    server.hooks.append(lambda r: (403, ec2_error("UnauthorizedOperation"))
                        if r.operation == "DescribeSnapshotAttribute" else None)
    run = cli("run", "--dryrun", write_policies("""
policies:
  - name: ebs-snapshot-publicly-restorable
    resource: aws.ebs-snapshot
    filters: [{type: cross-account}]
    metadata: {severity: high, controls: [AWS-FSBP-EC2.1]}
  - name: ebs-volume-not-encrypted
    resource: aws.ebs
    filters: [{Encrypted: false}]
    metadata: {severity: medium, controls: [AWS-FSBP-EC2.3]}
"""))
    assert run.exit_code == 1
    server.hooks.clear()
    return run, snapshots


def test_json_counts_add_up_and_the_policy_is_errored(errored_run, cli):
    run, snapshots = errored_run
    doc = json.loads(cli("report", str(run.output_dir), "-f", "json").output)
    jsonschema.validate(doc, SCHEMA)
    policy = next(p for p in doc["policies"] if p["name"] == "ebs-snapshot-publicly-restorable")
    assert (policy["status"], policy["evaluated"], policy["failed"], policy["passed"], policy["errored"]) == \
        ("error", 3, 0, 0, 3)
    assert policy["passed_ids"] == []
    assert policy["errors"][0]["error_code"] == "UnauthorizedOperation" and policy["errors"][0]["resources"] == 3
    summary = doc["summary"]
    assert summary["evaluated"] == summary["failed"] + summary["passed"] + summary["errored"]
    assert (summary["errored"], summary["policies_errored"]) == (3, 1)
    control = next(c for c in doc["controls"] if c["control"] == "AWS-FSBP-EC2.1")
    assert control["status"] == "error" and control["passed"] == 0


def test_table_shows_errored_and_no_pass(errored_run, cli):
    run, _ = errored_run
    table = cli("report", str(run.output_dir)).output.splitlines()
    row = next(line for line in table if line.startswith("ebs-snapshot-publicly-restorable"))
    assert row.split()[-5:] == ["3", "0", "0", "3", "ERROR"]
    total = next(line for line in table if line.startswith("TOTAL"))
    assert "1 errored" in total


def test_csv_lists_each_unevaluated_resource_as_error(errored_run, cli):
    run, snapshots = errored_run
    rows = list(csv.DictReader(io.StringIO(cli("report", str(run.output_dir), "-f", "csv").output)))
    errored = [r for r in rows if r["status"] == "error"]
    assert sorted(r["id"] for r in errored) == sorted(snapshots)
    assert all("UnauthorizedOperation" in r["key_fields"] for r in errored)


def test_html_does_not_draw_an_errored_policy_green_or_count_it_compliant(errored_run, cli, tmp_path):
    run, _ = errored_run
    target = tmp_path / "report.html"
    assert cli("report", str(run.output_dir), "-o", str(target)).exit_code in (0, 1)
    page = target.read_text()
    article = page.split('id="policy-ebs-snapshot-publicly-restorable"')[0].rsplit("<article", 1)[1] \
        if 'id="policy-ebs-snapshot-publicly-restorable"' in page else ""
    assert "0 passed · 3 errored · 3 evaluated" in page
    assert 'class="badge pass"' not in article
    # The only decided evaluations are the volume policy's (1 failed, 1 passed): 50%, not 4/6 or 5/6.
    assert ">50%<" in page
    assert "Errored" in page


def test_junit_has_an_error_for_the_unevaluated_resources(errored_run, cli):
    run, _ = errored_run
    junit = ET.fromstring(cli("report", str(run.output_dir), "-f", "junit").output)
    case = next(c for c in junit.iter("testcase") if c.get("name") == "ebs-snapshot-publicly-restorable")
    error = case.find("error")
    assert error is not None and "3 resource(s) could not be evaluated" in error.get("message")
    assert case.find("failure") is None
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert (props["passed"], props["errored"]) == ("0", "3")
