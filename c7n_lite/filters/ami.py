"""Filters of the account's images: age, use by instances, sharing."""
from __future__ import annotations

from c7n_lite.filters.accounts import SharedPermissionFilter
from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import related_manager
from c7n_lite.filters.usage import LAUNCH_PERMISSIONS, launch_specs
from c7n_lite.registry import filters


@filters.register("image-age", "aws.ami")
class ImageAge(AgeFilter):
    """Images created more than (`op: ge`/`gt`, the default) or less than `days` ago."""

    schema = DAYS_SCHEMA
    date_field = "CreationDate"


@filters.register("unused", "aws.ami")
class ImageUnused(Filter):
    """`value: true` (default): images no instance of the region runs and no
    launch configuration or launch template (latest version) would launch;
    `value: false`: images in use."""

    schema = {"value": {"type": "boolean"}}
    permissions = ("ec2:DescribeInstances", *LAUNCH_PERMISSIONS)
    related_types = ("aws.ec2",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        used = {i.get("ImageId") for i in related_manager(self.manager, "aws.ec2").resources()}
        used.update(spec.get("ImageId") for spec in launch_specs(self.manager))
        unused = self.data.get("value", True)
        return [r for r in resources if (r["ImageId"] not in used) == unused]


@filters.register("cross-account", "aws.ami")
class ImageCrossAccount(SharedPermissionFilter):
    """Images whose launchPermission lets the public (`all`), another account,
    organization or OU outside `whitelist` / `whitelist_from` launch them."""

    permission_key = "LaunchPermissions"
    grantee_keys = ("Group", "UserId", "OrganizationArn", "OrganizationalUnitArn")
    reads = ("LaunchPermissions",)
    permissions = ("ec2:DescribeImageAttribute",)
