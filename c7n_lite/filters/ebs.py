"""Filters of EBS snapshots (age, snapshots backing an image, sharing) and of
volumes (fault-tolerant, from Trusted Advisor)."""
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


# Trusted Advisor's "Amazon EBS Snapshots" check: volumes without a recent snapshot.
EBS_SNAPSHOTS_CHECK = "H7IgTzjTYb"
SUPPORT_REGIONS = {"aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


@filters.register("fault-tolerant", "aws.ebs")
class FaultTolerant(Filter):
    """Volumes that have a recent snapshot (`tolerant: true`, the default) or
    not (`tolerant: false`), by Trusted Advisor's "Amazon EBS Snapshots" check,
    whose flagged volumes are those without one.  c7n-lite reads the check's
    latest result and does not ask for a refresh."""

    schema = {"tolerant": {"type": "boolean"}}
    permissions = ("support:DescribeTrustedAdvisorCheckResult",)

    def flagged(self) -> set[str]:
        session = self.manager.session
        cache = session.resource_cache
        if ("trusted-advisor", EBS_SNAPSHOTS_CHECK) not in cache:
            client = session.client("support", SUPPORT_REGIONS.get(session.partition, "us-east-1"))
            result = client.describe_trusted_advisor_check_result(
                checkId=EBS_SNAPSHOTS_CHECK, language="en")["result"]
            cache[("trusted-advisor", EBS_SNAPSHOTS_CHECK)] = {
                r["metadata"][1] for r in result.get("flaggedResources") or ()
                if len(r.get("metadata") or ()) > 1}
        return cache[("trusted-advisor", EBS_SNAPSHOTS_CHECK)]

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        flagged = self.flagged()
        tolerant = self.data.get("tolerant", True)
        return [r for r in resources if (r["VolumeId"] not in flagged) == bool(tolerant)]
