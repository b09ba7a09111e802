"""How each resource type is tagged, declared as data, and the planners that use it.

AWS has no single tagging call that works well everywhere (the Resource Groups
Tagging API misses Redshift and SNS in practice), so each resource type names
its method in `TAG_METHODS`; a type not listed falls back on its service
(EC2-family) or on the Resource Groups Tagging API.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.batching import chunks, tag_list

if TYPE_CHECKING:
    from c7n_lite.resources.core import ResourceManager, ResourceType

# Types that exist but cannot carry tags (IoT things and certificates).
NOT_TAGGABLE = frozenset({"aws.iot", "aws.iot-certificate"})


def describe_tags(tags: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in tags.items())


class TagMethod:
    """Plans tag and untag calls for one family of resource types."""

    permissions: tuple[str, ...] = ()
    # Those of `permissions` only removing tags needs (an action that only adds
    # tags is not granted them).
    untag_permissions: tuple[str, ...] = ()

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        raise NotImplementedError

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        raise NotImplementedError


@dataclass(frozen=True)
class BatchIdTags(TagMethod):
    """EC2-style: one call tags up to `batch` resources by id (ec2 create_tags / delete_tags)."""

    service: str = "ec2"
    tag_op: str = "create_tags"
    untag_op: str = "delete_tags"
    ids_param: str = "Resources"
    batch: int = 1000
    permissions: tuple[str, ...] = ("ec2:CreateTags", "ec2:DeleteTags")
    untag_permissions: tuple[str, ...] = ("ec2:DeleteTags",)

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        ids = [manager.resource_type.resource_id(r) for r in resources]
        return [ApiCall(self.service, self.tag_op, {self.ids_param: part, "Tags": tag_list(tags)}, part,
                        message or describe_tags(tags), ids_param=self.ids_param)
                for part in chunks(ids, self.batch)]

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        ids = [manager.resource_type.resource_id(r) for r in resources]
        return [ApiCall(self.service, self.untag_op, {self.ids_param: part, "Tags": [{"Key": k} for k in keys]},
                        part, message or f"remove {', '.join(keys)}", ids_param=self.ids_param)
                for part in chunks(ids, self.batch)]


@dataclass(frozen=True)
class ArnTags(TagMethod):
    """One call per resource, naming it by ARN (Redshift create_tags, SNS tag_resource)."""

    service: str = ""
    tag_op: str = ""
    untag_op: str = ""
    arn_param: str = ""
    permissions: tuple[str, ...] = ()
    untag_permissions: tuple[str, ...] = ()

    def _arn(self, manager: ResourceManager, resource: dict) -> str:
        return manager.resource_type.arn(resource, manager.session)

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        rt = manager.resource_type
        return [ApiCall(self.service, self.tag_op, {self.arn_param: self._arn(manager, r), "Tags": tag_list(tags)},
                        [rt.resource_id(r)], message or describe_tags(tags)) for r in resources]

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        rt = manager.resource_type
        return [ApiCall(self.service, self.untag_op, {self.arn_param: self._arn(manager, r), "TagKeys": list(keys)},
                        [rt.resource_id(r)], message or f"remove {', '.join(keys)}") for r in resources]


def _current_bucket_tags(client: Any, bucket: str) -> dict[str, str]:
    try:
        found = client.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    except Exception as exc:  # noqa: BLE001 - "no tags" is an error in S3's API
        if "NoSuchTagSet" in str(getattr(exc, "response", {}).get("Error", {}).get("Code", "")):
            return {}
        raise
    return {t["Key"]: t["Value"] for t in found}


@dataclass(frozen=True)
class BucketTags(TagMethod):
    """S3 replaces a bucket's whole tag set: read it, merge, write it back."""

    permissions: tuple[str, ...] = ("s3:GetBucketTagging", "s3:PutBucketTagging")

    def _put(self, bucket: str, tags: dict[str, str], message: str) -> ApiCall:
        if not tags:
            return ApiCall("s3", "delete_bucket_tagging", {"Bucket": bucket}, [bucket], message)
        return ApiCall("s3", "put_bucket_tagging", {"Bucket": bucket, "Tagging": {"TagSet": tag_list(tags)}},
                       [bucket], message)

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        client = manager.session.client("s3")
        calls = []
        for r in resources:
            bucket = manager.resource_type.resource_id(r)
            merged = {**_current_bucket_tags(client, bucket), **tags}
            calls.append(self._put(bucket, merged, message or describe_tags(tags)))
        return calls

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        client = manager.session.client("s3")
        calls = []
        for r in resources:
            bucket = manager.resource_type.resource_id(r)
            current = _current_bucket_tags(client, bucket)
            kept = {k: v for k, v in current.items() if k not in keys}
            calls.append(self._put(bucket, kept, message or f"remove {', '.join(keys)}"))
        return calls


@dataclass(frozen=True)
class TaggingApi(TagMethod):
    """The Resource Groups Tagging API: 20 ARNs per call, partial failures in the response."""

    batch: int = 20
    permissions: tuple[str, ...] = ("tag:TagResources", "tag:UntagResources")
    untag_permissions: tuple[str, ...] = ("tag:UntagResources",)

    def _calls(self, manager: ResourceManager, resources: list[dict], op: str, extra: dict,
               message: str) -> list[ApiCall]:
        rt = manager.resource_type
        pairs = [(rt.resource_id(r), rt.arn(r, manager.session)) for r in resources]
        calls = []
        for part in chunks(pairs, self.batch):
            params = {"ResourceARNList": [arn for _, arn in part], **extra}
            calls.append(ApiCall("resourcegroupstaggingapi", op, params, [rid for rid, _ in part], message,
                                 run=_rgta_runner(op, params)))
        return calls

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        return self._calls(manager, resources, "tag_resources", {"Tags": dict(tags)},
                           message or describe_tags(tags))

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        return self._calls(manager, resources, "untag_resources", {"TagKeys": list(keys)},
                           message or f"remove {', '.join(keys)}")


class PartialTaggingFailure(RuntimeError):
    pass


def _rgta_runner(op: str, params: dict) -> Any:
    def run(session: Any) -> Any:
        response = getattr(session.client("resourcegroupstaggingapi"), op)(**params)
        failed = response.get("FailedResourcesMap") or {}
        if failed:
            # The API reports per-resource failures in a 200 response; surface them.
            raise PartialTaggingFailure(f"{len(failed)} resource(s) not tagged: {sorted(failed)}")
        return response
    return run


EC2_TAGS = BatchIdTags()
REDSHIFT_TAGS = ArnTags("redshift", "create_tags", "delete_tags", "ResourceName",
                        ("redshift:CreateTags", "redshift:DeleteTags"), ("redshift:DeleteTags",))
SNS_TAGS = ArnTags("sns", "tag_resource", "untag_resource", "ResourceArn",
                   ("sns:TagResource", "sns:UntagResource"), ("sns:UntagResource",))
S3_TAGS = BucketTags()
TAGGING_API = TaggingApi()

TAG_METHODS: dict[str, TagMethod] = {
    "aws.ec2": EC2_TAGS,
    "aws.ebs": EC2_TAGS,
    "aws.ebs-snapshot": EC2_TAGS,
    "aws.ami": EC2_TAGS,
    "aws.security-group": EC2_TAGS,
    "aws.redshift": REDSHIFT_TAGS,
    "aws.redshift-snapshot": REDSHIFT_TAGS,
    "aws.sns": SNS_TAGS,
    "aws.s3": S3_TAGS,
}
ALL_TAG_PERMISSIONS = tuple(sorted({p for m in (EC2_TAGS, REDSHIFT_TAGS, SNS_TAGS, S3_TAGS, TAGGING_API)
                                    for p in m.permissions}))


def is_taggable(resource_type: type[ResourceType]) -> bool:
    return bool(resource_type.taggable) and resource_type.type not in NOT_TAGGABLE


def tag_method(resource_type: type[ResourceType]) -> TagMethod:
    found = TAG_METHODS.get(resource_type.type)
    if found is not None:
        return found
    return EC2_TAGS if resource_type.service == "ec2" else TAGGING_API


def tag_permissions(resource_type: type[ResourceType] | None, untag: bool = True) -> set[str]:
    """What tagging this type needs (without removing tags unless `untag`); every
    method's permissions when the type is unknown."""
    if resource_type is None:
        return set(ALL_TAG_PERMISSIONS)
    method = tag_method(resource_type)
    return set(method.permissions) - (set() if untag else set(method.untag_permissions))
