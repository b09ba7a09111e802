"""Filters of API Gateway REST APIs and stages: who the API policy lets in,
client certificates, WAF."""
from __future__ import annotations

import json

from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
from c7n_lite.filters.value import ValueFilter
from c7n_lite.filters.waf import WafRegionalByArn, WafV2ByArn
from c7n_lite.registry import filters


@filters.register("cross-account", "aws.rest-api")
class RestApiCrossAccount(PolicyCrossAccountFilter):
    """REST APIs whose resource policy lets principals outside the account (and
    the `whitelist`) invoke them.  API Gateway returns the policy with escaped
    quotes; an API without a policy does not match."""

    policy_attribute = "policy"
    reads = ()
    permissions = ("apigateway:GET",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        policy = resource.get("policy")
        if isinstance(policy, str) and policy:
            try:
                json.loads(policy)
            except ValueError:
                view = dict(resource, policy=policy.replace("\\", ""))
                matched = super().match(view, event)
                for key in ("CrossAccountViolations", "CrossAccountAllowlists"):
                    if key in view:
                        resource[key] = view[key]
                return matched
        return super().match(resource, event)


@filters.register("client-certificate", "aws.rest-stage")
class ClientCertificate(ValueFilter):
    """A value filter on the stage's client certificate (e.g. `key: createdDate`,
    `value_type: age`); stages without one do not match.  The matched field is
    under `c7n:matched-client-certificate`."""

    permissions = ("apigateway:GET",)

    def required_keys(self) -> set[str]:
        return set()

    def certificates(self) -> dict[str, dict]:
        cache = self.manager._cache()
        if ("apigw-client-certificates",) not in cache:
            from c7n_lite.resources.core import paginate
            found = paginate(self.manager.session.client("apigateway"), "get_client_certificates", "items")
            cache[("apigw-client-certificates",)] = {c["clientCertificateId"]: c for c in found}
        return cache[("apigw-client-certificates",)]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        cert_id = resource.get("clientCertificateId")
        if not cert_id:
            return False
        cert = self.certificates().get(cert_id)
        if cert is None or not self.matcher.match(cert):
            return False
        resource["c7n:matched-client-certificate"] = {self.data["key"]: self.matcher.resource_value(cert)}
        return True


@filters.register("wafv2-enabled", "aws.rest-stage")
class StageWafV2(WafV2ByArn):
    """Stages protected (`state: true`) or not (default) by a WAFv2 web ACL
    (named by the regex `web-acl`, if given); or a value filter on the ACL."""


@filters.register("waf-enabled", "aws.rest-stage")
class StageWafClassic(WafRegionalByArn):
    """As `wafv2-enabled`, for WAF Classic (regional) web ACLs."""
