"""Actions on DynamoDB tables: delete, back up, point-in-time recovery,
streams and any UpdateTable setting."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.shapes import DYNAMODB_UPDATE_TABLE
from c7n_lite.registry import actions


@actions.register("delete", "aws.dynamodb-table")
class DeleteTable(Action):
    """Delete tables.  Deletion protection is left alone: a protected table
    fails to delete, and the failure is reported."""

    permissions = ("dynamodb:DeleteTable",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("dynamodb", "delete_table", {"TableName": self.resource_id(r)}, [self.resource_id(r)],
                        f"delete ({r.get('ItemCount', '?')} items)") for r in resources]


@actions.register("set-continuous-backup", "aws.dynamodb-table")
class SetContinuousBackup(Action):
    """Turn point-in-time recovery on (`state`, default true) or off."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("dynamodb:UpdateContinuousBackups",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        state = bool(self.data.get("state", True))
        return [ApiCall("dynamodb", "update_continuous_backups",
                        {"TableName": self.resource_id(r),
                         "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": state}},
                        [self.resource_id(r)], f"point-in-time recovery {'on' if state else 'off'}")
                for r in resources]


@actions.register("update", "aws.dynamodb-table")
class UpdateTable(Action):
    """Change table settings: any UpdateTable parameter, e.g. `BillingMode: PAY_PER_REQUEST`
    or `DeletionProtectionEnabled: true`."""

    schema = {name: {} for name in sorted(DYNAMODB_UPDATE_TABLE)}
    permissions = ("dynamodb:UpdateTable",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        settings = {k: v for k, v in self.data.items() if k != "type"}
        return [ApiCall("dynamodb", "update_table", {"TableName": self.resource_id(r), **settings},
                        [self.resource_id(r)], ", ".join(f"{k}={v}" for k, v in settings.items()))
                for r in resources]


@actions.register("set-stream", "aws.dynamodb-table")
class SetStream(Action):
    """Turn the table's stream on (`state: true`, with `stream_view_type`:
    KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES) or off.  Tables
    whose stream already is so are skipped."""

    schema = {"state": {"type": "boolean"},
              "stream_view_type": {"enum": ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]}}
    permissions = ("dynamodb:UpdateTable",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        state = bool(self.data.get("state", False))
        spec: dict[str, Any] = {"StreamEnabled": state}
        if state:
            spec["StreamViewType"] = self.data.get("stream_view_type", "NEW_AND_OLD_IMAGES")
        calls = []
        for r in resources:
            current = r.get("StreamSpecification") or {"StreamEnabled": False}
            if current.get("StreamEnabled", False) == state and \
                    (not state or current.get("StreamViewType") == spec["StreamViewType"]):
                calls.append(ApiCall.skip([self.resource_id(r)], "stream already so", "update_table"))
                continue
            message = f"stream on: {spec['StreamViewType']}" if state else "stream off"
            calls.append(ApiCall("dynamodb", "update_table",
                                 {"TableName": self.resource_id(r), "StreamSpecification": spec},
                                 [self.resource_id(r)], message))
        return calls


@actions.register("backup", "aws.dynamodb-table")
class Backup(Action):
    """Create an on-demand backup `<prefix>-<table>-<YYYY-MM-DD-HH-MM>` (prefix default `backup`)."""

    schema = {"prefix": {"type": "string"}}
    permissions = ("dynamodb:CreateBackup",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        prefix = self.data.get("prefix", "backup")
        calls = []
        for r in resources:
            # Backup names: letters, digits, '_', '-', '.'; 3 to 255 characters.
            name = f"{prefix}-{self.resource_id(r)}-{stamp}"[:255]
            calls.append(ApiCall("dynamodb", "create_backup", {"TableName": self.resource_id(r), "BackupName": name},
                                 [self.resource_id(r)], f"backup {name}"))
        return calls


@actions.register("delete", "aws.dynamodb-backup")
class DeleteBackup(Action):
    """Delete on-demand backups (AWS Backup's are its own to expire: delete them there; skipped)."""

    permissions = ("dynamodb:DeleteBackup",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            arn = self.resource_id(r)
            if r.get("BackupType") == "AWS_BACKUP":
                calls.append(ApiCall.skip([arn], "managed by AWS Backup", "delete_backup"))
            else:
                calls.append(ApiCall("dynamodb", "delete_backup", {"BackupArn": arn}, [arn],
                                     f"delete backup {r.get('BackupName')} of {r.get('TableName')}"))
        return calls
