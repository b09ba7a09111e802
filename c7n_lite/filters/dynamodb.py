"""Filters of DynamoDB tables: continuous backups (point-in-time recovery),
on-demand backups, imports and exports."""
from __future__ import annotations

import datetime
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueFilter, parse_date
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate

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


class _AnyItemValue(ValueFilter):
    """A value filter that matches when one of the table's items (imports,
    exports) matches; the items are read per table and noted on it."""

    schema = ValueFilter.schema
    annotation = ""

    def items(self, client: Any, table: dict) -> list[dict]:
        raise NotImplementedError

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        items = self.items(self.manager.session.client("dynamodb"), resource)
        resource[self.annotation] = items
        return any(self.matcher.match(item) for item in items)


@filters.register("import-summary", "aws.dynamodb-table")
class ImportSummary(_AnyItemValue):
    """Tables with an import (`ListImports` summary: `ImportStatus`, `InputFormat` …)
    that matches, noted as `c7n:ImportSummaries`.  moto does not serve ListImports."""

    permissions = ("dynamodb:ListImports",)
    annotation = "c7n:ImportSummaries"

    def items(self, client: Any, table: dict) -> list[dict]:
        return paginate(client, "list_imports", "ImportSummaryList", {"TableArn": table["TableArn"]})


@filters.register("export-description", "aws.dynamodb-table")
class ExportDescription(_AnyItemValue):
    """Tables with an export (`DescribeExport`: `ExportStatus`, `S3Bucket`,
    `ExportFormat` …) that matches, noted as `c7n:ExportDescriptions`."""

    permissions = ("dynamodb:ListExports", "dynamodb:DescribeExport")
    annotation = "c7n:ExportDescriptions"

    def items(self, client: Any, table: dict) -> list[dict]:
        summaries = paginate(client, "list_exports", "ExportSummaries", {"TableArn": table["TableArn"]})
        return [client.describe_export(ExportArn=s["ExportArn"])["ExportDescription"] for s in summaries]


@filters.register("consecutive-backups", "aws.dynamodb-table")
class ConsecutiveBackups(Filter):
    """Tables with a backup (of `backuptype` USER, SYSTEM, AWS_BACKUP or ALL,
    default ALL; in `status`, default AVAILABLE) on each of the last `count`
    days (UTC), today included."""

    schema = {"count": {"type": "integer", "minimum": 1}, "period": {"enum": ["days"]},
              "backuptype": {"enum": ["USER", "SYSTEM", "AWS_BACKUP", "ALL"]},
              "status": {"enum": ["CREATING", "DELETED", "AVAILABLE"]}}
    required = ("count",)
    permissions = ("dynamodb:ListBackups",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("dynamodb")
        backups = paginate(client, "list_backups", "BackupSummaries",
                           {"TableName": resource["TableName"], "BackupType": self.data.get("backuptype", "ALL")})
        status = self.data.get("status", "AVAILABLE")
        days = {when.date() for b in backups if b.get("BackupStatus") == status
                for when in [parse_date(b.get("BackupCreationDateTime"))] if when is not None}
        today = self.manager.now().date()
        return all(today - datetime.timedelta(days=n) in days for n in range(int(self.data["count"])))
