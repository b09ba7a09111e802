"""CloudWatch Logs log groups."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging
from c7n_lite.resources.facts import tags_from_map


def _tags(client: Any, group: dict) -> dict:
    try:
        tags = client.list_tags_for_resource(resourceArn=_arn(group))["tags"]
    except Exception as exc:  # noqa: BLE001 - deleted since the listing
        if error_code(exc) == "ResourceNotFoundException":
            return {"Tags": []}
        raise
    return {"Tags": tags_from_map(tags)}


def _arn(group: dict) -> str:
    return group.get("logGroupArn") or group["arn"].removesuffix(":*")


@resources.register("aws.log-group")
class LogGroup(ResourceType):
    """CloudWatch Logs log groups (`retentionInDays` is absent when logs never
    expire; `kmsKeyId` when they are not encrypted with a KMS key).

    moto: groups, retention, metric filters and tags work;
    `associate_kms_key` is not implemented (`set-encryption` plans but fails there)."""

    service = "logs"
    enum_op = "describe_log_groups"
    enum_path = "logGroups"
    id = name = "logGroupName"
    arn_key = "logGroupArn"
    date = "creationTime"
    taggable = True
    tagging = Tagging("calls", "logs", "tag_resource", "untag_resource", "resourceArn",
                      tags_param="tags", tags_shape="map", keys_param="tagKeys",
                      permissions=("logs:TagResource", "logs:UntagResource"))
    kms_key_expr = "kmsKeyId"
    metrics_namespace = "AWS/Logs"
    metrics_dimensions = (("LogGroupName", "logGroupName"),)
    details = {"tags": Detail(("Tags",), _tags, ("logs:ListTagsForResource",))}
    report_fields = ("logGroupName", "retentionInDays", "kmsKeyId", "storedBytes")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        resource.setdefault("logGroupArn", _arn(resource))
        return resource
