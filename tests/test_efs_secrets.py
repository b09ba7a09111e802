"""EFS file systems and Secrets Manager secrets against moto, seeded with the
sandbox's demo resources: listing, filters (one matches, another not),
policies read only when filtered, fetch by id, actions read back from moto,
and dry runs with no write."""
from __future__ import annotations

import json

import pytest

from c7n_lite.sandbox_seed import efs as efs_seed
from c7n_lite.sandbox_seed import secrets as secrets_seed
from tests.service_helpers import manager, scan, served

REGION = "us-east-1"


@pytest.fixture
def seeded(server):
    efs_seed.seed(server.endpoint, REGION)
    secrets_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return server


def fs_id(aws, name):
    return next(f["FileSystemId"] for f in aws("efs").describe_file_systems()["FileSystems"] if f["Name"] == name)


# --- EFS ------------------------------------------------------------------------

def test_efs_filters(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: unencrypted
    resource: aws.efs
    filters: [{Encrypted: false}, {"tag:Environment": dev}]
  - name: no-lifecycle
    resource: efs
    filters: [{type: lifecycle-policy, state: absent}]
  - name: ia-after-30-days
    resource: aws.efs
    filters: [{type: lifecycle-policy, state: present, value: AFTER_30_DAYS}]
  - name: tls-not-required
    resource: aws.efs
    filters: [check-secure-transport]
""", "--dryrun")
    assert [r["Name"] for r in result.resources("unencrypted")] == ["build-cache"]
    assert [r["Name"] for r in result.resources("no-lifecycle")] == ["build-cache"]
    assert [r["Name"] for r in result.resources("ia-after-30-days")] == ["home-dirs"]
    assert [r["Name"] for r in result.resources("tls-not-required")] == ["build-cache"]
    # One listing (tags come with it); no per-file-system tag reads.
    assert sum(1 for r in seeded.requests if r.path.endswith("/file-systems")) == 1
    assert not any("/resource-tags" in r.path for r in seeded.requests)
    assert seeded.writes() == []


def test_efs_policy_read_failure_is_an_error(seeded, cli, write_policies):
    seeded.hooks.append(lambda request: (403, '{"ErrorCode": "AccessDeniedException", "Message": "no"}',
                                         "application/json")
                        if "/policy" in request.path else None)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: tls-not-required
    resource: aws.efs
    filters: [check-secure-transport]
"""))
    assert result.metadata("tls-not-required")["errors"]
    assert result.all_errored("tls-not-required"), result.metadata("tls-not-required")


def test_efs_fetch_by_id(seeded, aws):
    home = fs_id(aws, "home-dirs")
    found = manager(seeded, "aws.efs").get_resources([home, "fs-00000000"])
    assert [f["FileSystemId"] for f in found] == [home]


def test_efs_actions(seeded, cli, write_policies, aws):
    efs = aws("efs")
    shared = fs_id(aws, "build-cache")
    scan(cli, write_policies, """
policies:
  - name: fix-build-cache
    resource: aws.efs
    filters: [{Name: build-cache}]
    actions:
      - type: configure-lifecycle-policy
        state: enable
        rules: [{TransitionToIA: AFTER_7_DAYS}]
      - {type: remove-statements, statement_ids: [PartnerMounts]}
      - {type: tag, key: Owner, value: ci}
""")
    assert efs.describe_lifecycle_configuration(FileSystemId=shared)["LifecyclePolicies"] == \
        [{"TransitionToIA": "AFTER_7_DAYS"}]
    left = json.loads(efs.describe_file_system_policy(FileSystemId=shared)["Policy"])["Statement"]
    assert [st["Sid"] for st in left] == ["OwnAccountMounts"]
    assert {"Key": "Owner", "Value": "ci"} in efs.describe_file_systems(FileSystemId=shared)["FileSystems"][0]["Tags"]
    home_policy = efs.describe_file_system_policy(FileSystemId=fs_id(aws, "home-dirs"))["Policy"]
    assert json.loads(home_policy)["Statement"][0]["Sid"] == "TlsOnly"
    scan(cli, write_policies, """
policies:
  - name: delete-dev
    resource: aws.efs
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    assert [f["Name"] for f in efs.describe_file_systems()["FileSystems"]] == ["home-dirs"]


def test_efs_delete_removes_mount_targets_first(seeded, cli, write_policies, aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24")["Subnet"]["SubnetId"]
    shared = fs_id(aws, "build-cache")
    target = aws("efs").create_mount_target(FileSystemId=shared, SubnetId=subnet)["MountTargetId"]
    seeded.reset_log()
    result = scan(cli, write_policies, """
policies:
  - name: delete-dev
    resource: aws.efs
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""", "--dryrun")
    assert seeded.writes() == []
    plan = result.output
    assert f"delete mount target {target}" in plan
    assert plan.index("delete_mount_target") < plan.index("delete_file_system")


# --- Secrets Manager ------------------------------------------------------------------

def test_secret_filters_and_policy_read_only_when_filtered(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: not-rotated
    resource: aws.secrets-manager
    filters: [{type: value, key: RotationEnabled, value: true, op: ne}]
  - name: default-key
    resource: secrets-manager
    filters: [{KmsKeyId: absent}]
""", "--dryrun")
    assert [s["Name"] for s in result.resources("not-rotated")] == ["legacy/partner-api-key"]
    assert [s["Name"] for s in result.resources("default-key")] == ["legacy/partner-api-key"]
    assert served(seeded, "GetResourcePolicy") == 0
    result = scan(cli, write_policies, """
policies:
  - name: partner-statement
    resource: aws.secrets-manager
    filters: [{type: value, key: ResourcePolicy, op: contains, value: PartnerReads}]
""", "--dryrun")
    assert [s["Name"] for s in result.resources("partner-statement")] == ["legacy/partner-api-key"]
    assert served(seeded, "GetResourcePolicy") == 2


def test_secret_fetch_by_arn(seeded, aws):
    arn = aws("secretsmanager").describe_secret(SecretId="legacy/partner-api-key")["ARN"]
    found = manager(seeded, "aws.secrets-manager").get_resources([arn, arn.replace("legacy", "gone")])
    assert [s["ARN"] for s in found] == [arn] and "ResponseMetadata" not in found[0]


def test_secret_actions(seeded, cli, write_policies, aws):
    sm = aws("secretsmanager")
    scan(cli, write_policies, """
policies:
  - name: fix-partner-secret
    resource: aws.secrets-manager
    filters: [{Name: legacy/partner-api-key}]
    actions:
      - {type: set-encryption, key: alias/partner-secrets}
      - {type: remove-statements, statement_ids: "*"}
      - {type: delete, recovery_window: 7}
""")
    described = sm.describe_secret(SecretId="legacy/partner-api-key")
    assert described["KmsKeyId"] == "alias/partner-secrets" and described.get("DeletedDate")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="legacy/partner-api-key")
    assert "DeletedDate" not in sm.describe_secret(SecretId="prod/orders/db-password")


def test_secret_delete_validation_and_dry_run(seeded, cli, write_policies):
    bad = cli("validate", write_policies("""
policies:
  - name: too-short
    resource: aws.secrets-manager
    actions: [{type: delete, recovery_window: 3}]
"""))
    assert bad.exit_code != 0 and "7 to 30 days" in bad.output
    result = scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.secrets-manager
    actions: [{type: delete, recovery_window: 0}]
""", "--dryrun")
    assert seeded.writes() == []
    assert "delete now, no recovery" in result.output


def test_efs_removing_every_statement_plans_deleting_the_policy(seeded, cli, write_policies):
    # moto does not serve DeleteFileSystemPolicy: check the plan.
    result = scan(cli, write_policies, """
policies:
  - name: drop-policies
    resource: aws.efs
    filters: [{Name: build-cache}]
    actions: [{type: remove-statements, statement_ids: "*"}]
""", "--dryrun")
    assert seeded.writes() == []
    assert "delete_file_system_policy" in result.output and "no policy left" in result.output


def test_secret_current_version_and_replicas(seeded, cli, write_policies, aws):
    aws("secretsmanager").replicate_secret_to_regions(SecretId="prod/orders/db-password",
                                                      AddReplicaRegions=[{"Region": "eu-west-1"}])
    result = scan(cli, write_policies, """
policies:
  - name: changed-today
    resource: aws.secrets-manager
    filters: [{type: current-version, key: CreatedDate, value_type: age, op: lt, value: 1}]
  - name: unchanged-for-90-days
    resource: aws.secrets-manager
    filters: [{type: current-version, key: CreatedDate, value_type: age, op: gt, value: 90}]
  - name: replicated-to-eu
    resource: aws.secrets-manager
    filters: [{type: replica-attribute, key: Region, value: eu-west-1}]
""", "--dryrun")
    assert len(result.resources("changed-today")) == 2
    assert result.resources("unchanged-for-90-days") == []
    assert [s["Name"] for s in result.resources("replicated-to-eu")] == ["prod/orders/db-password"]
