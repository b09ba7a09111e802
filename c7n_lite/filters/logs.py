"""Log group filters that read the group's streams."""
from __future__ import annotations

import datetime

from c7n_lite.filters.core import Filter
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
