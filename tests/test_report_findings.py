"""`report --format ocsf` and `--format asff`: one finding per (policy,
resource) evaluation, checked against the OCSF Detection Finding class's
required attributes, and imported into (and read back from) moto's Security Hub."""
from __future__ import annotations

import json

import pytest

from tests.test_report import POLICIES, seed
from tests.test_report_errored import errored_run  # noqa: F401 - a fixture
from tests.test_trust import ec2_error

ACCOUNT, REGION = "123456789012", "us-east-1"

# OCSF 1.x, Detection Finding (class 2004, category Findings), from the schema's JSON
# (ocsf-schema: events/base_event.json, events/findings/finding.json,
# events/findings/detection_finding.json, profiles/cloud.json, objects/*.json).
# Required by the base event: activity_id, category_uid, class_uid, metadata,
# severity_id, time, type_uid; by Finding: finding_info; by the cloud profile: cloud.
OCSF_REQUIRED = {"activity_id": int, "category_uid": int, "class_uid": int, "metadata": dict, "severity_id": int,
                 "time": int, "type_uid": int, "finding_info": dict, "cloud": dict}
OCSF_OBJECT_REQUIRED = {
    "metadata": {"product": dict, "version": str},      # objects/metadata.json
    "metadata.product": {"name": str},                  # objects/product.json
    "finding_info": {"uid": str, "title": str},         # objects/finding_info.json (title: required in 1.1)
    "cloud": {"provider": str},                         # objects/cloud.json
}
OCSF_ENUMS = {
    "activity_id": {0, 1, 2, 3, 99},                     # Unknown, Create, Update, Close, Other
    "severity_id": {0, 1, 2, 3, 4, 5, 6, 99},            # Unknown … Critical, Fatal, Other
    "status_id": {0, 1, 2, 3, 4, 5, 6, 99},              # Unknown, New, In Progress, Suppressed, Resolved, …
}


def validate_ocsf(finding: dict) -> None:
    """Every required attribute with its type, the class's fixed ids, enums, and each resource's uid."""
    for key, kind in OCSF_REQUIRED.items():
        assert isinstance(finding.get(key), kind), (key, finding.get(key))
    for path, required in OCSF_OBJECT_REQUIRED.items():
        obj = finding
        for part in path.split("."):
            obj = obj[part]
        for key, kind in required.items():
            assert isinstance(obj.get(key), kind) and obj[key] != "", (path, key, obj.get(key))
    assert (finding["class_uid"], finding["category_uid"]) == (2004, 2)
    assert finding["type_uid"] == finding["class_uid"] * 100 + finding["activity_id"]
    for key, allowed in OCSF_ENUMS.items():
        assert finding.get(key, 0) in allowed, (key, finding.get(key))
    assert finding["time"] > 1_600_000_000_000  # epoch milliseconds
    assert finding["cloud"]["account"]["uid"] == ACCOUNT and finding["cloud"]["region"] == REGION
    for resource in finding.get("resources", []):
        assert isinstance(resource.get("uid"), str) and resource["uid"], resource


@pytest.fixture
def audit(cli, aws, write_policies):
    facts = seed(aws)
    run = cli("run", "--dryrun", write_policies(POLICIES))
    assert run.exit_code == 0, run.output
    return run, facts


def by_policy(findings: list[dict], key) -> dict:
    out: dict = {}
    for f in findings:
        out.setdefault(key(f), []).append(f)
    return out


def test_ocsf_is_one_detection_finding_per_policy_and_resource(audit, cli, tmp_path):
    run, facts = audit
    target = tmp_path / "findings.ocsf.json"
    result = cli("report", str(run.output_dir), "-o", str(target))  # the format from the double suffix
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"ocsf report of 3 policy result(s) written to {target}"
    findings = json.loads(target.read_text())
    for finding in findings:
        validate_ocsf(finding)
    # Every evaluation once: 3 instances for each EC2 policy, every volume for the EBS one.
    assert len(findings) == 3 + 3 + facts["volumes"]
    assert len({f["finding_info"]["uid"] for f in findings}) == len(findings)
    codes = {name: sorted(f["status_code"] for f in fs)
             for name, fs in by_policy(findings, lambda f: f["metadata"]["event_code"]).items()}
    failed = len(facts["unencrypted"])
    assert codes == {"ec2-owner-tag": ["FAIL", "PASS", "PASS"], "ec2-no-tiny": ["PASS"] * 3,
                     "ebs-unencrypted": ["FAIL"] * failed + ["PASS"] * (facts["volumes"] - failed)}
    owner = next(f for f in findings if f["metadata"]["event_code"] == "ec2-owner-tag" and f["status_code"] == "FAIL")
    [resource] = owner["resources"]
    assert resource["uid"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{facts['ownerless']}"
    assert (resource["type"], resource["region"], resource["data"]["fields"]["InstanceType"]) == \
        ("aws.ec2", REGION, "m5.large")
    assert (owner["severity_id"], owner["severity"], owner["status_id"], owner["is_alert"]) == (3, "Medium", 1, True)
    assert owner["finding_info"]["uid"] == f"c7n-lite-ec2-owner-tag-{ACCOUNT}-{REGION}-{resource['uid']}"
    assert owner["remediation"]["desc"] == "Tag the instance with Owner=<team>."
    assert owner["unmapped"]["controls"] == ["NIST-800-53-r5-CM-8"]
    # A pass reports no risk: informational, not an alert.
    passed = next(f for f in findings if f["status_code"] == "PASS")
    assert (passed["severity_id"], passed["is_alert"]) == (1, False) and "remediation" not in passed


def test_ocsf_errored_resources_are_unknown_never_passed(errored_run, cli):  # noqa: F811
    run, snapshots = errored_run
    findings = json.loads(cli("report", str(run.output_dir), "-f", "ocsf").output)
    for finding in findings:
        validate_ocsf(finding)
    snaps = [f for f in findings if f["metadata"]["event_code"] == "ebs-snapshot-publicly-restorable"]
    assert sorted(f["resources"][0]["uid"].rsplit("/", 1)[-1] for f in snaps) == sorted(snapshots)
    assert {(f["status_code"], f["status_id"], f["status"], f["severity_id"]) for f in snaps} == \
        {("ERROR", 0, "Unknown", 0)}
    assert all(f["status_detail"] == f"{f['resources'][0]['uid'].rsplit('/', 1)[-1]} could not be evaluated: "
               "DescribeSnapshotAttribute: UnauthorizedOperation: injected UnauthorizedOperation" for f in snaps)


@pytest.fixture
def unlisted(aws, server, cli, write_policies):
    """The snapshots cannot even be listed: the policy checked nothing."""
    ec2 = aws("ec2")
    ec2.create_snapshot(VolumeId=ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"])
    server.hooks.append(lambda r: (403, ec2_error("UnauthorizedOperation"))
                        if r.operation == "DescribeSnapshots" else None)
    run = cli("run", "--dryrun", write_policies("""
policies:
  - name: snapshot-unencrypted
    resource: aws.ebs-snapshot
    filters: [{encrypted: false}]
    metadata: {severity: high, controls: [NIST-800-53-r5-SC-28]}
"""))
    server.hooks.clear()
    assert run.exit_code == 1
    return run


def test_a_policy_that_could_not_list_is_one_unknown_finding(unlisted, cli):
    [finding] = json.loads(cli("report", str(unlisted.output_dir), "-f", "ocsf").output)
    validate_ocsf(finding)
    assert (finding["status_code"], finding["status_id"]) == ("ERROR", 0) and "resources" not in finding
    assert finding["status_detail"].startswith("snapshot-unencrypted could not run: resources: ")
    assert "UnauthorizedOperation" in finding["status_detail"]


def import_findings(aws, findings: list[dict]) -> list[dict]:
    """batch-import-findings, 100 at a time (botocore checks each finding against the
    service's model first), then every finding Security Hub holds."""
    hub = aws("securityhub")
    for start in range(0, len(findings), 100):
        out = hub.batch_import_findings(Findings=findings[start:start + 100])
        assert out["FailedCount"] == 0, out["FailedFindings"]
    return [f for page in hub.get_paginator("get_findings").paginate() for f in page["Findings"]]


def test_asff_imports_into_security_hub_and_reads_back(audit, cli, aws):
    run, facts = audit
    result = cli("report", str(run.output_dir), "-f", "asff")
    assert result.exit_code == 0
    findings = json.loads(result.output)
    assert len(findings) == 3 + 3 + facts["volumes"]
    stored = {f["Id"]: f for f in import_findings(aws, findings)}
    assert set(stored) == {f["Id"] for f in findings}
    owner = [f for f in stored.values() if f["GeneratorId"] == "c7n-lite:ec2-owner-tag"]
    statuses = sorted((f["Compliance"]["Status"], f["Severity"]["Label"]) for f in owner)
    assert statuses == [("FAILED", "MEDIUM"), ("PASSED", "INFORMATIONAL"), ("PASSED", "INFORMATIONAL")]
    failed = next(f for f in owner if f["Compliance"]["Status"] == "FAILED")
    assert failed["SchemaVersion"] == "2018-10-08"
    assert failed["ProductArn"] == f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
    assert failed["AwsAccountId"] == ACCOUNT and failed["RecordState"] == "ACTIVE"
    assert failed["Title"] == "ec2-owner-tag" and failed["Description"] == "Every instance names its owner."
    assert failed["Types"] == ["Software and Configuration Checks/c7n-lite/tagging"]
    assert failed["Resources"][0] == {
        "Type": "AwsEc2Instance", "Id": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{facts['ownerless']}",
        "Partition": "aws", "Region": REGION, "Details": failed["Resources"][0]["Details"]}
    assert failed["Resources"][0]["Details"]["Other"]["InstanceType"] == "m5.large"
    assert failed["Compliance"]["RelatedRequirements"] == ["NIST-800-53-r5-CM-8"]
    assert failed["Remediation"]["Recommendation"]["Text"] == "Tag the instance with Owner=<team>."
    assert failed["CreatedAt"] == failed["UpdatedAt"] and failed["CreatedAt"].endswith("Z")
    volumes = [f for f in stored.values() if f["GeneratorId"] == "c7n-lite:ebs-unencrypted"]
    assert sorted(f["Resources"][0]["Id"].rsplit("/", 1)[-1] for f in volumes
                  if f["Compliance"]["Status"] == "FAILED") == facts["unencrypted"]


def test_asff_errored_resources_are_not_available_never_passed(errored_run, cli, aws):  # noqa: F811
    run, snapshots = errored_run
    stored = import_findings(aws, json.loads(cli("report", str(run.output_dir), "-f", "asff").output))
    snaps = [f for f in stored if f["GeneratorId"] == "c7n-lite:ebs-snapshot-publicly-restorable"]
    assert len(snaps) == len(snapshots)
    assert {(f["Compliance"]["Status"], f["Severity"]["Label"]) for f in snaps} == {("NOT_AVAILABLE", "INFORMATIONAL")}


def test_asff_of_an_unlisted_policy_is_one_account_finding(unlisted, cli, aws):
    [finding] = import_findings(aws, json.loads(cli("report", str(unlisted.output_dir), "-f", "asff").output))
    assert finding["Compliance"]["Status"] == "NOT_AVAILABLE"
    assert finding["Resources"][0]["Type"] == "AwsAccount"
    assert finding["Resources"][0]["Id"] == f"AWS::::Account:{ACCOUNT}"


def test_a_report_import_updates_the_finding_post_finding_made(aws, cli, write_policies):
    """The action and the report shape findings with the same code: the same Id, so one finding."""
    facts = seed(aws)
    run = cli("run", write_policies("""
policies:
  - name: ec2-owner-tag
    resource: aws.ec2
    filters: [{"tag:Owner": absent}]
    actions: [{type: post-finding, types: ["Software and Configuration Checks/c7n-lite"]}]
"""))
    assert run.exit_code == 0, run.output
    [posted] = aws("securityhub").get_findings()["Findings"]
    assert posted["Resources"][0]["Id"].endswith(f"instance/{facts['ownerless']}")
    stored = import_findings(aws, json.loads(cli("report", str(run.output_dir), "-f", "asff").output))
    assert len(stored) == 3  # the failed instance's finding was updated, the two passes added
    updated = next(f for f in stored if f["Id"] == posted["Id"])
    assert updated["Compliance"]["Status"] == "FAILED"


def test_a_resource_that_came_right_updates_its_failed_finding(aws, cli, write_policies, tmp_path):
    """aws.ecr names a repository by its name and its ARN is a field: a passed repository (known by
    its name only) takes the ARN an earlier run wrote when it failed, so its finding replaces that one."""
    ecr = aws("ecr")
    arn = ecr.create_repository(repositoryName="orders", imageTagMutability="MUTABLE")["repository"]["repositoryArn"]
    path = write_policies("""
policies:
  - name: ecr-tags-mutable
    resource: aws.ecr
    filters: [{imageTagMutability: MUTABLE}]
    metadata: {severity: medium}
""")
    before = cli("run", "--dryrun", path, output_dir=str(tmp_path / "before"))
    assert before.exit_code == 0 and before.metadata("ecr-tags-mutable")["counts"]["matched"] == 1, before.output
    [failed] = import_findings(aws, json.loads(cli("report", str(before.output_dir), "-f", "asff").output))
    assert (failed["Compliance"]["Status"], failed["Resources"][0]["Id"]) == ("FAILED", arn)
    ecr.put_image_tag_mutability(repositoryName="orders", imageTagMutability="IMMUTABLE")
    after = cli("run", "--dryrun", path, output_dir=str(tmp_path / "after"))
    assert after.metadata("ecr-tags-mutable")["counts"]["matched"] == 0
    both = [str(before.output_dir), str(after.output_dir)]
    [now] = import_findings(aws, json.loads(cli("report", *both, "-f", "asff").output))
    assert (now["Id"], now["Compliance"]["Status"], now["Resources"][0]["Id"]) == (failed["Id"], "PASSED", arn)
    [ocsf] = json.loads(cli("report", *both, "-f", "ocsf").output)
    assert (ocsf["status_code"], ocsf["resources"][0]["uid"]) == ("PASS", arn)
    # The after run alone does not know the ARN: the repository is named by its name.
    [alone] = json.loads(cli("report", str(after.output_dir), "-f", "ocsf").output)
    assert alone["resources"][0]["uid"] == "orders"
