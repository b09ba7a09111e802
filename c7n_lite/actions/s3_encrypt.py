"""Encrypt what is in buckets: the objects already there (encrypt-keys), and
those to come, by a Lambda function the buckets notify (attach-encrypt)."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

# CopyObject copies up to 5 GiB; larger objects are copied in parts.
MAX_COPY_SIZE = 5 * 1024 ** 3
PART_SIZE = 1024 ** 3


def restore_done(restore: str) -> bool:
    """A Glacier restore header (`ongoing-request="false", expiry-date=…`) that is finished."""
    return "false" in (restore or "").split(",", 1)[0]


@actions.register("encrypt-keys", "aws.s3")
class EncryptKeys(Action):
    """Encrypt every unencrypted object of the bucket in place (a copy onto
    itself) with `crypto` (AES256, the default, or aws:kms with `key-id`, else
    the account's S3 key).  With a `key-id`, objects under another KMS key are
    copied too.  In a versioned bucket the latest version is copied and the
    unencrypted versions are deleted, as in Custodian.  Objects in Glacier are
    left alone unless `glacier: true`, which asks for a 30-day restore and
    encrypts them on a later run once restored.  Objects over 5 GiB are copied
    in parts (`large: false` leaves them).  `report-only: true` changes
    nothing: it lists the unencrypted objects as the bucket's skip reason."""

    schema = {"report-only": {"type": "boolean"}, "glacier": {"type": "boolean"}, "large": {"type": "boolean"},
              "crypto": {"enum": ["AES256", "aws:kms"]}, "key-id": {"type": "string"}}
    permissions = ("s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion",
                   "s3:PutObject", "s3:DeleteObjectVersion", "s3:RestoreObject", "s3:AbortMultipartUpload",
                   "s3:GetBucketVersioning")
    reads = ("Versioning",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("key-id") and data.get("crypto") != "aws:kms":
            return ["key-id needs crypto: aws:kms"]
        return []

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        extra = {"kms:GenerateDataKey", "kms:Decrypt"} if data.get("crypto") == "aws:kms" else set()
        return set(cls.permissions) | extra

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.manager.ensure_details(resources, ["Versioning"])
        crypto = self.data.get("crypto", "AES256")
        what = crypto + (f" ({self.data['key-id']})" if self.data.get("key-id") else "")
        calls = []
        for r in resources:
            bucket = self.resource_id(r)
            versioned = (r.get("Versioning") or {}).get("Status") in ("Enabled", "Suspended")
            scan = BucketScan(self.data, bucket, versioned)
            if self.data.get("report-only"):
                found = scan.run(self.manager.session)
                shown = ", ".join(found[:20]) + (" …" if len(found) > 20 else "")
                calls.append(ApiCall.skip([bucket], f"report only: {len(found)} unencrypted object(s)"
                                          + (f": {shown}" if found else ""), "encrypt_keys"))
                continue
            calls.append(ApiCall("s3", "encrypt_keys", {"Bucket": bucket, "ServerSideEncryption": crypto},
                                 [bucket], f"encrypt unencrypted objects with {what}"
                                 + (" (versioned: old unencrypted versions deleted)" if versioned else ""),
                                 run=scan.run))
        return calls


class BucketScan:
    """One bucket's objects, each checked (HeadObject) and, unless reporting, encrypted."""

    def __init__(self, data: dict, bucket: str, versioned: bool) -> None:
        self.data, self.bucket, self.versioned = data, bucket, versioned
        self.crypto = data.get("crypto", "AES256")
        self.key_id = data.get("key-id")
        self.report = bool(data.get("report-only"))

    def run(self, session: Any) -> list[str]:
        s3 = session.client("s3")
        done: list[str] = []
        if self.versioned:
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket):
                for version in page.get("Versions") or ():
                    if self.version(s3, version):
                        done.append(f"{version['Key']}@{version['VersionId']}")
        else:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
                for item in page.get("Contents") or ():
                    if self.key(s3, item["Key"]):
                        done.append(item["Key"])
        return done

    def encrypted_enough(self, info: dict) -> bool:
        sse = info.get("ServerSideEncryption")
        if sse == "AES256" and not self.key_id:
            return True
        return sse == "aws:kms" and (not self.key_id or self.key_id in info.get("SSEKMSKeyId", ""))

    def key(self, s3: Any, key: str, info: dict | None = None) -> bool:
        info = info if info is not None else s3.head_object(Bucket=self.bucket, Key=key)
        if self.encrypted_enough(info):
            return False
        if self.report:
            return True
        storage = info.get("StorageClass", "STANDARD")
        if storage == "GLACIER":
            if not self.data.get("glacier"):
                return False
            if "Restore" not in info:
                s3.restore_object(Bucket=self.bucket, Key=key, RestoreRequest={"Days": 30})
                return False
            if not restore_done(info["Restore"]):
                return False
            storage = "STANDARD"
        params: dict = {"Bucket": self.bucket, "Key": key, "StorageClass": storage,
                        "ServerSideEncryption": self.crypto}
        if self.key_id and self.crypto == "aws:kms":
            params["SSEKMSKeyId"] = self.key_id
        if info.get("ContentLength", 0) > MAX_COPY_SIZE:
            if self.data.get("large", True) is False:
                return False
            copy_in_parts(s3, params, info)
        else:
            s3.copy_object(CopySource={"Bucket": self.bucket, "Key": key}, MetadataDirective="COPY", **params)
        return True

    def version(self, s3: Any, version: dict) -> bool:
        info = s3.head_object(Bucket=self.bucket, Key=version["Key"], VersionId=version["VersionId"])
        if "ServerSideEncryption" in info:
            return False
        if self.report:
            return True
        if version.get("IsLatest") and not self.key(s3, version["Key"], info):
            return False
        s3.delete_object(Bucket=self.bucket, Key=version["Key"], VersionId=version["VersionId"])
        return True


def copy_in_parts(s3: Any, params: dict, info: dict) -> None:
    size, key = info["ContentLength"], params["Key"]
    extra = {"Metadata": info["Metadata"]} if info.get("Metadata") else {}
    upload = s3.create_multipart_upload(**params, **extra)["UploadId"]
    try:
        parts = []
        for number, start in enumerate(range(0, size, PART_SIZE), 1):
            out = s3.upload_part_copy(Bucket=params["Bucket"], Key=key, UploadId=upload, PartNumber=number,
                                      CopySource={"Bucket": params["Bucket"], "Key": key},
                                      CopySourceIfMatch=info["ETag"],
                                      CopySourceRange=f"bytes={start}-{min(start + PART_SIZE, size) - 1}")
            parts.append({"ETag": out["CopyPartResult"]["ETag"], "PartNumber": number})
    except Exception:
        s3.abort_multipart_upload(Bucket=params["Bucket"], Key=key, UploadId=upload)
        raise
    s3.complete_multipart_upload(Bucket=params["Bucket"], Key=key, UploadId=upload,
                                 MultipartUpload={"Parts": parts})
