"""Filters of the account: its settings, each compared as Custodian does.

Where Custodian's filter is a value filter on a settings document (password
policy, IAM summary, account Block Public Access, Macie), the document is a
`Detail` of `aws.account` and the filter compares its `key` in it.  Every read
that fails is an error (the policy reports it), never a pass: only the codes
that mean "not configured" give an empty document.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter, build_filters, writable
from c7n_lite.filters.related import related_manager
from c7n_lite.filters.value import ValueFilter, ValueMatcher, check_value_data
from c7n_lite.registry import filters, resources

ACCOUNT = "aws.account"
VALUE_SCHEMA = {**ValueFilter.schema, "default": {"type": "object"}}


class DocumentValueFilter(ValueFilter):
    """A value filter on one settings document of the account (a Detail)."""

    schema = VALUE_SCHEMA
    document = ""

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def required_keys(self) -> set[str]:
        return {self.document}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        if "key" not in self.data and "value" not in self.data:
            # As in Custodian, a bare settings filter compares nothing and matches nothing.
            return False
        doc = resource.get(self.document) or {}
        if self.data.get("key") and self.data["key"] not in doc and "default" in self.data:
            doc = {**doc, **self.data["default"]}
        return self.matcher.match(doc)


@filters.register("password-policy", ACCOUNT)
class PasswordPolicy(DocumentValueFilter):
    """Compare a field of the account's IAM password policy, plus
    `PasswordPolicyConfigured` (false when the account has none: every other
    field is then absent).  A denied read is an error, never "no policy"."""

    document = "c7n:password_policy"
    permissions = ("iam:GetAccountPasswordPolicy",)


@filters.register("iam-summary", ACCOUNT)
class IamSummary(DocumentValueFilter):
    """Compare a field of the IAM account summary (`AccountMFAEnabled`,
    `AccountAccessKeysPresent`, `Users`, quotas …)."""

    document = "c7n:iam_summary"
    permissions = ("iam:GetAccountSummary",)


@filters.register("s3-public-block", ACCOUNT)
class S3PublicBlock(DocumentValueFilter):
    """Compare a field of the account-level S3 Block Public Access settings
    (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`,
    `RestrictPublicBuckets`; none are present when it was never set)."""

    document = "c7n:s3-public-block"
    permissions = ("s3:GetAccountPublicAccessBlock",)


@filters.register("check-macie", ACCOUNT)
class CheckMacie(DocumentValueFilter):
    """Compare a field of the Macie session (`status`: ENABLED / PAUSED, and
    `administrator`); the session is {} where Macie is not enabled."""

    document = "c7n:macie"
    permissions = ("macie2:GetMacieSession", "macie2:GetAdministratorAccount")


@filters.register("ec2-metadata-defaults", ACCOUNT)
class Ec2MetadataDefaults(DocumentValueFilter):
    """Compare a field of the region's EC2 instance metadata defaults
    (`HttpTokens`, `HttpPutResponseHopLimit`, `HttpEndpoint`,
    `InstanceMetadataTags`); a field never set is absent."""

    document = "c7n:ec2-metadata-defaults"
    permissions = ("ec2:GetInstanceMetadataDefaults",)


@filters.register("emr-block-public-access", ACCOUNT)
class EmrBlockPublicAccess(DocumentValueFilter):
    """Compare a field of the region's EMR block public access settings
    (`BlockPublicAccessConfiguration.BlockPublicSecurityGroupRules`,
    `….PermittedPublicSecurityGroupRuleRanges`, and their `…Metadata`)."""

    document = "c7n:emr-block-public-access"
    permissions = ("elasticmapreduce:GetBlockPublicAccessConfiguration",)


@filters.register("organization", ACCOUNT)
class Organization(DocumentValueFilter):
    """Compare a field of the account's organization (`Id`, `FeatureSet`,
    `MasterAccountId` …); every field is absent when the account is in none."""

    document = "c7n:org"
    permissions = ("organizations:DescribeOrganization",)


@filters.register("access-analyzer", ACCOUNT)
class AccessAnalyzer(ValueFilter):
    """Regions with an IAM Access Analyzer analyzer matching the value
    (`key: status`, `value: ACTIVE`); the matches are noted on the account."""

    schema = VALUE_SCHEMA
    permissions = ("access-analyzer:ListAnalyzers",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def required_keys(self) -> set[str]:
        return set()

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("accessanalyzer")

        def read() -> list[dict]:
            found: list[dict] = []
            for page in client.get_paginator("list_analyzers").paginate():
                found.extend(page.get("analyzers", ()))
            return found
        matched = [a for a in cached(self.manager, ("analyzers",), read) if self.matcher.match(a)]
        for r in resources:
            r["c7n:matched-analyzers"] = matched
        return resources if matched else []


@filters.register("xray-encrypt-key", ACCOUNT)
class XrayEncryptKey(Filter):
    """Regions whose X-Ray encryption is the AWS default (`key: default`), any
    KMS key (`key: kms`), or the given key (an id, ARN or alias).
    moto does not serve X-Ray's encryption configuration."""

    schema = {"key": {"type": "string"}}
    required = ("key",)
    permissions = ("xray:GetEncryptionConfig", "kms:DescribeKey")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        session = self.manager.session
        config = cached(self.manager, ("xray",),
                        lambda: session.client("xray").get_encryption_config()["EncryptionConfig"])
        for r in resources:
            r["c7n:XrayEncryptionConfig"] = config
        key = self.data["key"]
        if key in ("default", "kms"):
            return resources if config.get("Type") == ("KMS" if key == "kms" else "NONE") else []
        arn = session.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
        return resources if config.get("KeyId") == arn else []


@filters.register("has-virtual-mfa", ACCOUNT)
class HasVirtualMfa(Filter):
    """Accounts whose root user has (`value: true`, the default) or has not a
    virtual MFA device (CIS asks for a hardware one)."""

    schema = {"value": {"type": "boolean"}}
    permissions = ("iam:ListVirtualMFADevices",)
    reads = ("c7n:VirtualMFADevices",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return bool(resource["c7n:VirtualMFADevices"]) == self.data.get("value", True)


def cached(manager: Any, key: tuple, read: Any) -> Any:
    """One read per run and region, shared by the policies of the run."""
    cache = manager._cache()
    full = ("account-setting", *key)
    if full not in cache:
        cache[full] = read()
    return cache[full]


@filters.register("default-ebs-encryption", ACCOUNT)
class DefaultEbsEncryption(Filter):
    """Regions where EBS encryption by default is on (`state: true`) or off
    (`state: false`, the default); with `key` (an alias name, or a value filter
    on the key), only where the default key matches it."""

    schema = {"state": {"type": "boolean"},
              "key": {"oneOf": [{"type": "object"}, {"type": "string"}]}}
    permissions = ("ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId",
                   "kms:DescribeKey", "kms:ListAliases")
    related_types = ("aws.kms",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        state = bool(self.data.get("state", False))
        client = self.manager.session.client("ec2")
        enabled = cached(self.manager, ("ebs-default",),
                         lambda: client.get_ebs_encryption_by_default()["EbsEncryptionByDefault"])
        if bool(enabled) != state:
            return []
        if state and "key" in self.data and not self._key_matches(client):
            return []
        return resources

    def _key_matches(self, client: Any) -> bool:
        key_id = client.get_ebs_default_kms_key_id()["KmsKeyId"]
        key = self.data["key"]
        kms = self.manager.session.client("kms")
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        aliases = [a["AliasName"] for a in related_manager(self.manager, "aws.kms").resources()
                   if a.get("TargetKeyId") == meta["KeyId"]]
        meta["c7n:AliasName"] = aliases[0] if aliases else None
        if isinstance(key, str):
            return key in aliases or key in (meta["KeyId"], meta["Arn"])
        return ValueMatcher(key, self.manager.now).match(meta)


@filters.register("securityhub", ACCOUNT)
class SecurityHub(Filter):
    """Regions where Security Hub is enabled (`enabled: true`, the default) or not."""

    schema = {"enabled": {"type": "boolean"}}
    permissions = ("securityhub:DescribeHub",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("securityhub")

        def read() -> bool:
            try:
                client.describe_hub()
            except Exception as exc:  # noqa: BLE001 - only "not subscribed" means off
                code = error_code(exc)
                if code == "ResourceNotFoundException" or (
                        code == "InvalidAccessException" and "not subscribed" in str(exc).lower()):
                    return False
                raise
            return True
        enabled = cached(self.manager, ("securityhub",), read)
        return resources if enabled == self.data.get("enabled", True) else []


@filters.register("guard-duty", ACCOUNT)
class GuardDuty(Filter):
    """Compare the region's GuardDuty detector and its administrator account:
    each `Detector.<field>` / `Administrator.<field>` key is a value to match
    (all of them, or any with `match-operator: or`).  No detector matches none."""

    schema = {"match-operator": {"enum": ["or", "and"]}}
    permissions = ("guardduty:ListDetectors", "guardduty:GetDetector",
                   "guardduty:GetAdministratorAccount")

    @classmethod
    def json_schema(cls) -> dict:
        found = super().json_schema()
        found["patternProperties"] = {"^Detector": {"oneOf": [{"type": "object"}, {"type": "string"}]},
                                      "^Administrator": {"oneOf": [{"type": "object"}, {"type": "string"}]}}
        return found

    def _info(self) -> dict | None:
        client = self.manager.session.client("guardduty")
        ids = client.list_detectors().get("DetectorIds") or []
        if not ids:
            return None
        detector = client.get_detector(DetectorId=ids[0])
        detector.pop("ResponseMetadata", None)
        admin = client.get_administrator_account(DetectorId=ids[0]).get("Administrator") or {}
        return {"Detector": detector, "Administrator": admin}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        info = cached(self.manager, ("guard-duty",), self._info)
        if info is None:
            return []
        matchers = []
        for key, value in self.data.items():
            if key.startswith(("Detector", "Administrator")):
                data = value if isinstance(value, dict) else {"value": value}
                matchers.append(ValueMatcher({"key": key, **data}, self.manager.now))
        if not matchers:
            matched = True
        elif self.data.get("match-operator") == "or":
            matched = any(m.match(info) for m in matchers)
        else:
            matched = all(m.match(info) for m in matchers)
        if matched:
            for r in resources:
                r["c7n:guard-duty"] = info
            return resources
        return []


@filters.register("check-config", ACCOUNT)
class CheckConfig(Filter):
    """Regions where AWS Config is NOT recording as asked (the account is
    returned as a finding): no delivery channel, or no recorder that records
    all resources (`all-resources`), global ones (`global-resources`) and is
    running (`running`, the default) with a last status of pending or success."""

    schema = {"all-resources": {"type": "boolean"}, "global-resources": {"type": "boolean"},
              "running": {"type": "boolean"}}
    permissions = ("config:DescribeDeliveryChannels", "config:DescribeConfigurationRecorders",
                   "config:DescribeConfigurationRecorderStatus")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("config")
        channels = cached(self.manager, ("config-channels",),
                          lambda: client.describe_delivery_channels()["DeliveryChannels"])
        recorders = cached(self.manager, ("config-recorders",),
                           lambda: client.describe_configuration_recorders()["ConfigurationRecorders"])
        for r in resources:
            r["c7n:config_recorders"], r["c7n:config_channels"] = recorders, channels
        group = lambda rec, k: (rec.get("recordingGroup") or {}).get(k)  # noqa: E731
        if self.data.get("global-resources"):
            recorders = [rec for rec in recorders if group(rec, "includeGlobalResourceTypes")]
        if self.data.get("all-resources"):
            recorders = [rec for rec in recorders if group(rec, "allSupported")]
        if self.data.get("running", True) and recorders:
            status = {s["name"]: s for s in cached(
                self.manager, ("config-status",),
                lambda: client.describe_configuration_recorder_status()["ConfigurationRecordersStatus"])}
            recorders = [rec for rec in recorders
                         if status.get(rec["name"], {}).get("recording")
                         and str(status[rec["name"]].get("lastStatus", "")).lower() in ("pending", "success")]
        return [] if channels and recorders else resources


@filters.register("missing", ACCOUNT)
class Missing(Filter):
    """The account when a nested `policy` (a resource type and its filters)
    finds nothing: e.g. no multi-region trail logging S3 data events.  (A
    deployed Lambda does not yet ship the nested type's module: there the
    policy fails with an error rather than pass.)"""

    schema = {"policy": {"type": "object", "required": ["resource"],
                         "properties": {"resource": {"type": "string"}}}}
    required = ("policy",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        name = (data.get("policy") or {}).get("resource")
        if isinstance(name, str) and _resource_type(name) is None:
            return [f"missing: unknown resource {name!r} in 'policy'"]
        return []

    @classmethod
    def types_read(cls, data: dict) -> tuple[str, ...]:
        rt = _resource_type((data.get("policy") or {}).get("resource", ""))
        return (rt.type,) if rt is not None else ()

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        rt = _resource_type((data.get("policy") or {}).get("resource", ""))
        return set(rt.read_permissions()) if rt is not None else set()

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        nested = self.data["policy"]
        rt = _resource_type(nested["resource"])
        if rt is None:
            raise LookupError(f"resource type {nested['resource']} is not loaded")
        manager = related_manager(self.manager, rt.type)
        found = manager.resources()
        for f in build_filters(nested.get("filters") or [], manager):
            if not found:
                break
            found = f.process(writable(f, found), event)
        return [] if found else resources


def _resource_type(name: str) -> Any:
    if not isinstance(name, str):
        return None
    return resources.get(name if name.startswith("aws.") else f"aws.{name}")
