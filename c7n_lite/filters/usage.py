"""What uses what: volumes and their instance and snapshots, snapshots and
their volume, images and snapshots used by launch configurations and
templates, security groups in use."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.ebs import snapshots_backing_images
from c7n_lite.filters.items import ITEMS_SCHEMA, items_match
from c7n_lite.filters.related import RELATED_SCHEMA, RelatedValueFilter, related_by_id, related_manager
from c7n_lite.filters.value import parse_date
from c7n_lite.registry import filters

LAUNCH_PERMISSIONS = ("autoscaling:DescribeLaunchConfigurations", "ec2:DescribeLaunchTemplates",
                      "ec2:DescribeLaunchTemplateVersions")


def launch_specs(manager: Any) -> list[dict]:
    """The launch configurations, and the latest version of each launch template,
    of the region (once per run): what new instances would be launched from."""
    cache = manager.session.resource_cache
    if ("launch-specs",) not in cache:
        session = manager.session
        specs: list[dict] = []
        autoscaling = session.client("autoscaling")
        for page in autoscaling.get_paginator("describe_launch_configurations").paginate():
            specs.extend(page.get("LaunchConfigurations", []))
        ec2 = session.client("ec2")
        for page in ec2.get_paginator("describe_launch_templates").paginate():
            for template in page.get("LaunchTemplates", []):
                versions = ec2.describe_launch_template_versions(
                    LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"])
                specs.extend(v.get("LaunchTemplateData", {}) for v in versions.get("LaunchTemplateVersions", []))
        cache[("launch-specs",)] = specs
    return cache[("launch-specs",)]


def launch_snapshots(manager: Any) -> set[str]:
    return {m["Ebs"]["SnapshotId"] for spec in launch_specs(manager) for m in spec.get("BlockDeviceMappings") or ()
            if (m.get("Ebs") or {}).get("SnapshotId")}


@filters.register("instance", "aws.ebs")
class VolumeInstance(RelatedValueFilter):
    """A value filter on the instance the volume is attached to; unattached
    volumes do not match."""

    schema = RELATED_SCHEMA
    related_types = ("aws.ec2",)
    fetch_missing = True
    permissions = ("ec2:DescribeInstances",)

    def related_ids(self, resource: dict) -> list[str]:
        return [a["InstanceId"] for a in (resource.get("Attachments") or [])[:1] if a.get("InstanceId")]


@filters.register("volume", "aws.ebs-snapshot")
class SnapshotVolume(RelatedValueFilter):
    """A value filter on the snapshot's volume; a volume that no longer exists
    has every key absent (`key: VolumeId, value: absent` finds orphans)."""

    schema = RELATED_SCHEMA
    related_types = ("aws.ebs",)
    permissions = ("ec2:DescribeVolumes",)

    def related_ids(self, resource: dict) -> list[str]:
        return [resource["VolumeId"]] if resource.get("VolumeId") else []


@filters.register("snapshots", "aws.ebs")
class VolumeSnapshots(Filter):
    """Volumes by their snapshots (the account's): with `attrs`, those having a
    snapshot matching them all; `count` / `count_op` count the matching
    snapshots (`count: 0` finds volumes never backed up).  The snapshots are
    noted under `c7n:Snapshots`."""

    schema = ITEMS_SCHEMA
    permissions = ("ec2:DescribeSnapshots",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        ec2 = self.manager.session.client("ec2")
        todo = [r for r in resources if "c7n:Snapshots" not in r]
        for start in range(0, len(todo), 200):
            part = todo[start:start + 200]
            grouped: dict[str, list[dict]] = {v["VolumeId"]: [] for v in part}
            pages = ec2.get_paginator("describe_snapshots").paginate(
                OwnerIds=["self"], Filters=[{"Name": "volume-id", "Values": list(grouped)}])
            for page in pages:
                for snap in page.get("Snapshots", []):
                    grouped.setdefault(snap.get("VolumeId", ""), []).append(snap)
            for v in part:
                v["c7n:Snapshots"] = grouped[v["VolumeId"]]
        return [r for r in resources if items_match(self.data, r["c7n:Snapshots"], self.manager.now)[0]]


@filters.register("modifyable", "aws.ebs")
class Modifyable(Filter):
    """Volumes that can be modified online: not `standard` (magnetic), not
    attached before November 2016 or to a previous-generation instance type,
    and not being modified already."""

    OLD_TYPES = frozenset((
        "m1.small", "m1.medium", "m1.large", "m1.xlarge", "c1.medium", "c1.xlarge", "cc2.8xlarge",
        "m2.xlarge", "m2.2xlarge", "m2.4xlarge", "cr1.8xlarge", "hi1.4xlarge", "hs1.8xlarge",
        "cg1.4xlarge", "t1.micro", "m3.large", "m3.xlarge", "m3.2xlarge"))
    permissions = ("ec2:DescribeInstances", "ec2:DescribeVolumesModifications")
    related_types = ("aws.ec2",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        marker = parse_date("2016-11-01T00:00:00+00:00")
        candidates = []
        for v in resources:
            if v.get("VolumeType") == "standard":
                continue
            attachments = v.get("Attachments") or []
            if attachments and (parse_date(attachments[0].get("AttachTime")) or marker) < marker:
                continue
            candidates.append(v)
        ids = {v["Attachments"][0]["InstanceId"] for v in candidates if v.get("Attachments")}
        instances = related_by_id(related_manager(self.manager, "aws.ec2"), ids, fetch_missing=True)
        candidates = [v for v in candidates if not v.get("Attachments") or
                      (instances.get(v["Attachments"][0]["InstanceId"]) or {}).get("InstanceType")
                      not in self.OLD_TYPES]
        ec2 = self.manager.session.client("ec2")
        busy: set[str] = set()
        for start in range(0, len(candidates), 197):
            part = [v["VolumeId"] for v in candidates[start:start + 197]]
            out = ec2.describe_volumes_modifications(Filters=[
                {"Name": "volume-id", "Values": part},
                {"Name": "modification-state", "Values": ["modifying", "optimizing", "failed"]}])
            busy.update(m["VolumeId"] for m in out.get("VolumesModifications", []))
        return [v for v in candidates if v["VolumeId"] not in busy]


@filters.register("unused", "aws.ebs-snapshot")
class SnapshotUnused(Filter):
    """`value: true` (default): snapshots no image, launch configuration or
    launch template (latest version) uses; `value: false`: those in use."""

    schema = {"value": {"type": "boolean"}}
    permissions = ("ec2:DescribeImages", *LAUNCH_PERMISSIONS)
    related_types = ("aws.ami",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        used = snapshots_backing_images(self.manager) | launch_snapshots(self.manager)
        unused = self.data.get("value", True)
        return [r for r in resources if (r["SnapshotId"] not in used) == unused]


@filters.register("unused", "aws.security-group")
class SecurityGroupUnused(Filter):
    """Security groups nothing uses: no network interface (instances, load
    balancers, Lambda functions in a VPC … all have one), no other group's
    rule, no Lambda function, no launch configuration or template refers to
    them.  (Custodian also looks at ECS event rules, CodeBuild and Batch, and
    at references from peered VPCs; c7n-lite does not.)"""

    permissions = ("ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "lambda:ListFunctions",
                   *LAUNCH_PERMISSIONS)
    want_used = False

    def used_groups(self) -> set[str]:
        session = self.manager.session
        used: set[str] = set()
        ec2 = session.client("ec2")
        for page in ec2.get_paginator("describe_network_interfaces").paginate():
            for eni in page.get("NetworkInterfaces", []):
                used.update(g["GroupId"] for g in eni.get("Groups", []))
        for group in self.manager.resources():
            for key in ("IpPermissions", "IpPermissionsEgress"):
                for perm in group.get(key) or ():
                    used.update(p["GroupId"] for p in perm.get("UserIdGroupPairs", ())
                                if p.get("GroupId") and p["GroupId"] != group["GroupId"])
        for page in session.client("lambda").get_paginator("list_functions").paginate():
            for fn in page.get("Functions", []):
                used.update((fn.get("VpcConfig") or {}).get("SecurityGroupIds") or ())
        for spec in launch_specs(self.manager):
            used.update(spec.get("SecurityGroups") or ())
            used.update(spec.get("SecurityGroupIds") or ())
            for eni in spec.get("NetworkInterfaces") or ():
                used.update(eni.get("Groups") or ())
        return used

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        used = self.used_groups()
        return [r for r in resources if (r["GroupId"] in used) == self.want_used]


@filters.register("used", "aws.security-group")
class SecurityGroupUsed(SecurityGroupUnused):
    """Security groups something uses (see `unused` for what counts)."""

    want_used = True


@filters.register("stale", "aws.security-group")
class StaleGroup(Filter):
    """Security groups with rules referring to a group that no longer exists
    (or sits in a peered VPC no longer peered): DescribeStaleSecurityGroups per
    VPC.  The stale rules are noted as `MatchedIpPermissions(Egress)`, so
    `remove-permissions` with `matched` removes them."""

    permissions = ("ec2:DescribeStaleSecurityGroups",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        ec2 = self.manager.session.client("ec2")
        by_id = {r["GroupId"]: r for r in resources}
        found = []
        for vpc in sorted({r["VpcId"] for r in resources if r.get("VpcId")}):
            for page in ec2.get_paginator("describe_stale_security_groups").paginate(VpcId=vpc):
                for stale in page.get("StaleSecurityGroupSet", []):
                    group = by_id.get(stale.get("GroupId"))
                    if group is None or group in found:
                        continue
                    if "StaleIpPermissions" in stale:
                        group["MatchedIpPermissions"] = stale["StaleIpPermissions"]
                    if "StaleIpPermissionsEgress" in stale:
                        group["MatchedIpPermissionsEgress"] = stale["StaleIpPermissionsEgress"]
                    found.append(group)
        return found
