"""Filters of the account's images: age, use by instances, sharing."""
from __future__ import annotations

from c7n_lite.filters.accounts import SharedPermissionFilter
from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import related_manager
from c7n_lite.filters.usage import LAUNCH_PERMISSIONS, launch_specs
from c7n_lite.filters.value import ValueFilter, ValueMatcher, check_value_data
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


IMAGE_ATTRIBUTES = ("description", "kernel", "ramdisk", "launchPermissions", "productCodes", "blockDeviceMapping",
                    "sriovNetSupport", "bootMode", "tpmSupport", "uefiData", "lastLaunchedTime", "imdsSupport")


@filters.register("image-attribute", "aws.ami")
class ImageAttribute(Filter):
    """A value filter on one attribute from DescribeImageAttribute (e.g.
    `attribute: lastLaunchedTime, key: Value, value_type: age`), noted under
    `c7n:attribute-<attribute>`."""

    schema = {**ValueFilter.schema, "attribute": {"enum": list(IMAGE_ATTRIBUTES)}}
    required = ("attribute",)
    permissions = ("ec2:DescribeImageAttribute",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        attribute = self.data["attribute"]
        key = f"c7n:attribute-{attribute}"
        if key not in resource:
            out = self.manager.session.client("ec2").describe_image_attribute(
                ImageId=resource["ImageId"], Attribute=attribute)
            values = [v for k, v in out.items() if k not in ("ResponseMetadata", "ImageId")]
            resource[key] = values[0] if values else None
        path = f'"{key}"' + (f".{self.data['key']}" if self.data.get("key") else "")
        return ValueMatcher({**self.data, "key": path}, self.manager.now).match({key: resource[key]})
