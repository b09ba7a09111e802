"""Filters of Secrets Manager secrets: the current version, and the replicas."""
from __future__ import annotations

from c7n_lite.filters.value import ValueFilter
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate


@filters.register("current-version", "aws.secrets-manager")
class CurrentVersion(ValueFilter):
    """A value filter on the secret's current version (the AWSCURRENT entry of
    `ListSecretVersionIds`: `CreatedDate`, `LastAccessedDate` …), noted as
    `c7n:CurrentVersion`; e.g. `key: CreatedDate, value_type: age, op: gt, value: 90`
    for secrets not changed in 90 days."""

    schema = ValueFilter.schema
    permissions = ("secretsmanager:ListSecretVersionIds",)

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("secretsmanager")
        versions = paginate(client, "list_secret_version_ids", "Versions", {"SecretId": resource["ARN"]})
        current = next((v for v in versions if "AWSCURRENT" in (v.get("VersionStages") or ())), None)
        if current is None:
            return False
        resource["c7n:CurrentVersion"] = current
        return self.matcher.match(current)


@filters.register("replica-attribute", "aws.secrets-manager")
class ReplicaAttribute(ValueFilter):
    """A value filter on the secret's replicas (`ReplicationStatus` of
    `DescribeSecret`: `Region`, `Status`, `LastAccessedDate` …); matches when
    one replica matches, noted as `c7n:MatchedReplicas`."""

    schema = ValueFilter.schema
    permissions = ("secretsmanager:DescribeSecret",)

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("secretsmanager")
        replicas = client.describe_secret(SecretId=resource["ARN"]).get("ReplicationStatus") or []
        matched = [r for r in replicas if self.matcher.match(r)]
        if matched:
            resource["c7n:MatchedReplicas"] = matched
        return bool(matched)
