"""DynamoDB tables and ElastiCache clusters against moto, seeded with the
sandbox's demo resources: listing, filters (one resource matches, another
not), fetch by id, actions read back from moto, and dry runs with no write."""
from __future__ import annotations

import pytest

from c7n_lite.sandbox_seed import data as data_seed
from tests.service_helpers import manager, scan, served

REGION = "us-east-1"


@pytest.fixture
def seeded(server):
    data_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return server


# --- DynamoDB -----------------------------------------------------------------

def test_tables_are_described_as_listed_and_tags_read_only_when_filtered(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: provisioned
    resource: aws.dynamodb-table
    filters: [{BillingModeSummary.BillingMode: PROVISIONED}]
""", "--dryrun")
    assert result.ids("provisioned", "TableName") == ["sessions"]
    assert result.metadata("provisioned")["counts"]["evaluated"] == 3
    assert served(seeded, "DescribeTable") == 3 and served(seeded, "ListTagsOfResource") == 0
    result = scan(cli, write_policies, """
policies:
  - name: dev-tables
    resource: aws.dynamodb-table
    filters: [{"tag:Environment": dev}]
""", "--dryrun")
    assert result.ids("dev-tables", "TableName") == ["load-test-scratch"]
    assert seeded.writes() == []


def test_continuous_backup_filter(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: no-pitr
    resource: aws.dynamodb-table
    filters:
      - type: continuous-backup
        key: PointInTimeRecoveryDescription.PointInTimeRecoveryStatus
        op: ne
        value: ENABLED
""", "--dryrun")
    assert result.ids("no-pitr", "TableName") == ["load-test-scratch", "sessions"]
    assert result.resources("no-pitr")[0]["c7n:continuous-backup"]["ContinuousBackupsStatus"]


def test_a_table_whose_backups_cannot_be_read_is_an_error(seeded, cli, write_policies):
    seeded.hooks.append(lambda request: (400, '{"__type": "AccessDeniedException", "message": "no"}',
                                         "application/x-amz-json-1.0")
                        if request.operation == "DescribeContinuousBackups" else None)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: no-pitr
    resource: aws.dynamodb-table
    filters: [{type: continuous-backup, key: ContinuousBackupsStatus, value: DISABLED}]
"""))
    assert result.metadata("no-pitr")["errors"]
    assert result.all_errored("no-pitr")


def test_fetch_tables_and_clusters_by_id(seeded):
    tables = manager(seeded, "aws.dynamodb-table").get_resources(["orders", "gone-table"])
    assert [t["TableName"] for t in tables] == ["orders"] and tables[0]["TableArn"]
    clusters = manager(seeded, "aws.cache-cluster").get_resources(["queue-redis", "gone-cluster"])
    assert [c["CacheClusterId"] for c in clusters] == ["queue-redis"]


def test_table_actions(seeded, cli, write_policies, aws):
    ddb = aws("dynamodb")
    scan(cli, write_policies, """
policies:
  - name: protect
    resource: aws.dynamodb-table
    filters: [{"tag:Environment": prod}]
    actions:
      - set-continuous-backup
      - {type: update, DeletionProtectionEnabled: true}
      - {type: set-stream, state: true, stream_view_type: NEW_IMAGE}
      - {type: backup, prefix: nightly}
  - name: drop-empty
    resource: aws.dynamodb-table
    filters: [{TableSizeBytes: 0}, {"tag:Environment": dev}]
    actions: [delete]
""")
    for name in ("orders", "sessions"):
        pitr = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
        table = ddb.describe_table(TableName=name)["Table"]
        assert table["DeletionProtectionEnabled"] is True
        assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    backups = [b["BackupName"] for b in ddb.list_backups()["BackupSummaries"] if b["BackupName"].startswith("nightly-")]
    assert sorted(b.split("-")[1] for b in backups) == ["orders", "sessions"]
    assert ddb.list_tables()["TableNames"] == ["orders", "sessions"]


def test_update_takes_update_table_parameters_only(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad
    resource: aws.dynamodb-table
    actions: [{type: update, BillingMod: PAY_PER_REQUEST}]
"""))
    assert result.exit_code != 0 and "BillingMod" in result.output
    good = cli("validate", write_policies("""
policies:
  - name: on-demand
    resource: aws.dynamodb-table
    actions: [{type: update, BillingMode: PAY_PER_REQUEST}]
""", name="good.yml"))
    assert good.exit_code == 0, good.output


def test_table_dry_run_plans_and_writes_nothing(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: everything
    resource: aws.dynamodb-table
    actions: [delete, set-continuous-backup, {type: update, BillingMode: PAY_PER_REQUEST}]
""", "--dryrun")
    assert seeded.writes() == []
    for op in ("delete_table", "update_continuous_backups", "update_table"):
        assert op in result.output


# --- ElastiCache ----------------------------------------------------------------

def test_cache_cluster_filters_and_tags(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: no-backups
    resource: aws.cache-cluster
    filters: [{Engine: redis}, {SnapshotRetentionLimit: 0}]
  - name: prod-caches
    resource: cache-cluster
    filters: [{"tag:Environment": prod}]
""", "--dryrun")
    assert result.ids("no-backups", "CacheClusterId") == ["queue-redis"]
    assert result.ids("prod-caches", "CacheClusterId") == ["pages-memcached", "sessions-redis"]


def test_cache_cluster_snapshot_and_delete(seeded, cli, write_policies, aws):
    cache = aws("elasticache")
    result = scan(cli, write_policies, """
policies:
  - name: snapshot-all
    resource: aws.cache-cluster
    actions: [snapshot]
  - name: delete-dev
    resource: aws.cache-cluster
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    snaps = {s["SnapshotName"] for s in cache.describe_snapshots()["Snapshots"]}
    assert any(s.startswith("backup-sessions-redis-") for s in snaps)
    assert not any("pages-memcached" in s for s in snaps)
    assert "memcached clusters have no snapshots" in result.output
    status = {c["CacheClusterId"]: c["CacheClusterStatus"] for c in cache.describe_cache_clusters()["CacheClusters"]}
    assert status == {"queue-redis": "deleting", "sessions-redis": "available", "pages-memcached": "available"}


def test_cache_cluster_delete_plans_a_final_snapshot_for_redis_only(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.cache-cluster
    actions: [delete]
""", "--dryrun")
    assert seeded.writes() == []
    assert "final-queue-redis-" in result.output and "final-pages-memcached" not in result.output


def test_backup_and_export_filters(seeded, cli, write_policies, aws):
    ddb = aws("dynamodb")
    ddb.create_backup(TableName="orders", BackupName="orders-manual")
    aws("s3").create_bucket(Bucket="table-exports")
    arn = ddb.describe_table(TableName="orders")["Table"]["TableArn"]
    ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="table-exports", S3Prefix="orders/",
                                      ExportFormat="DYNAMODB_JSON")
    seeded.reset_log()
    result = scan(cli, write_policies, """
policies:
  - name: backed-up-today
    resource: aws.dynamodb-table
    filters: [{type: consecutive-backups, count: 1, period: days, backuptype: USER, status: AVAILABLE}]
  - name: a-week-of-backups
    resource: aws.dynamodb-table
    filters: [{type: consecutive-backups, count: 7}]
  - name: exported-as-dynamodb-json
    resource: aws.dynamodb-table
    filters: [{type: export-description, key: ExportFormat, value: DYNAMODB_JSON}]
""", "--dryrun")
    assert result.ids("backed-up-today", "TableName") == ["load-test-scratch", "orders"]
    assert result.resources("a-week-of-backups") == []
    assert result.ids("exported-as-dynamodb-json", "TableName") == ["orders"]
    assert result.resources("exported-as-dynamodb-json")[0]["c7n:ExportDescriptions"][0]["S3Bucket"] == \
        "table-exports"


def test_import_summary_fails_loudly_where_imports_cannot_be_listed(seeded, cli, write_policies):
    # moto does not serve ListImports: the policy errors, it does not pass every table.
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: failed-imports
    resource: aws.dynamodb-table
    filters: [{type: import-summary, key: ImportStatus, value: FAILED}]
"""))
    assert result.metadata("failed-imports")["errors"]
    assert result.all_errored("failed-imports")


def test_dynamodb_backups_listed_and_deleted(seeded, cli, write_policies, aws):
    ddb = aws("dynamodb")
    ddb.create_backup(TableName="sessions", BackupName="sessions-weekly")
    scan(cli, write_policies, """
policies:
  - name: drop-session-backups
    resource: aws.dynamodb-backup
    filters: [{TableName: sessions}]
    actions: [delete]
""")
    assert sorted(b["BackupName"] for b in ddb.list_backups()["BackupSummaries"]) == [
        "load-test-scratch-run-7", "orders-before-migration"]


def test_cache_snapshots(seeded, cli, write_policies, aws):
    # moto's snapshots carry no NodeSnapshots, so no creation time: `age`
    # matches none of them (a snapshot of unknown age is never "old").
    cache = aws("elasticache")
    cache.create_snapshot(CacheClusterId="sessions-redis", SnapshotName="sessions-manual")
    cache.create_snapshot(CacheClusterId="queue-redis", SnapshotName="queue-manual")
    result = scan(cli, write_policies, """
policies:
  - name: old
    resource: aws.cache-snapshot
    filters: [{type: age, days: 30, op: ge}]
  - name: tag-from-cluster
    resource: cache-snapshot
    filters: [{SnapshotName: sessions-manual}]
    actions: [{type: copy-cluster-tags, tags: [Environment, Missing]}]
  - name: drop-queue-snapshots
    resource: aws.cache-snapshot
    filters: [{CacheClusterId: queue-redis}]
    actions: [delete]
""")
    assert result.resources("old") == []
    arn = "arn:aws:elasticache:us-east-1:123456789012:snapshot:sessions-manual"
    assert cache.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "Environment", "Value": "prod"}]
    assert sorted(s["SnapshotName"] for s in cache.describe_snapshots()["Snapshots"]) == [
        "sessions-manual", "sessions-redis-before-upgrade"]


def test_cache_snapshot_age_reads_the_first_node_snapshot():
    import datetime

    from c7n_lite.filters.elasticache import CacheSnapshotAge
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    snapshot = {"NodeSnapshots": [{"SnapshotCreateTime": old + datetime.timedelta(days=1)},
                                  {"SnapshotCreateTime": old}]}
    assert CacheSnapshotAge.resource_date(None, snapshot) == old
    assert CacheSnapshotAge.resource_date(None, {"NodeSnapshots": []}) is None
