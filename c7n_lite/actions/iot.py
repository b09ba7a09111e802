"""IoT certificates: set-inactive / set-active."""
from __future__ import annotations

from typing import ClassVar

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


class CertificateStatus(Action):
    status: ClassVar[str] = ""
    permissions = ("iot:UpdateCertificate",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        todo = [r for r in resources if r.get("status") != self.status]
        calls = [ApiCall("iot", "update_certificate",
                         {"certificateId": self.resource_id(r), "newStatus": self.status},
                         [self.resource_id(r)], f"status {r.get('status', '?')} → {self.status}") for r in todo]
        already = [self.resource_id(r) for r in resources if r.get("status") == self.status]
        if already:
            calls.append(ApiCall.skip(already, f"already {self.status}", "update_certificate"))
        return calls


@actions.register("set-inactive", "aws.iot-certificate")
class SetInactive(CertificateStatus):
    """Deactivate certificates (devices using them can no longer connect)."""

    status = "INACTIVE"


@actions.register("set-active", "aws.iot-certificate")
class SetActive(CertificateStatus):
    """Activate certificates."""

    status = "ACTIVE"
