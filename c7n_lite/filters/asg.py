"""Filters of Auto Scaling groups: what they launch (launch configuration or
launch template version, its image and volumes), whether they can launch at
all, and how far they are from their desired size."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import related_by_id, related_manager
from c7n_lite.filters.value import ValueFilter
from c7n_lite.registry import filters

# describe_launch_template_versions: the template or the version is gone.
TEMPLATE_GONE = ("InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException",
                 "InvalidLaunchTemplateId.VersionNotFound", "InvalidLaunchTemplateId.Malformed")
LAUNCH_PERMISSIONS = ("autoscaling:DescribeLaunchConfigurations", "ec2:DescribeLaunchTemplateVersions")


def template_spec(asg: dict) -> dict | None:
    spec = asg.get("LaunchTemplate")
    if not spec:
        mixed = (asg.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
        spec = mixed.get("LaunchTemplateSpecification")
    return spec or None


def launch_data(manager: Any, asg: dict) -> dict | None:
    """What the group launches with, in one shape: its launch configuration as
    described, or its launch template version's `LaunchTemplateData`.  None when
    the group names neither, or the one it names no longer exists (a definite
    answer); any other failed read raises."""
    if asg.get("LaunchConfigurationName"):
        configs = related_manager(manager, "aws.launch-config")
        name = asg["LaunchConfigurationName"]
        return related_by_id(configs, [name], fetch_missing=True).get(name)
    spec = template_spec(asg)
    if spec is None:
        return None
    ident = spec.get("LaunchTemplateId") or spec.get("LaunchTemplateName")
    version = str(spec.get("Version") or "$Default")
    cache = manager._cache().setdefault(("asg-launch-template",), {})
    key = (ident, version)
    if key not in cache:
        param = "LaunchTemplateId" if spec.get("LaunchTemplateId") else "LaunchTemplateName"
        try:
            found = manager.session.client("ec2").describe_launch_template_versions(
                **{param: ident, "Versions": [version]})["LaunchTemplateVersions"]
        except Exception as exc:  # noqa: BLE001 - only "gone" is an answer
            if error_code(exc) not in TEMPLATE_GONE:
                raise
            found = []
        cache[key] = found[0].get("LaunchTemplateData", {}) if found else None
    return cache[key]


def launch_security_groups(data: dict) -> list[str]:
    groups = list(data.get("SecurityGroups") or ()) + list(data.get("SecurityGroupIds") or ())
    for eni in data.get("NetworkInterfaces") or ():
        groups.extend(eni.get("Groups") or ())
    return list(dict.fromkeys(groups))


def subnet_ids(asg: dict) -> list[str]:
    return [s.strip() for s in (asg.get("VPCZoneIdentifier") or "").split(",") if s.strip()]


def account_subnets(manager: Any) -> dict[str, dict]:
    """The region's subnets by id, described once per run."""
    cache = manager._cache()
    if ("asg-subnets",) not in cache:
        from c7n_lite.resources.core import paginate
        found = paginate(manager.session.client("ec2"), "describe_subnets", "Subnets")
        cache[("asg-subnets",)] = {s["SubnetId"]: s for s in found}
    return cache[("asg-subnets",)]


def launch_image(manager: Any, asg: dict) -> dict | None:
    data = launch_data(manager, asg)
    image_id = (data or {}).get("ImageId")
    if not image_id:
        return None
    return related_by_id(related_manager(manager, "aws.ami"), [image_id], fetch_missing=True).get(image_id)


@filters.register("launch-config", "aws.asg")
class LaunchConfigFilter(ValueFilter):
    """A value filter on what the group launches with: its launch configuration
    (e.g. `AssociatePublicIpAddress`), or its launch template version's data.
    A group whose configuration is gone does not match."""

    permissions = LAUNCH_PERMISSIONS
    related_types = ("aws.launch-config",)

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        data = launch_data(self.manager, resource)
        return data is not None and self.matcher.match(data)


@filters.register("image", "aws.asg")
class AsgImage(ValueFilter):
    """A value filter on the image the group launches from (images the account
    does not own are fetched by id).  A group whose image is gone does not match."""

    permissions = (*LAUNCH_PERMISSIONS, "ec2:DescribeImages")
    related_types = ("aws.launch-config", "aws.ami")

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        image = launch_image(self.manager, resource)
        return image is not None and self.matcher.match(image)


@filters.register("image-age", "aws.asg")
class AsgImageAge(AgeFilter):
    """Groups launching from an image created more than (`op: ge`/`gt`) or less
    than `days` ago."""

    schema = DAYS_SCHEMA
    permissions = (*LAUNCH_PERMISSIONS, "ec2:DescribeImages")
    related_types = ("aws.launch-config", "aws.ami")

    def resource_date(self, resource: dict) -> Any:
        return (launch_image(self.manager, resource) or {}).get("CreationDate")


@filters.register("capacity-delta", "aws.asg")
class CapacityDelta(Filter):
    """Groups running fewer instances than their desired capacity or minimum size."""

    permissions = ()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        running = len(resource.get("Instances") or ())
        return running < resource.get("DesiredCapacity", 0) or running < resource.get("MinSize", 0)


@filters.register("vpc-id", "aws.asg")
class AsgVpcId(ValueFilter):
    """A value filter on the VPC of the group's subnets (`value: vpc-…`)."""

    schema = {k: v for k, v in ValueFilter.schema.items() if k != "key"}
    permissions = ("ec2:DescribeSubnets",)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__({**data, "key": "VpcId"}, manager)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return ValueFilter.check({**data, "key": "VpcId"})

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        subnets = account_subnets(self.manager)
        vpcs = [subnets[s]["VpcId"] for s in subnet_ids(resource) if s in subnets]
        return self.matcher.match({"VpcId": vpcs[0]} if vpcs else {})


@filters.register("not-encrypted", "aws.asg")
class NotEncrypted(Filter):
    """Groups that would launch instances with an unencrypted EBS volume: one
    their launch configuration or template maps without encryption, or (unless
    `exclude_image`) one of the image's volumes the configuration does not
    override with an encrypted one."""

    schema = {"exclude_image": {"type": "boolean"}}
    permissions = (*LAUNCH_PERMISSIONS, "ec2:DescribeImages")
    related_types = ("aws.launch-config", "aws.ami")

    def match(self, resource: dict, event: dict | None = None) -> bool:
        data = launch_data(self.manager, resource)
        if data is None:
            return False
        mapped = {m.get("DeviceName"): m.get("Ebs") for m in data.get("BlockDeviceMappings") or ()}
        unencrypted = sorted(d for d, ebs in mapped.items() if ebs is not None and not ebs.get("Encrypted"))
        if not self.data.get("exclude_image"):
            image = launch_image(self.manager, resource)
            for m in (image or {}).get("BlockDeviceMappings") or ():
                ebs, device = m.get("Ebs"), m.get("DeviceName")
                if ebs is not None and not ebs.get("Encrypted") and device not in mapped:
                    unencrypted.append(device)
        if unencrypted:
            resource["c7n:unencrypted-devices"] = unencrypted
        return bool(unencrypted)


@filters.register("invalid", "aws.asg")
class Invalid(Filter):
    """Groups that cannot launch an instance: the launch configuration or
    template, image, a security group, a subnet or the key pair it names does
    not exist.  The reasons are under `Invalid` (pairs like
    `["invalid-subnet", "subnet-…"]`)."""

    permissions = (*LAUNCH_PERMISSIONS, "ec2:DescribeImages", "ec2:DescribeSecurityGroups",
                   "ec2:DescribeSubnets", "ec2:DescribeKeyPairs")
    related_types = ("aws.launch-config", "aws.ami", "aws.security-group")
    want_invalid = True

    def problems(self, asg: dict) -> list[list[str]]:
        found: list[list[str]] = []
        subnets = account_subnets(self.manager)
        found += [["invalid-subnet", s] for s in subnet_ids(asg) if s not in subnets]
        data = launch_data(self.manager, asg)
        if data is None:
            name = asg.get("LaunchConfigurationName") or (template_spec(asg) or {}).get("LaunchTemplateId")
            return found + [["invalid-config", name or ""]]
        if data.get("ImageId") and launch_image(self.manager, asg) is None:
            found.append(["invalid-image", data["ImageId"]])
        groups = launch_security_groups(data)
        if groups:
            known = related_manager(self.manager, "aws.security-group").resources()
            names = {g["GroupId"] for g in known} | {g["GroupName"] for g in known}
            found += [["invalid-security-group", g] for g in groups if g not in names]
        if data.get("KeyName") and data["KeyName"] not in self.key_pairs():
            found.append(["invalid-key-pair", data["KeyName"]])
        return found

    def key_pairs(self) -> set[str]:
        cache = self.manager._cache()
        if ("asg-key-pairs",) not in cache:
            pairs = self.manager.session.client("ec2").describe_key_pairs()["KeyPairs"]
            cache[("asg-key-pairs",)] = {k["KeyName"] for k in pairs}
        return cache[("asg-key-pairs",)]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        found = self.problems(resource)
        if found:
            resource["Invalid"] = found
        return bool(found) == self.want_invalid


@filters.register("valid", "aws.asg")
class Valid(Invalid):
    """Groups that can launch (the inverse of `invalid`)."""

    want_invalid = False



@filters.register("age", "aws.launch-config")
class LaunchConfigAge(AgeFilter):
    """Launch configurations created more than (`op: ge`/`gt`) or less than `days` ago."""

    schema = DAYS_SCHEMA
    date_field = "CreatedTime"


@filters.register("unused", "aws.launch-config")
class LaunchConfigUnused(Filter):
    """Launch configurations no Auto Scaling group of the region launches from."""

    permissions = ("autoscaling:DescribeAutoScalingGroups",)
    related_types = ("aws.asg",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        groups = related_manager(self.manager, "aws.asg").resources()
        used = {g.get("LaunchConfigurationName") for g in groups}
        return [r for r in resources if r["LaunchConfigurationName"] not in used]


@filters.register("user-data", "aws.asg")
class AsgUserData(ValueFilter):
    """A value filter on the group's launch user data, decoded, under the key
    `c7n:user-data` (e.g. `op: regex`, `value: "(?smi).*password="`).  A group
    without user data has the value null."""

    permissions = LAUNCH_PERMISSIONS
    related_types = ("aws.launch-config",)
    annotation = "c7n:user-data"

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__({**data, "key": f'"{self.annotation}"'}, manager)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return ValueFilter.check({**data, "key": f'"{cls.annotation}"'})

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        import base64
        raw = (launch_data(self.manager, resource) or {}).get("UserData")
        text = None
        if raw:
            try:
                text = base64.b64decode(raw).decode("utf-8", "replace")
            except ValueError:
                text = raw
            if text.startswith("\x1f\x8b"):
                import gzip
                text = gzip.decompress(base64.b64decode(raw)).decode("utf-8", "replace")
        resource[self.annotation] = text
        return self.matcher.match(resource)


@filters.register("propagated-tags", "aws.asg")
@filters.register("progagated-tags", "aws.asg")
class PropagatedTags(Filter):
    """Groups where all the `keys` are tags that propagate to launched instances
    (`propagate: false`: tags that do not); `match: false` inverts."""

    schema = {"keys": {"type": "array", "items": {"type": "string"}}, "match": {"type": "boolean"},
              "propagate": {"type": "boolean"}}
    permissions = ()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        keys = self.data.get("keys") or []
        propagate = self.data.get("propagate", True)
        having = {t["Key"] for t in resource.get("Tags") or ()
                  if bool(t.get("PropagateAtLaunch")) == propagate}
        return all(k in having for k in keys) == self.data.get("match", True)


@filters.register("scaling-policy", "aws.asg")
class ScalingPolicy(ValueFilter):
    """A value filter on the group's scaling policies (as DescribePolicies gives
    them, e.g. `key: PolicyType`): matches when one of them matches."""

    permissions = ("autoscaling:DescribePolicies",)

    def required_keys(self) -> set[str]:
        return set()

    def policies(self) -> dict[str, list[dict]]:
        cache = self.manager._cache()
        if ("asg-scaling-policies",) not in cache:
            from c7n_lite.resources.core import paginate
            found = paginate(self.manager.session.client("autoscaling"), "describe_policies", "ScalingPolicies")
            by_group: dict[str, list[dict]] = {}
            for p in found:
                by_group.setdefault(p.get("AutoScalingGroupName", ""), []).append(p)
            cache[("asg-scaling-policies",)] = by_group
        return cache[("asg-scaling-policies",)]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return any(self.matcher.match(p) for p in self.policies().get(resource["AutoScalingGroupName"], ()))
