"""EBS volumes: fault-tolerant (Trusted Advisor's snapshot check) and
encrypt-instance-volumes, against moto."""
from __future__ import annotations

import json

from tests.test_filters_language import ids  # noqa: F401 - the fixture

TA_JSON = "application/x-amz-json-1.1"


def volume(ec2, size=8, encrypted=False):
    return ec2.create_volume(AvailabilityZone="us-east-1a", Size=size, Encrypted=encrypted)["VolumeId"]


def serve_check(server, flagged):
    """moto does not serve Trusted Advisor's check results: the server answers."""
    body = json.dumps({"result": {
        "checkId": "H7IgTzjTYb", "timestamp": "2026-12-01T00:00:00Z", "status": "warning",
        "resourcesSummary": {"resourcesProcessed": 2, "resourcesFlagged": len(flagged),
                             "resourcesIgnored": 0, "resourcesSuppressed": 0},
        "categorySpecificSummary": {},
        "flaggedResources": [{"status": "warning", "region": "us-east-1", "resourceId": f"x{i}",
                              "metadata": ["us-east-1", vid, "", None, None, None, "Attached", "Yellow"]}
                             for i, vid in enumerate(flagged)]}})
    seen = []

    def hook(request):
        if request.operation == "DescribeTrustedAdvisorCheckResult":
            seen.append(json.loads(request.body))
            return 200, body, TA_JSON
        return None
    server.hooks.append(hook)
    return seen


def test_fault_tolerant_by_trusted_advisors_snapshot_check(aws, ids, server):  # noqa: F811
    ec2 = aws("ec2")
    backed, bare = volume(ec2), volume(ec2)
    seen = serve_check(server, [bare])
    assert ids("aws.ebs", [{"type": "fault-tolerant", "tolerant": True}], "VolumeId") == [backed]
    assert ids("aws.ebs", [{"type": "fault-tolerant", "tolerant": False}], "VolumeId") == [bare]
    assert ids("aws.ebs", ["fault-tolerant"], "VolumeId") == [backed]
    assert seen[0] == {"checkId": "H7IgTzjTYb", "language": "en"}


def test_fault_tolerant_without_trusted_advisor_is_an_error(aws, cli, write_policies, server):
    volume(aws("ec2"))
    server.hooks.append(lambda r: (400, json.dumps({
        "__type": "SubscriptionRequiredException", "message": "AWS Premium Support Subscription is required"}),
        TA_JSON) if r.operation == "DescribeTrustedAdvisorCheckResult" else None)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - {name: tolerance, resource: ebs, filters: [{type: fault-tolerant, tolerant: true}]}
"""))
    assert result.exit_code != 0
    assert result.ids("tolerance", "VolumeId") == []
    assert "SubscriptionRequired" in result.output


def test_encrypt_instance_volumes_swaps_in_encrypted_copies(aws, cli, write_policies):
    from tests.test_actions_ec2 import launch, states
    ec2, kms = aws("ec2"), aws("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/encrypted", TargetKeyId=key["KeyId"])
    instance = launch(ec2, 1)[0]
    plain = volume(ec2, size=20)
    ec2.create_tags(Resources=[plain], Tags=[{"Key": "Owner", "Value": "alice"}])
    ec2.attach_volume(InstanceId=instance, VolumeId=plain, Device="/dev/sdf")
    loose = volume(ec2)
    already = volume(ec2, encrypted=True)
    ec2.attach_volume(InstanceId=instance, VolumeId=already, Device="/dev/sdg")
    others = json.dumps([loose, already])
    result = cli("run", write_policies(f"""
policies:
  - name: encrypt-unencrypted-ebs
    resource: ebs
    filters: [{{Encrypted: false}}, {{type: value, key: "Attachments[0].Device", value: /dev/sdf}}]
    actions: [{{type: encrypt-instance-volumes, key: alias/encrypted, delay: 0}}]
  - {{name: others, resource: ebs, filters: [{{type: value, key: VolumeId, op: in, value: {others}}}],
     actions: [{{type: encrypt-instance-volumes, key: alias/encrypted, delay: 0}}]}}
"""))
    assert result.exit_code == 0, result.output
    now = {v["VolumeId"]: v for v in ec2.describe_volumes()["Volumes"]}
    assert plain not in now
    swapped = [v for v in now.values() if (v.get("Attachments") or [{}])[0].get("Device") == "/dev/sdf"]
    assert len(swapped) == 1
    new = swapped[0]
    assert new["Encrypted"] and new["Size"] == 20 and key["KeyId"] in new["KmsKeyId"]
    assert new["Attachments"][0]["InstanceId"] == instance
    assert {t["Key"]: t["Value"] for t in new.get("Tags", [])} == {"Owner": "alice"}
    assert states(ec2, [instance]) == {instance: "running"}
    assert loose in now and already in now
    assert [s for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]] == []
    outcomes = json.loads((result.output_dir / "others" / "action-encrypt-instance-volumes.json").read_text())
    assert {o["resource_id"]: o["status"] for o in outcomes} == {loose: "skipped", already: "skipped"}


def test_encrypt_instance_volumes_dry_run_and_a_missing_key(aws, cli, write_policies, server):
    from tests.test_actions_ec2 import launch, states
    ec2 = aws("ec2")
    instance = launch(ec2, 1)[0]
    plain = volume(ec2)
    ec2.attach_volume(InstanceId=instance, VolumeId=plain, Device="/dev/sdf")
    text = """
policies:
  - {name: enc, resource: ebs,
     filters: [{Encrypted: false}, {type: value, key: "Attachments[0].Device", value: /dev/sdf}],
     actions: [{type: encrypt-instance-volumes, key: alias/nope, delay: 0}]}
"""
    server.reset_log()
    dry = cli("run", "--dryrun", write_policies(text))
    assert dry.exit_code == 0, dry.output
    assert server.writes() == []
    plan = json.loads((dry.output_dir / "enc" / "plan.json").read_text())
    assert [c["resource_ids"] for a in plan for c in a["calls"]] == [[plain]]
    failed = cli("run", write_policies(text))
    outcomes = json.loads((failed.output_dir / "enc" / "action-encrypt-instance-volumes.json").read_text())
    assert [(o["resource_id"], o["status"]) for o in outcomes] == [(plain, "failed")]
    assert [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"] if v["VolumeId"] == plain] == [plain]
    assert states(ec2, [instance]) == {instance: "running"}
