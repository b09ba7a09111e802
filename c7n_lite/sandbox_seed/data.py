"""DynamoDB and ElastiCache demo resources: tables with and without
point-in-time recovery, an empty table, on-demand backups, Redis and
Memcached clusters (one without automatic backups) and Redis snapshots."""
from __future__ import annotations

import boto3


def _table(ddb, name: str, env: str, pitr: bool, billing: str = "PAY_PER_REQUEST",
           protected: bool = False) -> None:
    extra = {"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}} \
        if billing == "PROVISIONED" else {}
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode=billing, Tags=[{"Key": "Environment", "Value": env}],
                     DeletionProtectionEnabled=protected, **extra)
    if pitr:
        ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})


def seed(endpoint: str, region: str) -> None:
    ddb = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint)
    _table(ddb, "orders", "prod", pitr=True, protected=True)
    _table(ddb, "sessions", "prod", pitr=False, billing="PROVISIONED")
    _table(ddb, "load-test-scratch", "dev", pitr=False)
    ddb.put_item(TableName="orders", Item={"id": {"S": "order-1"}})
    ddb.put_item(TableName="sessions", Item={"id": {"S": "session-1"}})
    ddb.create_backup(TableName="orders", BackupName="orders-before-migration")
    ddb.create_backup(TableName="load-test-scratch", BackupName="load-test-scratch-run-7")
    cache = boto3.client("elasticache", region_name=region, endpoint_url=endpoint)
    cache.create_cache_cluster(CacheClusterId="sessions-redis", Engine="redis", CacheNodeType="cache.t3.micro",
                               NumCacheNodes=1, SnapshotRetentionLimit=7,
                               Tags=[{"Key": "Environment", "Value": "prod"}])
    cache.create_cache_cluster(CacheClusterId="queue-redis", Engine="redis", CacheNodeType="cache.t3.micro",
                               NumCacheNodes=1, SnapshotRetentionLimit=0, AutoMinorVersionUpgrade=False,
                               Tags=[{"Key": "Environment", "Value": "dev"}])
    cache.create_cache_cluster(CacheClusterId="pages-memcached", Engine="memcached",
                               CacheNodeType="cache.t3.micro", NumCacheNodes=2,
                               Tags=[{"Key": "Environment", "Value": "prod"}])
    for cluster in ("sessions-redis", "queue-redis"):
        cache.create_snapshot(CacheClusterId=cluster, SnapshotName=f"{cluster}-before-upgrade")
