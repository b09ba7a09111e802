"""Name → class maps for resources, filters, actions and modes.

Registration is explicit (a decorator on the class).  The schema, the docs and
the IAM permissions of a deployed role are all generated from what is
registered here, so adding a resource, filter or action is declaring it once.
"""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

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
        if self.kind == "resource":
            load_types([name])  # the type's module and its plugins, once
        elif self.kind == "mode":
            load_types(())
        return self._items.get(name)

    def names(self) -> list[str]:
        """Every name, registered or (resources) known from the index without importing."""
        known = list(self._items)
        if self.kind == "resource":
            known += [n for n in plugin_index().get("resources", {}) if n not in self._items]
        return known

    def items(self) -> Iterator[tuple[str, type]]:
        load_all()
        return iter(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items or (self.kind == "resource" and isinstance(name, str) and
                                       name in plugin_index().get("resources", {}))

    def __len__(self) -> int:
        load_all()
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
        load_types([resource_class.type])
        found = self._scoped.get((resource_class.type, name))
        if found is not None:
            return found
        found = self._common.get(name)
        if found is not None and found.applies_to(resource_class):
            return found
        return None

    def names(self, resource_class: type) -> list[str]:
        load_types([resource_class.type])
        scoped = {n for (rt, n) in self._scoped if rt == resource_class.type}
        common = {n for n, c in self._common.items() if c.applies_to(resource_class)}
        return sorted(scoped | common)


resources = Registry("resource")
modes = Registry("mode")
filters = PluginRegistry("filter")
actions = PluginRegistry("action")

_loaded = False
_loaded_types: set[str] = set()
_common_loaded = False
_index: dict | None = None
# Which module registers what, so that a run imports only the modules its policies
# use (a resource type, the plugins scoped to it, and the common plugins): written
# by `python -m c7n_lite.registry`, checked current by the tests.  Absent (a Lambda
# package ships only the modules its policy needs): everything is imported instead.
INDEX_FILE = os.path.join(os.path.dirname(__file__), "plugin_index.json")


def all_plugin_modules() -> list[str]:
    found = []
    for package_name in PLUGIN_PACKAGES:
        package = importlib.import_module(package_name)
        found += [f"{package_name}.{info.name}" for info in pkgutil.iter_modules(package.__path__)
                  if not info.name.startswith("_")]
    return found


def load_all() -> None:
    """Import every plugin module so the registries are complete."""
    global _loaded
    if _loaded:
        return
    for module in all_plugin_modules():
        importlib.import_module(module)
    _loaded = True


def plugin_index() -> dict:
    global _index
    if _index is None:
        try:
            with open(INDEX_FILE, encoding="utf-8") as f:
                _index = json.load(f)
        except (OSError, ValueError):
            _index = {}
    return _index


def load_types(type_names: Iterable[str]) -> bool:
    """Import what the given resource types need (their module, the plugins scoped
    to them, the common plugins); everything when there is no index.  True if any
    of them is now registered."""
    global _common_loaded
    names = [n for n in type_names if n not in _loaded_types]
    if _common_loaded and not names:
        return True
    index = plugin_index()
    if not index:
        if not _loaded:
            load_all()
        _common_loaded = True
        return any(n in resources._items for n in type_names)
    if not _common_loaded:
        for module in index["common"]:
            importlib.import_module(module)
        _common_loaded = True
    found = False
    for name in names:
        modules = index["types"].get(name)
        if modules is None:
            continue
        for module in modules:
            importlib.import_module(module)
        _loaded_types.add(name)
        found = True
    return found


def build_index() -> dict[str, Any]:
    """The index of what is registered where (every module imported)."""
    load_all()
    types: dict[str, set[str]] = {name: {cls.__module__} for name, cls in resources._items.items()}
    for registry in (filters, actions):
        for (type_name, _), cls in registry._scoped.items():
            types.setdefault(type_name, set()).add(cls.__module__)
    common = {cls.__module__ for registry in (filters, actions) for cls in registry._common.values()}
    common |= {cls.__module__ for cls in modes._items.values()}
    return {"resources": sorted(resources._items),
            "common": sorted(common),
            "types": {name: sorted(mods) for name, mods in sorted(types.items()) if name in resources._items}}


def write_index() -> None:
    with open(INDEX_FILE, "w", encoding="utf-8") as out:
        json.dump(build_index(), out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    # The plugins register in the imported module, not in this __main__ copy.
    importlib.import_module("c7n_lite.registry").write_index()
    print(f"wrote {INDEX_FILE}")
