"""Does an event match an EventBridge event pattern?

The subset of EventBridge's matching our modes render and tests need:
lists of literal values, nested objects, and the `exists`, `prefix`,
`anything-but` and `numeric` (=, <, >) operators.  `invoke` uses it to warn when
an event would not trigger the deployed rule.
"""
from __future__ import annotations

import operator
from typing import Any

_MISSING = object()


def matches(pattern: dict, event: dict) -> bool:
    for key, wanted in pattern.items():
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(wanted, dict):
            if value is _MISSING or not isinstance(value, dict) or not matches(wanted, value):
                return False
        elif not _matches_list(wanted, value):
            return False
    return True


def _matches_list(wanted: list, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(_matches_one(rule, values, value is _MISSING) for rule in wanted)


def _matches_one(rule: Any, values: list, missing: bool) -> bool:
    if not isinstance(rule, dict):
        return not missing and rule in values
    (op, arg), = rule.items()
    if op == "exists":
        return arg is not missing
    if missing:
        return False
    if op == "prefix":
        return any(isinstance(v, str) and v.startswith(arg) for v in values)
    if op == "anything-but":
        excluded = arg if isinstance(arg, list) else [arg]
        return all(v not in excluded for v in values)
    if op == "numeric":
        return any(_numeric(v, arg) for v in values if isinstance(v, (int, float)))
    raise ValueError(f"unsupported pattern operator {op!r}")


def _numeric(value: float, conditions: list) -> bool:
    return all(_NUMERIC[op](value, bound) for op, bound in zip(conditions[::2], conditions[1::2], strict=True))


_NUMERIC = {"=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
