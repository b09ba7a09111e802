"""ECR repository actions: policy statements, lifecycle, tag immutability, scanning."""
from __future__ import annotations

import json

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("remove-statements", "aws.ecr")
class RemoveStatements(Action):
    """Remove statements from the repository policy: the listed `statement_ids`,
    `matched` (those the `cross-account` filter found) or `*` (all: the policy
    is deleted).  The rest of the policy is written back."""

    schema = {"statement_ids": {"oneOf": [{"enum": ["matched", "*"]},
                                          {"type": "array", "items": {"type": "string"}}]}}
    required = ("statement_ids",)
    permissions = ("ecr:GetRepositoryPolicy", "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.manager.ensure_details(resources, ["Policy"])
        wanted = self.data["statement_ids"]
        calls, untouched = [], []
        for r in resources:
            name = self.resource_id(r)
            document = json.loads(r["Policy"]) if r.get("Policy") else {}
            statements = document.get("Statement") or []
            if wanted == "*":
                drop = list(statements)
            elif wanted == "matched":
                matched = r.get("CrossAccountViolations") or []
                drop = [s for s in statements if s in matched]
            else:
                drop = [s for s in statements if s.get("Sid") in wanted]
            if not drop:
                untouched.append(name)
                continue
            kept = [s for s in statements if s not in drop]
            sids = ", ".join(s.get("Sid") or "(no Sid)" for s in drop)
            if kept:
                calls.append(ApiCall("ecr", "set_repository_policy", {
                    "repositoryName": name, "policyText": json.dumps({**document, "Statement": kept})},
                    [name], f"remove statements {sids}"))
            else:
                calls.append(ApiCall("ecr", "delete_repository_policy", {"repositoryName": name}, [name],
                                     f"remove statements {sids} (the whole policy)"))
        if untouched:
            calls.append(ApiCall.skip(untouched, "no such statement in the repository policy"))
        return calls


@actions.register("set-lifecycle", "aws.ecr")
class SetLifecycle(Action):
    """Set the lifecycle policy to `rules` (ECR's rule objects), or delete it
    (`state: false`)."""

    schema = {"rules": {"type": "array", "items": {"type": "object"}}, "state": {"type": "boolean"}}
    permissions = ("ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        if self.data.get("state", True) is False:
            return [ApiCall("ecr", "delete_lifecycle_policy", {"repositoryName": self.resource_id(r)},
                            [self.resource_id(r)], "no lifecycle policy") for r in resources]
        text = json.dumps({"rules": self.data.get("rules") or []})
        return [ApiCall("ecr", "put_lifecycle_policy", {"repositoryName": self.resource_id(r),
                                                        "lifecyclePolicyText": text},
                        [self.resource_id(r)], f"{len(self.data.get('rules') or [])} lifecycle rule(s)")
                for r in resources]


@actions.register("set-immutability", "aws.ecr")
class SetImmutability(Action):
    """Make image tags immutable (`state: true`, the default) or mutable."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("ecr:PutImageTagMutability",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        value = "IMMUTABLE" if self.data.get("state", True) else "MUTABLE"
        return [ApiCall("ecr", "put_image_tag_mutability", {"repositoryName": self.resource_id(r),
                                                             "imageTagMutability": value},
                        [self.resource_id(r)], value) for r in resources]


@actions.register("set-scanning", "aws.ecr")
class SetScanning(Action):
    """Scan images on push (`state: true`, the default) or not."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("ecr:PutImageScanningConfiguration",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        on = bool(self.data.get("state", True))
        return [ApiCall("ecr", "put_image_scanning_configuration", {
            "repositoryName": self.resource_id(r), "imageScanningConfiguration": {"scanOnPush": on}},
            [self.resource_id(r)], f"scan on push {'on' if on else 'off'}") for r in resources]
