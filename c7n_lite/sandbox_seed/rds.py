"""RDS demo account: a private encrypted Multi-AZ database (IAM authentication,
minor version upgrades) and a public unencrypted single-zone one with its own
parameter group, two Aurora clusters (one protected, encrypted and Multi-AZ, one not),
snapshots old, new and shared, subnet and parameter groups nothing uses, a
proxy with TLS and one without, and event subscriptions to an encrypted and
an unencrypted topic."""
from __future__ import annotations

import datetime

import boto3

ACCOUNT = "123456789012"
PARTNER = "210987654321"


def _network(ec2, rds) -> list[str]:
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{n}.0/24",
                                 AvailabilityZone=f"{ec2.meta.region_name}{az}")["Subnet"]["SubnetId"]
               for n, az in ((1, "a"), (2, "b"))]
    for name, description in (("orders-db-subnets", "orders database"),
                              ("retired-app-subnets", "subnets of a retired app")):
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=description,
                                   SubnetIds=subnets, Tags=[{"Key": "Owner", "Value": "data-platform"}])
    return subnets


def _proxies_and_subscriptions(rds, sns, subnets: list[str], region: str) -> None:
    for name, tls in (("orders-proxy", True), ("legacy-mysql-proxy", False)):
        rds.create_db_proxy(DBProxyName=name, EngineFamily="MYSQL" if "mysql" in name else "POSTGRESQL",
                            RequireTLS=tls, VpcSubnetIds=subnets, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/rds-proxy",
                            Auth=[{"AuthScheme": "SECRETS",
                                   "SecretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}"}])
    oncall = sns.create_topic(Name="rds-events-oncall", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    old = sns.create_topic(Name="rds-events-old-test")["TopicArn"]
    rds.create_event_subscription(SubscriptionName="db-failures", SnsTopicArn=oncall, SourceType="db-instance")
    rds.create_event_subscription(SubscriptionName="old-test-events", SnsTopicArn=old, SourceType="db-instance")


def _instances(rds) -> None:
    rds.create_db_parameter_group(DBParameterGroupName="legacy-mysql-params", DBParameterGroupFamily="mysql8.0",
                                  Description="legacy app settings")
    rds.modify_db_parameter_group(DBParameterGroupName="legacy-mysql-params", Parameters=[
        {"ParameterName": "require_secure_transport", "ParameterValue": "0", "ApplyMethod": "immediate"},
        {"ParameterName": "character_set_server", "ParameterValue": "latin1", "ApplyMethod": "immediate"}])
    rds.create_db_parameter_group(DBParameterGroupName="unused-postgres-params",
                                  DBParameterGroupFamily="postgres16", Description="left over from a test")
    rds.create_option_group(OptionGroupName="legacy-mysql-options", EngineName="mysql", MajorEngineVersion="8.0",
                            OptionGroupDescription="legacy app options")
    common = {"AllocatedStorage": 20, "MasterUsername": "admin", "MasterUserPassword": "Passw0rd1!"}
    rds.create_db_instance(DBInstanceIdentifier="orders-db", Engine="postgres", EngineVersion="16.3",
                           DBInstanceClass="db.t3.medium", StorageEncrypted=True, PubliclyAccessible=False,
                           BackupRetentionPeriod=7, DBSubnetGroupName="orders-db-subnets", MultiAZ=True,
                           DeletionProtection=True, CopyTagsToSnapshot=True, EnableIAMDatabaseAuthentication=True,
                           Tags=[{"Key": "Environment", "Value": "prod"}, {"Key": "Owner", "Value": "orders"}],
                           **common)
    rds.create_db_instance(DBInstanceIdentifier="legacy-mysql", Engine="mysql", EngineVersion="8.0.35",
                           DBInstanceClass="db.t3.small", StorageEncrypted=False, PubliclyAccessible=True,
                           BackupRetentionPeriod=1, DBParameterGroupName="legacy-mysql-params",
                           AutoMinorVersionUpgrade=False,
                           OptionGroupName="legacy-mysql-options",
                           Tags=[{"Key": "Environment", "Value": "dev"}], **common)


def _clusters(rds) -> None:
    rds.create_db_cluster(DBClusterIdentifier="payments-aurora", Engine="aurora-postgresql",
                          EngineVersion="16.1", MasterUsername="admin", MasterUserPassword="Passw0rd1!",
                          StorageEncrypted=True, DeletionProtection=True, BackupRetentionPeriod=14,
                          CopyTagsToSnapshot=True, EnableIAMDatabaseAuthentication=True,
                          Tags=[{"Key": "Environment", "Value": "prod"}])
    # Two members in two zones: the cluster is Multi-AZ.
    for n, az in ((1, "a"), (2, "b")):
        rds.create_db_instance(DBInstanceIdentifier=f"payments-aurora-{n}", DBClusterIdentifier="payments-aurora",
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
                               AvailabilityZone=f"{rds.meta.region_name}{az}")
    rds.create_db_cluster(DBClusterIdentifier="scratch-aurora", Engine="aurora-mysql",
                          EngineVersion="8.0.mysql_aurora.3.05.2", MasterUsername="admin",
                          MasterUserPassword="Passw0rd1!", StorageEncrypted=False, BackupRetentionPeriod=1,
                          Tags=[{"Key": "Environment", "Value": "dev"}])


def _snapshots(rds, region: str) -> None:
    rds.create_db_snapshot(DBSnapshotIdentifier="orders-db-before-upgrade", DBInstanceIdentifier="orders-db")
    rds.create_db_snapshot(DBSnapshotIdentifier="legacy-mysql-export", DBInstanceIdentifier="legacy-mysql")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="legacy-mysql-export", AttributeName="restore",
                                     ValuesToAdd=["all"])
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="payments-aurora-weekly",
                                   DBClusterIdentifier="payments-aurora")
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="scratch-aurora-handoff",
                                   DBClusterIdentifier="scratch-aurora")
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="scratch-aurora-handoff",
                                             AttributeName="restore", ValuesToAdd=[PARTNER])
    _backdate(region, "orders-db-before-upgrade", days=400)


def _backdate(region: str, snapshot_id: str, days: int) -> None:
    """moto stamps snapshots "now" and the API cannot change it: set the model's
    field (the sandbox's moto runs in this process)."""
    from moto.rds.models import rds_backends
    snapshot = rds_backends[ACCOUNT][region].database_snapshots[snapshot_id]
    snapshot.created = snapshot.created - datetime.timedelta(days=days)


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    rds = boto3.client("rds", region_name=region, endpoint_url=endpoint)
    subnets = _network(ec2, rds)
    _proxies_and_subscriptions(rds, boto3.client("sns", region_name=region, endpoint_url=endpoint), subnets, region)
    _instances(rds)
    _clusters(rds)
    _snapshots(rds, region)
