"""Actions that hand matched resources to other systems: a CloudWatch metric,
an HTTP webhook, a Lambda function, a Step Functions state machine, AWS
Security Hub findings.  They apply to
every resource type, as in Custodian."""
from __future__ import annotations

import datetime
import json
import urllib.parse
import urllib.request
from typing import Any

from c7n_lite.actions import asff
from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.batching import chunks
from c7n_lite.registry import actions

UNITS = ["Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
         "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Bytes/Second", "Kilobytes/Second",
         "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
         "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "Percent", "Count", "None"]
WEBHOOK_TIMEOUT = 10


def _json_default(value: Any) -> str:
    return value.isoformat() if isinstance(value, (datetime.datetime, datetime.date)) else str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


def _search(expression: str, data: Any) -> Any:
    import jmespath
    return jmespath.search(expression, json.loads(_dumps(data)))


def _aggregate(op: str, values: list) -> float:
    values = [v for v in values if v is not None]
    if op == "count":
        return float(len(values))
    if op == "distinct_count":
        return float(len({_dumps(v) for v in values}))
    numbers = [float(v) for v in values]
    if op == "sum":
        return sum(numbers)
    return sum(numbers) / len(numbers) if numbers else 0.0


@actions.register("put-metric")
class PutMetric(Action):
    """Publish one CloudWatch metric for the matched resources: the `op`
    (count, distinct_count, sum, average) of `key` (a JMESPath on each
    resource) as `metric_name` in `namespace`, with optional `dimensions`."""

    schema = {"key": {"type": "string"}, "namespace": {"type": "string"}, "metric_name": {"type": "string"},
              "dimensions": {"type": "array", "items": {"type": "object"}},
              "op": {"enum": ["count", "distinct_count", "sum", "average"]}, "units": {"enum": UNITS}}
    required = ("key", "namespace", "metric_name")
    permissions = ("cloudwatch:PutMetricData",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        values = _search(f"Resources[].{self.data['key']}", {"Resources": resources}) or []
        value = _aggregate(self.data.get("op", "count"), values if isinstance(values, list) else [values])
        datum = {"MetricName": self.data["metric_name"], "Value": value, "Unit": self.data.get("units", "Count"),
                 "Timestamp": self.manager.now(),
                 "Dimensions": [{"Name": k, "Value": str(v)} for d in self.data.get("dimensions") or ()
                                for k, v in d.items()]}
        return [ApiCall("cloudwatch", "put_metric_data", {"Namespace": self.data["namespace"], "MetricData": [datum]},
                        [self.resource_id(r) for r in resources],
                        f"{self.data['namespace']}/{self.data['metric_name']} = {value:g}")]


@actions.register("webhook")
class Webhook(Action):
    """Call an HTTP(S) `url` per resource (or per `batch` of `batch-size`):
    `body`, `headers` values and `query-params` values are JMESPath over
    {account_id, region, policy, event, resource (or resources)}.  A reply
    that is not 2xx, or no reply within 10 seconds, fails the resource."""

    schema = {"url": {"type": "string"}, "method": {"enum": ["PUT", "POST", "GET", "PATCH", "DELETE"]},
              "body": {"type": "string"}, "batch": {"type": "boolean"}, "batch-size": {"type": "number"},
              "headers": {"type": "object", "additionalProperties": {"type": "string"}},
              "query-params": {"type": "object", "additionalProperties": {"type": "string"}}}
    required = ("url",)
    permissions = ()
    calls_no_aws_api = True

    def request(self, data: dict) -> tuple[str, bytes | None, dict]:
        url = self.data["url"]
        params = {k: _search(v, data) for k, v in (self.data.get("query-params") or {}).items()}
        if params:
            parts = list(urllib.parse.urlparse(url))
            query = dict(urllib.parse.parse_qsl(parts[4]))
            query.update({k: "" if v is None else str(v) for k, v in params.items()})
            parts[4] = urllib.parse.urlencode(query)
            url = urllib.parse.urlunparse(parts)
        headers = {k: str(_search(v, data)) for k, v in (self.data.get("headers") or {}).items()}
        body = None
        if self.data.get("body"):
            body = _dumps(_search(self.data["body"], data)).encode()
            headers["Content-Type"] = "application/json"
        return url, body, headers

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        session = self.manager.session
        base = {"account_id": session.account_id, "region": session.region, "policy": self.policy_data,
                "event": event}
        method = self.data.get("method", "POST")
        if self.data.get("batch"):
            groups = [(g, {**base, "resources": g}) for g in chunks(resources, int(self.data.get("batch-size", 500)))]
        else:
            groups = [([r], {**base, "resource": r}) for r in resources]
        calls = []
        for group, data in groups:
            url, body, headers = self.request(data)
            calls.append(ApiCall("webhook", method, {"url": url, "headers": headers,
                                                     "body": body.decode() if body else None},
                                 [self.resource_id(r) for r in group], f"{method} {url}",
                                 run=_http_call(method, url, body, headers)))
        return calls


def _http_call(method: str, url: str, body: bytes | None, headers: dict) -> Any:
    def run(session: Any) -> Any:
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError(f"webhook url must be http(s): {url}")
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as reply:  # noqa: S310 - scheme checked
            return {"status": reply.status}
    return run


@actions.register("invoke-lambda")
class InvokeLambda(Action):
    """Invoke a Lambda `function` with the matched resources, `batch_size` (default
    250) at a time: the payload is {version, event, action, policy, resources,
    vars}.  `async` (default true) invokes without waiting (InvocationType
    Event); `async: false` waits and fails the resources if the function fails."""

    schema = {"function": {"type": "string"}, "async": {"type": "boolean"}, "batch_size": {"type": "integer"},
              "qualifier": {"type": "string"}, "region": {"type": "string"}, "timeout": {"type": "integer"},
              "vars": {"type": "object"}, "assume-role": {"type": "string"}}
    required = ("function",)
    permissions = ("lambda:InvokeFunction",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return ["'assume-role' is not supported by c7n-lite"] if data.get("assume-role") else []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        wait = self.data.get("async", True) is False
        calls = []
        for group in chunks(resources, int(self.data.get("batch_size", 250))):
            payload = {"version": "c7n-lite", "event": event, "action": self.data, "policy": self.policy_data,
                       "resources": group, "vars": self.data.get("vars") or {}}
            params: dict = {"FunctionName": self.data["function"], "Payload": _dumps(payload).encode(),
                            "InvocationType": "RequestResponse" if wait else "Event"}
            if self.data.get("qualifier"):
                params["Qualifier"] = self.data["qualifier"]
            calls.append(ApiCall("lambda", "invoke", {**params, "Payload": f"<{len(group)} resources>"},
                                 [self.resource_id(r) for r in group],
                                 f"invoke {self.data['function']} with {len(group)} resource(s)",
                                 run=_invoke(params, self.data.get("region"))))
        return calls


@actions.register("invoke-sfn")
class InvokeSfn(Action):
    """Start an execution of the `state-machine` (a name in the run's account and
    region, or an ARN) for each matched resource, with input {policy, resource};
    `bulk: true` starts one execution per `batch-size` (default 250) resources
    with input {policy, resources: [ARNs]}.  `policy: false` leaves the policy out."""

    schema = {"state-machine": {"type": "string"}, "batch-size": {"type": "integer"},
              "bulk": {"type": "boolean"}, "policy": {"type": "boolean"}}
    required = ("state-machine",)
    permissions = ("states:StartExecution",)

    def machine_arn(self) -> str:
        name = self.data["state-machine"]
        if name.startswith("arn:"):
            return name
        session = self.manager.session
        return f"arn:{session.partition}:states:{session.region}:{session.account_id}:stateMachine:{name}"

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        arn = self.machine_arn()
        base = {"policy": dict(self.policy_data)} if self.data.get("policy", True) else {}
        calls = []
        if self.data.get("bulk") is True:
            rt, session = self.manager.resource_type, self.manager.session
            for group in chunks(resources, int(self.data.get("batch-size", 250))):
                payload = {**base, "resources": [rt.arn(r, session) for r in group]}
                calls.append(ApiCall("stepfunctions", "start_execution",
                                     {"stateMachineArn": arn, "input": _dumps(payload)},
                                     [self.resource_id(r) for r in group],
                                     f"start {arn} with {len(group)} resource(s)"))
            return calls
        for r in resources:
            calls.append(ApiCall("stepfunctions", "start_execution",
                                 {"stateMachineArn": arn, "input": _dumps({**base, "resource": r})},
                                 [self.resource_id(r)], f"start {arn}"))
        return calls


class LambdaFunctionError(RuntimeError):
    pass


def _invoke(params: dict, region: str | None) -> Any:
    def run(session: Any) -> Any:
        client = session.client("lambda", region) if region else session.client("lambda")
        out = client.invoke(**params)
        if out.get("FunctionError"):
            raise LambdaFunctionError(f"{params['FunctionName']} failed: {out['FunctionError']}")
        return {"StatusCode": out.get("StatusCode")}
    return run


@actions.register("post-finding")
class PostFinding(Action):
    """Report each matched resource to AWS Security Hub as a finding (ASFF) of
    the given `types`, with the policy's name as title and its description;
    `severity_label`, `compliance_status`, `record_state`, `confidence`,
    `criticality`, `recommendation`, `recommendation_url` and `fields` fill the
    finding.  The finding id is stable per policy and resource, so a later run
    updates it.  `batch_size` (1-100) findings per call."""

    schema = {"types": {"type": "array", "items": {"type": "string"}, "minItems": 1},
              "batch_size": {"type": "integer", "minimum": 1, "maximum": 100},
              "compliance_status": {"enum": asff.COMPLIANCE_STATUSES},
              "confidence": {"type": "number"}, "criticality": {"type": "number"},
              "description": {"type": "string"}, "fields": {"type": "object"},
              "recommendation": {"type": "string"}, "recommendation_url": {"type": "string"},
              "record_state": {"enum": ["ACTIVE", "ARCHIVED"]}, "region": {"type": "string"},
              "severity": {"type": "number"}, "severity_label": {"enum": asff.SEVERITY_LABELS},
              "severity_normalized": {"type": "number"}, "title": {"type": "string"}}
    required = ("types",)
    permissions = ("securityhub:BatchImportFindings",)

    def finding(self, resource: dict, now: str) -> dict:
        session, rt = self.manager.session, self.manager.resource_type
        policy = self.policy_data or {}
        name = policy.get("name", "c7n-lite")
        arn = rt.arn(resource, session) if (rt.arn_key or rt.arn_format) else self.resource_id(resource)
        extra = {field: int(self.data[key]) for key, field in (("confidence", "Confidence"),
                                                               ("criticality", "Criticality")) if key in self.data}
        return asff.shape(
            policy=name, resource_type=rt.type, arn=arn, account=session.account_id, region=session.region,
            now=now, types=self.data["types"], severity_label=self.data.get("severity_label", "INFORMATIONAL"),
            title=self.data.get("title", name),
            description=self.data.get("description") or policy.get("description") or name,
            record_state=self.data.get("record_state", "ACTIVE"),
            details=asff.details_of(resource, rt.type, name),
            product_fields={k: str(v) for k, v in (self.data.get("fields") or {}).items()},
            compliance_status=self.data.get("compliance_status"), remediation=self.data.get("recommendation"),
            remediation_url=self.data.get("recommendation_url"), extra=extra)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        now = self.manager.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        region = self.data.get("region")
        calls = []
        for group in chunks(resources, int(self.data.get("batch_size", 1))):
            findings = [self.finding(r, now) for r in group]
            calls.append(ApiCall("securityhub", "batch_import_findings", {"Findings": findings},
                                 [self.resource_id(r) for r in group], f"{len(findings)} finding(s) to Security Hub",
                                 run=_import_findings(findings, region)))
        return calls


class FindingsRejected(RuntimeError):
    pass


def _import_findings(findings: list[dict], region: str | None) -> Any:
    def run(session: Any) -> Any:
        client = session.client("securityhub", region) if region else session.client("securityhub")
        out = client.batch_import_findings(Findings=findings)
        if out.get("FailedCount"):
            failed = out.get("FailedFindings") or [{}]
            raise FindingsRejected(f"{out['FailedCount']} finding(s) rejected: {failed[0].get('ErrorMessage')}")
        return out
    return run
