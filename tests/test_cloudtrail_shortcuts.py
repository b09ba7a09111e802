"""Custodian's CloudTrail shortcut names beyond EC2: each validates, renders
its source and event, and an event of that name runs the policy on the
resource it names (through `invoke`, as the deployed Lambda would)."""
from __future__ import annotations

import json

import pytest

from c7n_lite.modes.pattern import matches
from c7n_lite.registry import load_all, modes


def trail_event(source: str, name: str, detail: dict) -> dict:
    return {"version": "0", "id": "e1", "detail-type": "AWS API Call via CloudTrail",
            "source": "aws." + source.split(".")[0], "account": "123456789012", "region": "us-east-1",
            "time": "2026-12-02T10:00:00Z", "resources": [],
            "detail": {"eventSource": source, "eventName": name, "awsRegion": "us-east-1",
                       "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"},
                       **detail}}


@pytest.mark.parametrize("name, source, detail, ids", [
    ("CreateLoadBalancer", "elasticloadbalancing.amazonaws.com",
     {"requestParameters": {"loadBalancerName": "web"}}, ["web"]),
    ("CreateLoadBalancerPolicy", "elasticloadbalancing.amazonaws.com",
     {"requestParameters": {"loadBalancerName": "web"}}, ["web"]),
    ("SetLoadBalancerPoliciesOfListener", "elasticloadbalancing.amazonaws.com",
     {"requestParameters": {"loadBalancerName": "web"}}, ["web"]),
    ("CreateAutoScalingGroup", "autoscaling.amazonaws.com",
     {"requestParameters": {"autoScalingGroupName": "workers"}}, ["workers"]),
    ("UpdateAutoScalingGroup", "autoscaling.amazonaws.com",
     {"requestParameters": {"autoScalingGroupName": "workers"}}, ["workers"]),
    ("CreateElasticsearchDomain", "es.amazonaws.com", {"requestParameters": {"domainName": "logs"}}, ["logs"]),
    ("ConsoleLogin", "signin.amazonaws.com", {}, ["arn:aws:iam::123456789012:user/alice"]),
])
def test_shortcut_matches_its_event_and_finds_its_ids(name, source, detail, ids):
    load_all()
    mode = modes.get("cloudtrail")({"type": "cloudtrail", "events": [name]})
    event = trail_event(source, name, detail)
    assert matches(json.loads(mode.rule()["EventPattern"]), event)
    assert not matches(json.loads(mode.rule()["EventPattern"]), trail_event(source, "DeleteEverything", detail))
    assert mode.refusal(event) is None
    assert mode.resource_ids(event) == ids


ELB_POLICY = """
policies:
  - name: elb-new-without-logs
    resource: aws.elb
    mode: {type: cloudtrail, events: [CreateLoadBalancer]}
    filters:
      - LoadBalancerName: web
  - name: console-login-account
    resource: aws.account
    mode: {type: cloudtrail, events: [ConsoleLogin]}
"""


def invoke(cli, path, policy, event, tmp_path):
    event_file = tmp_path / f"{policy}.json"
    event_file.write_text(json.dumps(event))
    result = cli("invoke", path, "-p", policy, "--event", str(event_file), "--dryrun")
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("\n{") + 1:])


def test_events_run_the_policy_on_what_they_name(cli, aws, write_policies, tmp_path):
    elb = aws("elb")
    for name in ("web", "other"):
        elb.create_load_balancer(LoadBalancerName=name, AvailabilityZones=["us-east-1a"],
                                 Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    path = write_policies(ELB_POLICY)
    created = trail_event("elasticloadbalancing.amazonaws.com", "CreateLoadBalancer",
                          {"requestParameters": {"loadBalancerName": "web"}})
    assert invoke(cli, path, "elb-new-without-logs", created, tmp_path)["matched"] == ["web"]
    other = trail_event("elasticloadbalancing.amazonaws.com", "CreateLoadBalancer",
                        {"requestParameters": {"loadBalancerName": "other"}})
    assert invoke(cli, path, "elb-new-without-logs", other, tmp_path)["matched"] == []
    login = trail_event("signin.amazonaws.com", "ConsoleLogin", {})
    assert invoke(cli, path, "console-login-account", login, tmp_path)["matched"] == ["123456789012"]
