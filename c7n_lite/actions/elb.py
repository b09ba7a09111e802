"""Load balancer and target group actions: delete, access logs, attributes,
TLS listener policies (Classic), listeners and WAFv2 (ELBv2)."""
from __future__ import annotations

import time

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.staging import StagedAction
from c7n_lite.aws.batching import resource_tags
from c7n_lite.registry import actions

V2_BOOL = {"enum": ["true", "false", True, False]}


def serialize(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- Classic ---------------------------------------------------------------------
@actions.register("delete", "aws.elb")
class DeleteClassic(Action):
    """Delete the load balancer."""

    permissions = ("elasticloadbalancing:DeleteLoadBalancer",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("elb", "delete_load_balancer", {"LoadBalancerName": self.resource_id(r)},
                        [self.resource_id(r)], "delete") for r in resources]


@actions.register("enable-s3-logging", "aws.elb")
class EnableS3Logging(Action):
    """Write access logs to S3 `bucket` under `prefix`, every `emit_interval`
    minutes (5 or 60, default 60)."""

    schema = {"bucket": {"type": "string"}, "prefix": {"type": "string"}, "emit_interval": {"type": "integer"}}
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        log = {"Enabled": True, "S3BucketName": self.data.get("bucket"),
               "EmitInterval": self.data.get("emit_interval", 60), "S3BucketPrefix": self.data.get("prefix")}
        log = {k: v for k, v in log.items() if v is not None}
        return [ApiCall("elb", "modify_load_balancer_attributes",
                        {"LoadBalancerName": self.resource_id(r), "LoadBalancerAttributes": {"AccessLog": log}},
                        [self.resource_id(r)], f"access logs to s3://{log.get('S3BucketName', '?')}")
                for r in resources]


@actions.register("disable-s3-logging", "aws.elb")
class DisableS3Logging(Action):
    """Stop writing access logs."""

    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("elb", "modify_load_balancer_attributes",
                        {"LoadBalancerName": self.resource_id(r),
                         "LoadBalancerAttributes": {"AccessLog": {"Enabled": False}}},
                        [self.resource_id(r)], "no access logs") for r in resources]


@actions.register("set-ssl-listener-policy", "aws.elb")
class SetSslListenerPolicy(StagedAction):
    """Create an SSL negotiation policy (`name` plus a timestamp) from
    `attributes` (a list of enabled protocols/ciphers, or a map such as
    `Reference-Security-Policy: ELBSecurityPolicy-TLS-1-2-2017-01`), then put it
    on every HTTPS/SSL listener in place of its current SSL policy (other
    listener policies are kept).  Load balancers without such a listener are skipped."""

    schema = {"name": {"type": "string"},
              "attributes": {"anyOf": [{"type": "object"}, {"type": "array", "items": {"type": "string"}}]}}
    required = ("name", "attributes")
    permissions = ("elasticloadbalancing:CreateLoadBalancerPolicy",
                   "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
                   "elasticloadbalancing:DescribeLoadBalancerPolicies")

    def ssl_policies(self, balancer: dict) -> set[str]:
        names = sorted({p for ld in balancer.get("ListenerDescriptions") or () for p in ld.get("PolicyNames") or ()})
        if not names:
            return set()
        found = self.manager.session.client("elb").describe_load_balancer_policies(
            LoadBalancerName=balancer["LoadBalancerName"], PolicyNames=names)["PolicyDescriptions"]
        return {p["PolicyName"] for p in found if p.get("PolicyTypeName") == "SSLNegotiationPolicyType"}

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        attrs = self.data["attributes"]
        if isinstance(attrs, dict):
            attributes = [{"AttributeName": k, "AttributeValue": serialize(v)} for k, v in attrs.items()]
        else:
            attributes = [{"AttributeName": a, "AttributeValue": "true"} for a in attrs]
        policy = f"{self.data['name']}-{int(time.time() * 1000)}"
        create, apply, skipped = [], [], []
        for r in resources:
            name = self.resource_id(r)
            tls = [ld for ld in r.get("ListenerDescriptions") or () if ld["Listener"]["Protocol"] in ("HTTPS", "SSL")]
            if not tls:
                skipped.append(name)
                continue
            create.append(ApiCall("elb", "create_load_balancer_policy", {
                "LoadBalancerName": name, "PolicyName": policy, "PolicyTypeName": "SSLNegotiationPolicyType",
                "PolicyAttributes": attributes}, [name], f"create SSL policy {policy}"))
            old = self.ssl_policies(r)
            for ld in tls:
                kept = [p for p in ld.get("PolicyNames") or () if p not in old]
                port = ld["Listener"]["LoadBalancerPort"]
                apply.append(ApiCall("elb", "set_load_balancer_policies_of_listener", {
                    "LoadBalancerName": name, "LoadBalancerPort": port, "PolicyNames": [policy, *kept]},
                    [name], f"listener {port}: {policy}"))
        skips = [ApiCall.skip(skipped, "no HTTPS or SSL listener")] if skipped else []
        return [create, apply, skips]


# --- ELBv2 -----------------------------------------------------------------------
@actions.register("delete", "aws.app-elb")
class DeleteV2(StagedAction):
    """Delete the load balancer; `force` first turns its deletion protection off."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes")

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        unprotect = [ApiCall("elbv2", "modify_load_balancer_attributes", {
            "LoadBalancerArn": self.resource_id(r),
            "Attributes": [{"Key": "deletion_protection.enabled", "Value": "false"}]},
            [self.resource_id(r)], "deletion protection off") for r in resources] if self.data.get("force") else []
        delete = [ApiCall("elbv2", "delete_load_balancer", {"LoadBalancerArn": self.resource_id(r)},
                          [self.resource_id(r)], "delete") for r in resources]
        return [unprotect, delete]


@actions.register("set-s3-logging", "aws.app-elb")
class SetS3Logging(Action):
    """Turn access (or `log-type: connection`) logs on (`state: enabled`, to
    `bucket` under `prefix`) or off.  `prefix` may name the load balancer's tags
    and `{DNSName}`, `{AccountId}`, `{LoadBalancerName}`, e.g. `"{Team}/{LoadBalancerName}"`."""

    schema = {"state": {"enum": ["enabled", "disabled"]}, "bucket": {"type": "string"},
              "prefix": {"type": "string"}, "log-type": {"enum": ["access", "connection"]}}
    required = ("state",)
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)

    @classmethod
    def reads_for(cls, data: dict) -> set[str]:
        # A prefix naming {fields} may name tags: they are read (and granted) then.
        return {"Tags"} if "{" in str(data.get("prefix", "")) else set()

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("state") == "enabled" and not ("bucket" in data and "prefix" in data):
            return ["`state: enabled` needs `bucket` and `prefix`"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        kind = "connection_logs" if self.data.get("log-type") == "connection" else "access_logs"
        on = self.data["state"] == "enabled"
        if on and "{" in self.data["prefix"]:
            self.manager.ensure_details(resources, ["Tags"])
        calls = []
        for r in resources:
            attrs = [{"Key": f"{kind}.s3.enabled", "Value": serialize(on)}]
            if on:
                info = {**resource_tags(r), "DNSName": r.get("DNSName", ""), "LoadBalancerName": r["LoadBalancerName"],
                        "AccountId": r["LoadBalancerArn"].split(":")[4]}
                try:
                    prefix = self.data["prefix"].format(**info)
                except (KeyError, IndexError, ValueError):
                    calls.append(ApiCall.skip([self.resource_id(r)], "the prefix names a tag it does not have"))
                    continue
                attrs += [{"Key": f"{kind}.s3.bucket", "Value": self.data["bucket"]},
                          {"Key": f"{kind}.s3.prefix", "Value": prefix}]
            calls.append(ApiCall("elbv2", "modify_load_balancer_attributes",
                                 {"LoadBalancerArn": self.resource_id(r), "Attributes": attrs},
                                 [self.resource_id(r)], f"{kind.replace('_', ' ')} {'on' if on else 'off'}"))
        return calls


class ModifyAttributes(Action):
    """Set `attributes` (a map: `deletion_protection.enabled: true` …)."""

    arn_param = "LoadBalancerArn"
    operation = "modify_load_balancer_attributes"

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        attrs = [{"Key": k, "Value": serialize(v)} for k, v in (self.data.get("attributes") or {}).items()]
        text = ", ".join(f"{a['Key']}={a['Value']}" for a in attrs)
        return [ApiCall("elbv2", self.operation, {self.arn_param: self.resource_id(r), "Attributes": attrs},
                        [self.resource_id(r)], text) for r in resources]


@actions.register("modify-attributes", "aws.app-elb")
class ModifyLbAttributes(ModifyAttributes):
    """Set load balancer `attributes` (e.g. `deletion_protection.enabled: true`,
    `routing.http.drop_invalid_header_fields.enabled: true`)."""

    schema = {"attributes": {"type": "object", "additionalProperties": False, "properties": {
        "access_logs.s3.enabled": V2_BOOL, "access_logs.s3.bucket": {"type": "string"},
        "access_logs.s3.prefix": {"type": "string"}, "deletion_protection.enabled": V2_BOOL,
        "idle_timeout.timeout_seconds": {"type": "number"},
        "routing.http.desync_mitigation_mode": {"enum": ["monitor", "defensive", "strictest"]},
        "routing.http.drop_invalid_header_fields.enabled": V2_BOOL, "routing.http2.enabled": V2_BOOL,
        "load_balancing.cross_zone.enabled": V2_BOOL}}}
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)


@actions.register("modify-attributes", "aws.app-elb-target-group")
class ModifyTgAttributes(ModifyAttributes):
    """Set target group `attributes` (e.g. `stickiness.enabled: true`)."""

    schema = {"attributes": {"type": "object", "additionalProperties": {"type": ["string", "boolean", "number"]}}}
    permissions = ("elasticloadbalancing:ModifyTargetGroupAttributes",)
    arn_param = "TargetGroupArn"
    operation = "modify_target_group_attributes"


@actions.register("modify-listener", "aws.app-elb")
class ModifyListener(Action):
    """Change the listeners a `listener` filter matched: `port`, `protocol`,
    `sslpolicy`, `certificate` (an ACM/IAM certificate ARN)."""

    schema = {"port": {"type": "integer"},
              "protocol": {"enum": ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"]},
              "sslpolicy": {"type": "string"}, "certificate": {"type": "string"}}
    permissions = ("elasticloadbalancing:ModifyListener",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        args: dict = {}
        for key, param in (("port", "Port"), ("protocol", "Protocol"), ("sslpolicy", "SslPolicy")):
            if key in self.data:
                args[param] = self.data[key]
        if "certificate" in self.data:
            args["Certificates"] = [{"CertificateArn": self.data["certificate"]}]
        calls, none = [], []
        for r in resources:
            matched = r.get("c7n:MatchedListeners") or []
            if not matched:
                none.append(self.resource_id(r))
            calls.extend(ApiCall("elbv2", "modify_listener", {"ListenerArn": x["ListenerArn"], **args},
                                 [self.resource_id(r)], f"listener {x.get('Port')}: "
                                 + ", ".join(f"{k}={v}" for k, v in args.items())) for x in matched)
        if none:
            calls.append(ApiCall.skip(none, "no listener matched by a listener filter"))
        return calls


@actions.register("delete-listener", "aws.app-elb")
class DeleteListener(Action):
    """Delete the listeners a `listener` filter matched (`scope: matched`)."""

    schema = {"scope": {"enum": ["matched"]}}
    permissions = ("elasticloadbalancing:DeleteListener",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, none = [], []
        for r in resources:
            matched = r.get("c7n:MatchedListeners") or []
            if not matched:
                none.append(self.resource_id(r))
            calls.extend(ApiCall("elbv2", "delete_listener", {"ListenerArn": x["ListenerArn"]},
                                 [self.resource_id(r)], f"delete listener {x.get('Port')}") for x in matched)
        if none:
            calls.append(ApiCall.skip(none, "no listener matched by a listener filter"))
        return calls


@actions.register("set-wafv2", "aws.app-elb")
class SetWafV2(Action):
    """Associate the regional WAFv2 web ACL named `web-acl` (`state: true`, the
    default), or remove the association (`state: false`)."""

    schema = {"web-acl": {"type": "string"}, "state": {"type": "boolean"}}
    permissions = ("wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:ListWebACLs")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("state", True) and not data.get("web-acl"):
            return ["`web-acl` is needed unless `state: false`"]
        return []

    def acl_arn(self) -> str | None:
        client = self.manager.session.client("wafv2")
        found = []
        params: dict = {"Scope": "REGIONAL"}
        while True:
            page = client.list_web_acls(**params)
            found += page.get("WebACLs", [])
            if not page.get("NextMarker"):
                break
            params["NextMarker"] = page["NextMarker"]
        return next((a["ARN"] for a in found if a["Name"] == self.data["web-acl"]), None)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        if not self.data.get("state", True):
            return [ApiCall("wafv2", "disassociate_web_acl", {"ResourceArn": i}, [i], "no web ACL") for i in ids]
        arn = self.acl_arn()
        if arn is None:
            return [ApiCall.skip(ids, f"no regional web ACL named {self.data['web-acl']}")]
        return [ApiCall("wafv2", "associate_web_acl", {"WebACLArn": arn, "ResourceArn": i}, [i],
                        f"web ACL {self.data['web-acl']}") for i in ids]


@actions.register("delete", "aws.app-elb-target-group")
class DeleteTargetGroup(Action):
    """Delete the target group (AWS refuses one a listener still forwards to)."""

    permissions = ("elasticloadbalancing:DeleteTargetGroup",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("elbv2", "delete_target_group", {"TargetGroupArn": self.resource_id(r)},
                        [self.resource_id(r)], "delete") for r in resources]
