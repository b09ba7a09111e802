"""Filters by IAM Access Analyzer findings about a resource's policy."""
from __future__ import annotations

from c7n_lite.filters.value import ValueFilter, check_value_data
from c7n_lite.registry import filters

# ListFindings' `contains` criterion takes up to 20 values.
FINDINGS_BATCH = 20


class AccessAnalyzerFilter(ValueFilter):
    """Resources with active IAM Access Analyzer findings, read from `analyzer`
    (an ARN) or else the region's active account analyzer; with a `key` (e.g.
    `isPublic`), only those with a finding that passes the value filter.  The
    findings are noted as `c7n:AccessAnalysis`.  No active analyzer, or a
    refused read, leaves every resource errored."""

    schema = {**ValueFilter.schema, "analyzer": {"type": "string"}}
    api_free = False
    permissions = ("access-analyzer:ListFindings", "access-analyzer:ListAnalyzers")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def required_keys(self) -> set[str]:
        return set()

    def analyzer_arn(self, client) -> str:
        if self.data.get("analyzer"):
            return self.data["analyzer"]
        active = [a for page in client.get_paginator("list_analyzers").paginate(type="ACCOUNT")
                  for a in page.get("analyzers", ()) if a.get("status") == "ACTIVE"]
        if not active:
            raise LookupError("no active IAM Access Analyzer in the account's region "
                              "(create one, or name one with 'analyzer')")
        return active[-1]["arn"]

    def read_findings(self, resources: list[dict]) -> None:
        todo = [r for r in resources if "c7n:AccessAnalysis" not in r]
        if not todo:
            return
        client = self.manager.session.client("accessanalyzer")
        analyzer = self.analyzer_arn(client)
        rt, session = self.manager.resource_type, self.manager.session
        for start in range(0, len(todo), FINDINGS_BATCH):
            by_arn = {rt.arn(r, session): r for r in todo[start:start + FINDINGS_BATCH]}
            criteria = {"status": {"eq": ["ACTIVE"]}, "resource": {"contains": list(by_arn)},
                        "resourceType": {"eq": [rt.config_type]}}
            for r in by_arn.values():
                r["c7n:AccessAnalysis"] = []
            pages = client.get_paginator("list_findings").paginate(analyzerArn=analyzer, filter=criteria)
            for page in pages:
                for finding in page.get("findings", ()):
                    if finding.get("resource") in by_arn:
                        by_arn[finding["resource"]]["c7n:AccessAnalysis"].append(finding)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.load_values()
        self.read_findings(resources)
        compare = "key" in self.data
        return [r for r in resources if r.get("c7n:AccessAnalysis")
                and (not compare or any(self.matcher.match(f) for f in r["c7n:AccessAnalysis"]))]


@filters.register("iam-analyzer", "aws.s3")
class BucketAccessAnalyzer(AccessAnalyzerFilter):
    __doc__ = AccessAnalyzerFilter.__doc__
