"""The declarative resource type, and the manager that enumerates and enriches it.

A resource type is a class of facts (service, enumerate call, id, ARN shape,
tags, how to fetch by id, per-resource detail calls).  The manager does the
work: it enumerates each (region, type) once per run, whatever the number of
policies, and fetches a detail only for the resources and fields some filter
actually reads, in parallel, once per resource.
"""
from __future__ import annotations

import contextvars
import datetime
import json
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

from c7n_lite.aws.session import POLICY_CALLS, AwsSession, error_code
from c7n_lite.registry import actions, filters
from c7n_lite.resources.facts import ANY_KEY, EC2_TAGGING, TAGGING_API, Detail, Tagging
from c7n_lite.resources.outcomes import FailedRead, Unevaluated
from c7n_lite.resources.paging import paginate
from c7n_lite.resources.shared import share

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
    # The IAM action allowing enum_op, where its name is not the operation's
    # (s3 list_buckets is allowed by s3:ListAllMyBuckets).
    enum_permission: ClassVar[str | None] = None
    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    # ARN: either a key on the resource that holds it, or a format string with
    # {partition} {region} {account} {id}.
    arn_key: ClassVar[str | None] = None
    arn_format: ClassVar[str | None] = None
    date: ClassVar[str | None] = None
    taggable: ClassVar[bool] = False
    # AWS Config's name for the type (AWS::EC2::Instance), for config-rule mode; None: Config has none.
    config_type: ClassVar[str | None] = None
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
    # The listing gives only ids (DynamoDB tables, Kinesis streams): each is then
    # described with the single-id fetch (`fetch_op`), in parallel; one deleted
    # in between is gone.
    describe_listed: ClassVar[bool] = False
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
    def details_needed(cls, keys: Iterable[str]) -> tuple[list[str], list[str]]:
        """The details a read of `keys` makes the manager fetch: (those declaring one
        of the keys, the catch-all ones fetched for a key no detail declares)."""
        wanted = set(keys)
        named = [name for name, d in cls.details.items() if wanted & set(d.keys)]
        unclaimed = wanted - {k for d in cls.details.values() for k in d.keys}
        catch_all = [name for name, d in cls.details.items() if ANY_KEY in d.keys] if unclaimed else []
        return named, catch_all

    @classmethod
    def read_permissions(cls) -> list[str]:
        perms = [cls.enum_permission or f"{cls.service}:{op_name(cls.enum_op)}"] if cls.enum_op else []
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
    def listed_ids(cls, client: Any) -> list[str]:
        """The ids the listing gives, for `describe_listed` types."""
        return paginate(client, cls.enum_op, cls.enum_path)

    @classmethod
    def enumerate(cls, session: AwsSession, params: dict | None = None) -> list[dict]:
        """Every resource; `params` (a policy's query merged into `enum_params`) replace `enum_params`."""
        client = session.client(cls.service)
        if cls.describe_listed:
            ids = cls.listed_ids(client)
            with ThreadPoolExecutor(max_workers=max(1, min(DETAIL_WORKERS, len(ids)))) as pool:
                described = list(pool.map(lambda rid: cls._fetch_one(client, rid), ids))
            return cls._prepared([item for found in described for item in found])
        return cls._prepared(paginate(client, cls.enum_op, cls.enum_path,
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


class ResourceFetchError(RuntimeError):
    """Enumerating or enriching resources failed: the policy must not report an empty account."""


@dataclass
class ResourceManager:
    """Resources of one type in one region, for one policy of a run.  The
    describe and the fetched details live in the session's cache, shared by
    the run's policies; what this policy could not evaluate is its own."""

    resource_type: type[ResourceType]
    session: AwsSession
    clock: Callable[[], datetime.datetime] | None = None
    # The describe call's parameters from the policy's `query` (server_query types only).
    query: dict | None = None
    unevaluated: Unevaluated = field(default_factory=Unevaluated, init=False, repr=False)
    # The policy it serves (its name), if any.
    policy: str = field(default="", init=False, repr=False)

    def now(self) -> datetime.datetime:
        if self.clock is not None:
            return self.clock()
        return datetime.datetime.now(datetime.timezone.utc)

    def _cache(self) -> dict:
        return self.session.resource_cache

    def describe_key(self) -> tuple:
        rt = self.resource_type
        return ("describe", rt.type, json.dumps(rt.enum_params if self.query is None else self.query,
                                                sort_keys=True))

    def _enumerate(self) -> list[dict]:
        rt, params = self.resource_type, self.query
        return share(rt.enumerate(self.session) if params is None else rt.enumerate(self.session, params))

    def prefetch(self, owner: str) -> None:
        """Describe the type ahead of the policies (the runner's describe-first
        phase).  Its calls are counted for policy `owner` (the first written to
        read it); a failure is kept, and each policy of the type reports it."""
        key, cache = self.describe_key(), self._cache()
        calls: Counter[str] = Counter()
        token = POLICY_CALLS.set(calls)
        try:
            with self.session.cache_lock(key):
                if key in cache or ("failed", key) in cache:
                    return
                try:
                    cache[key] = self._enumerate()
                except Exception as exc:  # noqa: BLE001 - each policy of the type reports it
                    cache[("failed", key)] = exc
        finally:
            POLICY_CALLS.reset(token)
            cache[("calls", key)] = (owner, calls)

    def resources(self) -> list[dict]:
        """Every resource of the type, described once per session (run and region)."""
        rt = self.resource_type
        key = self.describe_key()
        cache = self._cache()
        found = cache.get(key)
        if found is None:
            with self.session.cache_lock(key):
                found = cache.get(key)
                if found is None:
                    failed = cache.get(("failed", key))
                    try:
                        if failed is not None:
                            raise failed
                        found = cache[key] = self._enumerate()
                    except Exception as exc:  # noqa: BLE001 - re-raised with context
                        raise ResourceFetchError(f"describing {rt.type} failed: {exc}") from exc
                    finally:
                        self._claim_calls(key)
        self._claim_calls(key)
        # Shared and read-only: a policy's filters note (and fetch details) on its
        # own copies (resources.shared), so the population is held once per run
        # (and let go once no policy left reads the type: shared.release).
        return list(found)

    def _claim_calls(self, key: tuple) -> None:
        """The describe-first phase's calls for this describe count for the first
        policy to read it (as they would had it described the type itself)."""
        cache = self._cache()
        owner, calls = cache.get(("calls", key), (None, None))
        if owner != self.policy or cache.pop(("calls", key), None) is None:
            return
        mine = POLICY_CALLS.get()
        if mine is not None:
            mine.update(calls)

    def get_resources(self, ids: list[str]) -> list[dict]:
        """Just the given resources (event modes): no scan where the API fetches by id."""
        if not ids:
            return []
        try:
            return self.resource_type.fetch_by_ids(self.session, list(dict.fromkeys(ids)))
        except Exception as exc:  # noqa: BLE001
            raise ResourceFetchError(f"fetching {self.resource_type.type} {ids} failed: {exc}") from exc

    def forget(self, ids: Iterable[str]) -> None:
        """Resources deleted by an action, or found gone: later policies of the run
        do not see them."""
        drop = set(ids)
        if not drop:
            return
        rt = self.resource_type
        cache = self._cache()
        for key in [k for k in list(cache) if k[:2] in (("describe", rt.type), ("by-id", rt.type))]:
            held = cache.get(key)
            if held is None:
                continue
            if key[0] == "describe":
                cache[key] = [r for r in held if rt.resource_id(r) not in drop]
            else:
                for rid in drop:
                    held.pop(rid, None)

    # --- what could not be evaluated ---------------------------------------------
    def record_failure(self, resources: Iterable[dict], stage: str, exc: BaseException) -> None:
        """These resources could not be evaluated: errored, or gone when the
        error code says the resource no longer exists."""
        rt = self.resource_type
        for resource in resources:
            self.unevaluated.record(rt.resource_id(resource), stage, exc, rt.fetch_gone)

    def known(self, resources: list[dict]) -> list[dict]:
        """The resources not errored or gone."""
        unevaluated = self.unevaluated
        if not unevaluated.errored and not unevaluated.gone:
            return resources
        rt = self.resource_type
        return [r for r in resources if rt.resource_id(r) not in unevaluated]

    # --- details -------------------------------------------------------------------
    def needs_no_detail(self, keys: Iterable[str]) -> bool:
        """True when reading `keys` makes no detail call (no detail provides them,
        and no catch-all detail would be asked for them)."""
        named, catch_all = self.resource_type.details_needed(keys)
        return not named and not catch_all

    def details_for(self, keys: Iterable[str]) -> list[str]:
        return self.resource_type.details_needed(keys)[0]

    def ensure_details(self, resources: list[dict], keys: Iterable[str]) -> list[dict]:
        """Fetch the details providing `keys`, once per resource, in parallel; the
        resources whose reads succeeded (the others are recorded as unevaluated)."""
        wanted = set(keys)
        named, catch_all = self.resource_type.details_needed(wanted)
        for name in named:
            self._ensure_detail(name, resources)
        if catch_all:
            details = self.resource_type.details
            unclaimed = wanted - {k for d in details.values() for k in d.keys}
            for name in catch_all:
                lacking = [r for r in resources if not unclaimed.issubset(r)]
                if lacking:
                    self._ensure_detail(name, lacking)
        return self.known(resources)

    def _ensure_detail(self, name: str, resources: list[dict]) -> None:
        rt = self.resource_type
        # Fetched fields (or the failure) by resource id: merged into the policy's
        # own copies of the resources, each gets what any policy of the run fetched.
        key = ("detail", rt.type, name)
        with self.session.cache_lock(key):
            fetched: dict[str, dict | FailedRead] = self._cache().setdefault(key, {})
            todo = [r for r in resources if rt.resource_id(r) not in fetched]
            if todo:
                self._fetch_detail(name, todo, fetched)
        gone = []
        for resource in resources:
            found = fetched.get(rt.resource_id(resource), {})
            if isinstance(found, FailedRead):
                self.record_failure([resource], f"detail:{name}", found.exc)
                if rt.resource_id(resource) in self.unevaluated.gone:
                    gone.append(rt.resource_id(resource))
            else:
                resource.update(found)
        self.forget(gone)

    def _fetch_detail(self, name: str, todo: list[dict], fetched: dict[str, dict | FailedRead]) -> None:
        rt = self.resource_type
        detail = rt.details[name]
        client = self.session.client(detail.service or rt.service)
        if detail.fetch_many is not None:
            units = [todo[i:i + detail.batch] for i in range(0, len(todo), detail.batch)]

            def fetch(unit: list[dict]) -> list[dict | FailedRead]:
                try:
                    return list(detail.fetch_many(client, unit))
                except Exception as exc:  # noqa: BLE001 - recorded per resource
                    return [FailedRead(exc)] * len(unit)
        else:
            units = [[r] for r in todo]

            def fetch(unit: list[dict]) -> list[dict | FailedRead]:
                try:
                    return [detail.fetch(client, unit[0])]
                except Exception as exc:  # noqa: BLE001 - recorded per resource
                    return [FailedRead(exc)]

        if len(units) == 1:
            results = [fetch(units[0])]
        else:
            # Each worker runs in a copy of this context: its calls count for this policy.
            context = contextvars.copy_context()
            with ThreadPoolExecutor(max_workers=min(DETAIL_WORKERS, len(units))) as pool:
                results = list(pool.map(lambda unit: context.copy().run(fetch, unit), units))
        for unit, fields in zip(units, results, strict=True):
            for resource, found in zip(unit, fields, strict=True):
                fetched[rt.resource_id(resource)] = found
