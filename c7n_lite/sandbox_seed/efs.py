"""EFS demo file systems: an encrypted one with lifecycle rules and a policy
that requires TLS, and an unencrypted one shared with another account."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
PARTNER = "210987654321"


def seed(endpoint: str, region: str) -> None:
    efs = boto3.client("efs", region_name=region, endpoint_url=endpoint)
    home = efs.create_file_system(CreationToken="home-dirs", Encrypted=True, PerformanceMode="generalPurpose",
                                  Tags=[{"Key": "Name", "Value": "home-dirs"},
                                        {"Key": "Environment", "Value": "prod"}])["FileSystemId"]
    efs.put_lifecycle_configuration(FileSystemId=home, LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}])
    efs.put_file_system_policy(FileSystemId=home, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
         "Resource": f"arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/{home}",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    shared = efs.create_file_system(CreationToken="build-cache", Encrypted=False,
                                    Tags=[{"Key": "Name", "Value": "build-cache"},
                                          {"Key": "Environment", "Value": "dev"}])["FileSystemId"]
    efs.put_file_system_policy(FileSystemId=shared, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "OwnAccountMounts", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "elasticfilesystem:ClientMount",
         "Resource": f"arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/{shared}"},
        {"Sid": "PartnerMounts", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"],
         "Resource": f"arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/{shared}"}]}))
