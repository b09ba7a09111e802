"""Plain facts a resource type declares: the per-resource detail calls that add
fields the enumerate call leaves out, and how the type is tagged.

Data only (no planner, no filter): resource modules declare them, the manager
(`resources.core`) and the tag actions (`actions.tagging`) act on them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANY_KEY = "*"


@dataclass(frozen=True)
class Detail:
    """A call per resource (or per batch of resources) that adds fields.

    `fetch(client, resource)` returns the fields to merge into the resource;
    or, for APIs that read many resources at once (ELB `describe_tags` takes 20
    ARNs), `fetch_many(client, resources)` returns one dict per resource, in
    order, for at most `batch` resources a call.  `keys` are the top-level
    fields it provides, which is how a filter's need for it is recognised;
    `keys=(ANY_KEY,)` declares a catch-all (e.g. SNS topic attributes, an
    open-ended map), fetched for a resource that lacks a field a filter reads
    and no other detail provides.

    A fetch returns an "empty" value only for the error codes that mean "not
    configured" (no bucket policy, no tag set); any other failure must raise:
    the manager records the resource as errored (never passed), or as gone
    when the code is one of the type's `fetch_gone`.
    """

    keys: tuple[str, ...]
    fetch: Callable[[Any, dict], dict] | None
    permissions: tuple[str, ...]
    service: str | None = None
    fetch_many: Callable[[Any, list[dict]], list[dict]] | None = None
    batch: int = 20


@dataclass(frozen=True)
class Tagging:
    """How a type's tags are written: the facts the tag family plans from.

    `style`:
      - "calls": the service's own tag/untag calls.  `param` names the
        resource, by "arn", by "id" or by another field of the resource (`by`,
        e.g. a launch template version's `LaunchTemplateId`); with `batch` > 1 it takes a list
        of that many (EC2 `create_tags` takes 1,000 ids, ELBv2 `add_tags` 20 ARNs).
      - "replace-set": the call replaces the whole tag set (S3
        `PutBucketTagging`): read, merge, write, at execution time.
      - "tagging-api": the Resource Groups Tagging API, 20 ARNs a call.
      - any other name: a planner registered for it in `actions.tagging`.
    `tags_shape`: "list" ([{Key, Value}]), "map" ({k: v}), "kms"
    ([{TagKey, TagValue}]) or "lower" ([{key, value}], Step Functions, ECS);
    `keys_shape`: "list" of keys or "tags" ([{Key: k}]).
    `permissions`: the IAM actions of tag and untag, as IAM names them;
    `untag_permissions`: those of them only removing tags needs (an action that
    only adds tags is not granted them).
    """

    style: str = "calls"
    service: str = ""
    tag_op: str = ""
    untag_op: str = ""
    param: str = ""
    by: str = "arn"
    batch: int = 1
    tags_param: str = "Tags"
    tags_shape: str = "list"
    keys_param: str = "TagKeys"
    keys_shape: str = "list"
    permissions: tuple[str, ...] = ()
    untag_permissions: tuple[str, ...] = ()


EC2_TAGGING = Tagging("calls", "ec2", "create_tags", "delete_tags", "Resources", by="id", batch=1000,
                      keys_param="Tags", keys_shape="tags",
                      permissions=("ec2:CreateTags", "ec2:DeleteTags"), untag_permissions=("ec2:DeleteTags",))
TAGGING_API = Tagging("tagging-api", "resourcegroupstaggingapi", "tag_resources", "untag_resources",
                      "ResourceARNList", batch=20, tags_shape="map",
                      permissions=("tag:TagResources", "tag:UntagResources"),
                      untag_permissions=("tag:UntagResources",))


def tags_from_map(tags: dict | None) -> list[dict[str, str]]:
    """{k: v} → Custodian's [{Key, Value}] (the shape every tag filter reads)."""
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
