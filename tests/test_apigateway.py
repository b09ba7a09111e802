"""API Gateway REST APIs and stages: enumeration, the policy/WAF/certificate
filters, each action's effect read back from moto, dry runs that write nothing."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.apigateway import ACCOUNT, VISIBILITY, api_with_stage


@pytest.fixture
def apis(aws):
    ag = aws("apigateway")
    public = api_with_stage(ag, "public", "*", {"Team": "a"})
    private = api_with_stage(ag, "private", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"Team": "b"})
    ag.update_stage(restApiId=private, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/tracingEnabled", "value": "true"}])
    return {"public": public, "private": private}


def policy(cli, write_policies, resource, body, *flags):
    result = cli("run", *flags, write_policies(f"policies:\n  - name: p\n    resource: {resource}\n" + body))
    assert result.exit_code == 0, result.output
    return result


def stages(cli, write_policies, body):
    result = policy(cli, write_policies, "aws.rest-stage", body, "--dryrun")
    return sorted(r["restApiId"] for r in result.resources("p"))


def test_enumerate_apis_and_stages(apis, server):
    load_all()
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    found = resources.get("aws.rest-api").enumerate(session)
    assert sorted(a["name"] for a in found) == ["private", "public"]
    assert all(a["Tags"] and "tags" not in a for a in found)
    (stage,) = [s for s in resources.get("aws.rest-stage").enumerate(session) if s["restApiId"] == apis["public"]]
    assert stage["stageArn"] == f"arn:aws:apigateway:us-east-1::/restapis/{apis['public']}/stages/prod"
    assert resources.get("aws.rest-stage").read_permissions() == ["apigateway:GET"]


def test_fetch_by_id_for_an_event(apis, server):
    load_all()
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    found = resources.get("aws.rest-api").fetch_by_ids(session, [apis["private"], "nosuchapi"])
    assert [(a["id"], a["name"]) for a in found] == [(apis["private"], "private")]
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{apis['public']}/stages/prod"
    found = resources.get("aws.rest-stage").fetch_by_ids(session, [arn, arn.replace("prod", "gone")])
    assert [(s["restApiId"], s["stageName"]) for s in found] == [(apis["public"], "prod")]


def test_cross_account_and_tracing(apis, cli, write_policies):
    result = policy(cli, write_policies, "aws.rest-api", "    filters: [cross-account]\n", "--dryrun")
    assert [r["name"] for r in result.resources("p")] == ["public"]
    assert stages(cli, write_policies, "    filters: [{tracingEnabled: empty}]\n") == [apis["public"]]


def test_wafv2_and_set_wafv2(apis, aws, cli, write_policies):
    waf = aws("wafv2")
    waf.create_web_acl(Name="gw", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY)
    assert stages(cli, write_policies, "    filters: [{type: wafv2-enabled, state: false}]\n") == sorted(apis.values())
    policy(cli, write_policies, "aws.rest-stage", f"    filters: [{{restApiId: {apis['private']}}}]\n"
           "    actions: [{type: set-wafv2, web-acl: gw}]\n")
    assert stages(cli, write_policies, "    filters: [{type: wafv2-enabled, state: true}]\n") == [apis["private"]]


def test_client_certificate_only_for_stages_with_one(apis, server, cli, write_policies):
    # moto neither serves client certificates nor stores a stage's clientCertificateId:
    # what can be checked is that stages without one do not match and cost no call.
    server.reset_log()
    assert stages(cli, write_policies, "    filters: [{type: client-certificate, key: createdDate, "
                                       "value_type: age, value: 90, op: gt}]\n") == []
    assert not [r for r in server.requests if "clientcertificates" in r.path]


def test_update_delete_and_tags(apis, aws, cli, write_policies):
    ag = aws("apigateway")
    policy(cli, write_policies, "aws.rest-stage", "    filters: [{tracingEnabled: empty}]\n    actions:\n"
           "      - {type: update, patch: [{op: replace, path: /tracingEnabled, value: 'true'}]}\n"
           "      - {type: tag, key: Fixed, value: tracing}\n")
    prod = ag.get_stage(restApiId=apis["public"], stageName="prod")
    assert prod["tracingEnabled"] is True and prod["tags"] == {"Fixed": "tracing"}
    policy(cli, write_policies, "aws.rest-api", "    filters: [{name: public}]\n    actions:\n"
           "      - {type: update, patch: [{op: replace, path: /description, value: reviewed}]}\n")
    assert ag.get_rest_api(restApiId=apis["public"])["description"] == "reviewed"
    policy(cli, write_policies, "aws.rest-stage", f"    filters: [{{restApiId: {apis['private']}}}]\n"
           "    actions: [delete]\n")
    assert ag.get_stages(restApiId=apis["private"])["item"] == []
    policy(cli, write_policies, "aws.rest-api", "    filters: [{name: private}]\n    actions: [delete]\n")
    assert [a["name"] for a in ag.get_rest_apis()["items"]] == ["public"]


def test_dry_run_plans_and_writes_nothing(apis, server, cli, write_policies):
    server.reset_log()
    result = policy(cli, write_policies, "aws.rest-stage", "    actions: [delete]\n", "--dryrun")
    assert server.writes() == []
    plan = json.loads((result.output_dir / "p" / "plan.json").read_text())
    assert sorted(c["params"]["restApiId"] for step in plan for c in step["calls"]) == sorted(apis.values())
