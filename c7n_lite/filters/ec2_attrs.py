"""Filters of EC2 instances that read instance attributes, state dates, the
image, the instance profile's role and SSM registration."""
from __future__ import annotations

import base64
import datetime
import re
import zlib
from typing import Any, ClassVar

from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import related_by_id, related_manager
from c7n_lite.filters.value import ValueFilter, ValueMatcher, check_value_data
from c7n_lite.registry import filters

INSTANCE_ATTRIBUTES = ("instanceType", "kernel", "ramdisk", "userData", "disableApiTermination",
                       "instanceInitiatedShutdownBehavior", "rootDeviceName", "blockDeviceMapping",
                       "productCodes", "sourceDestCheck", "groupSet", "ebsOptimized", "sriovNetSupport",
                       "enaSupport", "disableApiStop")
_WHEN = re.compile(r"\((\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)")


def instance_attribute(manager: Any, instance: dict, attribute: str) -> Any:
    """One DescribeInstanceAttribute answer (the attribute's value part), cached on the instance."""
    key = f"c7n:attribute-{attribute}"
    if key not in instance:
        out = manager.session.client("ec2").describe_instance_attribute(
            InstanceId=instance["InstanceId"], Attribute=attribute)
        values = [v for k, v in out.items() if k not in ("ResponseMetadata", "InstanceId")]
        instance[key] = values[0] if values else None
    return instance[key]


class ProtectionFilter(Filter):
    attribute: ClassVar[str] = ""
    field: ClassVar[str] = ""
    permissions = ("ec2:DescribeInstanceAttribute",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return bool((instance_attribute(self.manager, resource, self.attribute) or {}).get("Value"))


@filters.register("termination-protected", "aws.ec2")
class TerminationProtected(ProtectionFilter):
    """Instances with termination protection on (`not` it for those without)."""

    attribute = "disableApiTermination"


@filters.register("stop-protected", "aws.ec2")
class StopProtected(ProtectionFilter):
    """Instances with stop protection on (`not` it for those without)."""

    attribute = "disableApiStop"


@filters.register("instance-attribute", "aws.ec2")
class InstanceAttribute(Filter):
    """A value filter on one attribute from DescribeInstanceAttribute, found
    under `c7n:attribute-<attribute>` (e.g. `key: Value`)."""

    schema = {**ValueFilter.schema, "attribute": {"enum": list(INSTANCE_ATTRIBUTES)}}
    required = ("attribute",)
    permissions = ("ec2:DescribeInstanceAttribute",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        attribute = self.data["attribute"]
        value = instance_attribute(self.manager, resource, attribute)
        key = f'"c7n:attribute-{attribute}"' + (f".{self.data['key']}" if self.data.get("key") else "")
        return ValueMatcher({**self.data, "key": key}, self.manager.now).match({f"c7n:attribute-{attribute}": value})


def decode_user_data(encoded: str) -> str:
    data = base64.b64decode(encoded)
    try:
        return data.decode("utf8")
    except UnicodeDecodeError:
        return zlib.decompress(data, 16 + zlib.MAX_WBITS).decode("utf8")


@filters.register("user-data", "aws.ec2")
class UserData(Filter):
    """A value filter on the instance's decoded user data (`c7n:user-data`;
    null when it has none), e.g. `op: regex, value: "(?smi).*password="`."""

    schema = ValueFilter.schema
    permissions = ("ec2:DescribeInstanceAttribute",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data({**data, "key": "x"})

    def match(self, resource: dict, event: dict | None = None) -> bool:
        if "c7n:user-data" not in resource:
            raw = (instance_attribute(self.manager, resource, "userData") or {}).get("Value")
            resource["c7n:user-data"] = decode_user_data(raw) if raw else None
        return ValueMatcher({**self.data, "key": '"c7n:user-data"'}, self.manager.now).match(resource)


@filters.register("state-age", "aws.ec2")
class StateAge(AgeFilter):
    """How long ago the instance last changed state (the date in its
    StateTransitionReason); instances without one do not match."""

    schema = DAYS_SCHEMA

    def resource_date(self, resource: dict) -> Any:
        found = _WHEN.search(resource.get("StateTransitionReason") or "")
        if not found:
            return None
        return datetime.datetime.fromisoformat(found.group(1).replace(" ", "T")).replace(tzinfo=datetime.timezone.utc)


@filters.register("instance-uptime", "aws.ec2")
class InstanceUptime(AgeFilter):
    """How long ago the instance was (last) started: its LaunchTime."""

    schema = DAYS_SCHEMA
    date_field = "LaunchTime"


@filters.register("image-age", "aws.ec2")
class InstanceImageAge(AgeFilter):
    """How old the instance's image is.  As in Custodian, an image that no
    longer exists counts as created on 2000-01-01 (very old)."""

    schema = DAYS_SCHEMA
    permissions = ("ec2:DescribeImages",)
    related_types = ("aws.ami",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        images = related_manager(self.manager, "aws.ami")
        self.images = related_by_id(images, {r["ImageId"] for r in resources if r.get("ImageId")}, fetch_missing=True)
        return super().process(resources, event)

    def resource_date(self, resource: dict) -> Any:
        image = self.images.get(resource.get("ImageId", ""))
        return image["CreationDate"] if image and image.get("CreationDate") else "2000-01-01T01:01:01.000Z"


@filters.register("has-specific-managed-policy", "aws.ec2")
class HasSpecificManagedPolicy(Filter):
    """A value filter on the managed policies attached to the role of the
    instance's profile (`key` PolicyName by default, or PolicyArn).  Instances
    without a profile do not match; matched policies are noted under
    `c7n:MatchedPolicies`."""

    schema = ValueFilter.schema
    permissions = ("iam:GetInstanceProfile", "iam:ListAttachedRolePolicies")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data({"key": "PolicyName", **data})

    def policies(self, profile_arn: str) -> list[dict]:
        cache = self.manager.session.resource_cache.setdefault(("profile-policies",), {})
        if profile_arn not in cache:
            iam = self.manager.session.client("iam")
            name = profile_arn.rsplit("/", 1)[-1]
            roles = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"].get("Roles") or []
            found: list[dict] = []
            for role in roles:
                pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=role["RoleName"])
                found.extend(p for page in pages for p in page.get("AttachedPolicies", []))
            cache[profile_arn] = found
        return cache[profile_arn]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        arn = (resource.get("IamInstanceProfile") or {}).get("Arn")
        if not arn:
            return False
        matcher = ValueMatcher({"key": "PolicyName", **self.data}, self.manager.now)
        matched = [p for p in self.policies(arn) if matcher.match(p)]
        if matched:
            resource["c7n:MatchedPolicies"] = [p.get(self.data.get("key", "PolicyName")) for p in matched]
        return bool(matched)


@filters.register("ssm", "aws.ec2")
class SsmStatus(Filter):
    """A value filter on the instance's SSM registration (DescribeInstanceInformation:
    PingStatus, PlatformName, AgentVersion …), under `c7n:SsmState`; an instance
    SSM does not know has an empty record.  (moto does not serve this API.)"""

    schema = ValueFilter.schema
    permissions = ("ssm:DescribeInstanceInformation",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        todo = [r for r in resources if "c7n:SsmState" not in r]
        client = self.manager.session.client("ssm")
        for start in range(0, len(todo), 50):
            part = todo[start:start + 50]
            found: dict[str, dict] = {}
            params: dict = {"Filters": [{"Key": "InstanceIds", "Values": [r["InstanceId"] for r in part]}]}
            while True:
                out = client.describe_instance_information(**params)
                found.update({i["InstanceId"]: i for i in out.get("InstanceInformationList", [])})
                if not out.get("NextToken"):
                    break
                params["NextToken"] = out["NextToken"]
            for r in part:
                r["c7n:SsmState"] = found.get(r["InstanceId"], {})
        matcher = ValueMatcher(self.data, self.manager.now)
        return [r for r in resources if matcher.match(r["c7n:SsmState"])]


def profile_roles(manager: Any, profile_arn: str) -> list[dict]:
    """The roles (with their tags) of an instance profile, read once per run."""
    cache = manager.session.resource_cache.setdefault(("profile-roles",), {})
    if profile_arn not in cache:
        iam = manager.session.client("iam")
        profile = iam.get_instance_profile(InstanceProfileName=profile_arn.rsplit("/", 1)[-1])["InstanceProfile"]
        cache[profile_arn] = [iam.get_role(RoleName=r["RoleName"])["Role"] for r in profile.get("Roles") or ()]
    return cache[profile_arn]


@filters.register("iam-role", "aws.ec2")
class InstanceRole(Filter):
    """A value filter on the IAM role of the instance's profile (RoleName, Arn,
    tags as `tag:<key>` …); instances without a profile have every key absent."""

    schema = {**ValueFilter.schema, "operator": {"enum": ["and", "or"]}}
    permissions = ("iam:GetInstanceProfile", "iam:GetRole")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        arn = (resource.get("IamInstanceProfile") or {}).get("Arn")
        matcher = ValueMatcher(self.data, self.manager.now)
        roles = profile_roles(self.manager, arn) if arn else []
        if not roles:
            return matcher.match({})
        return any(matcher.match(r) for r in roles)


@filters.register("singleton", "aws.ec2")
class Singleton(Filter):
    """Instances outside any Auto Scaling group that have no CloudWatch alarm
    recovering them (an `...:ec2:recover` action on StatusCheckFailed_System)."""

    permissions = ("cloudwatch:DescribeAlarmsForMetric",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        if (resource.get("State") or {}).get("Name") not in ("running", "stopped", "pending", "stopping"):
            return False
        if any(t.get("Key") == "aws:autoscaling:groupName" for t in resource.get("Tags") or ()):
            return False
        alarms = self.manager.session.client("cloudwatch").describe_alarms_for_metric(
            MetricName="StatusCheckFailed_System", Namespace="AWS/EC2",
            Dimensions=[{"Name": "InstanceId", "Value": resource["InstanceId"]}])
        mine = {"Name": "InstanceId", "Value": resource["InstanceId"]}
        return not any(a.startswith("arn:aws:automate:") and a.endswith(":ec2:recover")
                       for alarm in alarms.get("MetricAlarms", []) if mine in (alarm.get("Dimensions") or [mine])
                       for a in alarm.get("AlarmActions", []))


@filters.register("ephemeral", "aws.ec2")
class Ephemeral(Filter):
    """Instances whose root device is an instance store (not EBS)."""

    def match(self, resource: dict, event: dict | None = None) -> bool:
        for mapping in resource.get("BlockDeviceMappings") or ():
            if mapping.get("DeviceName") in ("/dev/sda1", "/dev/xvda", "xvda"):
                return "Ebs" not in mapping
        return True


@filters.register("image-metadata", "aws.ec2")
class ImageMetadata(Filter):
    """A value filter on what EC2 knows of the instance's image, even when it
    is deregistered or deprecated (DescribeInstanceImageMetadata: State,
    IsPublic, DeprecationTime, Name, OwnerId …), noted under `c7n:image-metadata`."""

    schema = ValueFilter.schema
    permissions = ("ec2:DescribeInstanceImageMetadata",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        ec2 = self.manager.session.client("ec2")
        todo = [r for r in resources if "c7n:image-metadata" not in r]
        for start in range(0, len(todo), 50):
            part = todo[start:start + 50]
            found: dict[str, dict] = {}
            params: dict = {"InstanceIds": [r["InstanceId"] for r in part]}
            while True:
                out = ec2.describe_instance_image_metadata(**params)
                found.update({i["InstanceId"]: i.get("ImageMetadata") or {}
                              for i in out.get("InstanceImageMetadata", [])})
                if not out.get("NextToken"):
                    break
                params["NextToken"] = out["NextToken"]
            for r in part:
                r["c7n:image-metadata"] = found.get(r["InstanceId"], {})
        matcher = ValueMatcher(self.data, self.manager.now)
        return [r for r in resources if matcher.match(r["c7n:image-metadata"])]
