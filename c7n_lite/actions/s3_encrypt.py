"""Encrypt what is in buckets: the objects already there (encrypt-keys), and
those to come, by a Lambda function the buckets notify (attach-encrypt)."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.session import error_code
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


FUNCTION_NAME = "c7n-s3-encrypt"
FUNCTION_HANDLER = "s3crypt.process_event"
CREATED = "s3:ObjectCreated:*"


def encrypt_function_archive() -> bytes:
    """The function's code: c7n_lite/s3crypt.py alone, as s3crypt.py, and Custodian's empty config.json."""
    from c7n_lite import s3crypt  # imported, so a deployed policy's archive ships it too
    source = s3crypt.__file__
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("s3crypt.py", open(source, "rb").read()), ("config.json", b"{}")):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def bucket_region(bucket: dict, default: str) -> str:
    return ((bucket.get("Location") or {}).get("LocationConstraint") or "us-east-1") if "Location" in bucket \
        else default


@actions.register("attach-encrypt", "aws.s3")
class AttachEncrypt(Action):
    """Encrypt objects as they arrive: publish the Lambda function
    `c7n-s3-encrypt` (running as `role`, with `tags`) in each bucket's region,
    and have each bucket invoke it on every object created.  With a `topic`
    ARN, the function subscribes to that SNS topic instead; `topic: default`
    uses the bucket's topic for object-created events, or creates one named
    after the bucket.  The function encrypts unencrypted new objects with
    AES256 in place."""

    schema = {"role": {"type": "string"}, "tags": {"type": "object"}, "topic": {"type": "string"}}
    permissions = ("s3:GetBucketNotification", "s3:PutBucketNotification", "lambda:GetFunction",
                   "lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:AddPermission", "iam:PassRole")
    reads = ("Location",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        extra = {"sns:Subscribe"} if data.get("topic") else set()
        if data.get("topic") == "default":
            extra |= {"sns:CreateTopic", "sns:SetTopicAttributes"}
        return set(cls.permissions) | extra

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.manager.ensure_details(resources, ["Location"])
        session = self.manager.session
        role, topic = self.data.get("role"), self.data.get("topic")
        by_region: dict[str, list[str]] = {}
        for r in resources:
            by_region.setdefault(bucket_region(r, session.region), []).append(self.resource_id(r))
        functions: dict[str, str] = {}
        calls = []
        for region, buckets in by_region.items():
            if not role:
                calls.append(ApiCall("lambda", "create_function", {"FunctionName": FUNCTION_NAME}, buckets,
                                     "attach-encrypt needs a `role` for the function", run=_refuse))
                continue
            calls.append(ApiCall("lambda", "create_function",
                                 {"FunctionName": FUNCTION_NAME, "Role": role, "Region": region},
                                 buckets, f"publish {FUNCTION_NAME} in {region}",
                                 run=self.publish(region, functions)))
            for bucket in buckets:
                how = f"SNS topic {topic}" if topic else "bucket notification"
                calls.append(ApiCall("s3", "put_bucket_notification_configuration", {"Bucket": bucket},
                                     [bucket], f"invoke {FUNCTION_NAME} on objects created, by {how}",
                                     run=self.attach(bucket, region, functions)))
        return calls

    def publish(self, region: str, functions: dict[str, str]) -> Any:
        config = {"Role": self.data["role"], "Handler": FUNCTION_HANDLER, "Runtime": "python3.12",
                  "MemorySize": 256, "Timeout": 30, "Description": "c7n-lite S3 key encrypt"}

        def run(session: Any) -> Any:
            client = session.client("lambda", region)
            code = encrypt_function_archive()
            try:
                arn = client.get_function(FunctionName=FUNCTION_NAME)["Configuration"]["FunctionArn"]
                client.update_function_code(FunctionName=FUNCTION_NAME, ZipFile=code)
            except Exception as exc:  # noqa: BLE001 - only "not there yet" is expected
                if error_code(exc) != "ResourceNotFoundException":
                    raise
                arn = client.create_function(FunctionName=FUNCTION_NAME, Code={"ZipFile": code},
                                             Tags={str(k): str(v) for k, v in (self.data.get("tags") or {}).items()},
                                             **config)["FunctionArn"]
            functions[region] = arn
            return {"FunctionArn": arn}
        return run

    def attach(self, bucket: str, region: str, functions: dict[str, str]) -> Any:
        topic = self.data.get("topic")

        def run(session: Any) -> Any:
            if region not in functions:
                raise RuntimeError(f"{FUNCTION_NAME} was not published in {region}")
            arn = functions[region]
            s3, lam = session.client("s3", region), session.client("lambda", region)
            notifies = s3.get_bucket_notification_configuration(Bucket=bucket)
            notifies.pop("ResponseMetadata", None)
            if not topic:
                allow(lam, StatementId=bucket, Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::*",
                      SourceAccount=session.account_id)
                wanted = {"Id": FUNCTION_NAME, "LambdaFunctionArn": arn, "Events": [CREATED]}
                configs = [c for c in notifies.get("LambdaFunctionConfigurations") or ()
                           if c.get("Id") != FUNCTION_NAME]
                notifies["LambdaFunctionConfigurations"] = [*configs, wanted]
                return s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notifies)
            sns = session.client("sns", region)
            topics = [topic] if topic != "default" else [
                t["TopicArn"] for t in notifies.get("TopicConfigurations") or () if CREATED in t.get("Events", ())]
            if not topics:
                created = sns.create_topic(Name=bucket)["TopicArn"]
                sns.set_topic_attributes(TopicArn=created, AttributeName="Policy", AttributeValue=json.dumps(
                    {"Statement": [{"Action": "SNS:Publish", "Effect": "Allow", "Resource": created,
                                    "Principal": {"Service": "s3.amazonaws.com"}}]}))
                notifies.setdefault("TopicConfigurations", []).append({"TopicArn": created, "Events": [CREATED]})
                s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notifies)
                topics = [created]
            for topic_arn in topics:
                allow(lam, StatementId=f"sns-{topic_arn.rsplit(':', 1)[-1]}"[:100], Principal="sns.amazonaws.com",
                      SourceArn=topic_arn)
                sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=arn)
            return {"Topics": topics}
        return run


def allow(lam: Any, **params: Any) -> None:
    """Let a service invoke the function; a statement already there is fine."""
    try:
        lam.add_permission(FunctionName=FUNCTION_NAME, Action="lambda:InvokeFunction", **params)
    except Exception as exc:  # noqa: BLE001 - only "already there" is expected
        if error_code(exc) != "ResourceConflictException":
            raise


def _refuse(session: Any) -> Any:
    raise ValueError("attach-encrypt needs a `role` for the function (give `role: <ARN>`)")
