"""S3 buckets: block public access, drop grants to everyone."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.session import error_code
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
    reads = ("Acl",)

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


def _public_block_runner(bucket: str, given: dict, state: bool) -> Any:
    def run(session: Any) -> Any:
        client = session.client("s3")
        try:
            config = client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        except Exception as exc:  # noqa: BLE001 - only "no block yet" is expected
            if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
                raise
            config = dict.fromkeys(PUBLIC_BLOCK_FLAGS, False)
        wanted = {**config, **given} if given else dict.fromkeys(PUBLIC_BLOCK_FLAGS, state)
        return client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=wanted)
    return run


@actions.register("set-public-block", "aws.s3")
class SetPublicBlock(Action):
    """Custodian's public access block action: set the flags given (the others
    keep their value, read when the call runs), or, with no flag, all four to
    `state` (default true)."""

    schema = {"state": {"type": "boolean"}, **{flag: {"type": "boolean"} for flag in PUBLIC_BLOCK_FLAGS}}
    permissions = ("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        given = {k: bool(self.data[k]) for k in PUBLIC_BLOCK_FLAGS if k in self.data}
        state = bool(self.data.get("state", True))
        text = ", ".join(f"{k}={'on' if v else 'off'}" for k, v in given.items()) or \
            f"all four {'on' if state else 'off'}"
        return [ApiCall("s3", "put_public_access_block", {"Bucket": self.resource_id(r), "set": given or state},
                        [self.resource_id(r)], text, run=_public_block_runner(self.resource_id(r), given, state))
                for r in resources]


@actions.register("set-replication", "aws.s3")
class SetReplication(Action):
    """Turn every replication rule of the bucket on (`state: enable`) or off
    (`disable`), or remove the replication configuration (`remove`).  Buckets
    without one are skipped; with no `state`, nothing is changed."""

    schema = {"state": {"type": "string", "enum": ["enable", "disable", "remove"]}}
    permissions = ("s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration")
    reads = ("Replication",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        state = self.data.get("state")
        if state is None:
            return [ApiCall.skip([self.resource_id(r) for r in resources], "no state given")] if resources else []
        self.manager.ensure_details(resources, ["Replication"])
        calls, none = [], []
        for r in resources:
            bucket = self.resource_id(r)
            config = (r.get("Replication") or {}).get("ReplicationConfiguration")
            if not config:
                none.append(bucket)
            elif state == "remove":
                calls.append(ApiCall("s3", "delete_bucket_replication", {"Bucket": bucket}, [bucket],
                                     "remove the replication configuration"))
            else:
                status = "Enabled" if state == "enable" else "Disabled"
                rules = [{**rule, "Status": status} for rule in config.get("Rules") or []]
                calls.append(ApiCall("s3", "put_bucket_replication",
                                     {"Bucket": bucket, "ReplicationConfiguration": {**config, "Rules": rules}},
                                     [bucket], f"{len(rules)} replication rule(s) {status}"))
        if none:
            calls.append(ApiCall.skip(none, "no replication configuration"))
        return calls
