"""S3 buckets, and the per-bucket configuration documents filters may read.

Custodian fetches 11 documents per bucket whatever the policy reads; here each
document is its own `Detail`, fetched only for the buckets that reach a filter
reading it.  Fields keep Custodian's names and empty values (`Acl`, `Policy`,
`Tags`, `Versioning`, `Location`, …) so that value filters on them agree.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging, paginate

PUBLIC_BLOCK_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                     "RestrictPublicBuckets")


def bucket_document(method: str, key: str, empty: Any, select: str | None = None
                    ) -> Callable[[Any, dict], dict]:
    """A fetch for one bucket document: `method`'s answer (or its `select` part)
    as `key`; `empty` when the bucket has no such document.  Any other failure
    raises: unlike Custodian (which notes a denied call in `c7n:DeniedMethods`
    and lets the bucket pass), the bucket is then errored, never passed."""
    def fetch(client: Any, bucket: dict) -> dict:
        try:
            out = getattr(client, method)(Bucket=bucket["Name"])
        except Exception as exc:  # noqa: BLE001 - sorted by AWS error code
            code = error_code(exc)
            if code != "NoSuchBucket" and (code.startswith("NoSuch") or "NotFound" in code):
                return {key: empty() if callable(empty) else empty}
            raise
        out.pop("ResponseMetadata", None)
        return {key: out[select] if select and select in out else out}
    return fetch


def _document(method: str, key: str, empty: Any, permission: str,
              select: str | None = None) -> Detail:
    return Detail((key,), bucket_document(method, key, empty, select), (permission,))


@resources.register("aws.s3")
class S3Bucket(ResourceType):
    """S3 buckets.  Each bucket is reported once per run: a one-region run sees
    every bucket of the account (as Cloud Custodian does); a run over several
    regions gives each region the buckets located there, and the first region
    also those located in regions the run does not cover."""

    service = "s3"
    config_type = "AWS::S3::Bucket"
    enum_op = "list_buckets"
    enum_path = "Buckets"
    enum_permission = "s3:ListAllMyBuckets"
    id = name = "Name"
    arn_format = "arn:{partition}:s3:::{id}"
    date = "CreationDate"
    taggable = True
    fetch_gone = ("NoSuchBucket",)
    # PutBucketTagging replaces the whole set: merged with the tags as they are when it runs.
    tagging = Tagging("replace-set", "s3", "put_bucket_tagging", "delete_bucket_tagging", "Bucket", by="id",
                      permissions=("s3:GetBucketTagging", "s3:PutBucketTagging"))
    policy_key = "Policy"
    details = {
        "tags": _document("get_bucket_tagging", "Tags", list, "s3:GetBucketTagging", "TagSet"),
        "policy": _document("get_bucket_policy", "Policy", None, "s3:GetBucketPolicy", "Policy"),
        "acl": _document("get_bucket_acl", "Acl", None, "s3:GetBucketAcl"),
        "replication": _document("get_bucket_replication", "Replication", None,
                                 "s3:GetReplicationConfiguration"),
        "versioning": _document("get_bucket_versioning", "Versioning", None,
                                "s3:GetBucketVersioning"),
        "website": _document("get_bucket_website", "Website", None, "s3:GetBucketWebsite"),
        "logging": _document("get_bucket_logging", "Logging", None, "s3:GetBucketLogging",
                             "LoggingEnabled"),
        "notification": _document("get_bucket_notification_configuration", "Notification",
                                  None, "s3:GetBucketNotification"),
        "lifecycle": _document("get_bucket_lifecycle_configuration", "Lifecycle", None,
                               "s3:GetLifecycleConfiguration"),
        # Not part of Custodian's bucket document: its bucket-encryption and
        # check-public-block filters fetch these under the same annotation keys.
        "encryption": _document("get_bucket_encryption", "c7n:bucket-encryption", dict,
                                "s3:GetEncryptionConfiguration"),
        "location": Detail(("Location",), lambda client, bucket: {"Location": {
            "LocationConstraint": client.get_bucket_location(Bucket=bucket["Name"]).get("LocationConstraint")}},
            ("s3:GetBucketLocation",)),
        "public-access-block": _document(
            "get_public_access_block", "c7n:PublicAccessBlock",
            lambda: dict.fromkeys(PUBLIC_BLOCK_KEYS, False), "s3:GetBucketPublicAccessBlock",
            "PublicAccessBlockConfiguration"),
    }
    report_fields = ("Name", "CreationDate", "Location.LocationConstraint")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("s3")
        run_regions = session.run_regions
        if run_regions == (session.region,):
            buckets = paginate(client, cls.enum_op, cls.enum_path)
        else:
            buckets = cls._buckets_in(client, session.region)
            if session.region == run_regions[0]:
                elsewhere = {b["Name"] for r in run_regions for b in cls._buckets_in(client, r)}
                buckets += [b for b in paginate(client, cls.enum_op, cls.enum_path)
                            if b["Name"] not in elsewhere]
        for bucket in buckets:
            region = bucket.pop("BucketRegion", None)
            if region is not None:
                # Custodian's Location document; us-east-1 is null.
                bucket["Location"] = {"LocationConstraint": None if region == "us-east-1" else region}
        return buckets

    @classmethod
    def _buckets_in(cls, client: Any, region: str) -> list[dict]:
        buckets = paginate(client, cls.enum_op, cls.enum_path, {"BucketRegion": region})
        for bucket in buckets:
            bucket.setdefault("BucketRegion", region)
        return buckets
