"""Actions on Secrets Manager secrets: delete, KMS key, policy statements."""
from __future__ import annotations

import json

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.policy_statements import RemoveStatements
from c7n_lite.registry import actions


@actions.register("delete", "aws.secrets-manager")
class DeleteSecret(Action):
    """Schedule deletion after `recovery_window` days (7 to 30, default 30),
    or delete at once, beyond recovery, with `recovery_window: 0`."""

    schema = {"recovery_window": {"type": "integer", "minimum": 0, "maximum": 30}}
    permissions = ("secretsmanager:DeleteSecret",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        days = data.get("recovery_window")
        if isinstance(days, int) and 0 < days < 7:
            return [f"recovery_window {days}: Secrets Manager takes 7 to 30 days (or 0: no recovery)"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        days = self.data.get("recovery_window", 30)
        params: dict = {"ForceDeleteWithoutRecovery": True} if days == 0 else {"RecoveryWindowInDays": days}
        message = "delete now, no recovery" if days == 0 else f"delete after {days} days"
        return [ApiCall("secretsmanager", "delete_secret", {"SecretId": self.resource_id(r), **params},
                        [self.resource_id(r)], message) for r in resources]


@actions.register("set-encryption", "aws.secrets-manager")
class SetSecretEncryption(Action):
    """Encrypt the secret's versions with the KMS `key` (id, ARN or alias;
    default `alias/aws/secretsmanager`)."""

    schema = {"key": {"type": "string"}}
    permissions = ("secretsmanager:UpdateSecret",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        key = self.data.get("key", "alias/aws/secretsmanager")
        return [ApiCall("secretsmanager", "update_secret", {"SecretId": self.resource_id(r), "KmsKeyId": key},
                        [self.resource_id(r)], f"encrypt with {key}")
                for r in resources if r.get("KmsKeyId") != key] + \
            [ApiCall.skip([self.resource_id(r)], f"already encrypted with {key}", "update_secret")
             for r in resources if r.get("KmsKeyId") == key]


@actions.register("remove-statements", "aws.secrets-manager")
class RemoveSecretStatements(RemoveStatements):
    __doc__ = RemoveStatements.__doc__
    permissions = ("secretsmanager:GetResourcePolicy", "secretsmanager:PutResourcePolicy",
                   "secretsmanager:DeleteResourcePolicy")

    def write(self, resource: dict, policy: dict | None) -> ApiCall:
        sid = self.resource_id(resource)
        if policy is None:
            return ApiCall("secretsmanager", "delete_resource_policy", {"SecretId": sid}, [sid])
        return ApiCall("secretsmanager", "put_resource_policy",
                       {"SecretId": sid, "ResourcePolicy": json.dumps(policy)}, [sid])
