"""Custodian's policy variables: `{account_id}`, `{region}`, `{partition}` and
`{now}` (with a date format: `{now:%Y-%m-%d}`), plus an accounts file's `vars`,
filled into every string of a policy when it runs.  Anything else in braces
(`{op}`, `{action_date}`, `{event}`, regular expressions) is left as written,
for the filter or action that fills it later.  Lambda-safe: standard library only.
"""
from __future__ import annotations

import re
from typing import Any

_VARIABLE = re.compile(r"\{(\w+)(?::([^{}]*))?\}")


def expand_variables(data: Any, variables: dict[str, Any]) -> Any:
    """A copy of `data` with each `{name}` / `{name:format}` of a known variable filled in."""
    def fill(match: re.Match) -> str:
        name, spec = match.group(1), match.group(2)
        if name not in variables:
            return match.group(0)
        value = variables[name]
        try:
            return format(value, spec) if spec is not None else str(value)
        except (TypeError, ValueError):
            return match.group(0)

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            return _VARIABLE.sub(fill, value) if "{" in value else value
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value
    # New lists and dicts all the way down, strings being immutable: no copy needed first.
    return expand(data)


def used(data: Any) -> set[str]:
    """The variable names the policy's strings mention (so that an STS call for
    `{account_id}` is made only when a policy needs it)."""
    return {m.group(1) for m in _VARIABLE.finditer(repr(data))}
