"""`marked-for-op`: resources whose `maid_status` tag (written by `mark-for-op`)
names an operation that is now due.

The tag's value follows Cloud Custodian, so marks written by either tool are
read by both: `<message>: <op>@<date>`, e.g.
`Resource does not meet policy: stop@2030/01/31` (or `2030/01/31 1400 UTC`
when the mark was made in hours).
"""
from __future__ import annotations

import datetime
import logging
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import tag_value
from c7n_lite.registry import filters

log = logging.getLogger("c7n_lite")

DEFAULT_TAG = "maid_status"
DEFAULT_OP = "stop"
DEFAULT_TEMPLATE = "Resource does not meet policy: {op}@{action_date}"

# Short names Custodian users write for time zones (its `tz` option).
TZ_ALIASES = {
    "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles", "pst": "America/Los_Angeles",
    "ast": "America/Phoenix", "at": "America/Phoenix",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "gmt": "Etc/GMT", "gt": "Etc/GMT", "bst": "Europe/London", "ist": "Europe/Dublin",
    "cet": "Europe/Berlin", "it": "Asia/Kolkata", "jst": "Asia/Tokyo", "kst": "Asia/Seoul",
    "sgt": "Asia/Singapore", "aet": "Australia/Sydney", "brt": "America/Sao_Paulo",
    "nzst": "Pacific/Auckland", "utc": "Etc/UTC",
}


def get_tz(name: str | None) -> datetime.tzinfo | None:
    """A tzinfo for an alias or IANA name; dateutil ships with botocore and carries
    its own zone data, so this works in a Lambda without the OS database."""
    from dateutil import tz
    name = (name or "utc").strip()
    return tz.gettz(TZ_ALIASES.get(name.lower(), name))


def action_date_string(now: datetime.datetime, days: float, hours: float, tz: datetime.tzinfo) -> str:
    """The date part of a mark, as Custodian writes it: a day, or a day and time when `hours` is used."""
    when = now.astimezone(tz) + datetime.timedelta(days=days, hours=hours)
    if hours:
        return when.strftime("%Y/%m/%d %H%M %Z")
    return when.strftime("%Y/%m/%d")


def parse_mark(value: Any) -> tuple[str, datetime.datetime] | None:
    """(op, date) from a mark tag's value, or None when it is not a mark."""
    if not isinstance(value, str) or ":" not in value or "@" not in value:
        return None
    _, target = value.rsplit(":", 1)
    op, _, date_text = target.strip().partition("@")
    try:
        from dateutil.parser import parse
        # Zone abbreviations that Custodian writes (EST, PDT …) resolve through the aliases.
        return op, parse(date_text, tzinfos=lambda name, offset: get_tz(name) if name else None)
    except (ValueError, OverflowError):
        return None


def check_tz(data: dict) -> list[str]:
    if "tz" in data and get_tz(data["tz"]) is None:
        return [f"unknown time zone {data['tz']!r}"]
    return []


@filters.register("marked-for-op")
class MarkedForOp(Filter):
    """Resources marked for `op` whose date has come (less `skew` days / `skew_hours`)."""

    api_free = True

    schema = {
        "tag": {"type": "string"},
        "op": {"type": "string"},
        "tz": {"type": "string"},
        "skew": {"type": "number", "minimum": 0},
        "skew_hours": {"type": "number", "minimum": 0},
    }
    reads = ("Tags",)

    @classmethod
    def applies_to(cls, resource_type: type) -> bool:
        from c7n_lite.actions.tagging import is_taggable
        return is_taggable(resource_type)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_tz(data)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        tag = self.data.get("tag", DEFAULT_TAG)
        value = tag_value(resource, tag)
        if value is None:
            return False
        parsed = parse_mark(value)
        if parsed is None:
            log.warning("tag %s=%r on %s is not a mark (<message>: <op>@<date>)", tag, value,
                        self.manager.resource_type.resource_id(resource))
            return False
        op, when = parsed
        if op != self.data.get("op", DEFAULT_OP):
            return False
        tz = get_tz(self.data.get("tz"))
        # A mark without a zone is read in the filter's zone (utc by default).
        when = when.astimezone(tz) if when.tzinfo else when.replace(tzinfo=tz)
        skew = datetime.timedelta(days=self.data.get("skew", 0), hours=self.data.get("skew_hours", 0))
        return self.manager.now().astimezone(tz) >= when - skew
