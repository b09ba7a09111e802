"""Filters every resource type shares: `tag-count`, `event`, `reduce` and
`list-item`, with Custodian's semantics."""
from __future__ import annotations

import datetime
import random
from typing import Any, ClassVar

from c7n_lite.filters.core import Filter, build_filters
from c7n_lite.filters.value import OPERATORS, ValueFilter, ValueMatcher, key_root, parse_date
from c7n_lite.registry import filters
from c7n_lite.resources.core import ResourceManager, ResourceType


@filters.register("tag-count")
class TagCount(Filter):
    """The number of the resource's tags, besides the `aws:` ones, compared
    with `count` (10 by default) under `op` (`gte` by default)."""

    schema = {"count": {"type": "integer", "minimum": 0, "default": 10},
              "op": {"enum": sorted(OPERATORS), "default": "gte"}}
    reads = ("Tags",)
    notes = False

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.taggable)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        tags = resource.get("Tags") or ()
        keys = list(tags) if isinstance(tags, dict) else [t.get("Key", "") for t in tags]
        count = len([k for k in keys if not str(k).startswith("aws:")])
        return bool(OPERATORS[self.data.get("op", "gte")](count, self.data.get("count", 10)))


@filters.register("event")
class EventFilter(ValueFilter):
    """A value filter on the event that triggered the policy (Lambda modes):
    every resource when it matches, none when it does not.  Without an event
    (a pull run) it lets every resource through, as in Custodian."""

    notes = False

    def required_keys(self) -> set[str]:
        return set()

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        if event is None:
            return resources
        self.load_values()
        return resources if self.matcher.match(event) else []


SORT_KEY = {"oneOf": [{"type": "string"}, {
    "type": "object", "additionalProperties": False,
    "properties": {"key": {"type": "string"}, "value_type": {"enum": ["string", "number", "date"]},
                   "value_regex": {"type": "string"}}}]}
_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
_LATEST = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)


@filters.register("reduce")
class Reduce(Filter):
    """Group (`group-by`), order (`sort-by`, `order`: asc, desc, reverse or
    randomize; `null-order`) and keep a part of each group: drop the first
    `discard` (or `discard-percent`), then keep `limit` (or `limit-percent`)."""

    schema = {
        "group-by": SORT_KEY, "sort-by": SORT_KEY,
        "order": {"enum": ["asc", "desc", "reverse", "randomize"]},
        "null-order": {"enum": ["first", "last"]},
        "limit": {"type": "number", "minimum": 0},
        "limit-percent": {"type": "number", "minimum": 0, "maximum": 100},
        "discard": {"type": "number", "minimum": 0},
        "discard-percent": {"type": "number", "minimum": 0, "maximum": 100},
    }

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.order = data.get("order", "asc")
        self.group_by = self.sort_config("group-by")
        self.sort_by = self.sort_config("sort-by")

    def sort_config(self, name: str) -> dict:
        config = self.data.get(name) or {}
        config = {"key": config} if isinstance(config, str) else dict(config)
        if config.get("key"):
            config["matcher"] = ValueMatcher({"key": config["key"], "value_regex": config.get("value_regex")},
                                             self.manager.now)
        config["null"] = self.null_value(config.get("value_type", "string"))
        return config

    def null_value(self, value_type: str) -> Any:
        """Where a missing value sorts: last by default (first with `null-order: first`)."""
        first = (self.data.get("null-order", "last") == "last") == (self.order == "desc")
        if value_type == "number":
            return float("-inf") if first else float("inf")
        if value_type == "date":
            return _EARLIEST if first else _LATEST
        return "" if first else "\uffff"

    def required_keys(self) -> set[str]:
        return {key_root(c["key"]) for c in (self.group_by, self.sort_by) if c.get("key")}

    def value(self, config: dict, resource: dict) -> Any:
        found = config["matcher"].resource_value(resource) if "matcher" in config else None
        if found is not None:
            kind = config.get("value_type", "string")
            try:
                found = float(found) if kind == "number" else parse_date(found) if kind == "date" else str(found)
            except (TypeError, ValueError):
                found = None
        return config["null"] if found is None else found

    def reorder(self, items: list, key: Any) -> list:
        if self.order == "randomize":
            return random.sample(items, k=len(items))
        if self.order == "reverse":
            return items[::-1]
        return sorted(items, key=key, reverse=self.order == "desc")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.manager.ensure_details(resources, self.required_keys())
        groups: dict[str, tuple[Any, list[dict]]] = {}
        for r in resources:
            v = self.value(self.group_by, r)
            groups.setdefault(str(v), (v, []))[1].append(r)
        if "sort-by" in self.data or "order" in self.data:
            groups = {k: (v, self.reorder(rs, lambda r: self.value(self.sort_by, r))) for k, (v, rs) in groups.items()}
        names = list(groups)
        if "group-by" in self.data or "order" in self.data:
            names = self.reorder(names, lambda n: groups[n][0])
        kept: list[dict] = []
        for name in names:
            members = groups[name][1]
            drop = self.data.get("discard", 0)
            if self.data.get("discard-percent", 0) > 0:
                drop = max(drop, int(self.data["discard-percent"] / 100 * len(members)))
            members = members[int(drop):]
            count = len(members)
            if self.data.get("limit-percent", 0) > 0:
                count = int(self.data["limit-percent"] / 100 * len(members))
            if 0 < self.data.get("limit", 0) < count:
                count = int(self.data["limit"])
            kept.extend(members[:count])
        return kept


class ListItems(ResourceType):
    """The entries of a resource's list that `list-item` filters (not an AWS resource)."""

    type = "list-item-entries"
    id = "c7n:_id"


@filters.register("list-item")
class ListItem(Filter):
    """Filters (`attrs`) run on each entry of a list in the resource (`key`):
    the resource matches when some entry does (the matched ones are noted as
    `c7n:ListItemMatches`: `key[index]`), or, with `count` / `count_op`, when
    the number of matching entries compares so."""

    schema = {"key": {"type": "string"}, "attrs": {"type": "array"}, "count": {"type": "number"},
              "count_op": {"enum": sorted(OPERATORS)}}
    annotation: ClassVar[str] = "c7n:ListItemMatches"

    @classmethod
    def check(cls, data: dict) -> list[str]:
        from c7n_lite.filters.core import BOOLEAN_BLOCKS, FilterSpecError, normalize_filter
        problems: list[str] = []

        def walk(items: Any) -> None:
            for item in items if isinstance(items, list) else ():
                try:
                    name, fdata = normalize_filter(item)
                except FilterSpecError as exc:
                    problems.append(f"attrs: {exc}")
                    continue
                if name in BOOLEAN_BLOCKS and "type" not in fdata:
                    walk(fdata[name])
                elif ListItems.filter_class(name) is None:
                    problems.append(f"attrs: unknown filter {name!r} for list entries")
        walk(data.get("attrs"))
        return problems

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        import jmespath
        self.expr = jmespath.compile(data.get("key") or "[]")
        entries = ResourceManager(ListItems, manager.session, manager.clock)
        self.children = build_filters(data.get("attrs") or [], entries)

    def required_keys(self) -> set[str]:
        return {key_root(self.data["key"])} if self.data.get("key") else set()

    def count_holds(self, count: int) -> bool:
        return "count" in self.data and bool(OPERATORS[self.data.get("count_op", "eq")](count, self.data["count"]))

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        from c7n_lite.filters.core import apply_filters
        self.manager.ensure_details(resources, self.required_keys())
        matched = []
        for r in resources:
            entries = self.expr.search(r)
            if not entries:
                if self.count_holds(0):
                    matched.append(r)
                continue
            if not isinstance(entries, list):
                raise ValueError(f"list-item: {self.data.get('key')!r} is a {type(entries).__name__}, not a list")
            wrapped = [{**e, "c7n:_id": i} if isinstance(e, dict) else {"c7n:_id": i, "value": e}
                       for i, e in enumerate(entries)]
            found = [e["c7n:_id"] for e in apply_filters(self.children, wrapped, event)]
            if "count" in self.data:
                if self.count_holds(len(found)):
                    matched.append(r)
            elif found:
                r.setdefault(self.annotation, []).extend(f"{self.data.get('key', 'list-item')}[{i}]" for i in found)
                matched.append(r)
        return matched
