"""Where a run's records go: a local directory, or `s3://bucket/prefix` with the
same layout as objects.  A run writes each policy's files locally (a staging
directory for S3) and publishes them as soon as that policy is done; `report`
reads an S3 prefix by copying it down first."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

S3_SCHEME = "s3://"


def is_s3(location: str) -> bool:
    return location.startswith(S3_SCHEME)


def split_s3(url: str) -> tuple[str, str]:
    """s3://bucket/some/prefix → (bucket, 'some/prefix')."""
    bucket, _, prefix = url[len(S3_SCHEME):].partition("/")
    if not bucket:
        raise ValueError(f"{url}: an S3 location needs a bucket: s3://bucket/prefix")
    return bucket, prefix.strip("/")


def _s3_client(profile: str | None = None, endpoint_url: str | None = None) -> Any:
    import boto3
    return boto3.Session(profile_name=profile).client(
        "s3", endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None)


class S3Sink:
    """Publishes files under a local staging root to `s3://bucket/prefix/<same relative path>`."""

    def __init__(self, url: str, staging: str | os.PathLike, profile: str | None = None,
                 endpoint_url: str | None = None) -> None:
        self.bucket, self.prefix = split_s3(url)
        self.staging = Path(staging)
        self.client = _s3_client(profile, endpoint_url)

    def key(self, path: Path) -> str:
        relative = path.relative_to(self.staging).as_posix()
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def publish(self, directory: Path) -> None:
        """Upload every file of one policy's directory (resources.json, metadata.json, …)."""
        for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
            content_type = "application/json" if path.suffix == ".json" else "text/plain"
            self.client.put_object(Bucket=self.bucket, Key=self.key(path), Body=path.read_bytes(),
                                   ContentType=content_type)


def download_prefix(url: str, target: str | os.PathLike, profile: str | None = None, client: Any = None) -> int:
    """Copy every object under the S3 prefix into `target`, keeping the layout; how many."""
    bucket, prefix = split_s3(url)
    client = client or _s3_client(profile)
    count = 0
    start = f"{prefix}/" if prefix else ""
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=start):
        for item in page.get("Contents", []):
            relative = item["Key"][len(start):]
            if not relative or relative.endswith("/") or ".." in Path(relative).parts:
                continue
            path = Path(target) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
            count += 1
    return count
