"""A runnable policy: its resource manager, compiled filters and actions.

Lambda-safe: needs no YAML or schema library; the data is validated before
it gets here (by `c7n_lite.schema` in the CLI, at deploy time for a Lambda).
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

from c7n_lite.actions.core import Action, build_actions, normalize_action
from c7n_lite.aws.session import AwsSession
from c7n_lite.filters.core import BOOLEAN_BLOCKS, Filter, apply_filters, build_filters, normalize_filter
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceManager, ResourceType
from c7n_lite.resources.query import query_params
from c7n_lite.resources.shared import own_all
from c7n_lite.variables import expand_variables, used


class ConditionFacts(ResourceType):
    """What a policy's `conditions` are evaluated against (not an AWS resource)."""

    type = "conditions"
    id = "name"


def resource_type_name(name: str) -> str:
    """Custodian accepts 'ec2' for 'aws.ec2'."""
    return name if "." in name else f"aws.{name}"


def resource_type_for(name: str) -> type[ResourceType] | None:
    return resources.get(resource_type_name(name))


class Policy:
    def __init__(self, data: dict, session: AwsSession,
                 clock: Callable[[], datetime.datetime] | None = None) -> None:
        rt = resource_type_for(data["resource"])
        if rt is None:
            raise ValueError(f"unknown resource {data['resource']!r}")
        self.resource_type = rt
        self.session = session
        found = self.variables(data, clock)
        data = self.data = expand_variables(data, found) if found else data
        self.name: str = data["name"]
        self.manager = ResourceManager(rt, session, clock, query=query_params(rt, data.get("query")))
        self.manager.policy = self.name
        self.filters: list[Filter] = build_filters(data.get("filters") or [], self.manager)
        self.actions: list[Action] = build_actions(data.get("actions") or [], self.manager)
        for action in self.actions:
            action.policy_data = data

    def variables(self, data: dict, clock: Callable[[], datetime.datetime] | None) -> dict:
        """The values of Custodian's variables this policy mentions, for this run."""
        wanted = used(data)
        found: dict = {}
        if "account_id" in wanted:  # only then is an STS call worth making
            found["account_id"] = self.session.account_id
        if "region" in wanted:
            found["region"] = self.session.region
        if "partition" in wanted:
            found["partition"] = self.session.partition
        if "now" in wanted:
            now = clock() if clock else datetime.datetime.now(datetime.timezone.utc)
            found["now"] = now.astimezone(datetime.timezone.utc)
        return found

    @property
    def mode(self) -> dict:
        return self.data.get("mode") or {"type": "pull"}

    @property
    def region(self) -> str:
        return self.session.region

    def conditions_met(self, event: dict | None = None) -> bool:
        """Custodian's `conditions`: value filters on the run itself (region,
        account_id, resource, name, mode, now, event); the policy runs only when
        they all match."""
        conditions = list(self.data.get("conditions") or ())
        if "region" in self.data:
            # Custodian's (deprecated) policy `region`: a condition on the region.
            conditions.append({"region": self.data["region"]})
        if not conditions:
            return True
        facts = {"name": self.name, "region": self.region, "resource": self.resource_type.type,
                 "mode": self.mode.get("type", "pull"), "now": self.manager.now(), "event": event}
        if "account_id" in repr(conditions):  # only then is an STS call worth making
            facts["account_id"] = self.session.account_id
        # Built on a manager without details: facts are not resources to enrich.
        manager = ResourceManager(ConditionFacts, self.session, self.manager.clock)
        return bool(apply_filters(build_filters(conditions, manager), [facts], event))

    def filter(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        # What it matches is its own (copies of shared resources): what actions
        # and outputs see is never another policy's.
        return own_all(apply_filters(self.filters, resources, event))

    def resource_limit_error(self, matched: int, population: int) -> str | None:
        """Custodian's `max-resources` / `max-resources-percent`: why the matched
        count is over the policy's limit (so no action may run), or None."""
        limit = self.data.get("max-resources")
        percent = self.data.get("max-resources-percent")
        op = "or"
        if isinstance(limit, dict):
            op = str(limit.get("op", "or")).lower()
            percent = limit.get("percent", percent)
            limit = limit.get("amount")
        over_amount = limit is not None and matched > limit
        over_percent = percent is not None and matched > population * percent / 100.0
        if limit is not None and percent is not None and op == "and":
            exceeded = over_amount and over_percent
        else:
            exceeded = over_amount or over_percent
        if not exceeded:
            return None
        limits = " and ".join(x for x in (f"max-resources {limit}" if limit is not None else "",
                                           f"max-resources-percent {percent}%" if percent is not None else "") if x)
        return (f"matched {matched} of {population} resources, over the policy's {limits}: "
                f"no action was run")

    def resource_ids(self, resources: list[dict]) -> list[str]:
        return [self.resource_type.resource_id(r) for r in resources]

    def permissions(self) -> set[str]:
        return policy_permissions(self.data)


def policy_plugins(data: dict) -> tuple[type[ResourceType], list[tuple[type, dict]]]:
    """The policy's resource type, and each filter (nested ones too) and action
    class it uses with its data.  Needs no session: deploy and packaging use it."""
    rt = resource_type_for(data["resource"])
    if rt is None:
        raise ValueError(f"unknown resource {data['resource']!r}")
    found: list[tuple[type, dict]] = []

    def walk(items: list) -> None:
        for item in items or ():
            name, fdata = normalize_filter(item)
            cls = rt.filter_class(name)
            if cls is None:
                raise ValueError(f"unknown filter {name!r} for {rt.type}")
            found.append((cls, fdata))
            if name in BOOLEAN_BLOCKS:
                walk(fdata[name])

    walk(data.get("filters") or [])
    for item in data.get("actions") or ():
        name, adata = normalize_action(item)
        cls = rt.action_class(name)
        if cls is None:
            raise ValueError(f"unknown action {name!r} for {rt.type}")
        found.append((cls, adata))
    return rt, found


def related_resource_types(plugins: list[tuple[type, dict]]) -> list[type[ResourceType]]:
    """Resource types the filters and actions look up besides the policy's own."""
    found = []
    for cls, data in plugins:
        for name in cls.types_read(data):
            rt = resources.get(name)
            if rt is None:
                raise ValueError(f"{cls.__name__} needs resource type {name!r}, which is not registered")
            found.append(rt)
    return found


def policy_types(data: dict) -> set[str]:
    """The resource types a policy reads: its own and those its filters and actions look up."""
    rt, plugins = policy_plugins(data)
    return {rt.type, *(related.type for related in related_resource_types(plugins))}


def policy_reads(data: dict) -> dict[str, set[str]]:
    """Resource type name → the fields of it the policy's filters and actions read:
    what makes the manager fetch details at run time.  Needs no session."""
    rt, plugins = policy_plugins(data)
    reads: dict[str, set[str]] = {rt.type: set()}
    # Filters are built as at run time (a manager without a session: building makes no call).
    pending = build_filters(data.get("filters") or [], ResourceManager(rt, None))  # type: ignore[arg-type]
    while pending:
        f = pending.pop()
        reads[rt.type] |= f.required_keys()
        for name, keys in (getattr(f, "related_reads", dict)() or {}).items():
            reads.setdefault(name, set()).update(keys)
        pending.extend(getattr(f, "children", ()))
    for cls, pdata in plugins:
        if not issubclass(cls, Filter):
            reads[rt.type] |= cls.reads_for(pdata)
    return reads


def detail_permissions(rt: type[ResourceType], keys: set[str]) -> set[str]:
    """The permissions of the details the manager fetches for a read of `keys`."""
    named, catch_all = rt.details_needed(keys)
    return {p for name in named + catch_all for p in rt.details[name].permissions}


def _read_permissions(data: dict) -> set[str]:
    """Reading the resource, the details of it its filters and actions read, the
    related types its filters look up and the details of them they read."""
    rt, plugins = policy_plugins(data)
    perms = set(rt.read_permissions())
    for related in related_resource_types(plugins):
        perms.update(related.read_permissions())
    for name, keys in policy_reads(data).items():
        perms |= detail_permissions(rt if name == rt.type else resources.get(name), keys)
    return perms


def policy_permissions(data: dict) -> set[str]:
    """What the policy needs: its reads (`_read_permissions`) and each filter's and
    action's own needs."""
    rt, plugins = policy_plugins(data)
    perms = _read_permissions(data)
    for cls, pdata in plugins:
        perms.update(cls.all_permissions(pdata, rt))
    if records_arn(data):
        perms.add("s3:PutObject")
    if publishes_metrics(data):
        perms.add("cloudwatch:PutMetricData")
    return perms


def publishes_metrics(data: dict) -> bool:
    """A deployed policy sends CloudWatch metrics (execution-options metrics_enabled)."""
    from c7n_lite.metrics import MetricsError, lambda_metrics
    try:
        return lambda_metrics((data.get("mode") or {}).get("execution-options") or {}) is not None
    except MetricsError:
        return False   # reported by validation


def records_arn(data: dict) -> str | None:
    """Where a deployed policy writes its run records (execution-options output_dir
    s3://bucket/prefix), as the ARN its role may put objects under."""
    output_dir = str(((data.get("mode") or {}).get("execution-options") or {}).get("output_dir") or "")
    if not output_dir.startswith("s3://"):
        return None
    bucket, _, prefix = output_dir[len("s3://"):].partition("/")
    return f"arn:aws:s3:::{bucket}/{prefix.strip('/') + '/' if prefix.strip('/') else ''}*"


def policy_permission_resources(data: dict) -> dict[str, list[str]]:
    """Permission → the ARNs it may be scoped to, for the permissions every use of
    which names its resources (notify's topic); the rest are granted on `*`."""
    rt, plugins = policy_plugins(data)
    scoped: dict[str, set[str]] = {}
    anywhere = _read_permissions(data)
    for cls, pdata in plugins:
        named = cls.permission_resources(pdata)
        for perm in cls.all_permissions(pdata, rt):
            if named.get(perm):
                scoped.setdefault(perm, set()).update(named[perm])
            else:
                anywhere.add(perm)
    records = records_arn(data)
    if records and "s3:PutObject" not in anywhere:
        scoped.setdefault("s3:PutObject", set()).add(records)
    return {p: sorted(arns) for p, arns in scoped.items() if p not in anywhere}
