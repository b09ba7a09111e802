"""Load balancers (Classic and ELBv2) and target groups: enumeration, fetch by
id, batched tags, the TLS/logging/attribute/listener/WAF filters, each action's
effect read back from moto, dry runs that write nothing."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.elb import VISIBILITY


@pytest.fixture
def classic(aws):
    elb, acm = aws("elb"), aws("acm")
    cert = acm.request_certificate(DomainName="t.example.com")["CertificateArn"]
    http = [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}]
    https = [{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTPS", "InstancePort": 443,
              "SSLCertificateId": cert}]
    elb.create_load_balancer(LoadBalancerName="plain", Listeners=http, AvailabilityZones=["us-east-1a"],
                             Tags=[{"Key": "Owner", "Value": "a"}])
    elb.create_load_balancer(LoadBalancerName="tls", Listeners=https, AvailabilityZones=["us-east-1a"])
    elb.configure_health_check(LoadBalancerName="plain", HealthCheck={
        "Target": "TCP:80", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2, "HealthyThreshold": 2})
    elb.configure_health_check(LoadBalancerName="tls", HealthCheck={
        "Target": "HTTPS:443/", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2, "HealthyThreshold": 2})
    elb.create_load_balancer_policy(LoadBalancerName="tls", PolicyName="old", PolicyTypeName="SSLNegotiationPolicyType",
                                    PolicyAttributes=[{"AttributeName": "Protocol-TLSv1", "AttributeValue": "true"}])
    elb.set_load_balancer_policies_of_listener(LoadBalancerName="tls", LoadBalancerPort=443, PolicyNames=["old"])
    elb.modify_load_balancer_attributes(LoadBalancerName="tls", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "logs", "EmitInterval": 60, "S3BucketPrefix": "tls"}})
    return elb


@pytest.fixture
def v2(aws):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s.get("DefaultForAz")][:2]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    arns = {n: elbv2.create_load_balancer(Name=n, Subnets=subnets, Tags=[{"Key": "Team", "Value": n}])
            ["LoadBalancers"][0]["LoadBalancerArn"] for n in ("shop", "api")}
    tgs = {n: elbv2.create_target_group(Name=n, Protocol="HTTP", Port=80, VpcId=vpc, HealthCheckProtocol=hc)
           ["TargetGroups"][0]["TargetGroupArn"] for n, hc in (("shop-tg", "HTTPS"), ("api-tg", "HTTP"))}
    elbv2.create_listener(LoadBalancerArn=arns["shop"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs["shop-tg"]}])
    elbv2.create_listener(LoadBalancerArn=arns["api"], Protocol="HTTP", Port=8080,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs["api-tg"]}])
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arns["api"], Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "logs"},
        {"Key": "deletion_protection.enabled", "Value": "true"}])
    return {**arns, **tgs}


def policy(cli, write_policies, resource, body, *flags):
    result = cli("run", *flags, write_policies(f"policies:\n  - name: p\n    resource: {resource}\n" + body))
    assert result.exit_code == 0, result.output
    return result


def names(cli, write_policies, resource, body, key="LoadBalancerName"):
    return policy(cli, write_policies, resource, body, "--dryrun").ids("p", key)


def test_enumerate_and_fetch_by_id(classic, v2, server):
    load_all()
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    elb, alb, tg = (resources.get(n) for n in ("aws.elb", "aws.app-elb", "aws.app-elb-target-group"))
    assert sorted(r["LoadBalancerName"] for r in elb.enumerate(session)) == ["plain", "tls"]
    assert [r["LoadBalancerName"] for r in elb.fetch_by_ids(session, ["tls", "gone"])] == ["tls"]
    assert [r["LoadBalancerName"] for r in alb.fetch_by_ids(session, [v2["api"], v2["api"] + "0"])] == ["api"]
    assert [r["TargetGroupName"] for r in tg.fetch_by_ids(session, [v2["shop-tg"]])] == ["shop-tg"]
    assert "elasticloadbalancing:DescribeLoadBalancers" in elb.read_permissions()


def test_tags_are_read_in_batches(classic, v2, server, aws, cli, write_policies):
    load_all()
    alb = resources.get("aws.app-elb")
    balancers = sorted(alb.enumerate(AwsSession(region="us-east-1", endpoint_url=server.endpoint)),
                       key=lambda b: b["LoadBalancerName"])
    server.reset_log()
    found = alb.details["tags"].fetch_many(aws("elbv2"), balancers)
    assert [t["Tags"] for t in found] == [[{"Key": "Team", "Value": "api"}], [{"Key": "Team", "Value": "shop"}]]
    assert len([r for r in server.requests if r.operation == "DescribeTags"]) == 1
    assert alb.details["tags"].batch == 20
    assert names(cli, write_policies, "aws.app-elb", "    filters: [{tag:Team: shop}]\n") == ["shop"]
    assert names(cli, write_policies, "aws.elb", "    filters: [{tag:Owner: absent}]\n") == ["tls"]


def test_classic_tls_and_health_check_filters(classic, cli, write_policies):
    assert names(cli, write_policies, "aws.elb", "    filters: [is-ssl]\n") == ["tls"]
    result = policy(cli, write_policies, "aws.elb", "    filters: [{type: ssl-policy, blacklist: [Protocol-TLSv1]}]\n",
                    "--dryrun")
    assert [(r["LoadBalancerName"], r["ProhibitedPolicies"]) for r in result.resources("p")] == \
        [("tls", ["Protocol-TLSv1"])]
    assert names(cli, write_policies, "aws.elb",
                 "    filters: [{type: ssl-policy, whitelist: [Protocol-TLSv1]}]\n") == []
    assert names(cli, write_policies, "aws.elb", "    filters: [healthcheck-protocol-mismatch]\n") == ["plain"]


def test_classic_logging_and_attributes(classic, cli, write_policies):
    assert names(cli, write_policies, "aws.elb", "    filters: [is-logging]\n") == ["tls"]
    assert names(cli, write_policies, "aws.elb", "    filters: [{type: is-logging, bucket: other}]\n") == []
    assert names(cli, write_policies, "aws.elb", "    filters: [is-not-logging]\n") == ["plain"]
    assert names(cli, write_policies, "aws.elb", "    filters: [{type: attributes, key: AccessLog.S3BucketPrefix, "
                                                 "value: tls}]\n") == ["tls"]


def test_classic_actions(classic, cli, write_policies):
    policy(cli, write_policies, "aws.elb", "    filters: [is-not-logging]\n"
           "    actions: [{type: enable-s3-logging, bucket: logs, prefix: p, emit_interval: 5}]\n")
    log = classic.describe_load_balancer_attributes(LoadBalancerName="plain")["LoadBalancerAttributes"]["AccessLog"]
    assert log == {"Enabled": True, "S3BucketName": "logs", "EmitInterval": 5, "S3BucketPrefix": "p"}
    policy(cli, write_policies, "aws.elb", "    filters: [{LoadBalancerName: tls}]\n    actions:\n"
           "      - disable-s3-logging\n"
           "      - {type: set-ssl-listener-policy, name: modern, attributes: [Protocol-TLSv1.2]}\n")
    assert not classic.describe_load_balancer_attributes(
        LoadBalancerName="tls")["LoadBalancerAttributes"]["AccessLog"]["Enabled"]
    (listener,) = classic.describe_load_balancers(LoadBalancerNames=["tls"])["LoadBalancerDescriptions"][0][
        "ListenerDescriptions"]
    (new,) = listener["PolicyNames"]
    assert new.startswith("modern-")
    attrs = classic.describe_load_balancer_policies(LoadBalancerName="tls", PolicyNames=[new])[
        "PolicyDescriptions"][0]["PolicyAttributeDescriptions"]
    assert attrs == [{"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"}]
    policy(cli, write_policies, "aws.elb", "    filters: [{LoadBalancerName: plain}]\n    actions: [delete]\n")
    assert [b["LoadBalancerName"] for b in classic.describe_load_balancers()["LoadBalancerDescriptions"]] == ["tls"]


def test_v2_logging_attributes_listeners_and_target_groups(v2, cli, write_policies):
    alb = "aws.app-elb"
    assert names(cli, write_policies, alb, "    filters: [is-not-logging]\n") == ["shop"]
    assert names(cli, write_policies, alb, "    filters: [{type: is-logging, bucket: logs}]\n") == ["api"]
    assert names(cli, write_policies, alb, "    filters: [{type: attributes, key: deletion_protection.enabled, "
                                           "value: false}]\n") == ["shop"]
    assert names(cli, write_policies, alb, "    filters: [{type: listener, key: Port, value: 8080}]\n") == ["api"]
    assert names(cli, write_policies, alb, "    filters: [healthcheck-protocol-mismatch]\n") == ["shop"]
    assert names(cli, write_policies, alb, "    filters: [{type: target-group, key: TargetGroupName, "
                                           "value: api-tg}]\n") == ["api"]
    assert names(cli, write_policies, "aws.app-elb-target-group",
                 "    filters: [{type: attributes, key: deregistration_delay.timeout_seconds, value: 300}]\n",
                 key="TargetGroupName") == ["api-tg", "shop-tg"]


def test_wafv2_enabled_and_set_wafv2(v2, aws, cli, write_policies):
    waf = aws("wafv2")
    waf.create_web_acl(Name="edge", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY)
    assert names(cli, write_policies, "aws.app-elb", "    filters: [{type: wafv2-enabled, state: false}]\n") \
        == ["api", "shop"]
    policy(cli, write_policies, "aws.app-elb", "    filters: [{LoadBalancerName: api}]\n"
           "    actions: [{type: set-wafv2, web-acl: edge}]\n")
    assert waf.get_web_acl_for_resource(ResourceArn=v2["api"])["WebACL"]["Name"] == "edge"
    assert names(cli, write_policies, "aws.app-elb", "    filters: [{type: wafv2-enabled, state: true, "
                                                     "web-acl: ed.*}]\n") == ["api"]
    assert names(cli, write_policies, "aws.app-elb", "    filters: [{type: wafv2-enabled, key: Name, "
                                                     "value: edge}]\n") == ["api"]


def test_waf_classic_read_that_fails_is_an_error(v2, cli, write_policies):
    # moto does not serve waf-regional: the filter must fail, never pass.
    result = cli("run", "--dryrun", write_policies(
        "policies:\n  - name: p\n    resource: aws.app-elb\n    filters: [{type: waf-enabled, state: false}]\n"))
    assert result.exit_code == 1


def test_v2_actions(v2, aws, cli, write_policies):
    elbv2 = aws("elbv2")

    def attrs(arn):
        found = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        return {a["Key"]: a["Value"] for a in found}
    policy(cli, write_policies, "aws.app-elb", "    filters: [is-not-logging]\n    actions:\n"
           "      - {type: set-s3-logging, state: enabled, bucket: logs, prefix: '{Team}/{LoadBalancerName}'}\n"
           "      - {type: modify-attributes, attributes: {routing.http.drop_invalid_header_fields.enabled: true}}\n")
    shop = attrs(v2["shop"])
    assert (shop["access_logs.s3.enabled"], shop["access_logs.s3.prefix"]) == ("true", "shop/shop")
    assert shop["routing.http.drop_invalid_header_fields.enabled"] == "true"
    policy(cli, write_policies, "aws.app-elb", "    filters: [{type: listener, key: Port, value: 8080}]\n"
           "    actions: [{type: modify-listener, port: 8081}]\n")
    assert [x["Port"] for x in elbv2.describe_listeners(LoadBalancerArn=v2["api"])["Listeners"]] == [8081]
    policy(cli, write_policies, "aws.app-elb", "    filters: [{type: listener, key: Port, value: 8081}]\n"
           "    actions: [{type: delete-listener, scope: matched}]\n")
    assert elbv2.describe_listeners(LoadBalancerArn=v2["api"])["Listeners"] == []
    policy(cli, write_policies, "aws.app-elb-target-group", "    filters: [{TargetGroupName: api-tg}]\n"
           "    actions: [{type: modify-attributes, attributes: {stickiness.enabled: true}}, delete]\n")
    assert [g["TargetGroupName"] for g in elbv2.describe_target_groups()["TargetGroups"]] == ["shop-tg"]
    # api has deletion protection: delete needs force.
    policy(cli, write_policies, "aws.app-elb", "    filters: [{LoadBalancerName: api}]\n"
           "    actions: [{type: delete, force: true}]\n")
    assert [b["LoadBalancerName"] for b in elbv2.describe_load_balancers()["LoadBalancers"]] == ["shop"]


def test_tag_family_on_all_three(classic, v2, aws, cli, write_policies):
    body = "    actions: [{type: tag, key: Env, value: prod}]\n"
    for resource in ("aws.elb", "aws.app-elb", "aws.app-elb-target-group"):
        policy(cli, write_policies, resource, body)
    tags = aws("elb").describe_tags(LoadBalancerNames=["plain", "tls"])["TagDescriptions"]
    assert all({"Key": "Env", "Value": "prod"} in d["Tags"] for d in tags)
    v2_tags = aws("elbv2").describe_tags(ResourceArns=list(v2.values()))["TagDescriptions"]
    assert len(v2_tags) == 4 and all({"Key": "Env", "Value": "prod"} in d["Tags"] for d in v2_tags)
    policy(cli, write_policies, "aws.app-elb", "    actions: [{type: remove-tag, tags: [Team]}]\n")
    left = aws("elbv2").describe_tags(ResourceArns=[v2["shop"]])["TagDescriptions"][0]["Tags"]
    assert left == [{"Key": "Env", "Value": "prod"}]


def test_dry_run_plans_and_writes_nothing(classic, v2, server, cli, write_policies):
    server.reset_log()
    result = policy(cli, write_policies, "aws.app-elb", "    filters: [{type: listener, key: Protocol, value: HTTP}]\n"
                    "    actions: [{type: modify-listener, protocol: HTTPS}, {type: delete, force: true}]\n",
                    "--dryrun")
    assert server.writes() == []
    plan = json.loads((result.output_dir / "p" / "plan.json").read_text())
    ops = sorted(c["operation"] for step in plan for c in step["calls"])
    assert ops == ["delete_load_balancer"] * 2 + ["modify_listener"] * 2 + ["modify_load_balancer_attributes"] * 2


def test_listener_rules(v2, aws, cli, write_policies):
    elbv2 = aws("elbv2")
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=v2["shop"])["Listeners"]
    elbv2.create_rule(ListenerArn=listener["ListenerArn"], Priority=10,
                      Conditions=[{"Field": "path-pattern", "Values": ["/old/*"]}],
                      Actions=[{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTP", "Port": "80",
                                                                       "StatusCode": "HTTP_302"}}])
    body = ("    filters:\n      - type: listener-rule\n        attrs:\n"
            "          - {type: value, key: 'Actions[0].RedirectConfig.Protocol', value: HTTP}\n")
    assert names(cli, write_policies, "aws.app-elb", body) == ["shop"]
    assert names(cli, write_policies, "aws.app-elb", "    filters: [{type: listener-rule, count: 0}]\n") == ["api"]
