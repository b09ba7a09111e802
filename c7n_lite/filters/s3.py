"""Filters for S3 buckets: who the bucket policy and ACL let in, default encryption,
public access block.  Each reads bucket documents the resource type declares as
details, so only the documents a policy needs are fetched."""
from __future__ import annotations

import logging
from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter
from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
from c7n_lite.registry import filters

log = logging.getLogger("c7n_lite")

# AWS service accounts that write into customers' buckets (ELB access logs,
# Redshift audit logs, CloudTrail), trusted by Custodian's S3 cross-account check.
ELB_LOG_ACCOUNTS = (
    "127311923021", "033677994240", "027434742980", "797873946194", "098369216593",
    "985666609251", "054676820928", "897822967062", "635631232127", "156460612806",
    "652711504416", "009996457667", "754344448648", "582318560864", "600734575887",
    "383597477331", "114774131450", "783225319266", "718504428378", "076674570225",
    "507241528517", "048591011584", "190560391635", "638102146993", "037604701340",
)
REDSHIFT_AUDIT_ACCOUNTS = (
    "193672423079", "391106570357", "262260360010", "902366379725", "365689465814",
    "313564881002", "865932855811", "090321488786", "760740231472", "361669875840",
    "762762565011", "404641285394", "907379612154", "053454850223", "210876761215",
    "307160386991", "945612479654", "915173422425", "729911121831", "013126148197",
    "075028567923",
)
CLOUDTRAIL_ACCOUNTS = (
    "086441151436", "475085895292", "388731089494", "113285607260", "819402241893",
    "977081816279", "492519147666", "903692715234", "284668455005", "216624486486",
    "035351147821", "859597730677", "282025262664", "814480443879",
)
SERVICE_ACCOUNTS = frozenset(ELB_LOG_ACCOUNTS + REDSHIFT_AUDIT_ACCOUNTS + CLOUDTRAIL_ACCOUNTS)

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
ACL_PERMISSIONS = ("READ", "WRITE", "WRITE_ACP", "READ_ACP", "FULL_CONTROL")
ENCRYPTION_KEY = "c7n:bucket-encryption"
PUBLIC_BLOCK_KEY = "c7n:PublicAccessBlock"
PUBLIC_BLOCK_OPTIONS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                        "RestrictPublicBuckets")


@filters.register("cross-account", "aws.s3")
class S3CrossAccount(PolicyCrossAccountFilter):
    """Buckets whose bucket policy lets principals outside the account (and the
    `whitelist`) in.  AWS's log-delivery accounts (ELB, Redshift audit,
    CloudTrail) are trusted."""

    permissions = ("s3:GetBucketPolicy",)

    def trusted_accounts(self) -> set[str]:
        return super().trusted_accounts() | SERVICE_ACCOUNTS


@filters.register("global-grants", "aws.s3")
class GlobalGrants(Filter):
    """Buckets whose ACL grants anything to everyone (AllUsers) or to any AWS
    user (AuthenticatedUsers).  Public READ on a website bucket is allowed
    unless `allow_website: false`; `permissions` narrows the grants that count."""

    schema = {
        "allow_website": {"type": "boolean"},
        # Accepted for Custodian compatibility; Custodian ignores it too.
        "operator": {"enum": ["or", "and"]},
        "permissions": {"type": "array", "items": {"enum": list(ACL_PERMISSIONS)}},
    }
    permissions = ("s3:GetBucketAcl", "s3:GetBucketWebsite")
    # The website document only where everyone may READ (see process), but up
    # to two reads per bucket: a filter reading one document goes first beside it.
    reads = ("Acl", "Website")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.manager.ensure_details(resources, ("Acl",))
        if self.data.get("allow_website", True):
            # The website document matters only where everyone may READ.
            readable = [b for b in resources if "READ" in self._global_permissions(b)]
            self.manager.ensure_details(readable, ("Website",))
        return [b for b in resources if self.match(b, event)]

    @staticmethod
    def _global_permissions(bucket: dict) -> list[str]:
        acl = bucket.get("Acl") or {}
        return [g.get("Permission") for g in acl.get("Grants") or ()
                if g.get("Grantee", {}).get("URI") in (ALL_USERS, AUTHENTICATED_USERS)]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        allow_website = self.data.get("allow_website", True)
        wanted = self.data.get("permissions")
        found = []
        for permission in self._global_permissions(resource):
            if allow_website and permission == "READ" and resource.get("Website"):
                continue
            if not wanted or permission in wanted:
                found.append(permission)
        if found:
            resource.setdefault("GlobalPermissions", []).extend(
                p for p in found if p not in resource["GlobalPermissions"])
        return bool(found)


@filters.register("bucket-encryption", "aws.s3")
class BucketEncryption(Filter):
    """Buckets by default encryption: `state: true` (the default) those with it,
    optionally with `crypto` AES256 or aws:kms and a KMS `key` (id, ARN or
    alias); `state: false` those without it.  `bucket_key_enabled` checks the
    S3 Bucket Key setting instead."""

    schema = {
        "state": {"type": "boolean"},
        "crypto": {"enum": ["AES256", "aws:kms"]},
        "key": {"type": "string"},
        "bucket_key_enabled": {"type": "boolean"},
    }
    permissions = ("s3:GetEncryptionConfiguration", "kms:DescribeKey", "kms:ListAliases")
    reads = (ENCRYPTION_KEY,)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self._key: dict | None = None
        self._key_resolved = False

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("bucket_key_enabled") is not None and data.get("key") is not None:
            return ["'key' and 'bucket_key_enabled' cannot both be set"]
        return []

    def kms_key(self) -> dict | None:
        """The policy's key with every name it goes by (id, ARN, alias names and
        ARNs), looked up once; None if it cannot be found."""
        if not self._key_resolved:
            try:
                kms = self.manager.session.client("kms")
                meta = kms.describe_key(KeyId=self.data["key"])["KeyMetadata"]
                aliases = kms.list_aliases(KeyId=meta["KeyId"]).get("Aliases", [])
                names = {meta.get("KeyId"), meta.get("Arn")}
                names.update(a[k] for a in aliases for k in ("AliasArn", "AliasName") if k in a)
                self._key = {"names": names}
            except Exception as exc:  # noqa: BLE001 - only "no such key" is an answer
                if error_code(exc) != "NotFoundException":
                    raise  # the buckets are unknown, not unencrypted
                log.warning("bucket-encryption: KMS key %s not found", self.data["key"])
            self._key_resolved = True
        return self._key

    def match(self, resource: dict, event: dict | None = None) -> bool:
        config = resource[ENCRYPTION_KEY] or {}
        rules = config.get("ServerSideEncryptionConfiguration", {}).get("Rules") or []
        # Like Custodian, only the first rule is read.
        first = rules[0] if rules else None
        bucket_key = self.data.get("bucket_key_enabled")
        if bucket_key is not None and first is not None:
            enabled = bool(first.get("BucketKeyEnabled"))
            return enabled if bucket_key else not enabled
        if self.data.get("state", True):
            return first is not None and self._rule_matches(first)
        return first is None or not self._rule_matches(first)

    def _rule_matches(self, rule: dict) -> bool:
        default = rule.get("ApplyServerSideEncryptionByDefault")
        if not default:
            return False
        algorithm = default.get("SSEAlgorithm")
        crypto = self.data.get("crypto")
        if not crypto:
            return algorithm in ("AES256", "aws:kms")
        if crypto != algorithm:
            return False
        if crypto == "AES256" or "key" not in self.data:
            return True
        key = self.kms_key()
        # No master key id in the rule means the AWS-managed key.
        return key is not None and default.get("KMSMasterKeyID", "alias/aws/s3") in key["names"]


@filters.register("check-public-block", "aws.s3")
class CheckPublicBlock(Filter):
    """Buckets by their public access block: with no options, those where any of
    the four settings is off (or no block is set); with options, those whose
    given settings have exactly the given values."""

    schema = {name: {"type": "boolean"} for name in PUBLIC_BLOCK_OPTIONS}
    permissions = ("s3:GetBucketPublicAccessBlock",)
    reads = (PUBLIC_BLOCK_KEY,)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        # Read (or recorded as errored) before this runs: a denied read never counts as "off".
        config = resource[PUBLIC_BLOCK_KEY]
        given = [k for k in PUBLIC_BLOCK_OPTIONS if k in self.data]
        if given:
            return all(config.get(k) is self.data[k] for k in given)
        return not all(config.get(k, False) for k in PUBLIC_BLOCK_OPTIONS)
