"""Actions on Elasticsearch / OpenSearch domains: delete, configuration,
TLS policy and access policy statements."""
from __future__ import annotations

import json

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.policy_statements import RemoveStatements
from c7n_lite.actions.shapes import ES_UPDATE_DOMAIN_CONFIG
from c7n_lite.registry import actions


def _update(domain: str, settings: dict, message: str) -> ApiCall:
    return ApiCall("es", "update_elasticsearch_domain_config", {"DomainName": domain, **settings}, [domain],
                   message)


@actions.register("delete", "aws.elasticsearch")
class DeleteDomain(Action):
    """Delete domains (and their data)."""

    permissions = ("es:DeleteElasticsearchDomain",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("es", "delete_elasticsearch_domain", {"DomainName": self.resource_id(r)},
                        [self.resource_id(r)], "delete") for r in resources]


@actions.register("update-domain-config", "aws.elasticsearch")
class UpdateDomainConfig(Action):
    """Change domain settings: any UpdateElasticsearchDomainConfig parameter,
    e.g. `EBSOptions: {VolumeType: gp3}`."""

    schema = {name: {"type": "object"} if name != "AccessPolicies" else {"type": "string"}
              for name in sorted(ES_UPDATE_DOMAIN_CONFIG)}
    permissions = ("es:UpdateElasticsearchDomainConfig",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        settings = {k: v for k, v in self.data.items() if k != "type"}
        return [_update(self.resource_id(r), settings, ", ".join(sorted(settings))) for r in resources]


@actions.register("update-tls-config", "aws.elasticsearch")
class UpdateTlsConfig(Action):
    """Require HTTPS with the TLS security policy `value`
    (`Policy-Min-TLS-1-2-2019-07` …)."""

    schema = {"value": {"enum": ["Policy-Min-TLS-1-0-2019-07", "Policy-Min-TLS-1-2-2019-07",
                                 "Policy-Min-TLS-1-2-PFS-2023-10"]}}
    required = ("value",)
    permissions = ("es:UpdateElasticsearchDomainConfig",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        options = {"EnforceHTTPS": True, "TLSSecurityPolicy": self.data["value"]}
        return [_update(self.resource_id(r), {"DomainEndpointOptions": options}, f"HTTPS, {self.data['value']}")
                for r in resources]


@actions.register("remove-statements", "aws.elasticsearch")
class RemoveDomainStatements(RemoveStatements):
    __doc__ = RemoveStatements.__doc__
    permissions = ("es:UpdateElasticsearchDomainConfig",)

    def write(self, resource: dict, policy: dict | None) -> ApiCall:
        # An empty access policy is "" for this API.
        return _update(self.resource_id(resource), {"AccessPolicies": json.dumps(policy) if policy else ""}, "")
