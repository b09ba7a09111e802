"""Parameters of the AWS update calls that actions pass through (modify-db,
modify-db-cluster, DynamoDB update, update-domain-config), as botocore's
model lists them.  Kept as data: validation must not import botocore
(tests/test_update_shapes.py checks each name against the model)."""
from __future__ import annotations

# rds ModifyDBInstance
MODIFY_DB_INSTANCE = frozenset((
    "AdditionalStorageVolumes", "AllocatedStorage", "AllowMajorVersionUpgrade", "AutoMinorVersionUpgrade",
    "AutomationMode", "AwsBackupRecoveryPointArn", "BackupRetentionPeriod", "CACertificateIdentifier",
    "CertificateRotationRestart", "CloudwatchLogsExportConfiguration", "CopyTagsToSnapshot",
    "DBCapacityReservationIdentifier", "DBInstanceClass", "DBParameterGroupName", "DBPortNumber",
    "DBSecurityGroups", "DBSubnetGroupName", "DatabaseInsightsMode", "DedicatedLogVolume",
    "DeletionProtection", "DisableDomain", "Domain", "DomainAuthSecretArn", "DomainDnsIps", "DomainFqdn",
    "DomainIAMRoleName", "DomainOu", "EnableCustomerOwnedIp", "EnableIAMDatabaseAuthentication",
    "EnablePerformanceInsights", "Engine", "EngineLifecycleSupport", "EngineVersion", "Iops",
    "LicenseModel", "ManageMasterUserPassword", "MasterUserAuthenticationType", "MasterUserPassword",
    "MasterUserSecretKmsKeyId", "MaxAllocatedStorage", "MonitoringInterval", "MonitoringRoleArn", "MultiAZ",
    "MultiTenant", "NetworkType", "NewDBInstanceIdentifier", "OptionGroupName",
    "PerformanceInsightsKMSKeyId", "PerformanceInsightsRetentionPeriod", "PreferredBackupWindow",
    "PreferredMaintenanceWindow", "ProcessorFeatures", "PromotionTier", "PubliclyAccessible", "ReplicaMode",
    "ResumeFullAutomationModeMinutes", "RotateMasterUserPassword", "StorageThroughput", "StorageType",
    "TagSpecifications", "TdeCredentialArn", "TdeCredentialPassword", "UseDefaultProcessorFeatures",
    "VpcSecurityGroupIds",
))

# rds ModifyDBCluster
MODIFY_DB_CLUSTER = frozenset((
    "AllocatedStorage", "AllowEngineModeChange", "AllowMajorVersionUpgrade", "ApplyImmediately",
    "AutoMinorVersionUpgrade", "AwsBackupRecoveryPointArn", "BacktrackWindow", "BackupRetentionPeriod",
    "CACertificateIdentifier", "CloudwatchLogsExportConfiguration", "CopyTagsToSnapshot",
    "DBClusterInstanceClass", "DBClusterParameterGroupName", "DBInstanceParameterGroupName",
    "DBSubnetGroupName", "DatabaseInsightsMode", "DeletionProtection", "Domain", "DomainIAMRoleName",
    "EnableGlobalWriteForwarding", "EnableHttpEndpoint", "EnableIAMDatabaseAuthentication",
    "EnableInternetAccessGateway", "EnableLimitlessDatabase", "EnableLocalWriteForwarding",
    "EnablePerformanceInsights", "EnableVPCNetworking", "EngineLifecycleSupport", "EngineMode",
    "EngineVersion", "Iops", "ManageMasterUserPassword", "MasterUserAuthenticationType",
    "MasterUserPassword", "MasterUserSecretKmsKeyId", "MonitoringInterval", "MonitoringRoleArn",
    "NetworkType", "NewDBClusterIdentifier", "OptionGroupName", "PerformanceInsightsKMSKeyId",
    "PerformanceInsightsRetentionPeriod", "Port", "PreferredBackupWindow", "PreferredMaintenanceWindow",
    "RotateMasterUserPassword", "ScalingConfiguration", "ServerlessV2ScalingConfiguration", "StorageType",
    "VpcSecurityGroupIds",
))

# dynamodb UpdateTable
DYNAMODB_UPDATE_TABLE = frozenset((
    "AttributeDefinitions", "BillingMode", "DeletionProtectionEnabled", "DisassociationProtectionEnabled",
    "GlobalSecondaryIndexUpdates", "GlobalTableSettingsReplicationMode", "GlobalTableWitnessUpdates",
    "MultiRegionConsistency", "OnDemandThroughput", "ProvisionedThroughput", "ReplicaUpdates",
    "SSESpecification", "StreamSpecification", "TableClass", "VectorIndexUpdates", "WarmThroughput",
))

# es UpdateElasticsearchDomainConfig
ES_UPDATE_DOMAIN_CONFIG = frozenset((
    "AccessPolicies", "AdvancedOptions", "AdvancedSecurityOptions", "AutoTuneOptions",
    "AutomatedSnapshotPauseOptions", "CognitoOptions", "DeploymentStrategyOptions", "DomainEndpointOptions",
    "EBSOptions", "ElasticsearchClusterConfig", "EncryptionAtRestOptions", "EngineMode",
    "LogPublishingOptions", "NodeToNodeEncryptionOptions", "SnapshotOptions", "UseCase", "VPCOptions",
))
