"""KMS keys and aliases."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import ANY_KEY, Detail, ResourceType, Tagging

KEY_GONE = ("NotFoundException",)


def _describe(client: Any, key: dict) -> dict:
    """describe_key's metadata (KeyManager, KeyState, KeySpec, …) as top-level fields."""
    return client.describe_key(KeyId=key["KeyId"])["KeyMetadata"]


def _rotation(client: Any, key: dict) -> dict:
    try:
        found = client.get_key_rotation_status(KeyId=key["KeyId"])
    except Exception as exc:  # noqa: BLE001
        # Asymmetric, HMAC and imported-material keys cannot rotate: rotation is off.
        if error_code(exc) == "UnsupportedOperationException":
            return {"c7n:rotation": {"KeyRotationEnabled": False, "RotationSupported": False}}
        raise
    found.pop("ResponseMetadata", None)
    return {"c7n:rotation": found}


def _policy(client: Any, key: dict) -> dict:
    return {"Policy": client.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]}


def _tags(client: Any, key: dict) -> dict:
    tags = []
    for page in client.get_paginator("list_resource_tags").paginate(KeyId=key["KeyId"]):
        tags.extend({"Key": t["TagKey"], "Value": t["TagValue"]} for t in page.get("Tags", ()))
    return {"Tags": tags}


@resources.register("aws.kms-key")
class KmsKey(ResourceType):
    """KMS keys, customer and AWS managed.  The listing gives the id and ARN;
    the key's metadata (`KeyManager`, `KeyState`, `KeySpec`, …, any other
    field a filter reads), its rotation status (`key-rotation-status`), key
    policy (`cross-account`) and tags are each read per key when needed.

    moto: keys, metadata, rotation status and enable/disable rotation, key
    policies and tags work."""

    service = "kms"
    enum_op = "list_keys"
    enum_path = "Keys"
    id = "KeyId"
    name = "KeyId"
    arn_key = "KeyArn"
    arn_format = "arn:{partition}:kms:{region}:{account}:key/{id}"
    date = "CreationDate"
    taggable = True
    tagging = Tagging("calls", "kms", "tag_resource", "untag_resource", "KeyId", by="id",
                      tags_shape="kms", permissions=("kms:TagResource", "kms:UntagResource"))
    policy_key = "Policy"
    fetch_op = "describe_key"
    fetch_param = "KeyId"
    fetch_single = True
    fetch_path = "KeyMetadata"
    fetch_gone = KEY_GONE
    details = {
        "metadata": Detail((ANY_KEY,), _describe, ("kms:DescribeKey",)),
        "rotation": Detail(("c7n:rotation",), _rotation, ("kms:GetKeyRotationStatus",)),
        "policy": Detail(("Policy",), _policy, ("kms:GetKeyPolicy",)),
        "tags": Detail(("Tags",), _tags, ("kms:ListResourceTags",)),
    }
    report_fields = ("KeyId", "KeyManager", "KeyState", "KeySpec", "Description")


@resources.register("aws.kms")
class KmsAlias(ResourceType):
    """KMS key aliases (Custodian's `aws.kms`), AWS-managed aliases included.

    moto: aliases work (moto pre-creates the `alias/aws/*` ones)."""

    service = "kms"
    enum_op = "list_aliases"
    enum_path = "Aliases"
    id = name = "AliasName"
    arn_key = "AliasArn"
    kms_key_expr = "TargetKeyId"
    report_fields = ("AliasName", "TargetKeyId")
