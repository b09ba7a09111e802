"""API Gateway demo: REST APIs and stages, for policies/apigateway.yml and
policies/compliance/apigateway.yml.

- orders API: a resource policy open to everyone; its prod stage has X-Ray
  tracing, INFO logging and access logs, its test stage none of them;
- internal API: a policy for this account only; its prod stage is protected
  by a WAFv2 web ACL.
"""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "apis"}


def policy(principal: object) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "execute-api:Invoke", "Resource": "*"}]})


def api_with_stage(ag, name: str, principal: object, tags: dict) -> str:
    api = ag.create_rest_api(name=name, policy=policy(principal), tags=tags)["id"]
    root = ag.get_resources(restApiId=api)["items"][0]["id"]
    ag.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    ag.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    ag.create_deployment(restApiId=api, stageName="prod")
    return api


def seed(endpoint: str, region: str) -> None:
    ag = boto3.client("apigateway", region_name=region, endpoint_url=endpoint)
    orders = api_with_stage(ag, "orders", "*", {"Team": "shop"})
    ag.update_stage(restApiId=orders, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/apigateway/orders"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}])
    deployment = ag.get_stage(restApiId=orders, stageName="prod")["deploymentId"]
    ag.create_stage(restApiId=orders, stageName="test", deploymentId=deployment, tags={"Env": "test"})
    internal = api_with_stage(ag, "internal", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"Team": "platform"})
    ag.update_stage(restApiId=internal, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}])
    waf = boto3.client("wafv2", region_name=region, endpoint_url=endpoint)
    acl = waf.create_web_acl(Name="api-gateway-protection", Scope="REGIONAL", DefaultAction={"Allow": {}},
                             VisibilityConfig=VISIBILITY)["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl,
                          ResourceArn=f"arn:aws:apigateway:{region}::/restapis/{internal}/stages/prod")
