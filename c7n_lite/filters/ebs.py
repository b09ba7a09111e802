"""Filters of EBS snapshots: age, snapshots backing an image, sharing."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.accounts import SharedPermissionFilter
from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import related_manager
from c7n_lite.registry import filters


@filters.register("age", "aws.ebs-snapshot")
class SnapshotAge(AgeFilter):
    """Snapshots started more than (`op: ge`/`gt`) or less than `days` ago."""

    schema = DAYS_SCHEMA
    date_field = "StartTime"


@filters.register("skip-ami-snapshots", "aws.ebs-snapshot")
class SkipAmiSnapshots(Filter):
    """Leave out the snapshots that back one of the account's images (they
    cannot be deleted while the image exists).  `value: false` keeps them all."""

    schema = {"value": {"type": "boolean"}}
    permissions = ("ec2:DescribeImages",)
    related_types = ("aws.ami",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        if not self.data.get("value", True):
            return resources
        backing = snapshots_backing_images(self.manager)
        return [r for r in resources if r["SnapshotId"] not in backing]


def snapshots_backing_images(manager: Any) -> set[str]:
    """Ids of the snapshots behind the account's images (from the run's one describe)."""
    images = related_manager(manager, "aws.ami").resources()
    return {m["Ebs"]["SnapshotId"] for image in images
            for m in image.get("BlockDeviceMappings") or ()
            if "SnapshotId" in (m.get("Ebs") or {})}


@filters.register("cross-account", "aws.ebs-snapshot")
class SnapshotCrossAccount(SharedPermissionFilter):
    """Snapshots whose createVolumePermission lets the public (`all`) or an
    account outside `whitelist` / `whitelist_from` create volumes from them."""

    permission_key = "CreateVolumePermissions"
    reads = ("CreateVolumePermissions",)
    permissions = ("ec2:DescribeSnapshotAttribute",)
