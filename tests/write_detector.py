"""Which requests the moto server answered were writes: the tests' own judgement.

Independent of the product on purpose: `c7n_lite.aws.session.is_read_only`
decides what a dry run may send, so a test that used it to check "no write"
would be blind to the very mistake it is there to catch.  Here a request is a
read only when botocore's service model says so:

- REST services (S3, Lambda, IoT …): the operation's HTTP method is GET or
  HEAD, or it is one of the few reads AWS defines as POST (`REST_POST_READS`);
- RPC services (EC2, IAM, STS, SNS, EventBridge …), where every call is a POST:
  the operation exists in the model and its name starts with `READ_VERBS`, or
  it is listed in `RPC_READS`.

Everything else, including a request this module cannot place, is a write.
"""
from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import parse_qs

import botocore.session

# Deliberately shorter than the product's list: a verb is added here only with
# a test that needs it.
READ_VERBS = ("Describe", "Get", "List", "BatchGet")
# IAM's access level for these is Read: they compile a report or evaluate a
# policy, and change nothing (the credential and usage filters need them).
RPC_READS: frozenset[str] = frozenset({
    "iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails",
    "iam:SimulatePrincipalPolicy", "iam:SimulateCustomPolicy",
})
REST_POST_READS = frozenset({
    "iot:ListAttachedPolicies", "iot:ListTargetsForPolicy", "iot:GetEffectivePolicies",
    "s3:SelectObjectContent", "es:DescribeElasticsearchDomains",
})
# Signing name (credential scope) → botocore service name, where they differ.
SERVICE_NAMES = {"tagging": "resourcegroupstaggingapi", "monitoring": "cloudwatch", "email": "ses",
                 "elasticfilesystem": "efs", "states": "stepfunctions", "elasticloadbalancing": "elbv2"}
# Signing names two models share: an operation is looked up in this one too (classic ELB).
ALSO_MODELS = {"elasticloadbalancing": "elb"}
_SMITHY_RPC = re.compile(r"^/service/[^/]+/operation/([^/]+)$")


@functools.cache
def _model(service: str) -> Any:
    try:
        return botocore.session.get_session().get_service_model(SERVICE_NAMES.get(service, service))
    except Exception:  # noqa: BLE001 - an unknown service: its requests count as writes
        return None


@functools.cache
def _routes(service: str) -> list[tuple[str, re.Pattern[str], re.Pattern[str], tuple[str, ...], str]]:
    """(HTTP method, strict and loose path regex, required query keys, operation) from the model.
    Strict: a parameter is one path segment; loose: it may hold "/" (an ARN)."""
    model = _model(service)
    routes = []
    for name in model.operation_names if model is not None else ():
        http = model.operation_model(name).http
        uri, _, query = http.get("requestUri", "/").partition("?")
        parts = re.split(r"(\{[^}]+\})", uri)

        def regex(segment: str, parts: list[str] = parts) -> re.Pattern[str]:
            body = "".join((".+" if p.endswith("+}") else segment) if p.startswith("{") else re.escape(p)
                           for p in parts)
            return re.compile(f"^{body}/?$")

        keys = tuple(k.split("=")[0] for k in query.split("&") if k)
        routes.append((http.get("method", "POST"), regex("[^/]+"), regex(".+"), keys, name))
    return routes


def rest_operations(service: str, method: str, path: str, query: str) -> set[str]:
    """Every operation of the model a REST request could be (several where routes overlap)."""
    present = set(parse_qs(query, keep_blank_values=True))
    for strict in (True, False):
        found = [(len(keys), name) for m, tight, loose, keys, name in _routes(service)
                 if m == method and (tight if strict else loose).match(path) and all(k in present for k in keys)]
        if found:
            most = max(n for n, _ in found)  # the route naming the most query keys is the one meant
            return {name for n, name in found if n == most}
    return set()


def is_write(request: Any) -> bool:
    """True unless botocore's model shows the request is a read."""
    service, operation, method = request.service, request.operation, request.method
    model = _model(service)
    if model is None:
        return True
    smithy = _SMITHY_RPC.match(request.path or "")
    if smithy:
        operation = smithy.group(1)
    if model.protocol in ("rest-json", "rest-xml") and not smithy:
        names = rest_operations(service, method, request.path, getattr(request, "query", ""))
        if not names:
            return True
        for name in names:
            http_method = model.operation_model(name).http.get("method")
            if http_method not in ("GET", "HEAD") and f"{service}:{name}" not in REST_POST_READS:
                return True
        return False
    if operation not in model.operation_names:
        other = _model(ALSO_MODELS[service]) if service in ALSO_MODELS else None
        if other is None or operation not in other.operation_names:
            return True
    return not (operation.startswith(READ_VERBS) or f"{service}:{operation}" in RPC_READS)


def writes(server: Any) -> list[Any]:
    """The write requests the test server has answered since its log was reset."""
    with server._lock:
        requests = list(server.requests)
    return [r for r in requests if is_write(r)]
