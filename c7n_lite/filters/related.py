"""Filters that run a value filter against resources related to the one filtered
(an instance's security groups, volumes or image).

The related type is read through a manager on the same session, so its
describe is cached per run: one DescribeSecurityGroups however many policies
and instances look at security groups.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import OPERATORS, ValueFilter, ValueMatcher, check_value_data, key_root
from c7n_lite.registry import resources
from c7n_lite.resources.shared import own

RELATED_SCHEMA = {**ValueFilter.schema,
                  "operator": {"enum": ["and", "or"]},
                  "match-resource": {"type": "boolean"}}


def related_manager(manager: Any, type_name: str) -> Any:
    """A manager of another resource type sharing `manager`'s session (and so its cache)."""
    rt = resources.get(type_name)
    if rt is None:
        # In a Lambda only the declared related_types are shipped and imported.
        raise LookupError(f"resource type {type_name} is not loaded: declare it in related_types")
    # The policy's `query` is for its own type's describe call, not this one's.
    return dataclasses.replace(manager, resource_type=rt, query=None)


def related_by_id(manager: Any, ids: Iterable[str], fetch_missing: bool = False) -> dict[str, dict]:
    """The related resources with these ids, from the type's cached describe.

    With `fetch_missing`, ids the describe did not list are fetched by id, once
    per run (e.g. public images an instance was launched from)."""
    rt = manager.resource_type
    wanted = set(ids)
    index_key = ("by-id", rt.type)
    cache = manager._cache()
    # Policies running at once share the index and its fetches: one each per run.
    with manager.session.cache_lock(index_key):
        index = cache.get(index_key)
        if index is None:
            # The run's own copies (details of related resources are fetched into them).
            index = cache[index_key] = {rt.resource_id(r): own(r) for r in manager.resources()}
        if fetch_missing:
            missing = sorted(i for i in wanted if i not in index)
            if missing:
                found = {rt.resource_id(r): r for r in manager.get_resources(missing)}
                for rid in missing:
                    index[rid] = found.get(rid)
    return {rid: index[rid] for rid in wanted if index.get(rid) is not None}


def check_related_value(data: dict) -> list[str]:
    problems = list(check_value_data(data))
    if "key" not in data and data.get("value_type") != "resource_count":
        problems.append("missing required key 'key'")
    if data.get("match-resource") and "key" not in data:
        problems.append("'match-resource' needs a 'key'")
    return problems


class RelatedValueFilter(Filter):
    """Match when the value filter matches the related resources: any of them
    (`operator: or`, the default) or all of them (`operator: and`)."""

    schema = RELATED_SCHEMA
    annotation: str | None = None
    # Ids the type's describe does not list are fetched by id (once per run).
    fetch_missing = False

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matcher = ValueMatcher(data, manager.now)
        # Related resources whose reads failed (their ids → why), set by load_related.
        self.related_unknown: dict[str, dict] = {}
        self.any = data.get("operator", "or") == "or"

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_related_value(data)

    def related_ids(self, resource: dict) -> list[str]:
        raise NotImplementedError

    def required_keys(self) -> set[str]:
        if self.data.get("match-resource") and self.data.get("key"):
            return {key_root(self.data["key"])}
        return set()

    def related_reads(self) -> dict[str, set[str]]:
        """Fields of the related resources this filter reads: type name → keys."""
        return {self.related_types[0]: {key_root(self.data["key"])}} if self.data.get("key") else {}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        keys = self.required_keys()
        if keys:
            resources = self.manager.ensure_details(resources, keys)
        ids = {rid: self.related_ids(r) for rid, r in ((id(r), r) for r in resources)}
        self.related = self.load_related({i for v in ids.values() for i in v})
        # A resource whose related one could not be read is unknown too.
        unknown = self.related_unknown
        for r in resources if unknown else ():
            bad = [i for i in ids[id(r)] if i in unknown]
            if bad:
                self.manager.unevaluated.errored.setdefault(
                    self.manager.resource_type.resource_id(r), {**unknown[bad[0]], "stage": f"filter:{self.type}"})
        return [r for r in resources if self.match_related(r, ids[id(r)])]

    def load_related(self, ids: set[str]) -> dict[str, dict]:
        """The related resources by id (those that exist), with the fields the key reads."""
        related = related_manager(self.manager, self.related_types[0])
        found = related_by_id(related, ids, self.fetch_missing)
        for related_keys in self.related_reads().values():
            related.ensure_details(list(found.values()), related_keys)
        # Related resources whose reads failed: who refers to them is unknown.
        self.related_unknown = related.unevaluated.errored
        return found

    def match_related(self, resource: dict, related_ids: list[str]) -> bool:
        if self.data.get("value_type") == "resource_count":
            compare = OPERATORS[self.data.get("op") or "eq"]
            return bool(compare(len(related_ids), self.data.get("value")))
        if self.data.get("match-resource"):
            self.matcher.value = self.matcher.resource_value(resource)
        found = []
        for rid in related_ids:
            other = self.related.get(rid)
            if other is None:
                # An unknown related resource has every key absent.
                if self.data.get("value") == "absent":
                    found.append(rid)
                continue
            if self.match_one(other):
                found.append(rid)
        if found and self.annotation:
            resource[self.annotation] = sorted(set(found) | set(resource.get(self.annotation, ())))
        if self.any:
            return bool(found)
        # As in Custodian, 'and' holds for a resource with no related ones.
        return len(found) == len(related_ids)

    def match_one(self, related: dict) -> bool:
        """Whether one related resource matches (the value filter, by default)."""
        return self.matcher.match(related)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.match_related(resource, self.related_ids(resource))
