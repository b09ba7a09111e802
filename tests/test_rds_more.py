"""RDS proxies, event subscriptions and copying snapshots to another region,
against moto seeded with the sandbox's RDS demo account."""
from __future__ import annotations

import pytest

from c7n_lite.sandbox_seed import rds as rds_seed
from tests.service_helpers import scan

REGION = "us-east-1"


@pytest.fixture
def rds(server, aws):
    # The seed makes two proxies (with and without TLS) and two event
    # subscriptions (to an encrypted and an unencrypted topic).
    rds_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return aws("rds")


def test_proxies(rds, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: no-tls
    resource: aws.rds-proxy
    filters: [{RequireTLS: false}]
    actions: [delete]
""")
    assert result.ids("no-tls", "DBProxyName") == ["legacy-mysql-proxy"]
    assert [p["DBProxyName"] for p in rds.describe_db_proxies()["DBProxies"]] == ["orders-proxy"]


def test_event_subscriptions_and_their_topics(rds, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: unencrypted-topic
    resource: aws.rds-subscription
    filters:
      - type: topic
        key: KmsMasterKeyId
        value: absent
    actions: [delete]
""")
    # (moto counts no confirmed subscriptions, so SubscriptionsConfirmed is 0 on every topic.)
    assert result.ids("unencrypted-topic", "CustSubscriptionId") == ["old-test-events"]
    assert [s["CustSubscriptionId"] for s in rds.describe_event_subscriptions()["EventSubscriptionsList"]] == \
        ["db-failures"]


def test_region_copy(rds, cli, write_policies, aws, server):
    result = scan(cli, write_policies, """
policies:
  - name: copy-west
    resource: aws.rds-snapshot
    filters: [{DBSnapshotIdentifier: legacy-mysql-export}]
    actions:
      - {type: region-copy, target_region: us-west-2, copy_tags: true, tags: {OriginRegion: us-east-1}}
""", "--dryrun")
    assert server.writes() == [] and "copy_db_snapshot" in result.output
    scan(cli, write_policies, """
policies:
  - name: copy-west
    resource: aws.rds-snapshot
    filters: [{DBSnapshotIdentifier: legacy-mysql-export}]
    actions:
      - {type: region-copy, target_region: us-west-2, copy_tags: true, tags: {OriginRegion: us-east-1}}
""")
    west = aws("rds", region="us-west-2").describe_db_snapshots()["DBSnapshots"]
    assert [s["DBSnapshotIdentifier"] for s in west] == ["legacy-mysql-export"]
    assert {"Key": "OriginRegion", "Value": "us-east-1"} in west[0]["TagList"]
    assert [s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
            if s["DBSnapshotIdentifier"] == "legacy-mysql-export"] == ["legacy-mysql-export"]
