"""A policy's `query`: server-side describe parameters, in Custodian's shapes.

Custodian passes `query` to the describe call of the types with a query
parser (EC2 instances, EBS volumes and snapshots, AMIs) and ignores it
elsewhere; so do we (a type declares `server_query = True`).  Each item of the
list is one mapping:

- `{instance-state-name: running}`, `{tag:Env: [prod, dev]}`: a describe
  filter (a lowercase name, or `tag:`), its value(s) becoming `Values`;
- `{Name: status, Values: [completed]}`: a describe filter as the API takes it;
- `{Filters: [{Name: ..., Values: [...]}]}`: describe filters as the API takes them;
- `{OwnerIds: [self]}`, `{MaxResults: 100}`: a parameter of the call (a name
  that starts with a capital); a list-valued one given twice is joined.

Lambda-safe: standard library only.
"""
from __future__ import annotations

from typing import Any


class QueryError(ValueError):
    """A `query` that is not in one of Custodian's shapes."""


def _values(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_query(items: Any) -> tuple[list[dict], dict]:
    """(describe filters, other call parameters) from a policy's `query`."""
    if items is None:
        return [], {}
    if not isinstance(items, list):
        raise QueryError("'query' must be a list of mappings")
    filters: list[dict] = []
    params: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or not item:
            raise QueryError(f"a query item must be a mapping, got {item!r}")
        if "Name" in item and "Values" in item:
            if set(item) - {"Name", "Values"}:
                raise QueryError(f"a query filter has only 'Name' and 'Values', got {sorted(item)}")
            filters.append({"Name": str(item["Name"]), "Values": [str(v) for v in _values(item["Values"])]})
            continue
        if len(item) != 1:
            raise QueryError(f"a query item has one key (or 'Name' and 'Values'), got {sorted(item)}")
        (key, value), = item.items()
        key = str(key)
        if key == "Filters":
            for f in value if isinstance(value, list) else [value]:
                if not isinstance(f, dict) or "Name" not in f or "Values" not in f:
                    raise QueryError(f"each of 'Filters' needs 'Name' and 'Values', got {f!r}")
                if not isinstance(f["Values"], list):
                    raise QueryError(f"'Values' of query filter {f['Name']!r} must be a list")
                filters.append({"Name": str(f["Name"]), "Values": [str(v) for v in f["Values"]]})
        elif key[:1].isupper():
            if key in params and isinstance(params[key], list):
                params[key] = params[key] + _values(value)
            else:
                params[key] = value
        else:
            filters.append({"Name": key, "Values": [str(v) for v in _values(value)]})
    return filters, params


def query_params(resource_type: Any, items: Any) -> dict | None:
    """The describe call's parameters for a policy's `query` (its type's
    `enum_params` with the query merged in); None when there is nothing to pass."""
    if not items or not getattr(resource_type, "server_query", False):
        return None
    filters, params = parse_query(items)
    merged = dict(resource_type.enum_params)
    merged.update(params)
    if filters:
        merged["Filters"] = list(merged.get("Filters") or []) + filters
    return merged
