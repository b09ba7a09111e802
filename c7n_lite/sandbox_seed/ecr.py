"""ECR demo repositories, for policies/ecr.yml and policies/compliance/ecr.yml.

- web-app: mutable tags, no scan on push, no lifecycle policy, pullable by a
  partner account;
- base-images: immutable tags, scan on push, a lifecycle rule expiring
  untagged images, no repository policy.
"""
from __future__ import annotations

import json

import boto3

PARTNER = "210987654321"
EXPIRE_UNTAGGED = {"rules": [{"rulePriority": 1, "description": "expire untagged",
                              "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                            "countUnit": "days", "countNumber": 14},
                              "action": {"type": "expire"}}]}


def pull_policy(principal: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "partner-pull", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{principal}:root"},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})


def seed(endpoint: str, region: str) -> None:
    ecr = boto3.client("ecr", region_name=region, endpoint_url=endpoint)
    ecr.create_repository(repositoryName="web-app", imageTagMutability="MUTABLE",
                          imageScanningConfiguration={"scanOnPush": False},
                          tags=[{"Key": "Team", "Value": "web"}])
    ecr.set_repository_policy(repositoryName="web-app", policyText=pull_policy(PARTNER))
    ecr.create_repository(repositoryName="base-images", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True},
                          tags=[{"Key": "Team", "Value": "platform"}])
    ecr.put_lifecycle_policy(repositoryName="base-images", lifecyclePolicyText=json.dumps(EXPIRE_UNTAGGED))
