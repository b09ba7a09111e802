"""The Lambda function attach-encrypt deploys: on each object-created event of
a bucket (straight from S3, or through SNS), encrypt the new object in place
with AES256 when it was stored unencrypted.  Self-contained: it is shipped
alone, with boto3 from the Lambda runtime."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

_s3 = None


def _client() -> Any:
    global _s3
    if _s3 is None:
        import boto3
        _s3 = boto3.client("s3")
    return _s3


def encrypt_object(s3: Any, bucket: str, key: str, version: str | None = None) -> bool:
    """Encrypt one object if it is not; True when it was.  In a versioned bucket
    the unencrypted version is deleted once the encrypted copy is the latest."""
    extra = {"VersionId": version} if version else {}
    info = s3.head_object(Bucket=bucket, Key=key, **extra)
    if info.get("ServerSideEncryption"):
        return False
    storage = info.get("StorageClass", "STANDARD")
    if storage == "GLACIER":
        return False
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key, **extra},
                   MetadataDirective="COPY", StorageClass=storage, ServerSideEncryption="AES256")
    if version:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
    return True


def process_key_event(event: dict, s3: Any = None) -> list[str]:
    s3 = s3 or _client()
    done = []
    for record in event.get("Records") or ():
        if "s3" not in record:
            continue
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        if encrypt_object(s3, bucket, key, record["s3"]["object"].get("versionId")):
            print(f"remediated {bucket}:{key}")
            done.append(f"{bucket}/{key}")
    return done


def process_event(event: dict, context: Any = None, s3: Any = None) -> list[str]:
    """The handler: S3 notification records, or SNS records carrying them."""
    done = []
    for record in event.get("Records") or ():
        if "Sns" in record:
            done += process_key_event(json.loads(record["Sns"]["Message"]), s3)
        elif "s3" in record:
            done += process_key_event({"Records": [record]}, s3)
    return done
