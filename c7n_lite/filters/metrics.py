"""`metrics`: CloudWatch statistics of each resource over the last `days`, with
Custodian's options, on every type that declares `metrics_dimensions`.

A resource matches when every datapoint of the window satisfies `op` against
`value` (`less-than` by default).  With no datapoint it does not match, unless
`missing-value` gives the number to use instead.  `percent-attr` compares the
datapoint as a percentage of a field of the resource (times `attr-multiplier`).
The datapoints are noted on the resource under `c7n.metrics`, as in Custodian.
"""
from __future__ import annotations

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import OPERATORS
from c7n_lite.registry import filters

STANDARD_STATS = ("Average", "Sum", "Maximum", "Minimum", "SampleCount")
EXTENDED_STAT = re.compile(r"^p\d{1,3}(\.\d)?$")
MAX_DAYS = 455
WORKERS = 4


def metric_window(now: datetime.datetime, days: float, period_start: str) -> tuple[Any, Any]:
    """The window ending just after `now`, aligned as CloudWatch keeps data
    (seconds up to 3 hours, minutes up to 15 days, 5 minutes up to 63, hours beyond)."""
    now = now.astimezone(datetime.timezone.utc)
    duration = datetime.timedelta(days=days)
    if duration <= datetime.timedelta(hours=3):
        end = now.replace(microsecond=0) + datetime.timedelta(seconds=1)
    elif duration <= datetime.timedelta(days=15):
        end = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    elif duration <= datetime.timedelta(days=63):
        end = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0) + datetime.timedelta(minutes=5)
    else:
        end = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    start = end - duration
    if period_start == "start-of-day":
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        end = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, end


@filters.register("metrics")
class MetricsFilter(Filter):
    """CloudWatch statistics of the resource compared with a value."""

    schema = {
        "namespace": {"type": "string"},
        "name": {"type": "string"},
        "dimensions": {"type": "object", "additionalProperties": {"type": "string"}},
        "statistics": {"type": "string"},
        "days": {"type": "number"},
        "period": {"type": "number"},
        "period-start": {"enum": ["auto", "start-of-day"]},
        "op": {"enum": sorted(OPERATORS)},
        "value": {"type": "number"},
        "attr-multiplier": {"type": "number"},
        "percent-attr": {"type": "string"},
        "missing-value": {"type": "number"},
    }
    required = ("name", "value")
    permissions = ("cloudwatch:GetMetricStatistics",)

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.metrics_dimensions)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = []
        stat = data.get("statistics", "Average")
        if stat not in STANDARD_STATS and not EXTENDED_STAT.match(str(stat)):
            problems.append(f"statistics {stat!r} is not one of {', '.join(STANDARD_STATS)} or a percentile "
                            "like p99")
        if data.get("days", 14) > MAX_DAYS:
            problems.append(f"days ({data['days']}) cannot exceed {MAX_DAYS}")
        return problems

    def required_keys(self) -> set[str]:
        keys = {field for _, field in self.manager.resource_type.metrics_dimensions}
        if self.data.get("percent-attr"):
            keys.add(self.data["percent-attr"])
        return keys

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        rt = self.manager.resource_type
        self.manager.ensure_details(resources, self.required_keys())
        days = self.data.get("days", 14)
        self.start, self.end = metric_window(self.manager.now(), days, self.data.get("period-start", "auto"))
        self.period = int(self.data.get("period", (self.end - self.start).total_seconds()))
        self.stat = self.data.get("statistics", "Average")
        self.namespace = self.data.get("namespace") or rt.metrics_namespace or f"AWS/{rt.service.upper()}"
        self.compare = OPERATORS[self.data.get("op", "less-than")]
        self.cache_key = f"{self.namespace}.{self.data['name']}.{self.stat}.{days}"
        if len(resources) == 1:
            points = [self.datapoints(resources[0])]
        else:
            with ThreadPoolExecutor(max_workers=min(WORKERS, len(resources))) as pool:
                points = list(pool.map(self.datapoints, resources))
        return [r for r, p in zip(resources, points, strict=True) if self.holds(r, p)]

    def dimensions(self, resource: dict) -> list[dict]:
        dims = [{"Name": name, "Value": str(resource[field])}
                for name, field in self.manager.resource_type.metrics_dimensions if resource.get(field) is not None]
        dims += [{"Name": k, "Value": v} for k, v in (self.data.get("dimensions") or {}).items()]
        return dims

    def datapoints(self, resource: dict) -> list[dict]:
        params: dict[str, Any] = {
            "Namespace": self.namespace, "MetricName": self.data["name"], "StartTime": self.start,
            "EndTime": self.end, "Period": self.period, "Dimensions": self.dimensions(resource)}
        params["Statistics" if self.stat in STANDARD_STATS else "ExtendedStatistics"] = [self.stat]
        client = self.manager.session.client("cloudwatch")
        return client.get_metric_statistics(**params)["Datapoints"]

    def holds(self, resource: dict, points: list[dict]) -> bool:
        if not points:
            if "missing-value" not in self.data:
                return False
            points = [{"Timestamp": self.start, self.stat: self.data["missing-value"],
                       "c7n:detail": "Fill value for missing data"}]
        resource.setdefault("c7n.metrics", {})[self.cache_key] = points
        base = None
        if self.data.get("percent-attr"):
            base = resource.get(self.data["percent-attr"])
            if not isinstance(base, (int, float)) or not base:
                return False
            base = base * self.data.get("attr-multiplier", 1)
        for point in points:
            value = (point.get("ExtendedStatistics") or point).get(self.stat)
            if value is None:
                return False
            if base is not None:
                value = value / base * 100
            if not self.compare(value, self.data["value"]):
                return False
        return True
