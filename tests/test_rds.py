"""RDS instances, clusters, snapshots, subnet and parameter groups against
moto, seeded with the sandbox's RDS demo account: what each type lists, the
filters (a resource that matches and one that does not), fetch by id, each
action's effect read back from moto, and dry runs that send no write."""
from __future__ import annotations

import pytest

from c7n_lite.sandbox_seed import rds as rds_seed
from tests.service_helpers import manager, scan

REGION = "us-east-1"


@pytest.fixture
def rds(server, aws):
    rds_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return aws("rds")


def errored(result, name):
    """The policy recorded an error and no resource passed: nothing could be listed (no
    resources.json), or every resource is errored (not "none matched")."""
    return bool(result.metadata(name)["errors"]) and (
        not (result.output_dir / name / "resources.json").exists() or result.all_errored(name))


def dry(cli, write_policies, text):
    return scan(cli, write_policies, text, "--dryrun")


def test_each_type_lists_the_account_with_tags_as_Tags(rds, server):
    listed = {t: sorted(manager(server, t).resource_type.resource_id(r) for r in manager(server, t).resources())
              for t in ("aws.rds", "aws.rds-cluster", "aws.rds-subnet-group", "aws.rds-param-group")}
    assert listed["aws.rds"] == ["legacy-mysql", "orders-db", "payments-aurora-1",
                                 "payments-aurora-2"]
    assert listed["aws.rds-cluster"] == ["payments-aurora", "scratch-aurora"]
    assert listed["aws.rds-subnet-group"] == ["orders-db-subnets", "retired-app-subnets"]
    assert "legacy-mysql-params" in listed["aws.rds-param-group"]
    db = next(r for r in manager(server, "aws.rds").resources() if r["DBInstanceIdentifier"] == "orders-db")
    assert "TagList" not in db and {"Key": "Owner", "Value": "orders"} in db["Tags"]
    snaps = [s["DBSnapshotIdentifier"] for s in manager(server, "aws.rds-snapshot").resources()]
    assert {"orders-db-before-upgrade", "legacy-mysql-export"} <= set(snaps)


def test_value_and_tag_filters_on_instances(rds, cli, write_policies, server):
    result = dry(cli, write_policies, """
policies:
  - name: exposed
    resource: aws.rds
    filters:
      - or: [{PubliclyAccessible: true}, {StorageEncrypted: false}]
  - name: prod-clusters
    resource: rds-cluster
    filters: [{"tag:Environment": prod}]
  - name: subnet-groups-owned
    resource: aws.rds-subnet-group
    filters: [{"tag:Owner": data-platform}]
""")
    assert result.ids("exposed", "DBInstanceIdentifier") == ["legacy-mysql"]
    assert result.ids("prod-clusters", "DBClusterIdentifier") == ["payments-aurora"]
    assert result.ids("subnet-groups-owned", "DBSubnetGroupName") == ["orders-db-subnets", "retired-app-subnets"]
    assert result.metadata("exposed")["counts"]["evaluated"] == 4
    assert server.writes() == []


def test_fetch_by_id_skips_the_gone(rds, server):
    for type_name, present in (("aws.rds", "orders-db"), ("aws.rds-cluster", "scratch-aurora"),
                               ("aws.rds-snapshot", "legacy-mysql-export"),
                               ("aws.rds-cluster-snapshot", "payments-aurora-weekly"),
                               ("aws.rds-subnet-group", "orders-db-subnets"),
                               ("aws.rds-param-group", "legacy-mysql-params")):
        m = manager(server, type_name)
        found = m.get_resources([present, "no-such-thing"])
        assert [m.resource_type.resource_id(r) for r in found] == [present], type_name
        assert "TagList" not in found[0]


def test_db_parameter_and_option_group_filters(rds, cli, write_policies):
    result = dry(cli, write_policies, """
policies:
  - name: not-utf8
    resource: aws.rds
    filters:
      - type: db-parameter
        key: character_set_server
        value: latin1
  - name: group-not-utf8
    resource: aws.rds-param-group
    filters:
      - type: db-parameter
        key: character_set_server
        op: eq
        value: latin1
  - name: option-group-without-options
    resource: aws.rds
    filters:
      - Engine: mysql
      - type: db-option-groups
        key: Options
        value: empty
""")
    assert result.ids("not-utf8", "DBInstanceIdentifier") == ["legacy-mysql"]
    assert result.resources("not-utf8")[0]["c7n:MatchedDBParameter"] == ["character_set_server"]
    assert result.ids("group-not-utf8", "DBParameterGroupName") == ["legacy-mysql-params"]
    assert result.metadata("group-not-utf8")["counts"]["evaluated"] >= 3
    assert result.ids("option-group-without-options", "DBInstanceIdentifier") == ["legacy-mysql"]


def test_parameter_values_compare_in_their_declared_type():
    # moto leaves DataType out (its values stay text); AWS declares it.
    from c7n_lite.filters.rds import _parameter_value
    assert _parameter_value({"ParameterValue": "0", "DataType": "boolean"}) is False
    assert _parameter_value({"ParameterValue": "TRUE", "DataType": "boolean"}) is True
    assert _parameter_value({"ParameterValue": "150", "DataType": "integer"}) == 150
    assert _parameter_value({"ParameterValue": "{DBInstanceClassMemory/12582880}", "DataType": "integer"}) == \
        "{DBInstanceClassMemory/12582880}"
    assert _parameter_value({"DataType": "string"}) is None


def test_a_parameter_group_that_cannot_be_read_is_an_error_not_a_pass(rds, cli, write_policies, server):
    def refuse(request):
        if request.operation == "DescribeDBParameters":
            return 403, ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                         "<Message>not allowed</Message></Error></ErrorResponse>")
        return None
    server.hooks.append(refuse)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: tls-not-required
    resource: aws.rds
    filters:
      - type: db-parameter
        key: require_secure_transport
        value: 1
        op: ne
"""))
    assert errored(result, "tls-not-required")


def test_upgrade_available_fails_loudly_where_engine_versions_cannot_be_read(rds, cli, write_policies):
    # moto does not serve DescribeDBEngineVersions: the read fails, and the
    # policy reports an error rather than "no upgrade".
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: upgradable
    resource: aws.rds
    filters:
      - type: upgrade-available
        major: false
        value: false
"""))
    assert errored(result, "upgradable")


def test_snapshot_age_and_cross_account(rds, cli, write_policies):
    result = dry(cli, write_policies, """
policies:
  - name: old-snapshots
    resource: aws.rds-snapshot
    filters:
      - type: age
        days: 90
        op: ge
  - name: public-snapshots
    resource: aws.rds-snapshot
    filters:
      - type: cross-account
        everyone_only: true
  - name: shared-cluster-snapshots
    resource: aws.rds-cluster-snapshot
    filters: [{type: cross-account}]
  - name: shared-with-strangers
    resource: aws.rds-cluster-snapshot
    filters: [{type: cross-account, whitelist: ["210987654321"]}]
""")
    assert result.ids("old-snapshots", "DBSnapshotIdentifier") == ["orders-db-before-upgrade"]
    assert result.ids("public-snapshots", "DBSnapshotIdentifier") == ["legacy-mysql-export"]
    shared = result.resources("shared-cluster-snapshots")
    assert [(s["DBClusterSnapshotIdentifier"], s["c7n:CrossAccountViolations"]) for s in shared] == \
        [("scratch-aurora-handoff", ["210987654321"])]
    assert result.resources("shared-with-strangers") == []


def test_unused_groups(rds, cli, write_policies, aws):
    aws("rds").create_db_cluster_parameter_group(DBClusterParameterGroupName="spare-cluster-params",
                                                 DBParameterGroupFamily="aurora-postgresql16", Description="spare")
    result = dry(cli, write_policies, """
policies:
  - name: unused-subnet-groups
    resource: aws.rds-subnet-group
    filters: [unused]
  - name: unused-param-groups
    resource: aws.rds-param-group
    filters: [unused]
  - name: unused-cluster-param-groups
    resource: aws.rds-cluster-param-group
    filters: [unused]
""")
    assert result.ids("unused-subnet-groups", "DBSubnetGroupName") == ["retired-app-subnets"]
    assert result.ids("unused-param-groups", "DBParameterGroupName") == ["unused-postgres-params"]
    assert result.ids("unused-cluster-param-groups", "DBClusterParameterGroupName") == ["spare-cluster-params"]


def test_consecutive_snapshots(rds, cli, write_policies):
    for days in (1, 2):
        rds.create_db_snapshot(DBSnapshotIdentifier=f"orders-db-minus-{days}", DBInstanceIdentifier="orders-db")
        rds_seed._backdate(REGION, f"orders-db-minus-{days}", days=days)
    result = dry(cli, write_policies, """
policies:
  - name: three-days-of-backups
    resource: aws.rds
    filters: [{type: consecutive-snapshots, days: 3}]
  - name: a-week-of-backups
    resource: aws.rds
    filters: [{type: consecutive-snapshots, days: 7}]
""")
    # Each instance has today's automated snapshot; only orders-db the two days before too.
    assert result.ids("three-days-of-backups", "DBInstanceIdentifier") == ["orders-db"]
    assert result.resources("a-week-of-backups") == []


def instance(rds, name):
    return rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]


def test_modify_actions_change_what_moto_reports(rds, cli, write_policies):
    scan(cli, write_policies, """
policies:
  - name: lock-down
    resource: aws.rds
    filters: [{DBInstanceIdentifier: legacy-mysql}]
    actions:
      - type: modify-db
        update:
          - {property: PubliclyAccessible, value: false}
          - {property: DeletionProtection, value: true}
        immediate: true
      - type: retention
        days: 7
        copy-tags: true
      - {type: auto-patch, minor: true, window: "mon:23:00-tue:01:00"}
      - {type: resize, percent: 50, immediate: true}
""")
    db = instance(rds, "legacy-mysql")
    assert (db["PubliclyAccessible"], db["DeletionProtection"], db["BackupRetentionPeriod"],
            db["CopyTagsToSnapshot"], db["AutoMinorVersionUpgrade"], db["PreferredMaintenanceWindow"],
            db["AllocatedStorage"]) == (False, True, 7, True, True, "mon:23:00-tue:01:00", 30)
    untouched = instance(rds, "orders-db")
    assert untouched["AllocatedStorage"] == 20


def test_retention_enforce_min_leaves_longer_retention_alone(rds, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: retention
    resource: aws.rds
    filters: [{DBClusterIdentifier: absent}]
    actions: [{type: retention, days: 3}]
""")
    assert instance(rds, "legacy-mysql")["BackupRetentionPeriod"] == 3
    assert instance(rds, "orders-db")["BackupRetentionPeriod"] == 7
    assert "already meets min 3" in result.output or "skipped" in result.output


def test_stop_start_snapshot_and_delete_instances(rds, cli, write_policies):
    scan(cli, write_policies, """
policies:
  - name: stop
    resource: aws.rds
    filters: [{DBInstanceIdentifier: legacy-mysql}]
    actions: [stop, snapshot]
""")
    assert instance(rds, "legacy-mysql")["DBInstanceStatus"] == "stopped"
    manual = [s["DBSnapshotIdentifier"] for s in
              rds.describe_db_snapshots(DBInstanceIdentifier="legacy-mysql", SnapshotType="manual")["DBSnapshots"]]
    assert any(s.startswith("backup-legacy-mysql-") for s in manual)
    scan(cli, write_policies, """
policies:
  - name: start
    resource: aws.rds
    filters: [{DBInstanceIdentifier: legacy-mysql}]
    actions: [start]
""")
    assert instance(rds, "legacy-mysql")["DBInstanceStatus"] == "available"
    result = scan(cli, write_policies, """
policies:
  - name: delete
    resource: aws.rds
    filters: [{"tag:Environment": dev}]
    actions: [{type: delete, copy-restore-info: true}]
  - name: delete-member
    resource: aws.rds
    filters: [{DBInstanceIdentifier: payments-aurora-1}]
    actions: [{type: delete, skip-snapshot: true}]
""")
    ids = [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]
    assert "legacy-mysql" not in ids and "payments-aurora-1" in ids  # Aurora members: via the cluster
    final = [s for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
             if s["DBSnapshotIdentifier"].startswith("final-legacy-mysql-")]
    assert len(final) == 1
    assert {"Key": "InstanceClass", "Value": "db.t3.small"} in final[0]["TagList"]
    assert "member of Aurora cluster payments-aurora" in result.output


def test_cluster_actions(rds, cli, write_policies):
    scan(cli, write_policies, """
policies:
  - name: tidy-scratch
    resource: aws.rds-cluster
    filters: [{DBClusterIdentifier: scratch-aurora}]
    actions:
      - type: modify-db-cluster
        attributes: {CopyTagsToSnapshot: true, DeletionProtection: false}
      - {type: retention, days: 7, enforce: exact}
      - snapshot
""")
    cluster = rds.describe_db_clusters(DBClusterIdentifier="scratch-aurora")["DBClusters"][0]
    assert (cluster["CopyTagsToSnapshot"], cluster["BackupRetentionPeriod"]) == (True, 7)
    snaps = rds.describe_db_cluster_snapshots(DBClusterIdentifier="scratch-aurora",
                                              SnapshotType="manual")["DBClusterSnapshots"]
    assert any(s["DBClusterSnapshotIdentifier"].startswith("backup-scratch-aurora-") for s in snaps)
    rds.modify_db_cluster(DBClusterIdentifier="payments-aurora", DeletionProtection=False)
    scan(cli, write_policies, """
policies:
  - name: delete-payments
    resource: aws.rds-cluster
    filters: [{DBClusterIdentifier: payments-aurora}]
    actions: [{type: delete, skip-snapshot: true}]
""")
    assert [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]] == ["scratch-aurora"]
    assert "payments-aurora-1" not in [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]


def test_a_protected_cluster_fails_to_delete_and_says_so(rds, cli, write_policies):
    result = cli("run", write_policies("""
policies:
  - name: delete-payments
    resource: aws.rds-cluster
    filters: [{DBClusterIdentifier: payments-aurora}]
    actions: [{type: delete, delete-instances: false}]
"""))
    assert "payments-aurora" in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]
    assert result.metadata("delete-payments")["errors"]


def test_snapshot_permissions_and_delete(rds, cli, write_policies):
    scan(cli, write_policies, """
policies:
  - name: unshare
    resource: aws.rds-snapshot
    filters: [{type: cross-account}]
    actions: [{type: set-permissions, remove: matched}]
  - name: unshare-cluster-snapshots
    resource: aws.rds-cluster-snapshot
    filters: [{type: cross-account}]
    actions: [{type: set-permissions, remove: matched, add: ["111122223333"]}]
  - name: delete-old
    resource: aws.rds-snapshot
    filters: [{type: age, days: 90}]
    actions: [delete]
""")
    attrs = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier="legacy-mysql-export")
    assert attrs["DBSnapshotAttributesResult"]["DBSnapshotAttributes"][0].get("AttributeValues", []) == []
    cattrs = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="scratch-aurora-handoff")
    assert cattrs["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"] == \
        ["111122223333"]
    left = [s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots()["DBSnapshots"]]
    assert "orders-db-before-upgrade" not in left and "legacy-mysql-export" in left


def test_automated_snapshots_are_not_deleted(rds, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.rds-snapshot
    actions: [delete]
""")
    left = rds.describe_db_snapshots()["DBSnapshots"]
    assert left and all(s["SnapshotType"] == "automated" for s in left)
    assert "automated snapshot" in result.output


def test_group_actions(rds, cli, write_policies):
    scan(cli, write_policies, """
policies:
  - name: copy-and-tune
    resource: aws.rds-param-group
    filters: [{DBParameterGroupName: legacy-mysql-params}]
    actions:
      - {type: copy, name: legacy-mysql-params-v2}
      - type: modify
        params: [{name: require_secure_transport, value: "1"}]
  - name: drop-unused-subnet-groups
    resource: aws.rds-subnet-group
    filters: [unused]
    actions: [delete]
  - name: drop-unused-param-groups
    resource: aws.rds-param-group
    filters: [unused, {DBParameterGroupName: unused-postgres-params}]
    actions: [delete]
""")
    params = rds.describe_db_parameters(DBParameterGroupName="legacy-mysql-params")["Parameters"]
    assert {p["ParameterName"]: p["ParameterValue"] for p in params}["require_secure_transport"] == "1"
    groups = [g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]]
    assert "legacy-mysql-params-v2" in groups and "unused-postgres-params" not in groups
    assert [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]] == ["orders-db-subnets"]


def test_dry_run_plans_every_action_and_writes_nothing(rds, cli, write_policies, server):
    result = dry(cli, write_policies, """
policies:
  - name: delete-dev
    resource: aws.rds
    filters: [{"tag:Environment": dev}]
    actions: [delete, {type: set-public-access}, stop]
  - name: delete-clusters
    resource: aws.rds-cluster
    actions: [{type: delete, skip-snapshot: true}]
""")
    assert server.writes() == []
    assert "delete_db_instance" in result.output and "final-legacy-mysql-" in result.output
    assert "modify_db_instance" in result.output and "stop_db_instance" in result.output
    assert "delete_db_cluster" in result.output
    assert "legacy-mysql" in [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]


def test_modify_db_rejects_properties_rds_does_not_have(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad
    resource: aws.rds
    actions:
      - type: modify-db
        update: [{property: PublicAccess, value: false}]
"""))
    assert result.exit_code != 0
    assert "PublicAccess" in result.output and "ModifyDBInstance" in result.output
