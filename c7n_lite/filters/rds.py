"""Filters of RDS instances, clusters and parameter groups: parameter values,
option groups, engine versions and upgrades, pending maintenance, daily
snapshots, and groups nothing uses.

Lookups shared by many resources (a parameter group's parameters, the
account's option groups, an engine version) are read once per run and
region.  A failed read raises: the resource is errored, never passed.
"""
from __future__ import annotations

import datetime
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import RelatedValueFilter, related_manager
from c7n_lite.filters.value import ValueFilter, _version_key, parse_date
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate

VALUE_SCHEMA = ValueFilter.schema


def _cached(manager: Any, key: tuple, read: Any) -> Any:
    cache = manager.session.resource_cache
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _parameter_value(param: dict) -> Any:
    """A parameter's value in its declared type (integers, booleans), as Custodian compares them."""
    value = param.get("ParameterValue")
    kind = param.get("DataType")
    if value is None:
        return None
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "boolean":
        return value.strip().lower() in ("1", "true", "on", "yes")
    return value


def group_parameters(manager: Any, group: str, cluster: bool = False) -> dict[str, Any]:
    """{ParameterName: value} of a (cluster) parameter group, read once per run."""
    op, param = (("describe_db_cluster_parameters", "DBClusterParameterGroupName") if cluster
                 else ("describe_db_parameters", "DBParameterGroupName"))
    client = manager.session.client("rds")

    def read() -> dict[str, Any]:
        return {p["ParameterName"]: _parameter_value(p)
                for p in paginate(client, op, "Parameters", {param: group})}
    return _cached(manager, ("rds-parameters", op, group), read)


class _ParameterFilter(ValueFilter):
    """A value filter on the parameters of the resource's parameter group(s):
    `key` names a parameter; matches when one group's value matches."""

    schema = VALUE_SCHEMA
    cluster = False
    annotation = "c7n:MatchedDBParameter"

    def groups(self, resource: dict) -> list[str]:
        raise NotImplementedError

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        for group in self.groups(resource):
            if self.matcher.match(group_parameters(self.manager, group, self.cluster)):
                resource.setdefault(self.annotation, []).append(self.data.get("key"))
                return True
        return False


@filters.register("db-parameter", "aws.rds")
class InstanceParameter(_ParameterFilter):
    """Instances whose DB parameter group sets `key` to a matching value."""

    permissions = ("rds:DescribeDBParameters",)

    def groups(self, resource: dict) -> list[str]:
        return [g["DBParameterGroupName"] for g in resource.get("DBParameterGroups") or ()]


@filters.register("db-cluster-parameter", "aws.rds-cluster")
class ClusterParameter(_ParameterFilter):
    """Clusters whose DB cluster parameter group sets `key` to a matching value."""

    permissions = ("rds:DescribeDBClusterParameters",)
    cluster = True
    annotation = "c7n:MatchedDBClusterParameter"

    def groups(self, resource: dict) -> list[str]:
        return [resource["DBClusterParameterGroup"]] if resource.get("DBClusterParameterGroup") else []


@filters.register("db-parameter", "aws.rds-param-group")
class GroupParameter(_ParameterFilter):
    """Parameter groups that set `key` to a matching value."""

    permissions = ("rds:DescribeDBParameters",)

    def groups(self, resource: dict) -> list[str]:
        return [resource["DBParameterGroupName"]]


@filters.register("db-parameter", "aws.rds-cluster-param-group")
class ClusterGroupParameter(_ParameterFilter):
    """Cluster parameter groups that set `key` to a matching value."""

    permissions = ("rds:DescribeDBClusterParameters",)
    cluster = True

    def groups(self, resource: dict) -> list[str]:
        return [resource["DBClusterParameterGroupName"]]


@filters.register("db-option-groups", "aws.rds")
class OptionGroups(ValueFilter):
    """A value filter on the instance's option groups (`DescribeOptionGroups`
    shape: `Options[].OptionName` …); matches when one of them matches.  Each
    option group is read once per run."""

    schema = VALUE_SCHEMA
    permissions = ("rds:DescribeOptionGroups",)

    def required_keys(self) -> set[str]:
        return set()

    def option_group(self, name: str) -> dict | None:
        client = self.manager.session.client("rds")

        def read() -> dict | None:
            found = paginate(client, "describe_option_groups", "OptionGroupsList", {"OptionGroupName": name})
            return found[0] if found else None
        return _cached(self.manager, ("rds-option-group", name), read)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        matched = []
        for membership in resource.get("OptionGroupMemberships") or ():
            group = self.option_group(membership["OptionGroupName"])
            if group is not None and self.matcher.match(group):
                matched.append(membership["OptionGroupName"])
        if matched:
            resource["c7n:MatchedOptionGroups"] = matched
        return bool(matched)


def engine_version(manager: Any, engine: str, version: str) -> dict | None:
    """The engine version's description (with its ValidUpgradeTarget), read once per run."""
    client = manager.session.client("rds")

    def read() -> dict | None:
        found = paginate(client, "describe_db_engine_versions", "DBEngineVersions",
                         {"Engine": engine, "EngineVersion": version})
        return found[0] if found else None
    return _cached(manager, ("rds-engine-version", engine, version), read)


def upgrade_target(manager: Any, resource: dict, major: bool) -> str | None:
    """The newest version the instance's engine version can upgrade to (minor only unless `major`)."""
    described = engine_version(manager, resource["Engine"], resource["EngineVersion"]) or {}
    targets = [t["EngineVersion"] for t in described.get("ValidUpgradeTarget") or ()
               if major or not t.get("IsMajorVersionUpgrade")]
    return max(targets, key=lambda v: _version_key(v) or [], default=None)


@filters.register("upgrade-available", "aws.rds")
class UpgradeAvailable(Filter):
    """Instances whose engine has a newer version to upgrade to (minor versions
    only, unless `major: true`); `value: false` selects those with none.  The
    target is noted as `c7n-rds-engine-upgrade` (the `upgrade` action uses it)."""

    schema = {"major": {"type": "boolean"}, "value": {"type": "boolean"}}
    permissions = ("rds:DescribeDBEngineVersions",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        target = upgrade_target(self.manager, resource, bool(self.data.get("major")))
        if target:
            resource["c7n-rds-engine-upgrade"] = target
        return bool(target) == self.data.get("value", True)


@filters.register("engine", "aws.rds")
class Engine(ValueFilter):
    """A value filter on the description of the instance's engine version
    (`DescribeDBEngineVersions`: `Status`, `SupportedFeatureNames` …), noted as `c7n:Engine`."""

    schema = VALUE_SCHEMA
    permissions = ("rds:DescribeDBEngineVersions",)

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        described = engine_version(self.manager, resource["Engine"], resource["EngineVersion"])
        if described is None:
            # Not listed: as Custodian, compare against an empty description.
            described = {}
        resource["c7n:Engine"] = described
        return self.matcher.match(described)


class _PendingMaintenance(Filter):
    """Resources with maintenance actions pending, noted as `c7n:PendingMaintenance`."""

    schema = {}
    permissions = ("rds:DescribePendingMaintenanceActions",)
    single = False

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("rds")
        pending = _cached(self.manager, ("rds-pending-maintenance",), lambda: paginate(
            client, "describe_pending_maintenance_actions", "PendingMaintenanceActions"))
        by_arn: dict[str, list[dict]] = {}
        for item in pending:
            by_arn.setdefault(item["ResourceIdentifier"], []).append(item)
        session = self.manager.session
        matched = []
        for r in resources:
            found = by_arn.get(self.manager.resource_type.arn(r, session))
            if found:
                r["c7n:PendingMaintenance"] = found[0] if self.single else found
                matched.append(r)
        return matched


@filters.register("pending-maintenance", "aws.rds")
class InstancePendingMaintenance(_PendingMaintenance):
    __doc__ = _PendingMaintenance.__doc__


@filters.register("pending-maintenance", "aws.rds-cluster")
class ClusterPendingMaintenance(_PendingMaintenance):
    __doc__ = _PendingMaintenance.__doc__
    single = True


class _ConsecutiveSnapshots(Filter):
    """Resources with an available snapshot (manual or automated) on each of
    the last `days` days (UTC), today included."""

    schema = {"days": {"type": "integer", "minimum": 1}}
    required = ("days",)
    snapshot_type = ""
    owner_key = ""

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        days_by_owner: dict[str, set[datetime.date]] = {}
        for snap in related_manager(self.manager, self.snapshot_type).resources():
            when = parse_date(snap.get("SnapshotCreateTime"))
            if when is not None and snap.get("Status") == "available":
                days_by_owner.setdefault(snap.get(self.owner_key), set()).add(when.date())
        today = self.manager.now().date()
        wanted = {today - datetime.timedelta(days=n) for n in range(int(self.data["days"]))}
        return [r for r in resources if wanted <= days_by_owner.get(self.manager.resource_type.resource_id(r), set())]


@filters.register("consecutive-snapshots", "aws.rds")
class InstanceConsecutiveSnapshots(_ConsecutiveSnapshots):
    __doc__ = _ConsecutiveSnapshots.__doc__
    permissions = ("rds:DescribeDBSnapshots",)
    related_types = ("aws.rds-snapshot",)
    snapshot_type = "aws.rds-snapshot"
    owner_key = "DBInstanceIdentifier"


@filters.register("consecutive-snapshots", "aws.rds-cluster")
class ClusterConsecutiveSnapshots(_ConsecutiveSnapshots):
    __doc__ = _ConsecutiveSnapshots.__doc__
    permissions = ("rds:DescribeDBClusterSnapshots",)
    related_types = ("aws.rds-cluster-snapshot",)
    snapshot_type = "aws.rds-cluster-snapshot"
    owner_key = "DBClusterIdentifier"


class _Unused(Filter):
    """Groups no DB instance or cluster of the region uses."""

    schema = {}

    def used(self) -> set[str]:
        raise NotImplementedError

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        used = self.used()
        rid = self.manager.resource_type.resource_id
        return [r for r in resources if rid(r) not in used]

    def _of(self, type_name: str) -> list[dict]:
        return related_manager(self.manager, type_name).resources()


@filters.register("unused", "aws.rds-subnet-group")
class UnusedSubnetGroup(_Unused):
    __doc__ = _Unused.__doc__
    permissions = ("rds:DescribeDBInstances", "rds:DescribeDBClusters")
    related_types = ("aws.rds", "aws.rds-cluster")

    def used(self) -> set[str]:
        names = {(i.get("DBSubnetGroup") or {}).get("DBSubnetGroupName") for i in self._of("aws.rds")}
        names |= {c.get("DBSubnetGroup") for c in self._of("aws.rds-cluster")}
        return names - {None}


@filters.register("unused", "aws.rds-param-group")
class UnusedParamGroup(_Unused):
    __doc__ = _Unused.__doc__
    permissions = ("rds:DescribeDBInstances",)
    related_types = ("aws.rds",)

    def used(self) -> set[str]:
        return {g["DBParameterGroupName"] for i in self._of("aws.rds")
                for g in i.get("DBParameterGroups") or ()}


@filters.register("unused", "aws.rds-cluster-param-group")
class UnusedClusterParamGroup(_Unused):
    __doc__ = _Unused.__doc__
    permissions = ("rds:DescribeDBClusters",)
    related_types = ("aws.rds-cluster",)

    def used(self) -> set[str]:
        return {c["DBClusterParameterGroup"] for c in self._of("aws.rds-cluster")
                if c.get("DBClusterParameterGroup")}



@filters.register("topic", "aws.rds-subscription")
class SubscriptionTopic(RelatedValueFilter):
    """A value filter on the subscription's SNS topic (its attributes:
    `SubscriptionsConfirmed`, `KmsMasterKeyId` …)."""

    permissions = ("sns:ListTopics", "sns:GetTopicAttributes")
    related_types = ("aws.sns",)
    annotation = "c7n:MatchedTopics"

    def related_ids(self, resource: dict) -> list[str]:
        return [resource["SnsTopicArn"]] if resource.get("SnsTopicArn") else []
