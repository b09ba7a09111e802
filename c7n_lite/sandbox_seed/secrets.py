"""Secrets Manager demo secrets: a rotated one under a customer key, and a
never-rotated one that another account may read."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
PARTNER = "210987654321"


def _rotating(region: str, name: str, days: int) -> None:
    """moto rotates only through a Lambda it can run: turn rotation on in its
    model instead (the sandbox's moto runs in this process)."""
    from moto.secretsmanager.models import secretsmanager_backends
    secret = secretsmanager_backends[ACCOUNT][region].secrets[name]
    secret.rotation_requested = secret.rotation_enabled = True
    secret.rotation_lambda_arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:rotate-db-password"
    secret.auto_rotate_after_days = days


def seed(endpoint: str, region: str) -> None:
    sm = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    sm.create_secret(Name="prod/orders/db-password", SecretString="s3cret-orders", KmsKeyId="alias/orders-secrets",
                     Tags=[{"Key": "Environment", "Value": "prod"}])
    _rotating(region, "prod/orders/db-password", days=30)
    arn = sm.create_secret(Name="legacy/partner-api-key", SecretString="k-123",
                           Tags=[{"Key": "Environment", "Value": "dev"}])["ARN"]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PartnerReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
