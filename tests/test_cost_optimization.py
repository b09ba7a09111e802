"""cost-optimization on EC2.  moto does not serve Cost Optimization Hub: the
test server answers ListRecommendations in its wire format (JSON 1.0)."""
from __future__ import annotations

import json

from tests.test_actions_ec2 import launch
from tests.test_filters_language import ids  # noqa: F401 - the fixture
from tests.test_lambda import functions  # noqa: F401 - the fixture

HUB_JSON = "application/x-amz-json-1.0"


def recommendation(instance_id, savings, lookback=14, action="Rightsize"):
    return {"recommendationId": f"r-{instance_id}", "accountId": "123456789012", "region": "us-east-1",
            "resourceId": instance_id, "resourceArn": f"arn:aws:ec2:us-east-1:123456789012:instance/{instance_id}",
            "currentResourceType": "Ec2Instance", "recommendedResourceType": "Ec2Instance",
            "estimatedMonthlySavings": savings, "recommendationLookbackPeriodInDays": lookback,
            "actionType": action, "implementationEffort": "VeryLow"}


def serve_hub(server, items, refuse=False):
    asked = []

    def hook(request):
        if request.operation != "ListRecommendations":
            return None
        body = json.loads(request.body)
        asked.append(body)
        if refuse:
            return 400, json.dumps({"__type": "AccessDeniedException", "message": "not enrolled"}), HUB_JSON
        return 200, json.dumps({"items": items}), HUB_JSON
    server.hooks.append(hook)
    return asked


def test_cost_optimization_rightsize_savings(aws, ids, server):  # noqa: F811
    big, small, none = launch(aws("ec2"), 3)
    asked = serve_hub(server, [recommendation(big, 40.0), recommendation(small, 5.0),
                               recommendation("i-0000000000000000f", 99.0)])
    data = {"type": "cost-optimization", "attrs": [
        {"actionType": "Rightsize"}, {"key": "recommendationLookbackPeriodInDays", "op": "gte", "value": 10},
        {"key": "estimatedMonthlySavings", "value": 30, "op": "gte"}]}
    assert ids("aws.ec2", [data], "InstanceId") == [big]
    assert asked[0]["filter"] == {"actionTypes": ["Rightsize"], "regions": ["us-east-1"],
                                  "resourceTypes": ["Ec2Instance"]}
    assert sorted(ids("aws.ec2", ["cost-optimization"], "InstanceId")) == sorted([big, small])


def test_cost_optimization_refused_is_an_error(aws, cli, write_policies, server):
    launch(aws("ec2"), 2)
    serve_hub(server, [], refuse=True)
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "co", "resource": "aws.ec2", "filters": ["cost-optimization"]}]})))
    assert result.exit_code != 0
    assert result.all_errored("co")


def test_resize_follows_the_rightsize_recommendation(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    advised, other = launch(ec2, 2)
    ec2.stop_instances(InstanceIds=[advised, other])
    serve_hub(server, [{**recommendation(advised, 40.0), "recommendedResourceSummary": "t3.nano"}])
    result = cli("run", write_policies(json.dumps({"policies": [{
        "name": "rightsize", "resource": "aws.ec2", "filters": [
            {"type": "cost-optimization", "attrs": [{"actionType": "Rightsize"}]}], "actions": ["resize"]}]})))
    assert result.exit_code == 0, result.output
    found = ec2.describe_instances(InstanceIds=[advised, other])["Reservations"]
    types = {i["InstanceId"]: i["InstanceType"] for r in found for i in r["Instances"]}
    assert types == {advised: "t3.nano", other: "t3.micro"}


def test_cost_optimization_on_lambda_strips_the_version(functions, ids, server):  # noqa: F811
    arns = functions
    asked = serve_hub(server, [
        {"recommendationId": "r1", "resourceArn": arns["public"] + ":3", "actionType": "Rightsize",
         "estimatedMonthlySavings": 12.0, "currentResourceType": "LambdaFunction"}])
    data = {"type": "cost-optimization", "attrs": [{"key": "estimatedMonthlySavings", "op": "gte", "value": 10}]}
    assert ids("aws.lambda", [data], "FunctionName") == ["public"]
    assert asked[0]["filter"]["resourceTypes"] == ["LambdaFunction"]
