"""Log group filters that read the group's streams and subscriptions."""
from __future__ import annotations

import datetime

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueFilter, ValueMatcher, check_value_data
from c7n_lite.registry import filters


def _from_millis(value: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc)


@filters.register("last-write", "aws.log-group")
class LastWrite(Filter):
    """Groups nothing has been written to for more than `days` (fractions
    allowed): the newest stream's last ingestion (its creation if it never
    ingested), or the group's creation when it has no stream.  The time is
    noted under `lastWrite`."""

    schema = {"days": {"type": "number"}}
    permissions = ("logs:DescribeLogStreams",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        logs = self.manager.session.client("logs")
        streams = logs.describe_log_streams(logGroupName=resource["logGroupName"], orderBy="LastEventTime",
                                            descending=True, limit=3).get("logStreams") or []
        if not streams:
            stamp = resource["creationTime"]
        else:
            stamp = streams[0].get("lastIngestionTime") or streams[0]["creationTime"]
        last = _from_millis(stamp)
        resource["lastWrite"] = last.isoformat()
        return last < self.manager.now() - datetime.timedelta(days=self.data.get("days", 0))


@filters.register("subscription-filter", "aws.log-group")
class SubscriptionFilter(Filter):
    """Groups with a subscription filter: any (no `key`), or one whose field
    matches (`key: destinationArn`, `value: …`, as a value filter).  The
    subscriptions are noted under `c7n:SubscriptionFilters`."""

    schema = ValueFilter.schema
    permissions = ("logs:DescribeSubscriptionFilters",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        logs = self.manager.session.client("logs")
        found = logs.describe_subscription_filters(logGroupName=resource["logGroupName"]).get(
            "subscriptionFilters") or []
        resource["c7n:SubscriptionFilters"] = found
        if "key" not in self.data:
            return bool(found)
        matcher = ValueMatcher(self.data, self.manager.now)
        return any(matcher.match(f) for f in found)
