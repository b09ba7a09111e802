"""Filters by what Systems Manager knows of resources: EC2 instances' software
inventory and compliance summaries, and the OpsCenter items naming a resource."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from c7n_lite.filters.core import Filter
from c7n_lite.filters.items import EVAL_SCHEMA, EvalMatcher
from c7n_lite.registry import filters
from c7n_lite.resources.core import DETAIL_WORKERS

INVENTORY_QUERY = {"type": "array", "items": {
    "type": "object", "required": ["Key", "Values"],
    "properties": {"Key": {"type": "string"}, "Values": {"type": "array", "items": {"type": "string"}},
                   "Type": {"enum": ["Equal", "NotEqual", "BeginWith", "LessThan", "GreaterThan", "Exists"]}}}}


@filters.register("ssm-inventory", "aws.ec2")
class SsmInventory(Filter):
    """Instances whose SSM application inventory (`AWS:Application`) has
    entries, or entries that pass `query` (ListInventoryEntries filters, e.g.
    `{Key: Name, Values: [docker], Type: Equal}`); the entries are noted as
    `c7n:SSM-Inventory`.  The call takes one instance, so instances are read in
    parallel; an instance whose inventory cannot be read is errored."""

    schema = {"query": INVENTORY_QUERY}
    permissions = ("ssm:ListInventoryEntries",)

    def entries(self, client, instance_id: str) -> list[dict]:
        params = {"InstanceId": instance_id, "TypeName": "AWS:Application"}
        if self.data.get("query"):
            params["Filters"] = self.data["query"]
        found: list[dict] = []
        while True:
            page = client.list_inventory_entries(**params)
            found += page.get("Entries") or []
            if not page.get("NextToken"):
                return found
            params["NextToken"] = page["NextToken"]

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        if not resources:
            return []
        client = self.manager.session.client("ssm")

        def read(resource: dict):
            try:
                return resource, self.entries(client, resource["InstanceId"]), None
            except Exception as exc:  # noqa: BLE001 - this instance is unknown, not passed
                return resource, None, exc

        matched = []
        with ThreadPoolExecutor(max_workers=min(DETAIL_WORKERS, len(resources))) as pool:
            for resource, entries, exc in pool.map(read, resources):
                if exc is not None:
                    self.manager.record_failure([resource], f"filter:{self.type}", exc)
                elif entries:
                    resource["c7n:SSM-Inventory"] = entries
                    matched.append(resource)
        return matched


@filters.register("ssm-compliance", "aws.ec2")
class SsmCompliance(Filter):
    """Instances with an SSM compliance summary of one of `compliance_types`
    (e.g. `Association`, `Patch`) in one of `states` (default `NON_COMPLIANT`),
    of one of `severity` when given, that passes `eval_filters` (value filters
    on the summary, e.g. `ExecutionSummary.ExecutionTime`; any of them, or all
    with `op: and`).  The summaries are read once for the region and noted as
    `c7n:ssm-compliance`; a refused read leaves every instance errored."""

    schema = {**EVAL_SCHEMA, "compliance_types": {"type": "array", "items": {"type": "string"}},
              "severity": {"type": "array", "items": {"type": "string"}},
              "states": {"type": "array", "items": {"enum": ["COMPLIANT", "NON_COMPLIANT"]}}}
    required = ("compliance_types",)
    permissions = ("ssm:ListResourceComplianceSummaries",)

    def summaries(self) -> dict[str, list[dict]]:
        query = [{"Key": "Status", "Values": self.data.get("states", ["NON_COMPLIANT"]), "Type": "EQUAL"},
                 {"Key": "ComplianceType", "Values": self.data["compliance_types"], "Type": "EQUAL"}]
        if self.data.get("severity"):
            query.append({"Key": "OverallSeverity", "Values": self.data["severity"], "Type": "EQUAL"})
        matcher = EvalMatcher(self.data, self.manager.now)
        client = self.manager.session.client("ssm")
        found: dict[str, list[dict]] = {}
        for page in client.get_paginator("list_resource_compliance_summaries").paginate(Filters=query):
            for item in page.get("ResourceComplianceSummaryItems", ()):
                if matcher.match(item):
                    found.setdefault(item.get("ResourceId"), []).append(item)
        return found

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        found = self.summaries()
        matched = []
        for resource in resources:
            if found.get(resource["InstanceId"]):
                resource["c7n:ssm-compliance"] = found[resource["InstanceId"]]
                matched.append(resource)
        return matched


# DescribeOpsItems is asked about this many resources at a time.
OPS_ITEMS_BATCH = 10


class OpsItemFilter(Filter):
    """Resources that an OpsCenter OpsItem names (its `/aws/resources`
    operational data), among the items in one of `status` (default `Open`), of
    one of `priority` (1-5), whose title contains `title`, from `source`.  The
    item ids are noted as `c7n:opsitems`.  A refused read leaves the resources
    asked about errored."""

    schema = {"status": {"type": "array", "items": {"enum": ["Open", "In progress", "Resolved"]}},
              "priority": {"type": "array", "items": {"enum": [1, 2, 3, 4, 5]}},
              "title": {"type": "string"}, "source": {"type": "string"}}
    permissions = ("ssm:DescribeOpsItems",)

    def query(self, resources: list[dict]) -> list[dict]:
        query = [{"Key": "Status", "Operator": "Equal", "Values": list(self.data.get("status", ["Open"]))}]
        if self.data.get("priority"):
            query.append({"Key": "Priority", "Operator": "Equal", "Values": [str(p) for p in self.data["priority"]]})
        if self.data.get("title"):
            query.append({"Key": "Title", "Operator": "Contains", "Values": [self.data["title"]]})
        if self.data.get("source"):
            query.append({"Key": "Source", "Operator": "Equal", "Values": [self.data["source"]]})
        rt = self.manager.resource_type
        query.append({"Key": "ResourceId", "Operator": "Contains", "Values": [r[rt.id] for r in resources]})
        return query

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("ssm")
        rt, session = self.manager.resource_type, self.manager.session
        matched = []
        for start in range(0, len(resources), OPS_ITEMS_BATCH):
            part = resources[start:start + OPS_ITEMS_BATCH]
            try:
                items = [i for page in client.get_paginator("describe_ops_items").paginate(
                    OpsItemFilters=self.query(part)) for i in page.get("OpsItemSummaries", ())]
            except Exception as exc:  # noqa: BLE001 - these resources are unknown, not passed
                self.manager.record_failure(part, f"filter:{self.type}", exc)
                continue
            by_arn: dict[str, list[str]] = {}
            for item in items:
                named = ((item.get("OperationalData") or {}).get("/aws/resources") or {}).get("Value")
                for entry in json.loads(named) if named else ():
                    by_arn.setdefault(entry.get("arn"), []).append(item["OpsItemId"])
            for r in part:
                found = by_arn.get(rt.arn(r, session))
                if found:
                    r["c7n:opsitems"] = found
                    matched.append(r)
        return matched


@filters.register("ops-item", "aws.ec2")
class InstanceOpsItem(OpsItemFilter):
    __doc__ = OpsItemFilter.__doc__


@filters.register("ops-item", "aws.s3")
class BucketOpsItem(OpsItemFilter):
    __doc__ = OpsItemFilter.__doc__
