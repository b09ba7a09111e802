"""Filters of KMS keys and aliases (aws.kms-key, aws.kms): rotation, who the key policy lets in, grants."""
from __future__ import annotations

from c7n_lite.filters.account import DocumentValueFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
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
