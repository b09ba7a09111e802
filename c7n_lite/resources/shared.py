"""A described resource as the run's cache holds it: one object shared by every
policy of the run that reads the type, so the population is held once.

Shared resources are read-only.  What a policy notes on a resource (the rules
`ingress` matched, a fetched detail) goes on the policy's own copy, made only
for the resources that reach a filter which writes (`own`), and for those it
matches: one policy's annotations never reach another's output or actions.
A write to a shared resource is a bug, and fails at once instead of leaking.
"""
from __future__ import annotations

from typing import Any, NoReturn


class SharedResource(dict):
    """A dict whose contents cannot change (nested values are the describe's)."""

    __slots__ = ()

    def _shared(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a described resource is shared by the run's policies: "
                        "write to the policy's own copy (resources.shared.own)")

    __setitem__ = __delitem__ = __ior__ = _shared  # type: ignore[assignment]
    update = setdefault = pop = popitem = clear = _shared  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return dict, (dict(self),)

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        import copy
        return copy.deepcopy(dict(self), memo)


def share(resources: list[dict]) -> list[dict]:
    """The described resources as the run holds them, each read-only (their
    strings already held once by the listing: resources.paging)."""
    return [SharedResource(r) for r in resources]


def dedupe(container: dict | list, memo: dict[str, str]) -> None:
    """Each string value held once however often the listing repeats it (VPC,
    subnet and image ids, states, zones, tag values: a quarter of an instance's
    memory).  In place: a copy would hold the population twice while made."""
    pairs = container.items() if type(container) is dict else enumerate(container)
    for key, value in pairs:
        kind = type(value)
        if kind is str:
            container[key] = memo.setdefault(value, value)  # type: ignore[index]
        elif kind is dict or kind is list:
            dedupe(value, memo)


def own(resource: dict) -> dict:
    """The policy's writable resource: a copy of a shared one, else itself."""
    return dict(resource) if type(resource) is SharedResource else resource


def own_all(resources: list[dict]) -> list[dict]:
    return [own(r) for r in resources]


# What the cache holds of a type (resources.core, filters.related): its describes
# (per query), the index by id, the fetched details; and of each describe, its
# failure and the calls it made.
TYPE_KINDS = ("describe", "by-id", "detail")


def release(cache: dict, type_name: str) -> None:
    """Let go of what the run holds of one resource type, once no policy left
    reads it; a later reader describes the type again."""
    def of_type(key: object) -> bool:
        return type(key) is tuple and len(key) > 1 and key[0] in TYPE_KINDS and key[1] == type_name

    for key in list(cache):
        if of_type(key) or (type(key) is tuple and len(key) == 2 and key[0] in ("failed", "calls")
                            and of_type(key[1])):
            cache.pop(key, None)
