"""Filters of ElastiCache snapshots: age."""
from __future__ import annotations

from c7n_lite.filters.age import DAYS_SCHEMA, AgeFilter
from c7n_lite.registry import filters


@filters.register("age", "aws.cache-snapshot")
class CacheSnapshotAge(AgeFilter):
    """Snapshots taken more than (`op: ge`/`gt`, the default) or less than `days`
    ago (the first node snapshot's time)."""

    schema = DAYS_SCHEMA

    def resource_date(self, resource: dict) -> object:
        times = [n.get("SnapshotCreateTime") for n in resource.get("NodeSnapshots") or ()]
        return min((t for t in times if t is not None), default=None)
