"""The value filter: compare one field of a resource (a JMESPath, or tag:Name)
with a value, under Cloud Custodian's ops, special values and value types."""
from __future__ import annotations

import datetime
import fnmatch
import ipaddress
import operator
import re
from collections.abc import Callable
from typing import Any

from jmespath.exceptions import JMESPathTypeError

from c7n_lite.filters.core import Filter
from c7n_lite.filters.values_from import VALUES_FROM_SCHEMA
from c7n_lite.registry import filters


def _regex(value: Any, pattern: str, flags: int = re.IGNORECASE) -> bool:
    return isinstance(value, str) and re.match(pattern, value, flags) is not None


_IP_NETWORKS = (ipaddress.IPv4Network, ipaddress.IPv6Network)
_IP_ADDRESSES = (ipaddress.IPv4Address, ipaddress.IPv6Address)


def _ip_contains(container: Any, item: Any) -> bool:
    """`item in container` for CIDR values: unlike ipaddress, a network holds the
    networks inside it, and a list holds what any of its networks holds."""
    if isinstance(container, list):
        return any(_ip_contains(c, item) if isinstance(c, _IP_NETWORKS) else c == item
                   for c in container if c is not None)
    if isinstance(item, _IP_NETWORKS):
        return item.version == container.version and item.subnet_of(container)
    if isinstance(item, _IP_ADDRESSES):
        return item.version == container.version and item in container
    return False


def _in(value: Any, container: Any) -> bool:
    if isinstance(container, _IP_NETWORKS) or (
            isinstance(container, list) and isinstance(value, (*_IP_NETWORKS, *_IP_ADDRESSES))):
        return _ip_contains(container, value)
    return value in container


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
    "in": _in,
    "ni": lambda v, s: not _in(v, s), "not-in": lambda v, s: not _in(v, s),
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
# Numbers at or below this (the S3 launch, 2006-03-19) are not epoch dates.
DATE_FLOOR = 1142726400
# What a failed comparison of mismatched values raises: it is no match.
_COMPARE_ERRORS = (TypeError, ValueError, AttributeError, ZeroDivisionError)
_FIRST_FIELD = re.compile(r'^"?([A-Za-z0-9_@$-]+)')


def _from_epoch(value: float) -> datetime.datetime | None:
    """Seconds since the epoch, or milliseconds when that is out of range."""
    if value <= DATE_FLOOR:
        return None
    for seconds in (value, value / 1000):
        try:
            return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
        except (ValueError, OverflowError, OSError):
            continue
    return None


def parse_date(value: Any) -> datetime.datetime | None:
    """A timezone-aware datetime from a datetime, a date, an epoch (s or ms, also
    as digits in a string) or a date string; None when it is none of these.
    Small numbers (and digit strings like '20300101') are not dates, as in Custodian."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, datetime.date):
        # YAML reads an unquoted 2030-01-01 as a date.
        return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(value)
    if isinstance(value, str) and value.strip().isdigit():
        return _from_epoch(float(value))
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
    """An ip network ('/' in it) or address; a list of them for a list; else None."""
    if isinstance(value, (list, tuple, set)):
        return [parse_cidr(v) for v in value]
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value, strict=False) if "/" in value else ipaddress.ip_address(value)
    except ValueError:
        return None


_VERSION_PART = re.compile(r"(\d+|[a-z]+|\.)")


def _version_key(value: Any) -> list | None:
    """Version parts as Custodian compares them: runs of digits (as numbers) and
    of lowercase letters, dots dropped, anything else kept as text.  Ordering a
    number against text raises TypeError, which makes the comparison no match."""
    if value is None:
        return None
    parts = [p for p in _VERSION_PART.split(str(value)) if p and p != "."]
    return [int(p) if p.isdigit() else p for p in parts]


# Custodian's `tag_key_transforms`: applied in order to each tag key before comparing.
TAG_KEY_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "noop": lambda k: k, "capitalize": str.capitalize, "lower": str.lower, "strip": str.strip,
    "title": str.title, "upper": str.upper, "nospaces": lambda k: k.replace(" ", ""),
    "nounderscores": lambda k: k.replace("_", ""), "nodashes": lambda k: k.replace("-", ""),
}


def _transform_key(key: str, transforms: tuple[str, ...]) -> str:
    for name in transforms:
        key = TAG_KEY_TRANSFORMS[name](key)
    return key


def tag_value(resource: dict, key: str, transforms: tuple[str, ...] = ()) -> Any:
    tags = resource.get("Tags")
    if isinstance(tags, dict):
        tags = [{"Key": k, "Value": v} for k, v in tags.items()]
    for tag in tags or ():
        found = tag.get("Key")
        if transforms and isinstance(found, str):
            found = _transform_key(found, transforms)
        if found == key:
            return tag.get("Value")
    return None


def is_annotation_key(key: str) -> bool:
    """Keys like `c7n:MatchedFilters` name what a filter noted on the resource:
    they are looked up as they are, never as JMESPath."""
    return ":" in key and not key.startswith("tag:")


def _compile(key: str) -> Any:
    import jmespath
    try:
        return jmespath.compile(key)
    except jmespath.exceptions.JMESPathError:
        if is_annotation_key(key):
            return None
        raise


class ValueMatcher:
    """One compiled comparison: key (resolved once), op, value and value type."""

    def __init__(self, data: dict, now: Callable[[], datetime.datetime]) -> None:
        self.key: str = data.get("key", "")
        self.value = data.get("value")
        self.op = data.get("op")
        self.value_type = data.get("value_type")
        self.value_regex = re.compile(data["value_regex"]) if data.get("value_regex") else None
        self.now = now
        self.tag_key = self.key[4:] if self.key.startswith("tag:") else None
        self.transforms = tuple(data.get("tag_key_transforms") or ())
        # resource_count has no key: it counts the resources.
        self.expr = _compile(self.key) if self.tag_key is None and self.key else None
        # value_path: the value to compare with is read from each resource.
        self.value_path = _compile(data["value_path"]) if data.get("value_path") else None
        self.compare = OPERATORS[self.op] if self.op else None
        # value_type expr: the value is a key of the same resource, compiled once.
        self.value_key: ValueMatcher | None = None
        if self.value_type == "expr" and isinstance(self.value, str):
            self.value_key = ValueMatcher({"key": self.value, "value_regex": data.get("value_regex")}, now)

    def resource_value(self, resource: dict) -> Any:
        if self.tag_key is not None:
            value = tag_value(resource, self.tag_key, self.transforms)
        elif self.key in resource:
            value = resource[self.key]
        elif self.expr is not None:
            try:
                value = self.expr.search(resource)
            except JMESPathTypeError:
                # e.g. length(Missing): no value, rather than failing the policy.
                value = None
        else:
            value = None
        if self.value_regex is not None:
            # The capture of a match from the start of a text value; else None.
            found = self.value_regex.match(value) if isinstance(value, str) else None
            value = found.group(1) if found else None
        return value

    def match(self, resource: dict) -> bool:
        found = self.resource_value(resource)
        if self.op in ("in", "ni", "not-in") and found is None:
            found = ()
        expected = self.value
        if self.value_path is not None:
            try:
                expected = self.value_path.search(resource)
            except JMESPathTypeError:
                expected = None
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
            except _COMPARE_ERRORS:
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
            if isinstance(threshold, str) and threshold in SPECIAL_VALUES:
                return expected, parse_date(found)
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
            if isinstance(net, _IP_ADDRESSES):
                return expected, net.max_prefixlen  # a bare address is a /32 (or /128)
            return expected, net.prefixlen if isinstance(net, _IP_NETWORKS) else 0
        if vt == "version":
            return _version_key(expected), _version_key(found)
        return expected, found

    def expr_value(self, expression: Any, resource: dict) -> Any:
        if self.value_key is not None and expression == self.value_key.key:
            return self.value_key.resource_value(resource)
        return ValueMatcher({"key": str(expression)}, self.now).resource_value(resource)


@filters.register("value")
class ValueFilter(Filter):
    """Compare a field of the resource with a value."""

    api_free = True
    notes = False
    schema = {
        "key": {"type": "string"},
        "value": {},
        "op": {"enum": sorted(OPERATORS)},
        "value_type": {"enum": list(VALUE_TYPES)},
        "value_regex": {"type": "string"},
        "value_from": VALUES_FROM_SCHEMA,
        "value_path": {"type": "string"},
        "default": {"type": "object"},
        "tag_key_transforms": {"type": "array", "items": {"enum": list(TAG_KEY_TRANSFORMS)}},
    }

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matcher = ValueMatcher(data, manager.now)
        self.values_loaded = "value_from" not in data

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = []
        if data.get("value_type") != "resource_count":
            # As in Custodian: a value filter needs a key and a value to compare
            # (or a value_from / value_path that gives it).
            problems += ["missing required key 'key'"] if "key" not in data else []
            if not {"value", "value_from", "value_path"} & set(data):
                problems.append("missing required key 'value'")
        return problems + check_value_data(data)

    def sensitive(self) -> bool:
        # resource_count compares the number of resources that reached it; a c7n: key
        # reads what an earlier filter noted.
        return (self.data.get("value_type") == "resource_count" or str(self.data.get("key", "")).startswith("c7n:")
                or super().sensitive())

    def required_keys(self) -> set[str]:
        keys = {key_root(k) for k in (self.data.get("key"), self.data.get("value_path")) if k}
        if self.data.get("value_type") == "expr" and isinstance(self.data.get("value"), str):
            keys.add(key_root(self.data["value"]))
        # What filters noted on the resource is not a field to fetch.
        return {k for k in keys if not k.startswith("c7n:")}

    def load_values(self) -> None:
        """value_from: the list is read once, when the filter first runs."""
        if not self.values_loaded:
            from c7n_lite.filters.values_from import load_values
            self.matcher.value = load_values(self.data["value_from"], self.manager.session)
            self.values_loaded = True

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.load_values()
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
    if is_annotation_key(key):
        return key
    found = _FIRST_FIELD.match(key)
    return found.group(1) if found else key


def jmespath_problem(expression: str) -> str | None:
    """What is wrong with a JMESPath expression, in one line; None when it compiles."""
    import jmespath
    try:
        jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        text = str(exc).splitlines()[0].rstrip(":") if str(exc) else type(exc).__name__
        for noise in ("Invalid jmespath expression: ", "Bad jmespath expression: "):
            text = text.replace(noise, "")
        text = text.split(": Parse error")[0]
        position = getattr(exc, "lex_position", None)
        return f"{text} at column {position + 1}" if isinstance(position, int) else text
    return None


def check_value_data(data: dict) -> list[str]:
    """Problems with a value filter's key, op, value and value_type, for the user."""
    problems: list[str] = []
    value, op, vt = data.get("value"), data.get("op"), data.get("value_type")
    keys = [("key", data.get("key"))]
    if vt == "expr":
        keys.append(("value", value))
        if not isinstance(value, str):
            problems.append(f"value_type 'expr' needs a key of the resource as 'value', got {value!r}")
    if data.get("value_path"):
        keys.append(("value_path", data["value_path"]))
    for field, key in keys:
        problem = jmespath_problem(key) if isinstance(key, str) and not key.startswith("tag:") \
            and not is_annotation_key(key) else None
        if problem:
            problems.append(f"invalid JMESPath {field} {key!r}: {problem}")
    special = isinstance(value, str) and value in SPECIAL_VALUES
    values = value if isinstance(value, list) and op in LIST_OPS else [value]
    if vt in NUMERIC_VALUE_TYPES and not special and \
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        problems.append(f"value_type {vt!r} needs a number as 'value', got {value!r}")
    if vt == "cidr" and not special:
        for v in values:
            if not isinstance(v, str) or parse_cidr(v) is None:
                problems.append(f"value {v!r} is not an IP address or CIDR")
    if vt == "date" and parse_date(value) is None:
        problems.append(f"value_type 'date' needs a date as 'value', got {value!r}")
    if op in ("regex", "regex-case") and not special:
        if not isinstance(value, str):
            problems.append(f"op {op!r} needs a regular expression (a string) as 'value', got {value!r}")
        else:
            try:
                re.compile(value)
            except re.error as exc:
                problems.append(f"invalid regex {value!r}: {exc}")
    if data.get("value_regex"):
        try:
            if re.compile(data["value_regex"]).groups != 1:
                problems.append("value_regex needs exactly one capture group")
        except re.error as exc:
            problems.append(f"invalid value_regex: {exc}")
    return problems
