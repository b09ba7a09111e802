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


class MetricsSink:
    """CloudWatch metrics of a CLI run (`--metrics aws`): each policy run's data,
    held by account and region, then sent at the end (one PutMetricData per
    account and region, several at once) so the run never waits on them.

    `session_for(account)`: the boto3 session of an account (its assumed role);
    `account_id_for(account)`: its id (the Account dimension of `aws://master`)."""

    def __init__(self, config: Any, resources: dict[str, str], caller: Any,
                 session_for: Any = None, account_id_for: Any = None, endpoint_url: str | None = None) -> None:
        self.config, self.resources, self.caller = config, resources, caller
        self.session_for = session_for or (lambda account: caller)
        self.account_id_for = account_id_for or (lambda account: None)
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self.pending: dict[tuple[str, str], list[dict]] = {}

    def add(self, run: Any) -> None:
        if run.skipped:
            return
        from c7n_lite.metrics import metric_data
        account = "" if self.config.master else run.account
        region = self.config.region or run.region
        self.pending.setdefault((account, region), []).extend(metric_data(
            self.config, run.policy, self.resources.get(run.policy, run.resource), run, run.region,
            self.account_id_for(run.account)))

    def flush(self) -> list[str]:
        """Send everything; the failures, one line each."""
        from concurrent.futures import ThreadPoolExecutor

        from c7n_lite.aws.session import error_code, error_message
        from c7n_lite.metrics import put_metrics

        def send(key: tuple[str, str]) -> str | None:
            account, region = key
            session = self.caller if self.config.master else self.session_for(account)
            try:
                put_metrics(session.client("cloudwatch", region_name=region, endpoint_url=self.endpoint_url),
                            self.config.namespace, self.pending[key])
            except Exception as exc:  # noqa: BLE001 - reported; the records are written already
                where = f"account {account} " if account else ""
                return f"metrics: {where}{region}: {error_code(exc)}: {error_message(exc)}"
            return None
        keys = sorted(self.pending)
        with ThreadPoolExecutor(max_workers=max(1, min(16, len(keys) or 1))) as pool:
            failures = [line for line in pool.map(send, keys) if line]
        self.pending.clear()
        return failures


def metrics_sink(value: str | None, policies: list[dict], profile: str | None = None,
                 endpoint_url: str | None = None, **accounts: Any) -> MetricsSink | None:
    """The sink for `--metrics VALUE` (None without it); MetricsError for a destination we cannot use."""
    from c7n_lite.metrics import parse_metrics
    config = parse_metrics(value)
    if config is None:
        return None
    import boto3
    return MetricsSink(config, {p["name"]: str(p["resource"]) for p in policies},
                       boto3.Session(profile_name=profile), endpoint_url=endpoint_url, **accounts)
