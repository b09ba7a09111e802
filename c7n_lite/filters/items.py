"""Matching the items of a list a resource carries (configurations, snapshots)
with Custodian's `attrs` (value filters) and `count` / `count_op`."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import normalize_filter
from c7n_lite.filters.value import OPERATORS, ValueMatcher

ITEMS_SCHEMA = {"attrs": {"type": "array", "items": {"anyOf": [{"type": "object"}]}},
                "count": {"type": "number"}, "count_op": {"enum": sorted(OPERATORS)}}


class AttrsMatcher:
    """A list of value filters (`{key: value}` shorthands, `and` / `or` / `not`
    blocks) that must all match an item of a list."""

    def __init__(self, attrs: list, now: Any) -> None:
        self.tests = [self._compile(a, now) for a in attrs or ()]

    def _compile(self, data: Any, now: Any) -> Any:
        if isinstance(data, dict) and "type" not in data and "key" in data and len(data) > 1:
            # A value filter written without `type: value` (Custodian's schema
            # accepts it; its documented cost-optimization example has them).
            data = {"type": "value", **data}
        name, spec = normalize_filter(data)
        if name in ("and", "or", "not"):
            children = [self._compile(c, now) for c in spec[name]]
            if name == "and":
                return lambda item: all(c(item) for c in children)
            if name == "or":
                return lambda item: any(c(item) for c in children)
            return lambda item: not all(c(item) for c in children)
        return ValueMatcher(spec, now).match

    def match(self, item: dict) -> bool:
        return all(test(item) for test in self.tests)


def items_match(data: dict, items: list[dict], now: Any) -> tuple[bool, list[dict]]:
    """Whether a resource with these items matches `attrs` / `count` / `count_op`,
    and the items that matched `attrs`."""
    matcher = AttrsMatcher(data.get("attrs") or [], now)
    matched = [i for i in items if matcher.match(i)]
    if "count" in data:
        return bool(OPERATORS[data.get("count_op", "eq")](len(matched), data["count"])), matched
    return bool(matched), matched


# Custodian's `eval_filters` (value filters on each evaluation a compliance
# service returns) with their `op`.
EVAL_SCHEMA = {"eval_filters": {"type": "array", "items": {"type": "object"}}, "op": {"enum": ["or", "and"]}}


class EvalMatcher:
    """`eval_filters` over one evaluation: any of them (`op: or`, the default) or
    all (`op: and`); no filters match every evaluation."""

    def __init__(self, data: dict, now: Any) -> None:
        self.tests = [AttrsMatcher([f], now).match for f in data.get("eval_filters") or ()]
        self.any = data.get("op", "or") == "or"

    def match(self, item: dict) -> bool:
        if not self.tests:
            return True
        results = (test(item) for test in self.tests)
        return any(results) if self.any else all(results)
