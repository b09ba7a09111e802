"""Filters of KMS keys: rotation, and who the key policy lets in."""
from __future__ import annotations

from c7n_lite.filters.account import DocumentValueFilter
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
