"""Name → class maps for resources, filters, actions and modes.

Registration is explicit (a decorator on the class).  The schema, the docs and
the IAM permissions of a deployed role are all generated from what is
registered here, so adding a resource, filter or action is declaring it once.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T", bound=type)

# Packages whose modules register plugins.  Importing them all is only needed
# for the CLI (validation, schema, docs); a deployed Lambda imports just the
# modules its policy uses (see c7n_lite.deploy.archive).
PLUGIN_PACKAGES = ("c7n_lite.filters", "c7n_lite.actions", "c7n_lite.resources", "c7n_lite.modes")


class Registry:
    """An ordered map of names to plugin classes of one kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, type] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def decorator(cls: T) -> T:
            if name in self._items and self._items[name] is not cls:
                raise ValueError(f"{self.kind} {name!r} registered twice")
            cls.type = name
            self._items[name] = cls
            return cls
        return decorator

    def get(self, name: str) -> type | None:
        return self._items.get(name)

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> Iterator[tuple[str, type]]:
        return iter(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __len__(self) -> int:
        return len(self._items)


class PluginRegistry:
    """Filters or actions, each registered for all resource types or for some.

    Registering by resource type *name* keeps imports one-directional: a
    filter or action module never imports a resource module, and a resource
    module never lists its filters and actions.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._common: dict[str, type] = {}
        self._scoped: dict[tuple[str, str], type] = {}

    def register(self, name: str, *resource_types: str) -> Callable[[T], T]:
        """Register for the given resource types, or for every type when none is given
        (a common plugin may still narrow itself with ``applies_to(resource_class)``)."""
        def decorator(cls: T) -> T:
            cls.type = name
            keys = [(rt, name) for rt in resource_types]
            for key in keys:
                if key in self._scoped and self._scoped[key] is not cls:
                    raise ValueError(f"{self.kind} {name!r} registered twice for {key[0]}")
                self._scoped[key] = cls
            if not resource_types:
                if name in self._common and self._common[name] is not cls:
                    raise ValueError(f"{self.kind} {name!r} registered twice")
                self._common[name] = cls
            return cls
        return decorator

    def get(self, resource_class: type, name: str) -> type | None:
        found = self._scoped.get((resource_class.type, name))
        if found is not None:
            return found
        found = self._common.get(name)
        if found is not None and found.applies_to(resource_class):
            return found
        return None

    def names(self, resource_class: type) -> list[str]:
        scoped = {n for (rt, n) in self._scoped if rt == resource_class.type}
        common = {n for n, c in self._common.items() if c.applies_to(resource_class)}
        return sorted(scoped | common)


resources = Registry("resource")
modes = Registry("mode")
filters = PluginRegistry("filter")
actions = PluginRegistry("action")

_loaded = False


def load_all() -> None:
    """Import every plugin module so the registries are complete."""
    global _loaded
    if _loaded:
        return
    for package_name in PLUGIN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package_name}.{info.name}")
    _loaded = True
