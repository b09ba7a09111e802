"""Filters of RDS instance and cluster snapshots: age, and who besides the
account may restore them (the snapshot's `restore` attribute)."""
from __future__ import annotations

from c7n_lite.filters.accounts import SharedPermissionFilter
from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.registry import filters

SNAPSHOT_TYPES = ("aws.rds-snapshot", "aws.rds-cluster-snapshot")
ATTRIBUTES = "c7n:attributes"


@filters.register("age", *SNAPSHOT_TYPES)
class RdsSnapshotAge(AgeFilter):
    """Snapshots created more than (`op: ge`/`gt`, the default) or less than `days` ago."""

    schema = DAYS_SCHEMA
    date_field = "SnapshotCreateTime"


class _RestoreCrossAccount(SharedPermissionFilter):
    """Snapshots that the public (`all`) or an account outside the account,
    `whitelist` and `whitelist_from` may restore; the offenders are noted as
    `c7n:CrossAccountViolations`.  The restore attribute is read per snapshot."""

    reads = (ATTRIBUTES,)

    def grantees(self, resource: dict) -> set[str]:
        restore = set(resource[ATTRIBUTES].get("restore") or ())
        if self.data.get("everyone_only"):
            return restore & {"all"}
        return restore


@filters.register("cross-account", "aws.rds-snapshot")
class RdsSnapshotCrossAccount(_RestoreCrossAccount):
    __doc__ = _RestoreCrossAccount.__doc__
    permissions = ("rds:DescribeDBSnapshotAttributes",)


@filters.register("cross-account", "aws.rds-cluster-snapshot")
class RdsClusterSnapshotCrossAccount(_RestoreCrossAccount):
    __doc__ = _RestoreCrossAccount.__doc__
    permissions = ("rds:DescribeDBClusterSnapshotAttributes",)

