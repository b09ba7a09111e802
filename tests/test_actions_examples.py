"""The remediation examples (policies/actions-*.yml) run for real on the demo
account, and each one's effect is read back."""
from __future__ import annotations

from pathlib import Path

from c7n_lite.sandbox_seed import seed_demo_account

POLICIES = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "policies").glob("actions-*.yml"))


def instances_by_name(ec2):
    out = {}
    for r in ec2.describe_instances()["Reservations"]:
        for i in r["Instances"]:
            tags = {t["Key"]: t["Value"] for t in i.get("Tags", ())}
            out.setdefault(tags.get("Name", i["InstanceId"]), []).append((i, tags))
    return out


def test_remediation_examples_change_the_demo_account(server, aws, cli):
    seed_demo_account(server.endpoint, "us-east-1")
    ec2, iot, s3, redshift = aws("ec2"), aws("iot"), aws("s3"), aws("redshift")
    unowned_running = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                       if i["State"]["Name"] == "running"
                       and not {t["Key"] for t in i.get("Tags", ())} & {"Owner", "maid_status"}]
    volumes_before = len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"])

    result = cli("run", *POLICIES)
    assert result.exit_code == 0, result.output

    named = instances_by_name(ec2)
    (marked, _), = named["batch-marked"]
    assert marked["State"]["Name"] in ("stopping", "stopped")
    (_, claimed_tags), = named["claimed-marked"]
    assert "maid_status" not in claimed_tags
    for instance_id in unowned_running:
        tags = {t["Key"]: t["Value"] for t in ec2.describe_tags(
            Filters=[{"Name": "resource-id", "Values": [instance_id]}])["Tags"]}
        assert tags["maid_status"].startswith("Resource does not meet policy: stop@")

    # 4 unattached volumes snapshotted, 1 old snapshot deleted, the one backing an AMI kept
    assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) == volumes_before + 4 - 1

    world_ssh = [p for g in ec2.describe_security_groups()["SecurityGroups"] for p in g["IpPermissions"]
                 if p.get("FromPort") == 22 and any(r["CidrIp"] == "0.0.0.0/0" for r in p.get("IpRanges", ()))]
    assert world_ssh == []

    grants = s3.get_bucket_acl(Bucket="demo-public-uploads")["Grants"]
    assert not [g for g in grants if "AllUsers" in (g["Grantee"].get("URI") or "")]
    assert s3.get_public_access_block(Bucket="demo-public-uploads")["PublicAccessBlockConfiguration"]["BlockPublicAcls"]

    assert not [c for c in redshift.describe_clusters()["Clusters"] if c["PubliclyAccessible"]]
    snapshots = {s["SnapshotIdentifier"] for s in redshift.describe_cluster_snapshots()["Snapshots"]}
    assert any(s.startswith("marketing-bi-") for s in snapshots)
    assert "finance-dw-before-migration" not in snapshots

    things = iot.list_things_in_thing_group(thingGroupName="c7n-quarantine")["things"]
    assert things == ["sensor-legacy-17"]
    cert_arn, = iot.list_thing_principals(thingName="sensor-legacy-17")["principals"]
    cert = iot.describe_certificate(certificateId=cert_arn.rsplit("/", 1)[1])["certificateDescription"]
    assert cert["status"] == "INACTIVE"
    assert iot.list_attached_policies(target=cert_arn)["policies"] == []
