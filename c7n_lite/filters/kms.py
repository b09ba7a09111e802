"""`kms-key`: a value filter on the KMS key a resource is encrypted with, on
every type that declares `kms_key_expr`.

The key is read directly (DescribeKey, and the account's aliases once per
run and region), cached in the session's resource cache: the filter needs no
`aws.kms-key` resource type.  The key is presented as Custodian's kms-key
resource: its KeyMetadata fields (KeyId, Arn, KeyManager, KeyState, …),
`AliasNames`, `c7n:AliasName` (the first alias, or ''), and `Tags` when a
key reads them.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.related import RelatedValueFilter
from c7n_lite.filters.vpc import ids_at
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate

# The key a resource names no longer exists (or never did): it is absent.
KEY_GONE = ("NotFoundException",)


def key_aliases(manager: Any) -> dict[str, list[str]]:
    """Alias names by target key id, once per session."""
    cache = manager._cache()
    if ("kms", "aliases") not in cache:
        found: dict[str, list[str]] = {}
        for alias in paginate(manager.session.client("kms"), "list_aliases", "Aliases"):
            if alias.get("TargetKeyId"):
                found.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
        cache[("kms", "aliases")] = found
    return cache[("kms", "aliases")]


def describe_key(manager: Any, key: str, with_tags: bool = False) -> dict | None:
    """The key a resource names (an id, ARN, alias name or alias ARN), once per
    session; None when it does not exist."""
    cache = manager._cache().setdefault(("kms", "keys"), {})
    if key not in cache:
        client = manager.session.client("kms")
        try:
            meta = dict(client.describe_key(KeyId=key)["KeyMetadata"])
        except Exception as exc:  # noqa: BLE001 - only "no such key" is expected
            if error_code(exc) in KEY_GONE:
                cache[key] = None
                return None
            raise
        aliases = key_aliases(manager).get(meta["KeyId"], [])
        meta["AliasNames"] = aliases
        meta["c7n:AliasName"] = aliases[0] if aliases else ""
        cache[key] = meta
    found = cache[key]
    if found is not None and with_tags and "Tags" not in found:
        tags = paginate(manager.session.client("kms"), "list_resource_tags", "Tags", {"KeyId": found["KeyId"]})
        found["Tags"] = [{"Key": t["TagKey"], "Value": t["TagValue"]} for t in tags]
    return found


@filters.register("kms-key")
class KmsKeyFilter(RelatedValueFilter):
    """A value filter on the resource's KMS key (`key: c7n:AliasName`,
    `key: KeyManager`, `key: "tag:Owner"` …); a resource whose key no longer
    exists has every key field absent."""

    annotation = "c7n:matched-kms-key"
    permissions = ("kms:DescribeKey", "kms:ListAliases")

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.kms_key_expr)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        perms = set(cls.permissions)
        if str(data.get("key", "")).startswith(("tag:", "Tags")):
            perms.add("kms:ListResourceTags")
        return perms

    def required_keys(self) -> set[str]:
        from c7n_lite.filters.value import key_root
        return set(super().required_keys()) | {key_root(self.manager.resource_type.kms_key_expr)}

    def related_ids(self, resource: dict) -> list[str]:
        return ids_at(self.manager.resource_type.kms_key_expr, resource)

    def load_related(self, ids: set[str]) -> dict[str, dict]:
        with_tags = str(self.data.get("key", "")).startswith(("tag:", "Tags"))
        found = {i: describe_key(self.manager, i, with_tags) for i in sorted(ids)}
        return {i: k for i, k in found.items() if k is not None}
