"""A runnable policy: its resource manager, compiled filters and actions.

Lambda-safe: needs no YAML or schema library; the data is validated before
it gets here (by `c7n_lite.schema` in the CLI, at deploy time for a Lambda).
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

from c7n_lite.actions.core import Action, build_actions
from c7n_lite.aws.session import AwsSession
from c7n_lite.filters.core import Filter, apply_filters, build_filters
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceManager, ResourceType


def resource_type_name(name: str) -> str:
    """Custodian accepts 'ec2' for 'aws.ec2'."""
    return name if "." in name else f"aws.{name}"


def resource_type_for(name: str) -> type[ResourceType] | None:
    return resources.get(resource_type_name(name))


class Policy:
    def __init__(self, data: dict, session: AwsSession,
                 clock: Callable[[], datetime.datetime] | None = None) -> None:
        self.data = data
        self.name: str = data["name"]
        rt = resource_type_for(data["resource"])
        if rt is None:
            raise ValueError(f"unknown resource {data['resource']!r}")
        self.resource_type = rt
        self.session = session
        self.manager = ResourceManager(rt, session, clock)
        self.filters: list[Filter] = build_filters(data.get("filters") or [], self.manager)
        self.actions: list[Action] = build_actions(data.get("actions") or [], self.manager)
        for action in self.actions:
            action.policy_data = data

    @property
    def mode(self) -> dict:
        return self.data.get("mode") or {"type": "pull"}

    @property
    def region(self) -> str:
        return self.session.region

    def filter(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        return apply_filters(self.filters, resources, event)

    def resource_ids(self, resources: list[dict]) -> list[str]:
        return [self.resource_type.resource_id(r) for r in resources]

    def permissions(self) -> set[str]:
        """What the policy needs: read the resource, and each filter's and action's needs."""
        from c7n_lite.actions.core import normalize_action
        from c7n_lite.filters.core import normalize_filter
        perms = set(self.resource_type.read_permissions())
        for detail in self.resource_type.details.values():
            perms.update(detail.permissions)

        def walk(items: list) -> None:
            for item in items or ():
                name, data = normalize_filter(item)
                cls = self.resource_type.filter_class(name)
                if cls is not None:
                    perms.update(cls.all_permissions(data))
                if name in ("or", "and", "not"):
                    walk(data[name])

        walk(self.data.get("filters") or [])
        for item in self.data.get("actions") or ():
            name, data = normalize_action(item)
            cls = self.resource_type.action_class(name)
            if cls is not None:
                perms.update(cls.all_permissions(data, self.resource_type))
        return perms
