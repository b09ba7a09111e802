"""CloudTrail: the account's `check-cloudtrail`, and the trail filters
`status`, `event-selectors` and `is-shadow`."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.account import DocumentValueFilter, cached
from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueMatcher
from c7n_lite.registry import filters

TRAIL = "aws.cloudtrail"


@filters.register("status", TRAIL)
class TrailStatus(DocumentValueFilter):
    """Compare a field of the trail's status (`IsLogging`, `LatestDeliveryError` …)."""

    document = "c7n:TrailStatus"
    permissions = ("cloudtrail:GetTrailStatus",)


@filters.register("event-selectors", TRAIL)
class EventSelectors(DocumentValueFilter):
    """Compare a field of the trail's event selectors (`EventSelectors`,
    `AdvancedEventSelectors`, as `get_event_selectors` answers)."""

    document = "c7n:TrailEventSelectors"
    permissions = ("cloudtrail:GetEventSelectors",)


@filters.register("is-shadow", TRAIL)
class IsShadow(Filter):
    """Shadow trails (`state: true`, the default): copies of a multi-region
    trail homed in another region, or of another account's organization trail."""

    schema = {"state": {"type": "boolean"}}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        session = self.manager.session
        shadow = resource.get("HomeRegion", session.region) != session.region or (
            bool(resource.get("IsOrganizationTrail"))
            and f":{session.account_id}:" not in resource.get("TrailARN", f":{session.account_id}:"))
        return shadow == self.data.get("state", True)


def management_events_all(selectors: dict) -> bool:
    """The trail logs read and write management events."""
    for s in selectors.get("EventSelectors") or ():
        if s.get("IncludeManagementEvents") and s.get("ReadWriteType") == "All":
            return True
    for s in selectors.get("AdvancedEventSelectors") or ():
        fields = s.get("FieldSelectors") or ()
        management = any(f.get("Field") == "eventCategory" and "Management" in (f.get("Equals") or ())
                         for f in fields)
        read_only = any(f.get("Field") == "readOnly" for f in fields)
        if management and not read_only:
            return True
    return False


@filters.register("check-cloudtrail", "aws.account")
class CheckCloudTrail(Filter):
    """The account (as a finding) when no trail meets every option given:
    `global-events`, `current-region` (multi-region or homed here),
    `multi-region`, `kms` / `kms-key`, `file-digest` (log file validation),
    `notifies` (an SNS topic), `running` (logging with no delivery error; on
    by default), `include-management-events` (read and write), and
    `log-metric-filter-pattern`: the trail's CloudWatch Logs group has a metric
    filter whose pattern matches (a string, or a value filter on
    `filterPattern`), with an alarm on its metric whose SNS topic has a
    confirmed subscription (the CIS monitoring recommendations)."""

    schema = {name: {"type": "boolean"} for name in (
        "multi-region", "global-events", "current-region", "running", "notifies", "file-digest",
        "kms", "include-management-events")}
    schema = {**schema, "kms-key": {"type": "string"},
              "log-metric-filter-pattern": {"oneOf": [{"type": "object"}, {"type": "string"}]}}
    permissions = ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                   "cloudtrail:GetEventSelectors", "cloudwatch:DescribeAlarmsForMetric",
                   "logs:DescribeMetricFilters", "sns:GetTopicAttributes")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        session = self.manager.session
        client = session.client("cloudtrail")
        trails = cached(self.manager, ("trails",), lambda: client.describe_trails()["trailList"])
        for r in resources:
            r["c7n:cloudtrails"] = trails
        d = self.data
        checks = (("global-events", lambda t: t.get("IncludeGlobalServiceEvents")),
                  ("current-region", lambda t: t.get("HomeRegion") == session.region
                   or t.get("IsMultiRegionTrail")),
                  ("kms", lambda t: t.get("KmsKeyId")),
                  ("kms-key", lambda t: t.get("KmsKeyId", "") == d["kms-key"]),
                  ("file-digest", lambda t: t.get("LogFileValidationEnabled")),
                  ("multi-region", lambda t: t.get("IsMultiRegionTrail")),
                  ("notifies", lambda t: t.get("SnsTopicARN")))
        for option, keep in checks:
            if d.get(option):
                trails = [t for t in trails if keep(t)]
        if d.get("running", True):
            trails = [t for t in trails if self._running(client, t)]
        if d.get("include-management-events"):
            trails = [t for t in trails if management_events_all(cached(
                self.manager, ("selectors", t["TrailARN"]),
                lambda t=t: client.get_event_selectors(TrailName=t["TrailARN"])))]
        if d.get("log-metric-filter-pattern"):
            trails = [t for t in trails if self._monitored(t)]
        return [] if trails else resources

    def _running(self, client: Any, trail: dict) -> bool:
        status = cached(self.manager, ("trail-status", trail["TrailARN"]),
                        lambda: client.get_trail_status(Name=trail["TrailARN"]))
        return bool(status.get("IsLogging")) and not status.get("LatestDeliveryError")

    def _pattern(self) -> ValueMatcher:
        pattern = self.data["log-metric-filter-pattern"]
        data = {"key": "filterPattern", "value": pattern} if isinstance(pattern, str) \
            else {"key": "filterPattern", **{k: v for k, v in pattern.items() if k != "type"}}
        return ValueMatcher(data, self.manager.now)

    def _monitored(self, trail: dict) -> bool:
        arn = trail.get("CloudWatchLogsLogGroupArn")
        if not arn:
            return False
        session = self.manager.session
        group = arn.split(":")[6]
        logs = session.client("logs")

        def metric_filters() -> list[dict]:
            try:
                return logs.describe_metric_filters(logGroupName=group)["metricFilters"]
            except Exception as exc:  # noqa: BLE001 - the trail's group was deleted: none
                if error_code(exc) == "ResourceNotFoundException":
                    return []
                raise
        matcher = self._pattern()
        # Any matching metric filter will do (Custodian reads the first only).
        found = [f for f in cached(self.manager, ("metric-filters", group), metric_filters) if matcher.match(f)]
        return any(self._alarmed(f["metricTransformations"][0]) for f in found)

    def _alarmed(self, metric: dict) -> bool:
        """An alarm on the metric notifies an SNS topic with a confirmed subscription."""
        session = self.manager.session
        alarms = session.client("cloudwatch").describe_alarms_for_metric(
            MetricName=metric["metricName"], Namespace=metric["metricNamespace"])["MetricAlarms"]
        actions = {a for alarm in alarms for a in alarm.get("AlarmActions") or ()}
        sns = session.client("sns")
        for topic in sorted(a for a in actions if a.startswith("arn:") and ":sns:" in a):
            attributes = cached(self.manager, ("topic", topic),
                                lambda topic=topic: sns.get_topic_attributes(TopicArn=topic)["Attributes"])
            if attributes.get("SubscriptionsConfirmed", "0") != "0":
                return True
        return False
