"""Filters of KMS keys and aliases (aws.kms-key, aws.kms): rotation, who the key policy lets in, grants, last use."""
from __future__ import annotations

from c7n_lite.filters.account import DocumentValueFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
from c7n_lite.filters.items import ITEMS_SCHEMA, items_match
from c7n_lite.registry import filters


@filters.register("key-rotation-status", "aws.kms-key")
class KeyRotationStatus(DocumentValueFilter):
    """Compare a field of the key's rotation status (`KeyRotationEnabled`,
    `RotationPeriodInDays`).  Keys that cannot rotate (asymmetric, HMAC,
    imported material) read as `KeyRotationEnabled: false`."""

    document = "c7n:rotation"
    permissions = ("kms:GetKeyRotationStatus",)


@filters.register("cross-account", "aws.kms-key")
class KmsCrossAccount(PolicyCrossAccountFilter):
    """Keys whose key policy lets principals outside the account (and the
    `whitelist`) use them."""

    permissions = ("kms:GetKeyPolicy",)


@filters.register("grant-count", "aws.kms")
class GrantCount(Filter):
    """Aliases whose key has at least `min` grants (default 5): a key shared
    with many principals.  The count is noted as `GrantCount`.  Aliases of
    AWS-managed keys that were never created (no target key) are skipped."""

    schema = {"min": {"type": "integer", "minimum": 0}}
    permissions = ("kms:ListGrants",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("kms")
        threshold = self.data.get("min", 5)
        found = []
        for alias in resources:
            if not alias.get("TargetKeyId"):
                continue
            count = sum(len(page.get("Grants", ()))
                        for page in client.get_paginator("list_grants").paginate(KeyId=alias["TargetKeyId"]))
            alias["GrantCount"] = count
            if count >= threshold:
                found.append(alias)
        return found


@filters.register("last-usage", "aws.kms-key")
class LastUsage(Filter):
    """Keys by their last use (GetKeyLastUsage), matched with `attrs` as one
    item: `KeyLastUsage.Timestamp` / `.Operation` (absent when the key was
    never used since `TrackingStartDate`), `KeyCreationDate`; `count` /
    `count_op` as for other list filters.  The matching item is noted under
    `c7n:LastUsage`; a key whose usage cannot be read is an error."""

    schema = ITEMS_SCHEMA
    permissions = ("kms:GetKeyLastUsage",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        usage = self.manager.session.client("kms").get_key_last_usage(KeyId=resource["KeyId"])
        usage.pop("ResponseMetadata", None)
        found, matched = items_match(self.data, [usage], self.manager.now)
        resource["c7n:LastUsage"] = matched
        return found
