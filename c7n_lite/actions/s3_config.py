"""S3 bucket configuration: default encryption, versioning, access logging,
lifecycle rules, intelligent tiering, inventory, deleting buckets.

Calls that replace a whole document (lifecycle) read it again when they run
and change only the rules the policy names, so nothing set since the scan (or
by another tool) is lost.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.s3 import RemoveGlobalGrants
from c7n_lite.aws.session import error_code
from c7n_lite.filters.s3_config import expand
from c7n_lite.registry import actions


@actions.register("delete-global-grants", "aws.s3")
class DeleteGlobalGrants(RemoveGlobalGrants):
    """Custodian's name for `remove-global-grants`: drop ACL grants to everyone
    (AllUsers) and to any AWS user (AuthenticatedUsers), or only to the
    `grantees` (URIs) listed."""

    schema = {"grantees": {"type": "array", "items": {"type": "string"}}}


@actions.register("set-bucket-encryption", "aws.s3")
class SetBucketEncryption(Action):
    """Set default encryption: `crypto` AES256 (the default) or aws:kms with an
    optional `key` (id, ARN or alias; the AWS-managed key without one) and the
    S3 Bucket Key (`bucket-key`, default true).  `enabled: false` removes the
    default encryption."""

    schema = {"enabled": {"type": "boolean"}, "crypto": {"enum": ["aws:kms", "AES256"]},
              "key": {"type": "string"}, "bucket-key": {"type": "boolean"}}
    permissions = ("s3:PutEncryptionConfiguration",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if "key" in data and data.get("crypto") != "aws:kms":
            return ["'key' needs 'crypto: aws:kms'"]
        return []

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        return set(cls.permissions) | ({"kms:DescribeKey"} if data.get("key") else set())

    def rule(self) -> dict:
        crypto = self.data.get("crypto", "AES256")
        default: dict = {"SSEAlgorithm": crypto}
        if crypto == "aws:kms" and self.data.get("key"):
            # The key's ARN, as the bucket will show it (an alias is resolved now).
            kms = self.manager.session.client("kms")
            default["KMSMasterKeyID"] = kms.describe_key(KeyId=self.data["key"])["KeyMetadata"]["Arn"]
        rule: dict = {"ApplyServerSideEncryptionByDefault": default}
        if crypto == "aws:kms":
            rule["BucketKeyEnabled"] = bool(self.data.get("bucket-key", True))
        return rule

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        if not self.data.get("enabled", True):
            return [ApiCall("s3", "delete_bucket_encryption", {"Bucket": b["Name"]}, [b["Name"]],
                            "remove default encryption") for b in resources]
        rule = self.rule() if resources else {}
        text = rule.get("ApplyServerSideEncryptionByDefault", {})
        message = f"default encryption {text.get('SSEAlgorithm')}" + \
            (f" with {text['KMSMasterKeyID']}" if "KMSMasterKeyID" in text else "")
        return [ApiCall("s3", "put_bucket_encryption",
                        {"Bucket": b["Name"], "ServerSideEncryptionConfiguration": {"Rules": [rule]}},
                        [b["Name"]], message) for b in resources]


@actions.register("toggle-versioning", "aws.s3")
class ToggleVersioning(Action):
    """Turn versioning on (`enabled: true`, the default) or suspend it.  Buckets
    already in that state, or never versioned when suspending, are skipped."""

    schema = {"enabled": {"type": "boolean"}}
    permissions = ("s3:GetBucketVersioning", "s3:PutBucketVersioning")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.manager.ensure_details(resources, ["Versioning"])
        enable = self.data.get("enabled", True)
        calls, skipped = [], []
        for b in resources:
            status = (b.get("Versioning") or {}).get("Status")
            if (enable and status == "Enabled") or (not enable and status != "Enabled"):
                skipped.append(b["Name"])
                continue
            wanted = "Enabled" if enable else "Suspended"
            calls.append(ApiCall("s3", "put_bucket_versioning",
                                 {"Bucket": b["Name"], "VersioningConfiguration": {"Status": wanted}},
                                 [b["Name"]], f"versioning {status or 'off'} → {wanted}"))
        if skipped:
            calls.append(ApiCall.skip(skipped, "versioning already " + ("on" if enable else "off or suspended"),
                                      "put_bucket_versioning"))
        return calls


@actions.register("toggle-logging", "aws.s3")
class ToggleLogging(Action):
    """Turn access logging on into `target_bucket` under `target_prefix`
    (default: the bucket's name and a slash), or off (`enabled: false`).  Both
    may use {account_id}, {account} (the alias), {region}, {source_bucket_name},
    {source_bucket_region}."""

    schema = {"enabled": {"type": "boolean"}, "target_bucket": {"type": "string"},
              "target_prefix": {"type": "string"}}
    permissions = ("s3:GetBucketLogging", "s3:PutBucketLogging", "iam:ListAccountAliases")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("enabled", True) and not data.get("target_bucket"):
            return ["enabling logging needs a 'target_bucket'"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        region_vars = "bucket_region}" in str(self.data)
        self.manager.ensure_details(resources, ["Logging", "Location"] if region_vars else ["Logging"])
        calls, skipped = [], []
        for b in resources:
            current = b.get("Logging") or {}
            if not self.data.get("enabled", True):
                if not current:
                    skipped.append(b["Name"])
                    continue
                calls.append(ApiCall("s3", "put_bucket_logging",
                                     {"Bucket": b["Name"], "BucketLoggingStatus": {}}, [b["Name"]],
                                     "turn access logging off"))
                continue
            target = expand(self.data["target_bucket"], self.manager, b)
            prefix = expand(self.data.get("target_prefix", f"{b['Name']}/"), self.manager, b)
            if current.get("TargetBucket") == target and current.get("TargetPrefix") == prefix:
                skipped.append(b["Name"])
                continue
            status = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": prefix}}
            calls.append(ApiCall("s3", "put_bucket_logging", {"Bucket": b["Name"], "BucketLoggingStatus": status},
                                 [b["Name"]], f"access logs to s3://{target}/{prefix}"))
        if skipped:
            calls.append(ApiCall.skip(skipped, "logging already as wanted", "put_bucket_logging"))
        return calls


def _lifecycle_rules(client: Any, bucket: str) -> list[dict]:
    try:
        return client.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules", [])
    except Exception as exc:  # noqa: BLE001 - only "no lifecycle" is expected
        if error_code(exc) == "NoSuchLifecycleConfiguration":
            return []
        raise


@actions.register("configure-lifecycle", "aws.s3")
class ConfigureLifecycle(Action):
    """Add or replace lifecycle rules by `ID`; a rule with `Status: absent`
    removes the rule of that ID.  The bucket's other rules are kept: the
    configuration is read again when the call runs and merged."""

    schema = {"rules": {"type": "array", "items": {
        "type": "object", "required": ["ID", "Status"],
        "properties": {"ID": {"type": "string"}, "Status": {"enum": ["Enabled", "Disabled", "absent"]}}}}}
    permissions = ("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        rules = list(self.data.get("rules") or ())
        ids = [r["ID"] for r in rules]
        drops = [r["ID"] for r in rules if r["Status"] == "absent"]
        sets = [r for r in rules if r["Status"] != "absent"]
        text = ", ".join([f"set {r['ID']}" for r in sets] + [f"remove {i}" for i in drops])
        return [ApiCall("s3", "put_bucket_lifecycle_configuration",
                        {"Bucket": b["Name"], "set": sets, "remove": drops}, [b["Name"]],
                        f"lifecycle rules: {text}", run=self._runner(b["Name"], ids, sets))
                for b in resources]

    @staticmethod
    def _runner(bucket: str, ids: list[str], sets: list[dict]) -> Any:
        def run(session: Any) -> Any:
            client = session.client("s3")
            current = _lifecycle_rules(client, bucket)
            wanted = [r for r in current if r.get("ID") not in ids] + [_with_filter(r) for r in sets]
            if wanted == current:
                return None
            if not wanted:
                return client.delete_bucket_lifecycle(Bucket=bucket)
            return client.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": wanted})
        return run


def _with_filter(rule: dict) -> dict:
    # The API wants a Filter (or the legacy Prefix); an empty filter is the whole bucket.
    if "Filter" not in rule and "Prefix" not in rule:
        return {**rule, "Filter": {}}
    return dict(rule)


@actions.register("set-intelligent-tiering", "aws.s3")
class SetIntelligentTiering(Action):
    """Put the intelligent tiering configuration `Id`
    (`IntelligentTieringConfiguration`, its Id added), or delete it (`State: delete`)."""

    schema = {"Id": {"type": "string"}, "IntelligentTieringConfiguration": {"type": "object"},
              "State": {"enum": ["delete"]}}
    required = ("Id",)
    permissions = ("s3:PutIntelligentTieringConfiguration",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if ("IntelligentTieringConfiguration" in data) == ("State" in data):
            return ["give either 'IntelligentTieringConfiguration' or 'State: delete'"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        tid = self.data["Id"]
        if self.data.get("State") == "delete":
            return [ApiCall("s3", "delete_bucket_intelligent_tiering_configuration",
                            {"Bucket": b["Name"], "Id": tid}, [b["Name"]],
                            f"delete intelligent tiering {tid}") for b in resources]
        config = {**self.data["IntelligentTieringConfiguration"], "Id": tid}
        return [ApiCall("s3", "put_bucket_intelligent_tiering_configuration",
                        {"Bucket": b["Name"], "Id": tid, "IntelligentTieringConfiguration": config},
                        [b["Name"]], f"intelligent tiering {tid}") for b in resources]


@actions.register("delete", "aws.s3")
class DeleteBucket(Action):
    """Delete buckets.  A bucket with objects cannot be deleted: `remove-contents:
    true` first deletes every object and object version in it (irreversibly)."""

    schema = {"remove-contents": {"type": "boolean"}}
    permissions = ("s3:DeleteBucket",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        extra = {"s3:ListBucket", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"}
        return set(cls.permissions) | (extra if data.get("remove-contents") else set())

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        if not self.data.get("remove-contents"):
            return [ApiCall("s3", "delete_bucket", {"Bucket": b["Name"]}, [b["Name"]], "delete bucket")
                    for b in resources]
        return [ApiCall("s3", "delete_bucket", {"Bucket": b["Name"]}, [b["Name"]],
                        "delete every object version, then the bucket", run=_empty_then_delete(b["Name"]))
                for b in resources]


def _empty_then_delete(bucket: str) -> Any:
    def run(session: Any) -> Any:
        client = session.client("s3")
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
            keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            for start in range(0, len(keys), 1000):
                out = client.delete_objects(Bucket=bucket, Delete={"Objects": keys[start:start + 1000],
                                                                    "Quiet": True})
                if out.get("Errors"):
                    first = out["Errors"][0]
                    raise RuntimeError(f"{len(out['Errors'])} object(s) not deleted, e.g. "
                                       f"{first.get('Key')}: {first.get('Code')}")
        return client.delete_bucket(Bucket=bucket)
    return run


INVENTORY_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus",
                    "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus",
                    "IntelligentTieringAccessTier", "BucketKeyStatus", "ChecksumAlgorithm"]


@actions.register("set-inventory", "aws.s3")
class SetInventory(Action):
    """Put the inventory configuration `name`, delivered to the `destination`
    bucket under `prefix` (default `Inventories/<account>`), or remove it
    (`state: absent`)."""

    schema = {"name": {"type": "string"}, "destination": {"type": "string"}, "prefix": {"type": "string"},
              "schedule": {"enum": ["Daily", "Weekly"]},
              "fields": {"type": "array", "items": {"enum": INVENTORY_FIELDS}},
              "versions": {"enum": ["All", "Current"]}, "state": {"enum": ["enabled", "disabled", "absent"]},
              "encryption": {"enum": ["SSES3", "SSEKMS"]}, "key_id": {"type": "string"},
              "format": {"enum": ["CSV", "ORC", "Parquet"]}}
    required = ("name", "destination")
    permissions = ("s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration")

    def config(self) -> dict:
        d = self.data
        destination: dict = {"Bucket": f"arn:{self.manager.session.partition}:s3:::{d['destination']}",
                             "Format": d.get("format", "CSV"),
                             "Prefix": d.get("prefix") or f"Inventories/{self.manager.session.account_id}"}
        if d.get("encryption"):
            destination["Encryption"] = {d["encryption"]: {"KeyId": d["key_id"]}
                                         if d["encryption"] == "SSEKMS" and d.get("key_id") else {}}
        return {"Destination": {"S3BucketDestination": destination},
                "IsEnabled": d.get("state", "enabled") == "enabled",
                "Id": d["name"], "OptionalFields": list(d.get("fields", ["LastModifiedDate", "Size"])),
                "IncludedObjectVersions": d.get("versions", "Current"),
                "Schedule": {"Frequency": d.get("schedule", "Daily")}}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        name = self.data["name"]
        if self.data.get("state") == "absent":
            return [ApiCall("s3", "delete_bucket_inventory_configuration", {"Bucket": b["Name"], "Id": name},
                            [b["Name"]], f"remove inventory {name}", run=_drop_inventory(b["Name"], name))
                    for b in resources]
        config = self.config()
        return [ApiCall("s3", "put_bucket_inventory_configuration",
                        {"Bucket": b["Name"], "Id": name, "InventoryConfiguration": config}, [b["Name"]],
                        f"inventory {name} to s3://{self.data['destination']}") for b in resources]


def _drop_inventory(bucket: str, name: str) -> Any:
    def run(session: Any) -> Any:
        try:
            return session.client("s3").delete_bucket_inventory_configuration(Bucket=bucket, Id=name)
        except Exception as exc:  # noqa: BLE001 - already absent is done
            if error_code(exc) in ("NoSuchConfiguration", "NoSuchInventoryConfiguration"):
                return None
            raise
    return run


@actions.register("delete-bucket-notification", "aws.s3")
class DeleteBucketNotification(Action):
    """Remove event notifications by id (`statement_ids`, or `matched` for
    those the bucket-notification filter found), keeping the others (the
    configuration is read again when the call runs)."""

    schema = {"statement_ids": {"oneOf": [{"enum": ["matched"]}, {"type": "array", "items": {"type": "string"}}]}}
    required = ("statement_ids",)
    permissions = ("s3:GetBucketNotification", "s3:PutBucketNotification")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, nothing = [], []
        for b in resources:
            ids = self.data["statement_ids"]
            if ids == "matched":
                ids = b.get("c7n:MatchedNotificationConfigurationIds") or []
            if not ids:
                nothing.append(b["Name"])
                continue
            calls.append(ApiCall("s3", "put_bucket_notification_configuration", {"Bucket": b["Name"], "remove": ids},
                                 [b["Name"]], f"remove notifications {', '.join(ids)}",
                                 run=_drop_notifications(b["Name"], set(ids))))
        if nothing:
            calls.append(ApiCall.skip(nothing, "no notification to remove"))
        return calls


def _drop_notifications(bucket: str, ids: set[str]) -> Any:
    def run(session: Any) -> Any:
        client = session.client("s3")
        config = client.get_bucket_notification_configuration(Bucket=bucket)
        config.pop("ResponseMetadata", None)
        kept = {k: [c for c in v if c.get("Id") not in ids] if isinstance(v, list) else v for k, v in config.items()}
        if kept == config:
            return None
        return client.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={k: v for k, v in kept.items() if v})
    return run
