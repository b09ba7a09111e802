"""The AWS Security Finding Format (ASFF) shape of one (policy, resource)
finding, shared by the `post-finding` action and `c7n-lite report --format
asff`, so both name a finding alike: its `Id` is stable per policy and
resource ARN, and a later import of either updates the same finding.

Stdlib only (the Lambda path imports it).
"""
from __future__ import annotations

import hashlib
from typing import Any

SCHEMA_VERSION = "2018-10-08"
ASFF_TYPES = {"aws.ec2": "AwsEc2Instance", "aws.ebs": "AwsEc2Volume", "aws.security-group": "AwsEc2SecurityGroup",
              "aws.s3": "AwsS3Bucket", "aws.sns": "AwsSnsTopic", "aws.redshift": "AwsRedshiftCluster",
              "aws.ami": "AwsEc2Image", "aws.iam-role": "AwsIamRole", "aws.iam-user": "AwsIamUser",
              "aws.lambda": "AwsLambdaFunction", "aws.rds": "AwsRdsDbInstance", "aws.kms-key": "AwsKmsKey",
              "aws.sqs": "AwsSqsQueue", "aws.dynamodb-table": "AwsDynamoDbTable"}
SEVERITY_LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
COMPLIANCE_STATUSES = ["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"]
# Limits Security Hub sets on a finding's text.
TITLE_MAX, DESCRIPTION_MAX, DETAIL_MAX, DETAILS_MAX = 256, 1024, 1024, 50


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def finding_id(policy: str, arn: str, region: str, account: str) -> str:
    stable = hashlib.sha256(f"{policy}|{arn}".encode()).hexdigest()[:32]
    return f"{region}/{account}/{stable}"


def details_of(resource: dict, resource_type: str, policy: str) -> dict[str, str]:
    """The resource's scalar fields as `Details.Other` (Security Hub keeps 50, of 1024 characters)."""
    details = {"c7n:resource-type": resource_type, "c7n:policy": policy}
    details.update({k: str(v)[:DETAIL_MAX] for k, v in resource.items()
                    if isinstance(v, (str, int, float, bool)) and not k.startswith("c7n:")})
    return dict(list(details.items())[:DETAILS_MAX])


def shape(*, policy: str, resource_type: str, arn: str, account: str, region: str, now: str,
          types: list[str], severity_label: str, title: str, description: str, record_state: str = "ACTIVE",
          details: dict[str, str] | None = None, product_fields: dict[str, str] | None = None,
          compliance_status: str | None = None, remediation: str | None = None,
          remediation_url: str | None = None, extra: dict[str, Any] | None = None) -> dict:
    """One finding, ready for `securityhub batch-import-findings`."""
    partition = partition_of(region)
    resource: dict = {"Type": ASFF_TYPES.get(resource_type, "Other"), "Id": arn, "Partition": partition,
                      "Region": region}
    if details:
        resource["Details"] = {"Other": details}
    found: dict = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(policy, arn, region, account),
        "ProductArn": f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default",
        "GeneratorId": f"c7n-lite:{policy}",
        "AwsAccountId": account,
        "Types": list(types),
        "CreatedAt": now, "UpdatedAt": now,
        "Severity": {"Label": severity_label},
        "Title": title[:TITLE_MAX],
        "Description": description[:DESCRIPTION_MAX],
        "RecordState": record_state,
        "Resources": [resource],
        "ProductFields": {"resource": resource_type, "policy": policy, **(product_fields or {})},
    }
    if compliance_status:
        found["Compliance"] = {"Status": compliance_status}
    if remediation:
        found["Remediation"] = {"Recommendation": {
            "Text": remediation[:512], **({"Url": remediation_url} if remediation_url else {})}}
    found.update(extra or {})
    return found
