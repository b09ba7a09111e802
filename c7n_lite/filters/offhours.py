"""`offhour` / `onhour`: Custodian's tag-driven off-hours, on every taggable type.

A resource opts in with the schedule tag (`maid_offhours` by default, any
case): an empty value or one with just `tz=…` takes the policy's default
schedule, `off=(M-F,19);on=(M-F,7);tz=pt` (or lists: `off=[(M-F,21),(U,18)]`)
gives its own, `off` opts it out.  With `opt-out: true` resources without the
tag take the default schedule too.  A filter matches when "now" (the engine's
clock, in the schedule's time zone, truncated to the hour) is one of the
schedule's hours on one of its days, and is not a `skip-days` date.

Lambda-safe: standard library only (zoneinfo; dateutil, shipped with botocore,
when the system has no time zone database).
"""
from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.marked_for_op import TZ_ALIASES
from c7n_lite.filters.values_from import VALUES_FROM_SCHEMA, load_values
from c7n_lite.registry import filters

DEFAULT_TAG = "maid_offhours"
DAYS = {"m": 0, "t": 1, "w": 2, "h": 3, "f": 4, "s": 5, "u": 6}
# Characters AWS tag values cannot hold on some services, written as u<hex>.
_ESCAPES = {f"u{ord(c):x}": c for c in "()[],;=/-"}
_ENTRY = re.compile(r"^\(?([a-z]+(?:-[a-z]+)?),(\d{1,2})\)?$")


def _zone(name: str) -> Any:
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover
        ZoneInfo = None  # noqa: N806
    if ZoneInfo is not None:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    from dateutil import tz
    return tz.gettz(name)


@lru_cache(maxsize=256)
def get_tz(name: str) -> Any:
    """A time zone from an alias (`pt`, `et` …) or a zone name in any case."""
    name = str(name).strip()
    if name.lower() in TZ_ALIASES:
        return _zone(TZ_ALIASES[name.lower()])
    for candidate in (name, name.title()):
        found = _zone(candidate)
        if found is not None:
            return found
    try:
        from zoneinfo import available_timezones
        by_lower = {z.lower(): z for z in available_timezones()}
    except ImportError:  # pragma: no cover
        return None
    return _zone(by_lower[name.lower()]) if name.lower() in by_lower else None


def day_range(text: str) -> list[int] | None:
    if text in DAYS:
        return [DAYS[text]]
    parts = [DAYS.get(p) for p in text.split("-")]
    if len(parts) != 2 or None in parts:
        return None
    first, last = parts
    if first > last:  # wraps: f-m is Friday to Monday
        return list(range(first, 7)) + list(range(last + 1))
    return list(range(first, last + 1))


def parse_times(text: str) -> list[dict] | None:
    """`(m-f,19)` or `[(m-f,21),(u,18)]` → [{days, hour}]; None when malformed."""
    entries = text.strip().lstrip("[").rstrip("]").split(",(")
    parsed = []
    for entry in entries:
        found = _ENTRY.match(entry.strip())
        if not found:
            return None
        days, hour = day_range(found.group(1)), int(found.group(2))
        if not days or hour > 23:
            return None
        parsed.append({"days": days, "hour": hour})
    return parsed


def tag_fields(value: str) -> dict[str, str]:
    """`off=…;on=…;tz=…` as a mapping, pieces split on ';' and spaces."""
    fields = {}
    for piece in re.split(r"[; ]", value):
        if piece.count("=") == 1:
            key, _, text = piece.partition("=")
            fields[key] = text
    return fields


class OffHoursFilter(Filter):
    """Shared by offhour and onhour."""

    time_type = ""
    default_hour = 0
    schema = {
        "tag": {"type": "string"},
        "default_tz": {"type": "string"},
        "fallback-schedule": {"type": "string"},
        "fallback_schedule": {"type": "string"},
        "weekends": {"type": "boolean"},
        "weekends-only": {"type": "boolean"},
        "opt-out": {"type": "boolean"},
        "skip-days": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}"}},
        "skip-days-from": VALUES_FROM_SCHEMA,
    }
    reads = ("Tags",)

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.taggable)

    @classmethod
    def json_schema(cls) -> dict:
        schema = super().json_schema()
        schema["properties"][f"{cls.time_type}hour"] = {"type": "integer", "minimum": 0, "maximum": 23}
        # Custodian's schema names offhour/onhour and default_tz as required but
        # accepts policies without them (default hour, `et`): so do we.
        return schema

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = []
        if get_tz(data.get("default_tz", "et")) is None:
            problems.append(f"unknown time zone {data.get('default_tz')!r}")
        if "skip-days" in data and "skip-days-from" in data:
            problems.append("give skip-days or skip-days-from, not both")
        return problems

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.tag = data.get("tag", DEFAULT_TAG).lower()
        self.opt_out = data.get("opt-out", False)
        self.fallback = data.get("fallback-schedule") or data.get("fallback_schedule")
        self.default = {"tz": data.get("default_tz", "et"), self.time_type: [self.default_entry()]}
        self.skip_days: set[str] | None = None

    def default_entry(self) -> dict:
        hour = self.data.get(f"{self.time_type}hour", self.default_hour)
        if self.data.get("weekends-only"):
            # Off on Friday evening, on again on Monday morning.
            return {"days": [4] if self.time_type == "off" else [0], "hour": hour}
        if self.data.get("weekends", True):
            return {"days": list(range(5)), "hour": hour}
        return {"days": list(range(7)), "hour": hour}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        if self.skip_days is None:
            if "skip-days-from" in self.data:
                self.skip_days = {str(d) for d in load_values(self.data["skip-days-from"], self.manager.session)}
            else:
                self.skip_days = set(self.data.get("skip-days") or ())
        return super().process(resources, event)

    def tag_value(self, resource: dict) -> str | None:
        found = self.fallback
        tags = resource.get("Tags") or ()
        if isinstance(tags, dict):
            tags = [{"Key": k, "Value": v} for k, v in tags.items()]
        for tag in tags:
            if str(tag.get("Key", "")).lower() == self.tag:
                found = tag.get("Value")
                break
        if found is None:
            return None
        value = str(found).lower()
        for escaped, char in _ESCAPES.items():
            value = value.replace(escaped, char)
        return value.strip("'").strip('"')

    def schedule(self, value: str) -> dict | None:
        value = ";".join(p for p in value.split(";") if p)
        fields = tag_fields(value)
        if set(fields) - {"on", "off", "tz"}:
            return None
        if self.time_type not in fields:
            # No own hours of this kind: the default schedule, in the tag's zone if it gives one.
            return dict(self.default, tz=fields["tz"]) if fields.get("tz") else self.default
        schedule: dict[str, Any] = {}
        for piece in value.split(";"):
            key, sep, text = piece.partition("=")
            if not sep or "=" in text:
                return None
            schedule[key] = text if key == "tz" else parse_times(text)
            if schedule[key] is None:
                return None
        schedule["tz"] = schedule.get("tz") or self.default["tz"]
        return schedule

    def match(self, resource: dict, event: dict | None = None) -> bool:
        value = self.tag_value(resource)
        if value is None:
            if not self.opt_out:
                return False
            value = ""
        if value == "off":
            return False
        schedule = self.schedule(value)
        zone = get_tz(schedule["tz"]) if schedule else None
        if zone is None:
            # As in Custodian: a schedule that cannot be read is no match (and is logged).
            import logging
            logging.getLogger("c7n_lite").warning(
                "%s: unreadable schedule %r on %s", self.type, value,
                self.manager.resource_type.resource_id(resource))
            return False
        now = self.manager.now().astimezone(zone).replace(minute=0, second=0, microsecond=0)
        if now.strftime("%Y-%m-%d") in (self.skip_days or ()):
            return False
        return any(now.weekday() in e["days"] and now.hour == e["hour"] for e in schedule.get(self.time_type, ()))


@filters.register("offhour")
class OffHour(OffHoursFilter):
    """It is the resource's off hour (default 19:00, Monday to Friday)."""

    time_type = "off"
    default_hour = 19


@filters.register("onhour")
class OnHour(OffHoursFilter):
    """It is the resource's on hour (default 07:00, Monday to Friday)."""

    time_type = "on"
    default_hour = 7


__all__ = ["OffHour", "OnHour", "get_tz", "parse_times", "datetime"]
