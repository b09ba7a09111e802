"""ACM certificate actions."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("delete", "aws.acm-certificate")
class DeleteCertificate(Action):
    """Delete the certificate (AWS refuses one still in use)."""

    permissions = ("acm:DeleteCertificate",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("acm", "delete_certificate", {"CertificateArn": self.resource_id(r)},
                        [self.resource_id(r)], "delete") for r in resources]
