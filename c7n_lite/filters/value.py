"""The value filter: compare one field of a resource (a JMESPath, or tag:Name)
with a value, under Cloud Custodian's ops, special values and value types."""
from __future__ import annotations

import datetime
import fnmatch
import ipaddress
import operator
import re
from typing import Any, Callable

from c7n_lite.filters.core import Filter
from c7n_lite.registry import filters


def _regex(value: Any, pattern: str, flags: int = re.IGNORECASE) -> bool:
    return isinstance(value, str) and re.match(pattern, value, flags) is not None


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "equal": operator.eq,
    "ne": operator.ne, "not-equal": operator.ne,
    "gt": operator.gt, "greater-than": operator.gt,
    "ge": operator.ge, "gte": operator.ge,
    "lt": operator.lt, "less-than": operator.lt,
    "le": operator.le, "lte": operator.le,
    "glob": lambda v, p: isinstance(v, str) and fnmatch.fnmatch(v, p),
    "regex": _regex,
    "regex-case": lambda v, p: _regex(v, p, 0),
    "in": lambda v, s: v in s,
    "ni": lambda v, s: v not in s, "not-in": lambda v, s: v not in s,
    "contains": operator.contains,
    "difference": lambda v, s: bool(set(v).difference(s)),
    "intersect": lambda v, s: bool(set(v).intersection(s)),
    "mod": lambda v, s: bool(v % s),
}
LIST_OPS = {"in", "ni", "not-in", "difference", "intersect"}
VALUE_TYPES = ("age", "integer", "expiration", "normalize", "size", "cidr", "cidr_size",
               "swap", "resource_count", "expr", "unique_size", "date", "version", "float")
NUMERIC_VALUE_TYPES = {"age", "expiration", "size", "unique_size", "cidr_size", "integer",
                       "float", "resource_count"}
SPECIAL_VALUES = ("absent", "present", "not-null", "empty")
_FIRST_FIELD = re.compile(r'^"?([A-Za-z0-9_@$-]+)')


def parse_date(value: Any) -> datetime.datetime | None:
    """A timezone-aware datetime from a datetime, an epoch (s or ms) or a date string."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            try:
                from dateutil.parser import parse  # shipped with botocore
                parsed = parse(value)
            except (ImportError, ValueError, OverflowError):
                return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    return None


def parse_cidr(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value, strict=False) if "/" in value else ipaddress.ip_address(value)
    except ValueError:
        return None


def _version_key(value: Any) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-+]", str(value)))


def tag_value(resource: dict, key: str) -> Any:
    tags = resource.get("Tags")
    if isinstance(tags, dict):
        return tags.get(key)
    for tag in tags or ():
        if tag.get("Key") == key:
            return tag.get("Value")
    return None


class ValueMatcher:
    """One compiled comparison: key (resolved once), op, value and value type."""

    def __init__(self, data: dict, now: Callable[[], datetime.datetime]) -> None:
        import jmespath
        self.key: str = data.get("key", "")
        self.value = data.get("value")
        self.op = data.get("op")
        self.value_type = data.get("value_type")
        self.value_regex = re.compile(data["value_regex"]) if data.get("value_regex") else None
        self.now = now
        self.tag_key = self.key[4:] if self.key.startswith("tag:") else None
        self.expr = None if self.tag_key is not None else jmespath.compile(self.key)
        self.compare = OPERATORS[self.op] if self.op else None

    def resource_value(self, resource: dict) -> Any:
        if self.tag_key is not None:
            value = tag_value(resource, self.tag_key)
        elif self.key in resource:
            value = resource[self.key]
        else:
            value = self.expr.search(resource)
        if self.value_regex is not None and value is not None:
            found = self.value_regex.search(str(value))
            value = found.group(1) if found else None
        return value

    def match(self, resource: dict) -> bool:
        found = self.resource_value(resource)
        if self.op in ("in", "ni", "not-in") and found is None:
            found = ()
        expected = self.value
        if self.value_type:
            expected, found = self._convert(expected, found, resource)
        if expected == "absent" and found is None:
            return True
        if expected == "present" and found is not None:
            return True
        if expected == "not-null" and found:
            return True
        if expected == "empty" and not found:
            return True
        if self.compare is not None:
            try:
                return bool(self.compare(found, expected))
            except TypeError:
                return False
        return found == expected

    def _convert(self, expected: Any, found: Any, resource: dict) -> tuple[Any, Any]:
        """(expected, found) after the value type; the order follows Custodian,
        where age compares the threshold against the resource's date."""
        vt = self.value_type
        if vt == "normalize":
            return expected, found.strip().lower() if isinstance(found, str) else found
        if vt == "expr":
            return self.expr_value(expected, resource), found
        if vt in ("integer", "float"):
            cast = int if vt == "integer" else float
            try:
                return expected, cast(str(found).strip())
            except ValueError:
                return expected, cast(0)
        if vt in ("size", "unique_size"):
            try:
                return expected, len(set(found) if vt == "unique_size" else found)
            except TypeError:
                return expected, 0
        if vt == "swap":
            return found, expected
        if vt == "date":
            return parse_date(expected), parse_date(found)
        if vt in ("age", "expiration"):
            threshold = expected
            if not isinstance(threshold, datetime.datetime):
                delta = datetime.timedelta(days=float(threshold))
                threshold = self.now() - delta if vt == "age" else self.now() + delta
            when = parse_date(found)
            if when is None:
                when = 0
            return (when, threshold) if vt == "age" else (threshold, when)
        if vt == "cidr":
            want, have = parse_cidr(expected), parse_cidr(found)
            if isinstance(want, (ipaddress.IPv4Address, ipaddress.IPv6Address)) and \
                    isinstance(have, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
                return have, want
            return want, have
        if vt == "cidr_size":
            net = parse_cidr(found)
            return expected, net.prefixlen if net is not None and hasattr(net, "prefixlen") else 0
        if vt == "version":
            return _version_key(expected), _version_key(found)
        return expected, found

    def expr_value(self, expression: Any, resource: dict) -> Any:
        import jmespath
        return jmespath.search(str(expression), resource)


@filters.register("value")
class ValueFilter(Filter):
    """Compare a field of the resource with a value."""

    schema = {
        "key": {"type": "string"},
        "value": {},
        "op": {"enum": sorted(OPERATORS)},
        "value_type": {"enum": list(VALUE_TYPES)},
        "value_regex": {"type": "string"},
    }
    required = ("key",)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matcher = ValueMatcher(data, manager.now)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def required_keys(self) -> set[str]:
        return {key_root(self.data.get("key", ""))}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        if self.data.get("value_type") == "resource_count":
            compare = OPERATORS[self.data.get("op") or "eq"]
            return resources if compare(len(resources), self.data.get("value")) else []
        return super().process(resources, event)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.matcher.match(resource)


def key_root(key: str) -> str:
    """The top-level field a value filter key reads (tag:X reads Tags)."""
    if key.startswith("tag:"):
        return "Tags"
    found = _FIRST_FIELD.match(key)
    return found.group(1) if found else key


def check_value_data(data: dict) -> list[str]:
    """Problems with a value filter's key, op, value and value_type, for the user."""
    problems: list[str] = []
    key = data.get("key")
    if isinstance(key, str) and not key.startswith("tag:"):
        import jmespath
        try:
            jmespath.compile(key)
        except jmespath.exceptions.JMESPathError as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(f"invalid JMESPath key {key!r}: {detail}")
    value, op, vt = data.get("value"), data.get("op"), data.get("value_type")
    special = value in SPECIAL_VALUES
    if vt in NUMERIC_VALUE_TYPES and not special and not isinstance(value, (int, float)) \
            or isinstance(value, bool) and vt in NUMERIC_VALUE_TYPES:
        problems.append(f"value_type {vt!r} needs a number as 'value', got {value!r}")
    if vt in ("cidr",) and isinstance(value, str) and parse_cidr(value) is None:
        problems.append(f"value {value!r} is not an IP address or CIDR")
    if vt == "date" and parse_date(value) is None:
        problems.append(f"value_type 'date' needs a date as 'value', got {value!r}")
    if op in LIST_OPS and not isinstance(value, list) and not special:
        problems.append(f"op {op!r} needs a list as 'value', got {value!r}")
    if op in ("regex", "regex-case"):
        try:
            re.compile(str(value))
        except re.error as exc:
            problems.append(f"invalid regex {value!r}: {exc}")
    if data.get("value_regex"):
        try:
            if re.compile(data["value_regex"]).groups != 1:
                problems.append("value_regex needs exactly one capture group")
        except re.error as exc:
            problems.append(f"invalid value_regex: {exc}")
    return problems
