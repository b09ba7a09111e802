"""Filters of DynamoDB tables: continuous backups (point-in-time recovery)."""
from __future__ import annotations

from c7n_lite.filters.value import ValueFilter
from c7n_lite.registry import filters

CONTINUOUS_BACKUP = "c7n:continuous-backup"


@filters.register("continuous-backup", "aws.dynamodb-table")
class ContinuousBackup(ValueFilter):
    """A value filter on the table's `DescribeContinuousBackups` answer
    (`ContinuousBackupsStatus`, `PointInTimeRecoveryDescription.PointInTimeRecoveryStatus`),
    read per table and noted as `c7n:continuous-backup`."""

    schema = ValueFilter.schema
    permissions = ("dynamodb:DescribeContinuousBackups",)

    def required_keys(self) -> set[str]:
        return {CONTINUOUS_BACKUP}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.matcher.match(resource[CONTINUOUS_BACKUP])
