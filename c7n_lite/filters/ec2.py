"""Filters of EC2 instances: age, and value filters on their security groups,
volumes and image."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.age import DURATION_SCHEMA, AgeFilter
from c7n_lite.filters.related import RELATED_SCHEMA, RelatedValueFilter, related_by_id, related_manager
from c7n_lite.filters.value import ValueFilter, parse_date
from c7n_lite.filters.vpc import SecurityGroupFilter
from c7n_lite.registry import filters


@filters.register("instance-age", "aws.ec2")
class InstanceAge(AgeFilter):
    """How long the instance has been running.  As in Custodian, the date is the
    oldest attach time of its EBS volumes (LaunchTime resets on every start),
    and LaunchTime only for an instance without EBS volumes."""

    schema = DURATION_SCHEMA

    def resource_date(self, resource: dict) -> Any:
        attached = [m["Ebs"].get("AttachTime") for m in resource.get("BlockDeviceMappings") or ()
                    if "Ebs" in m]
        dates = [d for d in map(parse_date, attached) if d is not None]
        return min(dates) if dates else resource.get("LaunchTime")


@filters.register("security-group", "aws.ec2")
class InstanceSecurityGroup(SecurityGroupFilter):
    """A value filter on the security groups of the instance's network interfaces."""

    def related_ids(self, resource: dict) -> list[str]:
        return list(dict.fromkeys(g["GroupId"] for eni in resource.get("NetworkInterfaces") or ()
                                  for g in eni.get("Groups") or () if "GroupId" in g))


@filters.register("image", "aws.ec2")
class InstanceImage(RelatedValueFilter):
    """A value filter on the image the instance was launched from.  Images the
    account does not own are fetched by id; an instance whose image no longer
    exists does not match."""

    schema = ValueFilter.schema
    related_types = ("aws.ami",)
    fetch_missing = True
    permissions = ("ec2:DescribeImages",)

    def related_ids(self, resource: dict) -> list[str]:
        return [resource["ImageId"]] if resource.get("ImageId") else []

    def match_related(self, resource: dict, related_ids: list[str]) -> bool:
        image = self.related.get(related_ids[0]) if related_ids else None
        return image is not None and self.matcher.match(image)


@filters.register("ebs", "aws.ec2")
class InstanceVolumes(RelatedValueFilter):
    """A value filter on the EBS volumes attached to the instance: any of them
    (`operator: or`, the default) or all (`operator: and`); volumes attached as
    one of `skip-devices` are left out.  An instance without volumes does not match."""

    schema = {**RELATED_SCHEMA, "skip-devices": {"type": "array", "items": {"type": "string"}}}
    related_types = ("aws.ebs",)
    permissions = ("ec2:DescribeVolumes",)

    def related_ids(self, resource: dict) -> list[str]:
        return [m["Ebs"]["VolumeId"] for m in resource.get("BlockDeviceMappings") or ()
                if "Ebs" in m and "VolumeId" in m["Ebs"]]

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.skip = set(self.data.get("skip-devices") or ())
        volumes = related_manager(self.manager, self.related_types[0])
        self.related = related_by_id(volumes, {v for r in resources for v in self.related_ids(r)})
        return [r for r in resources if self.match_volumes(r)]

    def match_volumes(self, resource: dict) -> bool:
        # A volume counts for the instance it is (first) attached to, as in Custodian.
        volumes = [v for v in (self.related.get(i) for i in self.related_ids(resource))
                   if v is not None and v.get("Attachments")
                   and v["Attachments"][0].get("InstanceId") == resource.get("InstanceId")]
        if not volumes:
            return False
        # Skipping happens after the emptiness check, so 'and' over only skipped
        # volumes holds, as in Custodian.
        volumes = [v for v in volumes
                   if not any(a.get("Device") in self.skip for a in v.get("Attachments", ()))]
        results = (self.matcher.match(v) for v in volumes)
        return any(results) if self.any else all(results)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.match_volumes(resource)
