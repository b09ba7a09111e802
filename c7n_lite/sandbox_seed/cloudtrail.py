"""Demo audit logging: a well configured multi-region trail that is stopped (and
logs no S3 data events; its bucket's access is logged, see sandbox_seed.s3),
a legacy single-region trail without log validation or KMS, into a bucket
whose access nobody logs, a stopped AWS
Config recorder, the trail's log group (with a CIS metric filter and alarm,
but no confirmed SNS subscription) and a debug log group kept forever."""
from __future__ import annotations

import boto3

ACCOUNT = "123456789012"
AUDIT_GROUP = "aws-cloudtrail-logs-demo"
UNAUTHORIZED_PATTERN = ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
                        '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }')


def seed(endpoint: str, region: str) -> None:
    def client(service: str):
        return boto3.client(service, region_name=region, endpoint_url=endpoint)
    bucket = f"demo-cloudtrail-logs-{region}"
    legacy_bucket = f"demo-legacy-trail-logs-{region}"
    s3 = client("s3")
    for name in (bucket, legacy_bucket):
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True))
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    logs = client("logs")
    logs.create_log_group(logGroupName=AUDIT_GROUP, tags={"Owner": "security"})
    logs.put_retention_policy(logGroupName=AUDIT_GROUP, retentionInDays=365)
    logs.create_log_group(logGroupName="/app/debug", tags={"Owner": "app-team"})
    group_arn = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{AUDIT_GROUP}:*"
    logs.put_metric_filter(logGroupName=AUDIT_GROUP, filterName="unauthorized-api-calls",
                           filterPattern=UNAUTHORIZED_PATTERN, metricTransformations=[{
                               "metricName": "UnauthorizedAPICalls", "metricNamespace": "CISBenchmark",
                               "metricValue": "1"}])
    topic = client("sns").create_topic(Name="security-alarms")["TopicArn"]
    client("cloudwatch").put_metric_alarm(
        AlarmName="unauthorized-api-calls", MetricName="UnauthorizedAPICalls", Namespace="CISBenchmark",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])

    key = client("kms").create_key(Description="CloudTrail log encryption")["KeyMetadata"]["Arn"]
    client("kms").enable_key_rotation(KeyId=key)
    trail = client("cloudtrail")
    trail.create_trail(Name="org-audit", S3BucketName=bucket, IsMultiRegionTrail=True,
                       IncludeGlobalServiceEvents=True, EnableLogFileValidation=True, KmsKeyId=key,
                       CloudWatchLogsLogGroupArn=group_arn,
                       CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs")
    trail.put_event_selectors(TrailName="org-audit", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}])
    # Stopped during a migration and never restarted: the account has no trail logging.
    trail.create_trail(Name="legacy-app-trail", S3BucketName=legacy_bucket, IsMultiRegionTrail=False)

    config = client("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
