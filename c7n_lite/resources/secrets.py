"""Secrets Manager secrets (tags, KMS key and rotation settings come with the
listing; the resource policy is read per secret when a filter reads it)."""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging

POLICY = "ResourcePolicy"


def _policy(client: Any, secret: dict) -> dict:
    # A secret without a policy answers without the ResourcePolicy field.
    return {POLICY: client.get_resource_policy(SecretId=secret["ARN"]).get("ResourcePolicy")}


@resources.register("aws.secrets-manager")
class Secret(ResourceType):
    """Secrets Manager secrets, by ARN.  `RotationEnabled`, `LastRotatedDate`,
    `LastAccessedDate` and `KmsKeyId` come with the listing; the resource policy
    (`ResourcePolicy`, None when there is none) is read per secret when read."""

    service = "secretsmanager"
    enum_op = "list_secrets"
    enum_path = "SecretList"
    id = "ARN"
    name = "Name"
    arn_key = "ARN"
    date = "CreatedDate"
    taggable = True
    tagging = Tagging("calls", "secretsmanager", "tag_resource", "untag_resource", "SecretId",
                      permissions=("secretsmanager:TagResource", "secretsmanager:UntagResource"))
    kms_key_expr = "KmsKeyId"
    policy_key = POLICY
    fetch_op = "describe_secret"
    fetch_param = "SecretId"
    fetch_single = True
    fetch_path = "@"
    fetch_gone = ("ResourceNotFoundException",)
    details = {"policy": Detail((POLICY,), _policy, ("secretsmanager:GetResourcePolicy",))}
    report_fields = ("Name", "RotationEnabled", "LastRotatedDate", "LastAccessedDate", "KmsKeyId")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        resource = {k: v for k, v in resource.items() if k != "ResponseMetadata"}
        # Untagged secrets are listed without a Tags field: they have none.
        resource.setdefault("Tags", [])
        return resource
