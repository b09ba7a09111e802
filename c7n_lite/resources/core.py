"""The declarative resource type, and the manager that enumerates and enriches it.

A resource type is a class of facts (service, enumerate call, id, ARN shape,
tags, how to fetch by id, per-resource detail calls).  The manager does the
work: it enumerates each (region, type) once per run, whatever the number of
policies, and fetches a detail only for the resources and fields some filter
actually reads, in parallel, once per resource.
"""
from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import actions, filters
from c7n_lite.resources.facts import ANY_KEY, EC2_TAGGING, TAGGING_API, Detail, Tagging

__all__ = ["ANY_KEY", "Detail", "ResourceManager", "ResourceType", "Tagging", "paginate"]

DETAIL_WORKERS = 12


def op_name(method: str) -> str:
    """boto3 method name → API operation name (describe_instances → DescribeInstances)."""
    return "".join(part.capitalize() for part in method.split("_"))


class ResourceType:
    """Facts about one AWS resource type.  Subclass and register; override
    `enumerate` / `fetch_by_ids` only where a single call cannot do it."""

    type: ClassVar[str] = ""
    service: ClassVar[str] = ""
    enum_op: ClassVar[str] = ""
    enum_path: ClassVar[str] = ""
    enum_params: ClassVar[dict] = {}
    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    # ARN: either a key on the resource that holds it, or a format string with
    # {partition} {region} {account} {id}.
    arn_key: ClassVar[str | None] = None
    arn_format: ClassVar[str | None] = None
    date: ClassVar[str | None] = None
    taggable: ClassVar[bool] = False
    # Fetch a subset by ids (event modes): boto3 method, its ids parameter and
    # how many ids fit in one call.  None: enumerate and pick.
    fetch_op: ClassVar[str | None] = None
    fetch_param: ClassVar[str | None] = None
    fetch_batch: ClassVar[int] = 200
    # Where fetch_op takes one id, not a list: one call per id, the item at
    # fetch_path (default: enum_path) in its answer, and the error codes that
    # mean the resource is gone since the event (it is skipped).
    fetch_single: ClassVar[bool] = False
    fetch_path: ClassVar[str | None] = None
    fetch_gone: ClassVar[tuple[str, ...]] = ()
    details: ClassVar[dict[str, Detail]] = {}
    extra_permissions: ClassVar[tuple[str, ...]] = ()
    # How tags are written (see facts.Tagging); None: EC2's calls for an ec2
    # type, else the Resource Groups Tagging API.
    tagging: ClassVar[Tagging | None] = None
    # Listed once per account (IAM, CloudFront): a run reports it in one
    # region only, its session's `home_region`.
    global_resource: ClassVar[bool] = False
    # Facts the shared filters read (each a JMESPath on the resource, or None
    # where the type has no such thing): security groups, subnets and VPC
    # (`security-group`, `subnet`, `vpc`, `network-location`), the KMS key
    # (`kms-key`), and the resource policy document (`cross-account`,
    # `has-statement`; a key a Detail provides, JSON text or a dict).
    security_groups_expr: ClassVar[str | None] = None
    subnets_expr: ClassVar[str | None] = None
    vpc_expr: ClassVar[str | None] = None
    kms_key_expr: ClassVar[str | None] = None
    policy_key: ClassVar[str | None] = None
    # CloudWatch metrics (`metrics`): the namespace, and each dimension's
    # name with the resource field that gives its value.
    metrics_namespace: ClassVar[str | None] = None
    metrics_dimensions: ClassVar[tuple[tuple[str, str], ...]] = ()
    # The enumerate call takes a policy's `query` (describe filters and
    # parameters, see resources/query.py); Custodian ignores it elsewhere.
    server_query: ClassVar[bool] = False
    # Fields worth showing in reports and the terminal plan.
    report_fields: ClassVar[tuple[str, ...]] = ()

    # --- registry lookups -------------------------------------------------
    @classmethod
    def filter_class(cls, name: str) -> type | None:
        return filters.get(cls, name)

    @classmethod
    def action_class(cls, name: str) -> type | None:
        return actions.get(cls, name)

    @classmethod
    def filter_names(cls) -> list[str]:
        return filters.names(cls)

    @classmethod
    def action_names(cls) -> list[str]:
        return actions.names(cls)

    # --- facts derived from the declaration ---------------------------------
    @classmethod
    def tag_facts(cls) -> Tagging:
        if cls.tagging is not None:
            return cls.tagging
        return EC2_TAGGING if cls.service == "ec2" else TAGGING_API

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        """Shape one described item as Custodian presents it (e.g. `TagList` →
        `Tags`).  Called on every enumerated or fetched item when overridden."""
        return resource

    @classmethod
    def _prepared(cls, items: list[dict]) -> list[dict]:
        if cls.prepare.__func__ is ResourceType.prepare.__func__:
            return items
        return [cls.prepare(item) for item in items]

    @classmethod
    def read_permissions(cls) -> list[str]:
        perms = [f"{cls.service}:{op_name(cls.enum_op)}"] if cls.enum_op else []
        if cls.fetch_op:
            perms.append(f"{cls.service}:{op_name(cls.fetch_op)}")
        perms.extend(cls.extra_permissions)
        return sorted(set(perms))

    @classmethod
    def resource_id(cls, resource: dict) -> str:
        return resource[cls.id]

    @classmethod
    def arn(cls, resource: dict, session: AwsSession) -> str:
        if cls.arn_key and resource.get(cls.arn_key):
            return resource[cls.arn_key]
        if cls.arn_format is None:
            raise ValueError(f"{cls.type} has no ARN shape")
        return cls.arn_format.format(partition=session.partition, region=session.region,
                                     account=session.account_id, id=cls.resource_id(resource))

    # --- API ----------------------------------------------------------------
    @classmethod
    def enumerate(cls, session: AwsSession, params: dict | None = None) -> list[dict]:
        """Every resource; `params` (a policy's query merged into `enum_params`) replace `enum_params`."""
        return cls._prepared(paginate(session.client(cls.service), cls.enum_op, cls.enum_path,
                                      cls.enum_params if params is None else params))

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        if not cls.fetch_op:
            wanted = set(ids)
            return [r for r in cls.enumerate(session) if cls.resource_id(r) in wanted]
        client = session.client(cls.service)
        if cls.fetch_single:
            return cls._prepared([item for rid in ids for item in cls._fetch_one(client, rid)])
        found: list[dict] = []
        for start in range(0, len(ids), cls.fetch_batch):
            params = dict(cls.enum_params)
            params[cls.fetch_param] = ids[start:start + cls.fetch_batch]
            found.extend(paginate(client, cls.fetch_op, cls.enum_path, params))
        return cls._prepared(found)

    @classmethod
    def _fetch_one(cls, client: Any, resource_id: str) -> list[dict]:
        import jmespath
        try:
            answer = getattr(client, cls.fetch_op)(**{cls.fetch_param: resource_id})
        except Exception as exc:  # noqa: BLE001 - only "gone" is expected
            if error_code(exc) in cls.fetch_gone:
                return []
            raise
        found = jmespath.search(cls.fetch_path or cls.enum_path, answer)
        if isinstance(found, list):
            return found
        return [found] if found else []


def paginate(client: Any, method: str, path: str, params: dict | None = None) -> list[dict]:
    """All items of a (possibly paginated) call, selected by a JMESPath."""
    import jmespath
    expr = jmespath.compile(path) if path else None
    params = params or {}
    if client.can_paginate(method):
        pages: Iterable[dict] = client.get_paginator(method).paginate(**params)
    else:
        pages = [getattr(client, method)(**params)]
    items: list[dict] = []
    for page in pages:
        found = expr.search(page) if expr else page
        if found:
            items.extend(found)
    return items


class ResourceFetchError(RuntimeError):
    """Enumerating or enriching resources failed: the policy must not report an empty account."""


@dataclass
class ResourceManager:
    """Resources of one type in one region, for the policies of one run."""

    resource_type: type[ResourceType]
    session: AwsSession
    clock: Callable[[], datetime.datetime] | None = None
    # The describe call's parameters from the policy's `query` (server_query types only).
    query: dict | None = None

    def now(self) -> datetime.datetime:
        if self.clock is not None:
            return self.clock()
        return datetime.datetime.now(datetime.timezone.utc)

    def _cache(self) -> dict:
        return self.session.resource_cache

    def resources(self) -> list[dict]:
        """Every resource of the type, described once per session (run and region)."""
        rt = self.resource_type
        params = self.query
        key = ("describe", rt.type, json.dumps(rt.enum_params if params is None else params, sort_keys=True))
        cache = self._cache()
        if key not in cache:
            try:
                cache[key] = rt.enumerate(self.session) if params is None else rt.enumerate(self.session, params)
            except Exception as exc:  # noqa: BLE001 - re-raised with context
                raise ResourceFetchError(f"describing {rt.type} failed: {exc}") from exc
        # Shallow copies per call (i.e. per policy): what one policy's filters note
        # on a resource (e.g. the rules `ingress` matched) must not reach another
        # policy's actions (`remove-permissions` revoking rules it never matched).
        return [dict(r) for r in cache[key]]

    def get_resources(self, ids: list[str]) -> list[dict]:
        """Just the given resources (event modes): no scan where the API fetches by id."""
        if not ids:
            return []
        try:
            return self.resource_type.fetch_by_ids(self.session, list(dict.fromkeys(ids)))
        except Exception as exc:  # noqa: BLE001
            raise ResourceFetchError(f"fetching {self.resource_type.type} {ids} failed: {exc}") from exc

    def details_for(self, keys: Iterable[str]) -> list[str]:
        wanted = set(keys)
        return [name for name, d in self.resource_type.details.items() if wanted & set(d.keys)]

    def ensure_details(self, resources: list[dict], keys: Iterable[str]) -> None:
        """Fetch the details providing `keys`, once per resource, in parallel."""
        wanted = set(keys)
        for name in self.details_for(wanted):
            self._ensure_detail(name, resources)
        details = self.resource_type.details
        unclaimed = wanted - {k for d in details.values() for k in d.keys}
        if not unclaimed:
            return
        for name, detail in details.items():
            if ANY_KEY in detail.keys:
                lacking = [r for r in resources if not unclaimed.issubset(r)]
                if lacking:
                    self._ensure_detail(name, lacking)

    def _ensure_detail(self, name: str, resources: list[dict]) -> None:
        rt = self.resource_type
        # Fetched fields by resource id: each policy has its own copies of the
        # resources, and each gets what any policy of the run already fetched.
        fetched: dict[str, dict] = self._cache().setdefault(("detail", rt.type, name), {})
        todo = [r for r in resources if rt.resource_id(r) not in fetched]
        if todo:
            self._fetch_detail(name, todo, fetched)
        for resource in resources:
            resource.update(fetched.get(rt.resource_id(resource), {}))

    def _fetch_detail(self, name: str, todo: list[dict], fetched: dict[str, dict]) -> None:
        rt = self.resource_type
        detail = rt.details[name]
        client = self.session.client(detail.service or rt.service)

        def fetch(resource: dict) -> dict:
            return detail.fetch(client, resource)

        try:
            if len(todo) == 1:
                results = [fetch(todo[0])]
            else:
                with ThreadPoolExecutor(max_workers=min(DETAIL_WORKERS, len(todo))) as pool:
                    results = list(pool.map(fetch, todo))
        except Exception as exc:  # noqa: BLE001
            raise ResourceFetchError(f"fetching {name} of {rt.type} failed: {exc}") from exc
        for resource, fields in zip(todo, results, strict=True):
            fetched[rt.resource_id(resource)] = fields
