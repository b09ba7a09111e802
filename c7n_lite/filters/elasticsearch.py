"""Filters of Elasticsearch / OpenSearch domains: engine upgrades, and
cross-cluster search connections.  moto serves neither API: both are
tested for their failure path (the policy errors, it never passes)."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueFilter, ValueMatcher, _version_key, check_value_data
from c7n_lite.registry import filters


def _major(version: str) -> str:
    # "7.10" → "7"; "OpenSearch_2.11" → "OpenSearch_2"
    return version.split(".", 1)[0]


@filters.register("upgrade-available", "aws.elasticsearch")
class DomainUpgradeAvailable(Filter):
    """Domains whose engine can be upgraded (`GetCompatibleElasticsearchVersions`),
    to a minor version only unless `major: true`; `value: false` selects those
    that cannot.  The newest target is noted as `c7n:TargetVersion`."""

    schema = {"major": {"type": "boolean"}, "value": {"type": "boolean"}}
    permissions = ("es:GetCompatibleElasticsearchVersions",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("es")
        current = resource.get("ElasticsearchVersion", "")
        found = client.get_compatible_elasticsearch_versions(DomainName=resource["DomainName"])
        targets = [t for entry in found.get("CompatibleElasticsearchVersions") or ()
                   if entry.get("SourceVersion") == current for t in entry.get("TargetVersions") or ()]
        if not self.data.get("major"):
            targets = [t for t in targets if _major(t) == _major(current)]
        if targets:
            resource["c7n:TargetVersion"] = max(targets, key=lambda v: _version_key(v.split("_")[-1]) or [])
        return bool(targets) == self.data.get("value", True)


@filters.register("cross-cluster", "aws.elasticsearch")
class CrossCluster(Filter):
    """Domains with a cross-cluster search connection that matches: `inbound`
    and/or `outbound` are value filters (`key`, `value`, `op` …) on the
    connections (`SourceDomainInfo.OwnerId`, `ConnectionStatus.StatusCode` …),
    noted as `c7n:InboundConnections` / `c7n:OutboundConnections`."""

    schema = {"inbound": {"type": "object"}, "outbound": {"type": "object"}}
    permissions = ("es:DescribeInboundCrossClusterSearchConnections",
                   "es:DescribeOutboundCrossClusterSearchConnections")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = []
        if not data.get("inbound") and not data.get("outbound"):
            problems.append("needs 'inbound' or 'outbound'")
        for side in ("inbound", "outbound"):
            spec = data.get(side)
            if isinstance(spec, dict):
                unknown = set(spec) - set(ValueFilter.schema)
                problems += [f"{side}: unknown key {k!r}" for k in sorted(unknown)]
                problems += [f"{side}: {p}" for p in check_value_data(spec)]
        return problems

    def _connections(self, client: Any, side: str, domain: str) -> list[dict]:
        end = "destination" if side == "inbound" else "source"
        params: dict = {"Filters": [{"Name": f"{end}-domain-info.domain-name", "Values": [domain]}]}
        found: list[dict] = []
        while True:  # boto3 has no paginator for these calls: follow NextToken
            page = getattr(client, f"describe_{side}_cross_cluster_search_connections")(**params)
            found.extend(page.get("CrossClusterSearchConnections") or ())
            if not page.get("NextToken"):
                return found
            params["NextToken"] = page["NextToken"]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("es")
        matched = False
        for side in ("inbound", "outbound"):
            spec = self.data.get(side)
            if not spec:
                continue
            matcher = ValueMatcher(spec, self.manager.now)
            found = [c for c in self._connections(client, side, resource["DomainName"]) if matcher.match(c)]
            if found:
                resource[f"c7n:{side.capitalize()}Connections"] = found
                matched = True
        return matched
