"""CloudWatch metrics per policy run, as Custodian's `--metrics aws` publishes them.

Namespace `CloudMaid`; metrics ResourceCount (resources matched, Count),
ResourceTime (fetching and filtering, Seconds) and, when actions ran,
ActionTime (Seconds); dimensions Policy (its name) and ResType (its resource as
written), plus Scope=Policy.  The destination reads as Custodian's does:

    aws                          each run's own account and region
    aws://?region=eu-west-1      that region, with a Region dimension (no Scope)
    aws://?namespace=Audit       another namespace
    aws://master                 the caller's account (not the assumed role's), with an
                                 Account dimension (no Scope): one place for an organisation

A run whose resources could not be listed publishes PolicyException=1, never a
ResourceCount of 0.  Lambda-safe: the standard library and boto3 only.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_NAMESPACE = "CloudMaid"
log = logging.getLogger("c7n_lite")


class MetricsError(ValueError):
    """The --metrics destination is not one we understand."""


@dataclass(frozen=True)
class MetricsConfig:
    namespace: str = DEFAULT_NAMESPACE
    region: str | None = None
    master: bool = False


def parse_metrics(value: Any) -> MetricsConfig | None:
    """`aws`, `aws://…` or True (execution-options metrics_enabled) → a config; None/False/"" → None."""
    if value is None or value is False or value == "":
        return None
    if value is True:
        return MetricsConfig()
    text = str(value)
    parts = urlsplit(text)
    if parts.scheme not in ("aws", "") or (not parts.scheme and text != "aws"):
        raise MetricsError(f"metrics {text!r}: only CloudWatch ('aws', 'aws://?region=…&namespace=…', "
                           "'aws://master') is supported")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return MetricsConfig(query.get("namespace") or DEFAULT_NAMESPACE, query.get("region") or None,
                         parts.netloc == "master")


def lambda_metrics(options: dict) -> MetricsConfig | None:
    """A deployed policy's metrics: execution-options `metrics_enabled` (true, or a
    destination) or `metrics` (a destination), as Custodian reads them."""
    options = options or {}
    return parse_metrics(options.get("metrics") or options.get("metrics_enabled"))


def policy_metrics(run: Any) -> list[dict]:
    """The run's metrics: name, value, unit (what metadata.json records too)."""
    if getattr(run, "unknown", False):
        return [{"MetricName": "PolicyException", "Value": 1, "Unit": "Count"}]
    action_time = float(getattr(run, "action_time", 0.0) or 0.0)
    found = [{"MetricName": "ResourceCount", "Value": len(run.matched), "Unit": "Count"},
             {"MetricName": "ResourceTime", "Value": round(max(run.duration - action_time, 0.0), 4),
              "Unit": "Seconds"}]
    if action_time:
        found.append({"MetricName": "ActionTime", "Value": round(action_time, 4), "Unit": "Seconds"})
    return found


def metric_data(config: MetricsConfig, policy: str, resource: str, run: Any, region: str,
                account_id: str | None) -> list[dict]:
    """PutMetricData's MetricData for one run."""
    dimensions = [{"Name": "Policy", "Value": policy}, {"Name": "ResType", "Value": resource}]
    if config.region:
        dimensions.append({"Name": "Region", "Value": region})
    if config.master:
        dimensions.append({"Name": "Account", "Value": account_id or ""})
    if not config.region and not config.master:
        dimensions.append({"Name": "Scope", "Value": "Policy"})
    now = datetime.datetime.now(datetime.timezone.utc)
    return [{**m, "Dimensions": list(dimensions), "Timestamp": now} for m in policy_metrics(run)]


def put_metrics(client: Any, namespace: str, data: list[dict]) -> None:
    """Send `data` in batches PutMetricData accepts."""
    for start in range(0, len(data), 500):
        client.put_metric_data(Namespace=namespace, MetricData=data[start:start + 500])
