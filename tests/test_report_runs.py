"""Reports over several output dirs: regions, and the same policies at different times."""
from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import jsonschema

from tests.report_helpers import assert_offline, parse_page

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text())
POLICY = """
policies:
  - name: ec2-owner-tag
    resource: aws.ec2
    filters:
      - "tag:Owner": absent
    metadata:
      controls: [NIST-800-53-r5-CM-8]
      severity: medium
"""


def launch(aws, region: str, owners: list[str | None], ec2=None) -> list[str]:
    ec2 = ec2 or aws("ec2", region=region)
    ids = []
    for owner in owners:
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": owner}]}] if owner else []
        ids.append(ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                     TagSpecifications=tags)["Instances"][0]["InstanceId"])
    return ids


def test_regions_of_one_run_are_broken_down(cli, aws, write_policies, tmp_path):
    east = launch(aws, "us-east-1", ["alice", None])
    west = launch(aws, "us-west-2", [None, None, "bob"])
    run = cli("run", "--dryrun", "-r", "us-east-1", "-r", "us-west-2", write_policies(POLICY))
    assert run.exit_code == 0, run.output
    doc = json.loads(cli("report", str(run.output_dir), "-f", "json").output)
    jsonschema.validate(doc, SCHEMA)
    scopes = {(s["region"], s["evaluated"], s["failed"], s["passed"]) for s in doc["scopes"]}
    assert scopes == {("us-east-1", 2, 1, 1), ("us-west-2", 3, 2, 1)}
    assert doc["summary"]["evaluated"] == 5 and doc["summary"]["failed"] == 3
    assert sorted(f["id"] for f in doc["findings"]) == sorted([east[1], west[0], west[1]])
    assert {f["region"] for f in doc["findings"] if f["id"] in west} == {"us-west-2"}
    # The table gains account and region columns when there are several.
    table = cli("report", str(run.output_dir)).output.splitlines()
    assert table[0].split()[:3] == ["POLICY", "ACCOUNT", "REGION"]
    assert any(line.split()[:3] == ["ec2-owner-tag", "123456789012", "us-west-2"] for line in table)
    page = parse_page(cli("report", str(run.output_dir), "-f", "html").output)
    assert_offline(page)
    body = " ".join(page.text)
    assert "us-east-1" in body and "us-west-2" in body
    assert all(i in body for i in [east[1], west[0], west[1]])


def test_runs_at_different_times_give_the_latest_state_and_a_trend(cli, aws, write_policies, tmp_path):
    path = write_policies(POLICY)
    ids = launch(aws, "us-east-1", [None, None, "alice"])
    monday = cli("run", "--dryrun", path, output_dir=str(tmp_path / "monday"))
    aws("ec2").create_tags(Resources=[ids[0]], Tags=[{"Key": "Owner", "Value": "carol"}])
    tuesday = cli("run", "--dryrun", path, output_dir=str(tmp_path / "tuesday"))
    assert monday.exit_code == tuesday.exit_code == 0

    for order in ([monday, tuesday], [tuesday, monday]):
        doc = json.loads(cli("report", *(str(r.output_dir) for r in order), "-f", "json").output)
        jsonschema.validate(doc, SCHEMA)
        # The current state is Tuesday's, whatever the order of the dirs.
        assert [(p["name"], p["failed"], p["passed"]) for p in doc["policies"]] == [("ec2-owner-tag", 1, 2)]
        assert [f["id"] for f in doc["findings"]] == [ids[1]]
        assert doc["summary"]["evaluated"] == 3
        [history] = doc["history"]
        assert [r["failed"] for r in history["runs"]] == [2, 1]
        assert history["runs"][0]["source"].startswith(str(tmp_path / "monday"))

    page = parse_page(cli("report", str(monday.output_dir), str(tuesday.output_dir), "-f", "html").output)
    assert_offline(page)
    assert "trend" in {attrs.get("id") for tag, attrs in page.tags if tag == "section"}
    assert "2 → 1" in " ".join(page.text)
    # The table shows the current state once, not both runs.
    table = cli("report", str(monday.output_dir), str(tuesday.output_dir)).output.splitlines()
    assert [line.split()[:1] for line in table[1:]] == [["ec2-owner-tag"], ["TOTAL"]]


def test_the_same_dir_given_twice_or_nested_counts_once(cli, aws, write_policies, tmp_path):
    launch(aws, "us-east-1", [None, "alice"])
    run = cli("run", "--dryrun", write_policies(POLICY), output_dir=str(tmp_path / "runs" / "a"))
    doc = json.loads(cli("report", str(tmp_path / "runs"), str(run.output_dir), "-f", "json").output)
    assert doc["summary"]["evaluated"] == 2 and doc["summary"]["failed"] == 1
    assert doc["history"] == []


def test_accounts_are_broken_down(cli, aws, write_policies, tmp_path, monkeypatch):
    """A second account through an assumed role (moto keeps resources per account)."""
    path = write_policies(POLICY)
    launch(aws, "us-east-1", [None, "alice"])
    first = cli("run", "--dryrun", path, output_dir=str(tmp_path / "audit" / "first"))
    creds = aws("sts").assume_role(RoleArn="arn:aws:iam::111111111111:role/audit",
                                   RoleSessionName="audit")["Credentials"]
    keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}
    for name, value in keys.items():
        monkeypatch.setenv(name.upper(), value)
    other_ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"], **keys)
    other = launch(aws, "us-east-1", [None, None, None], ec2=other_ec2)
    second = cli("run", "--dryrun", path, output_dir=str(tmp_path / "audit" / "second"))
    assert first.exit_code == second.exit_code == 0, second.output
    assert second.metadata("ec2-owner-tag")["account_id"] == "111111111111"

    doc = json.loads(cli("report", str(tmp_path / "audit"), "-f", "json").output)
    jsonschema.validate(doc, SCHEMA)
    assert {(s["account"], s["evaluated"], s["failed"]) for s in doc["scopes"]} == {
        ("123456789012", 2, 1), ("111111111111", 3, 3)}
    assert doc["history"] == []  # two accounts, not two times
    assert sorted(f["id"] for f in doc["findings"] if f["account"] == "111111111111") == sorted(other)
    page = parse_page(cli("report", str(tmp_path / "audit"), "-f", "html").output)
    rows = " ".join(page.text)
    assert "111111111111" in rows and "123456789012" in rows
