"""Filters of Redshift clusters (audit logging, parameters) and snapshots (age, sharing)."""
from __future__ import annotations

import datetime
import json

from c7n_lite.filters.accounts import SHARING_SCHEMA, VIOLATIONS, allowed_accounts
from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueFilter, ValueMatcher, check_value_data, parse_date
from c7n_lite.registry import filters


@filters.register("logging", "aws.redshift")
class AuditLogging(Filter):
    """A value filter on the cluster's audit logging status (LoggingEnabled,
    BucketName, S3KeyPrefix, LogDestinationType …), noted under `c7n:logging`."""

    schema = ValueFilter.schema
    permissions = ("redshift:DescribeLoggingStatus",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("redshift")
        for r in resources:
            if "c7n:logging" not in r:
                status = client.describe_logging_status(ClusterIdentifier=r["ClusterIdentifier"])
                status.pop("ResponseMetadata", None)
                r["c7n:logging"] = status
        matcher = ValueMatcher(self.data, self.manager.now)
        return [r for r in resources if matcher.match(r["c7n:logging"])]


@filters.register("param", "aws.redshift")
class Parameter(Filter):
    """A value filter on the cluster's parameters (its parameter groups'
    settings by name, e.g. `key: require_ssl, value: false`; integer and
    boolean parameters are compared as numbers and booleans)."""

    schema = ValueFilter.schema
    permissions = ("redshift:DescribeClusterParameters",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def group_params(self, group: str) -> dict:
        cache = self.manager.session.resource_cache.setdefault(("redshift-params",), {})
        if group not in cache:
            client = self.manager.session.client("redshift")
            params: dict = {}
            for page in client.get_paginator("describe_cluster_parameters").paginate(ParameterGroupName=group):
                for p in page.get("Parameters", []):
                    value = p.get("ParameterValue")
                    if value not in (None, "default") and p.get("DataType") in ("integer", "boolean"):
                        value = json.loads(value)
                    params[p["ParameterName"]] = value
            cache[group] = params
        return cache[group]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        params: dict = {}
        for group in resource.get("ClusterParameterGroups") or ():
            params.update(self.group_params(group["ParameterGroupName"]))
        return ValueMatcher(self.data, self.manager.now).match(params)


@filters.register("age", "aws.redshift-snapshot")
class SnapshotAge(AgeFilter):
    """Snapshots created more than (`op: gt`, the default) or less than `days` ago."""

    schema = DAYS_SCHEMA
    date_field = "SnapshotCreateTime"


@filters.register("cross-account", "aws.redshift-snapshot")
class SnapshotCrossAccount(Filter):
    """Snapshots another account outside `whitelist` / `whitelist_from` may
    restore (AccountsWithRestoreAccess); the accounts are noted under
    `c7n:CrossAccountViolations`."""

    schema = SHARING_SCHEMA
    permissions = ("redshift:DescribeClusterSnapshots",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        allowed = allowed_accounts(self.data, self.manager)
        found = []
        for r in resources:
            outside = {a.get("AccountId") for a in r.get("AccountsWithRestoreAccess") or ()} - allowed - {None}
            if outside:
                r[VIOLATIONS] = sorted(outside)
                found.append(r)
        return found


@filters.register("consecutive-snapshots", "aws.redshift")
class ConsecutiveSnapshots(Filter):
    """Clusters with a snapshot in `status` in each of the last `count`
    periods (hours, days or weeks, counted back from now, UTC)."""

    schema = {"count": {"type": "number", "minimum": 1}, "period": {"enum": ["hours", "days", "weeks"]},
              "status": {"enum": ["available", "creating", "final snapshot", "failed"]}}
    required = ("count", "period", "status")
    permissions = ("redshift:DescribeClusterSnapshots",)

    def stamp(self, when: datetime.datetime) -> str:
        when = when.astimezone(datetime.timezone.utc)
        return when.strftime("%Y-%m-%d-%H" if self.data["period"] == "hours" else "%Y-%m-%d")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        now = self.manager.now()
        unit = {"hours": "hours", "days": "days", "weeks": "weeks"}[self.data["period"]]
        count = int(self.data["count"])
        expected = {self.stamp(now - datetime.timedelta(**{unit: n})) for n in range(1, count + 1)}
        since = now - datetime.timedelta(**{unit: count + 1})
        client = self.manager.session.client("redshift")
        by_cluster: dict[str, list[dict]] = {}
        for page in client.get_paginator("describe_cluster_snapshots").paginate(StartTime=since):
            for snap in page.get("Snapshots", []):
                by_cluster.setdefault(snap.get("ClusterIdentifier", ""), []).append(snap)
        found = []
        for r in resources:
            snaps = by_cluster.get(r["ClusterIdentifier"], [])
            r["c7n:snapshots"] = snaps
            stamps = {self.stamp(parse_date(s["SnapshotCreateTime"])) for s in snaps
                      if s.get("Status") == self.data["status"] and parse_date(s.get("SnapshotCreateTime"))}
            if expected <= stamps:
                found.append(r)
        return found
