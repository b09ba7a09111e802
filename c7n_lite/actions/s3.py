"""S3 buckets: block public access, drop grants to everyone."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

PUBLIC_BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
GLOBAL_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}


@actions.register("set-public-access-block", "aws.s3")
class SetPublicAccessBlock(Action):
    """Set the bucket's public access block; each flag defaults to true."""

    schema = {flag: {"type": "boolean"} for flag in PUBLIC_BLOCK_FLAGS}
    permissions = ("s3:PutBucketPublicAccessBlock",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        config = {flag: bool(self.data.get(flag, True)) for flag in PUBLIC_BLOCK_FLAGS}
        text = ", ".join(f"{k}={'on' if v else 'off'}" for k, v in config.items())
        return [ApiCall("s3", "put_public_access_block",
                        {"Bucket": self.resource_id(r), "PublicAccessBlockConfiguration": config},
                        [self.resource_id(r)], text) for r in resources]


@actions.register("remove-global-grants", "aws.s3")
class RemoveGlobalGrants(Action):
    """Remove ACL grants to AllUsers and AuthenticatedUsers, keeping the others."""

    permissions = ("s3:GetBucketAcl", "s3:PutBucketAcl")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        # The ACL is read now (or was, by an ACL filter): the new ACL is the old one minus global grants.
        self.manager.ensure_details(resources, ["Acl"])
        calls: list[ApiCall] = []
        clean: list[str] = []
        drop = set(self.data.get("grantees") or GLOBAL_GRANTEES)
        for r in resources:
            bucket = self.resource_id(r)
            acl = r.get("Acl") or {}
            grants = acl.get("Grants") or []
            kept = [g for g in grants if (g.get("Grantee") or {}).get("URI") not in drop]
            dropped = [g for g in grants if g not in kept]
            if not dropped:
                clean.append(bucket)
                continue
            text = ", ".join(f"{GLOBAL_GRANTEES.get(g['Grantee']['URI'], g['Grantee']['URI'])}:{g.get('Permission')}"
                             for g in dropped)
            calls.append(ApiCall("s3", "put_bucket_acl",
                                 {"Bucket": bucket, "AccessControlPolicy": {"Grants": kept, "Owner": acl.get("Owner")}},
                                 [bucket], f"drop grants {text}"))
        if clean:
            names = ", ".join(GLOBAL_GRANTEES.get(g, g) for g in sorted(drop))
            calls.append(ApiCall.skip(clean, f"no grants to {names}"))
        return calls
