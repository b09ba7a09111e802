"""Actions on the audit logs: CloudTrail trails, Config recorders, log groups, KMS keys."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

UPDATE_TRAIL_FIELDS = ("S3BucketName", "S3KeyPrefix", "SnsTopicName", "IncludeGlobalServiceEvents",
                       "IsMultiRegionTrail", "EnableLogFileValidation", "CloudWatchLogsLogGroupArn",
                       "CloudWatchLogsRoleArn", "KmsKeyId", "IsOrganizationTrail")


class PerResource(Action):
    """One call per resource: `call(resource)` → (service, method, params, message)."""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            service, method, params, message = self.call(r)
            calls.append(ApiCall(service, method, params, [self.resource_id(r)], message))
        return calls

    def call(self, resource: dict) -> tuple[str, str, dict, str]:
        raise NotImplementedError


@actions.register("set-logging", "aws.cloudtrail")
class SetLogging(PerResource):
    """Start (`enabled: true`, the default) or stop a trail's logging."""

    schema = {"enabled": {"type": "boolean"}}
    permissions = ("cloudtrail:StartLogging", "cloudtrail:StopLogging")

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        on = self.data.get("enabled", True)
        return ("cloudtrail", "start_logging" if on else "stop_logging", {"Name": r["TrailARN"]},
                "start logging" if on else "stop logging")


@actions.register("update-trail", "aws.cloudtrail")
class UpdateTrail(PerResource):
    """Change a trail's settings (`attributes`: update_trail's parameters,
    e.g. `EnableLogFileValidation`, `KmsKeyId`)."""

    schema = {"attributes": {"type": "object"}}
    required = ("attributes",)
    permissions = ("cloudtrail:UpdateTrail",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        attributes = data.get("attributes") or {}
        problems = [f"update-trail: unknown attribute {k!r}" for k in attributes if k not in UPDATE_TRAIL_FIELDS]
        if "Name" in attributes:
            problems.append("update-trail: 'Name' cannot be changed")
        return problems

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        attributes = dict(self.data["attributes"])
        return ("cloudtrail", "update_trail", {"Name": r["TrailARN"], **attributes},
                ", ".join(f"{k}={v}" for k, v in sorted(attributes.items())))


@actions.register("delete", "aws.cloudtrail")
class DeleteTrail(PerResource):
    """Delete the trail (shadow trails are skipped: delete them in their home region)."""

    permissions = ("cloudtrail:DeleteTrail",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        region = self.manager.session.region
        home = [r for r in resources if r.get("HomeRegion", region) == region]
        calls = super().plan(home)
        shadows = [self.resource_id(r) for r in resources if r not in home]
        if shadows:
            calls.append(ApiCall.skip(shadows, "shadow trail: delete it in its home region", "delete_trail"))
        return calls

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        # By name: the trail is homed in this region (moto ignores an ARN here).
        return "cloudtrail", "delete_trail", {"Name": r["Name"]}, "delete trail"


@actions.register("toggle-recording", "aws.config-recorder")
class ToggleRecording(PerResource):
    """Start (`enabled: true`, the default) or stop a configuration recorder."""

    schema = {"enabled": {"type": "boolean"}}
    permissions = ("config:StartConfigurationRecorder", "config:StopConfigurationRecorder")

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        on = self.data.get("enabled", True)
        return ("config", "start_configuration_recorder" if on else "stop_configuration_recorder",
                {"ConfigurationRecorderName": r["name"]}, "start recording" if on else "stop recording")


@actions.register("retention", "aws.log-group")
class Retention(PerResource):
    """Keep the group's events `days` days (one of CloudWatch Logs' values);
    without `days`, keep them forever."""

    schema = {"days": {"type": "integer"}}
    permissions = ("logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy")

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        days = self.data.get("days")
        if days is None:
            return "logs", "delete_retention_policy", {"logGroupName": r["logGroupName"]}, "never expire"
        return ("logs", "put_retention_policy", {"logGroupName": r["logGroupName"], "retentionInDays": days},
                f"retain {days} days")


@actions.register("set-encryption", "aws.log-group")
class SetEncryption(PerResource):
    """Encrypt the group with the KMS key `kms-key` (an ARN; `state: false`
    removes the key)."""

    schema = {"kms-key": {"type": "string"}, "state": {"type": "boolean"}}
    permissions = ("logs:AssociateKmsKey", "logs:DisassociateKmsKey")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("state", True) and not data.get("kms-key"):
            return ["set-encryption: 'kms-key' is required unless state is false"]
        return []

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        if self.data.get("state", True) is False:
            return "logs", "disassociate_kms_key", {"logGroupName": r["logGroupName"]}, "remove the KMS key"
        key = self.data["kms-key"]
        return ("logs", "associate_kms_key", {"logGroupName": r["logGroupName"], "kmsKeyId": key},
                f"encrypt with {key}")


@actions.register("delete", "aws.log-group")
class DeleteLogGroup(PerResource):
    """Delete the log group and its events."""

    permissions = ("logs:DeleteLogGroup",)

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        return "logs", "delete_log_group", {"logGroupName": r["logGroupName"]}, "delete log group"


@actions.register("put-subscription-filter", "aws.log-group")
class PutSubscriptionFilter(PerResource):
    """Create or update the subscription filter `filter_name`, sending the
    group's events matching `filter_pattern` (all, by default) to
    `destination_arn` (a Lambda, Kinesis stream, Firehose or logs
    destination), with `role_arn` where the destination needs one and
    `distribution` (`ByLogStream`, the default, or `Random`)."""

    schema = {"filter_name": {"type": "string"}, "filter_pattern": {"type": "string"},
              "destination_arn": {"type": "string"}, "distribution": {"enum": ["Random", "ByLogStream"]},
              "role_arn": {"type": "string"}}
    required = ("filter_name", "destination_arn")
    permissions = ("logs:PutSubscriptionFilter",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: object = None) -> set[str]:
        # Handing CloudWatch Logs a role needs leave to pass it.
        return set(cls.permissions) | ({"iam:PassRole"} if data.get("role_arn") else set())

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        params = {"logGroupName": r["logGroupName"], "filterName": self.data["filter_name"],
                  "filterPattern": self.data.get("filter_pattern", ""),
                  "destinationArn": self.data["destination_arn"],
                  "distribution": self.data.get("distribution", "ByLogStream")}
        if self.data.get("role_arn"):
            params["roleArn"] = self.data["role_arn"]
        return "logs", "put_subscription_filter", params, f"subscribe {self.data['destination_arn']}"


@actions.register("set-rotation", "aws.kms-key")
class SetRotation(PerResource):
    """Turn yearly key rotation on (`state: true`, the default) or off.
    AWS-managed keys are skipped (AWS rotates them)."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:DescribeKey")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.manager.ensure_details(resources, ["KeyManager"])
        own = [r for r in resources if r.get("KeyManager") != "AWS"]
        calls = super().plan(own)
        managed = [self.resource_id(r) for r in resources if r not in own]
        if managed:
            calls.append(ApiCall.skip(managed, "AWS-managed key", "enable_key_rotation"))
        return calls

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        on = self.data.get("state", True)
        return ("kms", "enable_key_rotation" if on else "disable_key_rotation", {"KeyId": r["KeyId"]},
                "rotation on" if on else "rotation off")


@actions.register("schedule-deletion", "aws.kms-key")
class ScheduleDeletion(PerResource):
    """Schedule the key's deletion in `days` (7 to 30, default 30)."""

    schema = {"days": {"type": "integer", "minimum": 7, "maximum": 30}}
    permissions = ("kms:ScheduleKeyDeletion",)

    def call(self, r: dict) -> tuple[str, str, dict, str]:
        days = self.data.get("days", 30)
        return ("kms", "schedule_key_deletion", {"KeyId": r["KeyId"], "PendingWindowInDays": days},
                f"delete in {days} days")


@actions.register("remove-statements", "aws.kms-key")
class RemoveKeyStatements(Action):
    """Remove statements from the key policy: those a `cross-account` filter
    matched (`statement_ids: matched`), the listed Sids, or `*` (all but the
    statements that name only the account itself)."""

    schema = {"statement_ids": {"oneOf": [{"enum": ["matched", "*"]},
                                          {"type": "array", "items": {"type": "string"}}]}}
    required = ("statement_ids",)
    permissions = ("kms:GetKeyPolicy", "kms:PutKeyPolicy")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        import json
        self.manager.ensure_details(resources, ["Policy"])
        wanted = self.data["statement_ids"]
        account = self.manager.session.account_id
        calls = []
        for r in resources:
            document = json.loads(r["Policy"]) if isinstance(r["Policy"], str) else dict(r["Policy"])
            statements = document.get("Statement") or []
            if isinstance(statements, dict):
                statements = [statements]
            if wanted == "matched":
                drop = r.get("CrossAccountViolations") or []
                keep = [s for s in statements if s not in drop]
            elif wanted == "*":
                keep = [s for s in statements if s.get("Principal") == {"AWS": f"arn:aws:iam::{account}:root"}]
            else:
                keep = [s for s in statements if s.get("Sid") not in wanted]
            if len(keep) == len(statements):
                calls.append(ApiCall.skip([self.resource_id(r)], "no statement to remove", "put_key_policy"))
                continue
            removed = [s.get("Sid", "(no Sid)") for s in statements if s not in keep]
            calls.append(ApiCall("kms", "put_key_policy", {
                "KeyId": r["KeyId"], "PolicyName": "default",
                "Policy": json.dumps({**document, "Statement": keep})}, [self.resource_id(r)],
                "remove statements " + ", ".join(removed)))
        return calls
