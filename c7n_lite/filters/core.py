"""The filter base class and the factory that turns policy data into filters.

The factory is shared by validation (CLI) and by building a runnable policy
(CLI and Lambda), so both read a filter the same way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from c7n_lite.plugin import Plugin
from c7n_lite.registry import filters
from c7n_lite.resources.shared import own_all

if TYPE_CHECKING:
    from c7n_lite.resources.core import ResourceManager, ResourceType

BOOLEAN_BLOCKS = ("or", "and", "not")


class FilterSpecError(ValueError):
    """A filter's data does not name a usable filter."""


class Filter(Plugin):
    """Selects resources.  Subclasses set `schema` (the JSON Schema properties of
    their data, besides `type`), `required` and `permissions`, and implement
    `match` or `process`."""

    # Top-level resource fields this filter reads: drives detail fetches.
    reads: ClassVar[tuple[str, ...]] = ()
    # Makes no API call of its own (only reads fields, maybe through details):
    # such a filter is cheap when those fields need no detail call, and runs first.
    api_free: ClassVar[bool] = False
    # Its result depends on what came before it (annotations, counts over the
    # set): filters beside it keep their written order.
    order_sensitive: ClassVar[bool] = False
    # Writes on the resources it is given (an annotation, fetched details), so it
    # gets the policy's own copies of them (resources.shared).  A filter that only
    # reads says `notes = False`; a subclass overriding `process` or `match` notes
    # again unless it says so itself.
    notes: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "notes" not in vars(cls) and ("process" in vars(cls) or "match" in vars(cls)):
            cls.notes = True

    def __init__(self, data: dict, manager: ResourceManager) -> None:
        self.data = data
        self.manager = manager

    def required_keys(self) -> set[str]:
        return set(self.reads)

    def cheap(self) -> bool:
        """Decides from fields already present: no detail call, no API call."""
        return self.api_free and self.manager.needs_no_detail(self.required_keys())

    def sensitive(self) -> bool:
        """Reads an annotation another filter notes (a `c7n:` key no detail of the
        type provides), or declares itself order sensitive."""
        if self.order_sensitive:
            return True
        fetched = {k for d in self.manager.resource_type.details.values() for k in d.keys}
        return any(k.startswith("c7n:") and k not in fetched for k in self.required_keys())

    def writes(self) -> bool:
        """Writes on the resources: notes on them, or fetches a detail into them."""
        return self.notes or not self.manager.needs_no_detail(self.required_keys())

    def detail_calls(self) -> int:
        """At most how many detail calls deciding one resource takes (the details
        providing its fields): among filters that need calls, the fewer go first."""
        named, catch_all = self.manager.resource_type.details_needed(self.required_keys())
        return len(named) + len(catch_all)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        keys = self.required_keys()
        if keys:
            resources = self.manager.ensure_details(resources, keys)
        found = []
        for resource in resources:
            try:
                if self.match(resource, event):
                    found.append(resource)
            except Exception as exc:  # noqa: BLE001 - this resource is unknown, not passed
                self.manager.record_failure([resource], f"filter:{self.type}", exc)
        return found

    def match(self, resource: dict, event: dict | None = None) -> bool:
        raise NotImplementedError


def normalize_filter(data: Any) -> tuple[str, dict]:
    """Custodian's filter shorthands → (type name, data with a 'type')."""
    if isinstance(data, str):
        return data, {"type": data}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "null" if data is None else \
            "a boolean" if isinstance(data, bool) else \
            "a number" if isinstance(data, (int, float)) else type(data).__name__
        raise FilterSpecError(f"a filter must be a mapping or a name, got {kind}")
    if "type" in data:
        if not isinstance(data["type"], str):
            raise FilterSpecError("a filter's 'type' must be a string")
        return data["type"], data
    if len(data) == 1:
        (key, value), = data.items()
        if key in BOOLEAN_BLOCKS:
            return key, data
        return "value", {"type": "value", "key": key, "value": value}
    raise FilterSpecError("a filter needs a 'type', or a single 'key: value' pair")


def filter_class(resource_type: type[ResourceType], name: str) -> type[Filter] | None:
    return resource_type.filter_class(name)


def build_filter(data: Any, manager: ResourceManager) -> Filter:
    name, normalized = normalize_filter(data)
    cls = filter_class(manager.resource_type, name)
    if cls is None:
        raise FilterSpecError(f"unknown filter {name!r} for {manager.resource_type.type}")
    return cls(normalized, manager)


def build_filters(items: list, manager: ResourceManager) -> list[Filter]:
    return [build_filter(item, manager) for item in items or ()]


def writable(f: Filter, resources: list[dict]) -> list[dict]:
    """What `f` may be given: the policy's own copies of the shared resources
    when it writes on them, else the resources as they are."""
    return own_all(resources) if f.writes() else resources


def run_filter(f: Filter, resources: list[dict], event: dict | None = None) -> list[dict]:
    """The resources `f` selects, never one that could not be evaluated: a failure
    of the whole filter leaves all of them unevaluated (errored), not passed.
    Those it writes on are copies (a filter beside it in an `or` must see the
    same objects: `or` gets copies before its children run)."""
    resources = writable(f, resources)
    try:
        found = f.process(resources, event)
    except Exception as exc:  # noqa: BLE001 - recorded; the policy reports it
        f.manager.record_failure(resources, f"filter:{f.type}", exc)
        return []
    return f.manager.known(found)


def evaluation_order(filters: list[Filter]) -> list[Filter]:
    """Filters that decide from fields at hand first, then those that need a
    detail or an API call, fewest detail calls per resource first, so a resource
    one of them decides costs no further call.  The set they select is the same
    in any order, except where a filter reads what another noted or counts the
    set (reduce, annotations): then as written."""
    if len(filters) < 2 or any(f.sensitive() for f in filters):
        return filters
    return sorted(filters, key=lambda f: (0, 0) if f.cheap() else (1, f.detail_calls()))


def apply_filters(filters: list[Filter], resources: list[dict], event: dict | None = None) -> list[dict]:
    for f in evaluation_order(filters):
        if not resources:
            break
        resources = run_filter(f, resources, event)
    return resources


@filters.register("and")
class AndFilter(Filter):
    """All of the listed filters match."""

    schema = {"and": {"type": "array"}}

    def __init__(self, data: dict, manager: ResourceManager) -> None:
        super().__init__(data, manager)
        self.children = build_filters(data[self.type], manager)

    @classmethod
    def json_schema(cls) -> dict:
        return {"type": "object", "additionalProperties": False,
                "properties": {cls.type: {"type": "array"}}, "required": [cls.type]}

    def required_keys(self) -> set[str]:
        return set().union(*(c.required_keys() for c in self.children)) if self.children else set()

    def cheap(self) -> bool:
        return all(c.cheap() for c in self.children)

    def sensitive(self) -> bool:
        return any(c.sensitive() for c in self.children)

    def writes(self) -> bool:
        return any(c.writes() for c in self.children)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        return apply_filters(self.children, resources, event)


@filters.register("or")
class OrFilter(AndFilter):
    """Any of the listed filters matches.  Each sub-filter sees only the
    resources not matched yet, so detail calls are not made twice."""

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        matched: set[int] = set()
        remaining = resources
        for child in evaluation_order(self.children):
            if not remaining:
                break
            matched.update(id(r) for r in run_filter(child, remaining, event))
            remaining = self.manager.known([r for r in remaining if id(r) not in matched])
        return [r for r in resources if id(r) in matched]


@filters.register("not")
class NotFilter(AndFilter):
    """The resources that do not match all the listed filters together."""

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        excluded = {id(r) for r in apply_filters(self.children, resources, event)}
        # What the children could not evaluate is unknown here too, not "not matched".
        return self.manager.known([r for r in resources if id(r) not in excluded])
