"""Filters on S3 bucket configuration: intelligent tiering, object ownership,
access logging, and buckets that receive logs."""
from __future__ import annotations

import json
from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter
from c7n_lite.filters.items import ITEMS_SCHEMA, items_match
from c7n_lite.filters.value import ValueFilter, ValueMatcher, check_value_data
from c7n_lite.registry import filters

TIERING_KEY = "c7n:IntelligentTiering"
OWNERSHIP_KEY = "c7n:ownership"
OWNERSHIP_VALUES = ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter",
                    "absent", "present", "not-null", "empty"]


def account_alias(manager: Any) -> str:
    """The account's alias (Custodian's {account}), else its id; read once per run."""
    cache = manager.session.resource_cache
    if "account-alias" not in cache:
        aliases = manager.session.client("iam").list_account_aliases().get("AccountAliases") or []
        cache["account-alias"] = aliases[0] if aliases else manager.session.account_id
    return cache["account-alias"]


def bucket_region(bucket: dict, default: str) -> str:
    location = (bucket.get("Location") or {}).get("LocationConstraint")
    if location == "EU":
        return "eu-west-1"
    return location or ("us-east-1" if "Location" in bucket else default)


def expand(text: str, manager: Any, bucket: dict) -> str:
    """Custodian's variables in bucket names and prefixes; other braces are kept."""
    session = manager.session
    names = {"bucket_name": bucket["Name"], "source_bucket_name": bucket["Name"]}
    if "{account_id}" in text:
        names["account_id"] = session.account_id
    if "{account}" in text:
        names["account"] = account_alias(manager)
    if "{region}" in text:
        names["region"] = session.region
    if "bucket_region}" in text:
        names["source_bucket_region"] = names["bucket_region"] = bucket_region(bucket, session.region)
    for key, value in names.items():
        text = text.replace("{" + key + "}", value)
    return text


def _tiering(client: Any, bucket: dict) -> dict:
    configs: list[dict] = []
    token = None
    while True:
        params = {"Bucket": bucket["Name"], **({"ContinuationToken": token} if token else {})}
        out = client.list_bucket_intelligent_tiering_configurations(**params)
        configs.extend(out.get("IntelligentTieringConfigurationList") or [])
        token = out.get("NextContinuationToken")
        if not out.get("IsTruncated") or not token:
            return {TIERING_KEY: configs}


@filters.register("intelligent-tiering", "aws.s3")
class IntelligentTiering(Filter):
    """Buckets by their intelligent tiering configurations: with `attrs`, those
    having a configuration that matches every one of them; with `count` (and
    `count_op`, default eq), by how many configurations match."""

    schema = ITEMS_SCHEMA
    permissions = ("s3:GetIntelligentTieringConfiguration",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("s3")
        todo = [b for b in resources if TIERING_KEY not in b]
        for b in todo:
            b.update(_tiering(client, b))
        return [b for b in resources if items_match(self.data, b[TIERING_KEY], self.manager.now)[0]]


def _ownership(client: Any, bucket: dict) -> dict:
    try:
        controls = client.get_bucket_ownership_controls(Bucket=bucket["Name"])
    except Exception as exc:  # noqa: BLE001 - only "no controls" is expected
        if error_code(exc) == "OwnershipControlsNotFoundError":
            return {OWNERSHIP_KEY: {}}
        raise
    controls.pop("ResponseMetadata", None)
    return {OWNERSHIP_KEY: controls}


@filters.register("ownership", "aws.s3")
class Ownership(Filter):
    """A value filter on the bucket's object ownership setting
    (BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter; `empty` or
    `absent` when the bucket has no ownership controls)."""

    schema = {**ValueFilter.schema, "value": {"oneOf": [
        {"enum": OWNERSHIP_VALUES}, {"type": "array", "items": {"enum": OWNERSHIP_VALUES}}]}}
    permissions = ("s3:GetBucketOwnershipControls",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data({**data, "key": "x"})

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("s3")
        for b in resources:
            if OWNERSHIP_KEY not in b:
                b.update(_ownership(client, b))
        key = f'("{OWNERSHIP_KEY}".OwnershipControls.Rules[].ObjectOwnership)[0]'
        matcher = ValueMatcher({**self.data, "key": key}, self.manager.now)
        return [b for b in resources if matcher.match(b)]


@filters.register("bucket-logging", "aws.s3")
class BucketLogging(Filter):
    """Buckets by access logging: `op: enabled` / `disabled`, or whether it goes
    (`equal`) or not (`not-equal`) to `target_bucket` under `target_prefix`
    (default the bucket name and a slash).  Names may use {account_id},
    {account} (the alias), {region}, {source_bucket_name}, {source_bucket_region}."""

    schema = {"op": {"enum": ["enabled", "disabled", "equal", "not-equal", "eq", "ne"]},
              "target_bucket": {"type": "string"}, "target_prefix": {"type": "string"}}
    required = ("op",)
    permissions = ("s3:GetBucketLogging", "iam:ListAccountAliases")
    reads = ("Logging",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        keys = ["Logging"] + (["Location"] if "bucket_region}" in str(self.data) else [])
        self.manager.ensure_details(resources, keys)
        op = self.data["op"]
        if op in ("enabled", "disabled"):
            return [b for b in resources if bool(b.get("Logging")) == (op == "enabled")]
        found = []
        for b in resources:
            target = self.data.get("target_bucket")
            wanted = {}
            if target:
                prefix = self.data.get("target_prefix", f"{b['Name']}/")
                wanted = {"TargetBucket": expand(target, self.manager, b),
                          "TargetPrefix": expand(prefix, self.manager, b)}
            current = {k: v for k, v in (b.get("Logging") or {}).items() if k in ("TargetBucket", "TargetPrefix")}
            if (current == wanted) == (op in ("equal", "eq")):
                found.append(b)
        return found


@filters.register("is-log-target", "aws.s3")
class IsLogTarget(Filter):
    """Buckets that receive logs (`value: false`: those that do not): S3 access
    logs of the account's buckets (`self: true`: only a bucket logging into
    itself), classic load balancer access logs and CloudTrail trails
    (`services` narrows them; all three by default)."""

    schema = {"self": {"type": "boolean"}, "value": {"type": "boolean"},
              "services": {"type": "array", "items": {"enum": ["s3", "elb", "cloudtrail"]}}}
    permissions = ("s3:GetBucketLogging", "elasticloadbalancing:DescribeLoadBalancers",
                   "elasticloadbalancing:DescribeLoadBalancerAttributes", "cloudtrail:DescribeTrails")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        services = self.data.get("services", ["elb", "s3", "cloudtrail"])
        self_log = self.data.get("self", False)
        targets: set[str] = set()
        session = self.manager.session
        if "s3" in services:
            names = {b["Name"] for b in resources}
            # Every bucket of the account may log into the ones filtered here.
            sources = resources + [b for b in self.manager.resources() if b["Name"] not in names]
            self.manager.ensure_details(sources, ["Logging"])
            for b in sources:
                logging = b.get("Logging") or {}
                if logging.get("TargetBucket") and (not self_log or logging["TargetBucket"] == b["Name"]):
                    targets.add(logging["TargetBucket"])
                if not self_log and b["Name"].startswith("cf-templates-"):
                    targets.add(b["Name"])
        if "elb" in services and not self_log:
            elb = session.client("elb")
            for page in elb.get_paginator("describe_load_balancers").paginate():
                for lb in page.get("LoadBalancerDescriptions", []):
                    attrs = elb.describe_load_balancer_attributes(LoadBalancerName=lb["LoadBalancerName"])
                    log = attrs.get("LoadBalancerAttributes", {}).get("AccessLog") or {}
                    if log.get("Enabled") and log.get("S3BucketName"):
                        targets.add(log["S3BucketName"])
        if "cloudtrail" in services and not self_log:
            for trail in session.client("cloudtrail").describe_trails().get("trailList", []):
                if trail.get("S3BucketName"):
                    targets.add(trail["S3BucketName"])
        want = self.data.get("value", True)
        return [b for b in resources if (b["Name"] in targets) == want]



NOTIFICATION_FIELDS = {"lambda": "LambdaFunctionConfigurations", "sns": "TopicConfigurations",
                       "sqs": "QueueConfigurations"}


@filters.register("bucket-notification", "aws.s3")
class BucketNotification(Filter):
    """A value filter on the bucket's event notifications of one `kind`
    (lambda, sns, sqs): buckets with a notification matching it; the ids of
    those are noted under `c7n:MatchedNotificationConfigurationIds`."""

    schema = {**ValueFilter.schema, "kind": {"enum": list(NOTIFICATION_FIELDS)}}
    required = ("kind",)
    permissions = ("s3:GetBucketNotification",)
    reads = ("Notification",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        matcher = ValueMatcher(self.data, self.manager.now)
        found = [c for c in (resource.get("Notification") or {}).get(NOTIFICATION_FIELDS[self.data["kind"]], [])
                 if matcher.match(c)]
        if found:
            ids = resource.setdefault("c7n:MatchedNotificationConfigurationIds", [])
            ids.extend(c["Id"] for c in found if c.get("Id") and c["Id"] not in ids)
        return bool(found)


@filters.register("bucket-replication", "aws.s3")
class BucketReplication(Filter):
    """Buckets by their replication rules: `attrs` (value filters every rule
    counted must match) and `count` / `count_op`."""

    schema = ITEMS_SCHEMA
    permissions = ("s3:GetReplicationConfiguration",)
    reads = ("Replication",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        rules = ((resource.get("Replication") or {}).get("ReplicationConfiguration") or {}).get("Rules") or []
        return items_match(self.data, rules, self.manager.now)[0]


LOCK_KEY = "c7n:ObjectLockConfiguration"


@filters.register("lock-configuration", "aws.s3")
class LockConfiguration(Filter):
    """A value filter on the bucket's object lock configuration (e.g.
    `key: Rule.DefaultRetention.Mode`); null when the bucket has none."""

    schema = ValueFilter.schema
    permissions = ("s3:GetBucketObjectLockConfiguration",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        if LOCK_KEY not in resource:
            try:
                config = self.manager.session.client("s3").get_object_lock_configuration(
                    Bucket=resource["Name"])["ObjectLockConfiguration"]
            except Exception as exc:  # noqa: BLE001 - only "no lock configuration" is expected
                if error_code(exc) != "ObjectLockConfigurationNotFoundError":
                    raise
                config = None
            resource[LOCK_KEY] = config
        return ValueMatcher(self.data, self.manager.now).match(resource[LOCK_KEY] or {})


ENCRYPTION_STATEMENT = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}}


@filters.register("no-encryption-statement", "aws.s3")
class NoEncryptionStatement(Filter):
    """Buckets whose policy has no statement denying unencrypted uploads (the
    one `encryption-policy` adds, whatever its Sid and Resource)."""

    permissions = ("s3:GetBucketPolicy",)
    reads = ("Policy",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        text = resource.get("Policy")
        if not text:
            return True
        statements = json.loads(text).get("Statement") or []
        for s in [statements] if isinstance(statements, dict) else statements:
            if {k: v for k, v in s.items() if k not in ("Sid", "Resource")} == ENCRYPTION_STATEMENT:
                return False
        return True
