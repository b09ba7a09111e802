"""Redshift demo clusters and snapshots: exposed, unencrypted and compliant ones,
and an old manual snapshot (back-dated in moto's model)."""
from __future__ import annotations

import datetime

import boto3

ACCOUNT = "123456789012"


def _cluster(rs, name: str, public: bool, encrypted: bool, env: str) -> None:
    rs.create_cluster(ClusterIdentifier=name, NodeType="dc2.large", ClusterType="single-node",
                      MasterUsername="admin", MasterUserPassword="Passw0rd1",
                      PubliclyAccessible=public, Encrypted=encrypted,
                      Tags=[{"Key": "Environment", "Value": env},
                            {"Key": "Owner", "Value": "data-platform"}])


def seed(endpoint: str, region: str) -> None:
    rs = boto3.client("redshift", region_name=region, endpoint_url=endpoint)
    _cluster(rs, "analytics-prod", public=False, encrypted=True, env="prod")
    _cluster(rs, "marketing-bi", public=True, encrypted=True, env="prod")
    _cluster(rs, "finance-dw", public=False, encrypted=False, env="prod")
    _cluster(rs, "scratch-dev", public=True, encrypted=False, env="dev")
    _cluster(rs, "archive-2019", public=False, encrypted=True, env="prod")
    rs.pause_cluster(ClusterIdentifier="archive-2019")  # not "available"
    rs.create_cluster_snapshot(SnapshotIdentifier="finance-dw-before-migration",
                               ClusterIdentifier="finance-dw")
    rs.create_cluster_snapshot(SnapshotIdentifier="analytics-prod-weekly",
                               ClusterIdentifier="analytics-prod")
    _backdate_snapshot(region, "finance-dw-before-migration", days=200)


def _backdate_snapshot(region: str, snapshot_id: str, days: int) -> None:
    """moto stamps snapshots "now" and the API cannot change it: set the model's
    field (the sandbox's moto runs in this process)."""
    from moto.redshift.models import redshift_backends
    snapshot = redshift_backends[ACCOUNT][region].snapshots[snapshot_id]
    snapshot.create_time = snapshot.create_time - datetime.timedelta(days=days)
