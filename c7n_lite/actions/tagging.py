"""How each resource type is tagged, declared as data, and the planners that use it.

AWS has no single tagging call that works well everywhere (the Resource Groups
Tagging API misses Redshift and SNS in practice), so each resource type
declares its `tagging` facts (`resources.facts.Tagging`); a type that does not
falls back on EC2's calls (ec2 types) or on the Resource Groups Tagging API.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.batching import chunks, tag_list
from c7n_lite.aws.session import error_code
from c7n_lite.resources.facts import EC2_TAGGING, TAGGING_API, Tagging

if TYPE_CHECKING:
    from c7n_lite.resources.core import ResourceManager, ResourceType


def describe_tags(tags: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in tags.items())


def _tags_value(spec: Tagging, tags: dict[str, str]) -> Any:
    if spec.tags_shape == "map":
        return dict(tags)
    if spec.tags_shape == "kms":
        return [{"TagKey": k, "TagValue": v} for k, v in tags.items()]
    if spec.tags_shape == "lower":
        return [{"key": k, "value": v} for k, v in tags.items()]
    return tag_list(tags)


def _keys_value(spec: Tagging, keys: list[str]) -> Any:
    return [{"Key": k} for k in keys] if spec.keys_shape == "tags" else list(keys)


class TagMethod:
    """Plans tag and untag calls from a type's `Tagging` facts."""

    def __init__(self, spec: Tagging) -> None:
        self.spec = spec

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        raise NotImplementedError

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        raise NotImplementedError


class ServiceTags(TagMethod):
    """The service's own calls: one resource a call (by ARN or id), or `batch` at once."""

    def _name(self, manager: ResourceManager, resource: dict) -> str:
        rt = manager.resource_type
        if self.spec.by == "arn":
            return rt.arn(resource, manager.session)
        return rt.resource_id(resource) if self.spec.by == "id" else resource[self.spec.by]

    def _calls(self, manager: ResourceManager, resources: list[dict], op: str, extra: dict,
               message: str) -> list[ApiCall]:
        spec, rt = self.spec, manager.resource_type
        pairs = [(rt.resource_id(r), self._name(manager, r)) for r in resources]
        if spec.batch <= 1:
            return [ApiCall(spec.service, op, {spec.param: name, **extra}, [rid], message)
                    for rid, name in pairs]
        return [ApiCall(spec.service, op, {spec.param: [name for _, name in part], **extra},
                        [rid for rid, _ in part], message, ids_param=spec.param)
                for part in chunks(pairs, spec.batch)]

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        return self._calls(manager, resources, self.spec.tag_op,
                           {self.spec.tags_param: _tags_value(self.spec, tags)}, message or describe_tags(tags))

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        return self._calls(manager, resources, self.spec.untag_op,
                           {self.spec.keys_param: _keys_value(self.spec, keys)},
                           message or f"remove {', '.join(keys)}")


def _current_bucket_tags(client: Any, bucket: str) -> dict[str, str]:
    try:
        found = client.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    except Exception as exc:  # noqa: BLE001 - "no tags" is an error in S3's API
        if error_code(exc) == "NoSuchTagSet":
            return {}
        raise
    return {t["Key"]: t["Value"] for t in found}


class ReplaceSetTags(TagMethod):
    """S3 replaces a bucket's whole tag set: at execution time, read the set as it
    is then, merge, write it back (so a rename's two steps, or another writer
    since the plan, lose nothing).  The plan shows the change, not the set."""

    def _call(self, bucket: str, change: Callable[[dict[str, str]], dict[str, str]], params: dict,
              message: str) -> ApiCall:
        def run(session: Any) -> Any:
            client = session.client("s3")
            current = _current_bucket_tags(client, bucket)
            wanted = change(dict(current))
            if wanted == current:
                return None
            if not wanted:
                return client.delete_bucket_tagging(Bucket=bucket)
            return client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_list(wanted)})
        return ApiCall("s3", "put_bucket_tagging", {"Bucket": bucket, **params}, [bucket], message, run=run)

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        rt = manager.resource_type
        return [self._call(rt.resource_id(r), lambda cur: {**cur, **tags}, {"merge": dict(tags)},
                           message or describe_tags(tags)) for r in resources]

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        rt = manager.resource_type
        drop = set(keys)
        return [self._call(rt.resource_id(r), lambda cur: {k: v for k, v in cur.items() if k not in drop},
                           {"remove": list(keys)}, message or f"remove {', '.join(keys)}") for r in resources]


class TaggingApiTags(TagMethod):
    """The Resource Groups Tagging API: 20 ARNs per call, partial failures in the response."""

    def _calls(self, manager: ResourceManager, resources: list[dict], op: str, extra: dict,
               message: str) -> list[ApiCall]:
        rt = manager.resource_type
        pairs = [(rt.resource_id(r), rt.arn(r, manager.session)) for r in resources]
        calls = []
        for part in chunks(pairs, self.spec.batch):
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


class AsgTags(TagMethod):
    """Auto Scaling groups: `create_or_update_tags` / `delete_tags`, each tag naming
    its group (`ResourceId`, `ResourceType: auto-scaling-group`) and whether
    instances launched later get it (`PropagateAtLaunch`).  One call per group.
    `propagate` None keeps a tag's current setting (False for a new tag)."""

    def _tag(self, name: str, key: str, **extra: Any) -> dict:
        return {"ResourceId": name, "ResourceType": "auto-scaling-group", "Key": key, **extra}

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "", propagate: bool | None = None) -> list[ApiCall]:
        rt, calls = manager.resource_type, []
        for r in resources:
            name = rt.resource_id(r)
            current = {t.get("Key"): bool(t.get("PropagateAtLaunch")) for t in r.get("Tags") or ()}
            items = [self._tag(name, k, Value=v,
                               PropagateAtLaunch=current.get(k, False) if propagate is None else propagate)
                     for k, v in tags.items()]
            calls.append(ApiCall(self.spec.service, self.spec.tag_op, {"Tags": items}, [name],
                                 message or describe_tags(tags)))
        return calls

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        rt, calls = manager.resource_type, []
        for r in resources:
            present = {t.get("Key") for t in r.get("Tags") or ()}
            drop = [k for k in keys if k in present] or list(keys)
            calls.append(ApiCall(self.spec.service, self.spec.untag_op,
                                 {"Tags": [self._tag(rt.resource_id(r), k) for k in drop]},
                                 [rt.resource_id(r)], message or f"remove {', '.join(drop)}"))
        return calls


class ListOfOneTags(ServiceTags):
    """Calls whose resource parameter is a list that may hold one name only
    (Classic ELB `add_tags` / `remove_tags`): one call per resource."""

    def _calls(self, manager: ResourceManager, resources: list[dict], op: str, extra: dict,
               message: str) -> list[ApiCall]:
        spec = self.spec
        return [ApiCall(spec.service, op, {spec.param: [self._name(manager, r)], **extra},
                        [manager.resource_type.resource_id(r)], message) for r in resources]


class CloudFrontTags(ServiceTags):
    """CloudFront wraps tags and keys in `{"Items": [...]}`: one call per resource, by ARN."""

    def tag(self, manager: ResourceManager, resources: list[dict], tags: dict[str, str],
            message: str = "") -> list[ApiCall]:
        return self._calls(manager, resources, self.spec.tag_op, {"Tags": {"Items": tag_list(tags)}},
                           message or describe_tags(tags))

    def untag(self, manager: ResourceManager, resources: list[dict], keys: list[str],
              message: str = "") -> list[ApiCall]:
        return self._calls(manager, resources, self.spec.untag_op, {"TagKeys": {"Items": list(keys)}},
                           message or f"remove {', '.join(keys)}")


# Planners by `Tagging.style`; a service with tagging of its own shape (ASG's
# create_or_update_tags) registers one here.
TAG_STYLES: dict[str, type[TagMethod]] = {
    "calls": ServiceTags,
    "replace-set": ReplaceSetTags,
    "tagging-api": TaggingApiTags,
    "asg": AsgTags,
    "list-of-one": ListOfOneTags,
    "cloudfront": CloudFrontTags,
}


def is_taggable(resource_type: type[ResourceType]) -> bool:
    return bool(resource_type.taggable)


def tag_method(resource_type: type[ResourceType]) -> TagMethod:
    spec = resource_type.tag_facts()
    return TAG_STYLES[spec.style](spec)


def tag_permissions(resource_type: type[ResourceType] | None, untag: bool = True, add: bool = True) -> set[str]:
    """What tagging this type needs: without what only removing tags needs unless
    `untag`, and only that when not `add` (where the type says which that is);
    every registered type's when the type is unknown."""
    if resource_type is not None:
        spec = resource_type.tag_facts()
        removing = set(spec.untag_permissions)
        if not add and removing:
            return removing
        return set(spec.permissions) - (set() if untag else removing)
    from c7n_lite.registry import resources
    found = {p for spec in (EC2_TAGGING, TAGGING_API) for p in spec.permissions}
    for _, rt in resources.items():
        if rt.taggable:
            found.update(rt.tag_facts().permissions)
    return found
