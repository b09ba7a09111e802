"""config-compliance on EC2: Config rule evaluations, answered at the test
server (moto does not serve GetComplianceDetailsByConfigRule)."""
from __future__ import annotations

import json
import time

from tests.test_actions_ec2 import launch
from tests.test_filters_language import ids  # noqa: F401 - the fixture

CONFIG_JSON = "application/x-amz-json-1.1"


def evaluation(rule, resource_id, state="NON_COMPLIANT", resource_type="AWS::EC2::Instance", age_days=0):
    when = time.time() - age_days * 86400
    return {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
        "ConfigRuleName": rule, "ResourceType": resource_type, "ResourceId": resource_id},
        "OrderingTimestamp": when}, "ComplianceType": state, "ResultRecordedTime": when,
        "ConfigRuleInvokedTime": when}


def serve_rules(server, rules):
    """Answer GetComplianceDetailsByConfigRule from `rules` (name → evaluations),
    keeping the states asked for; an unknown rule is Config's NoSuchConfigRule."""
    asked = []

    def hook(request):
        if request.operation != "GetComplianceDetailsByConfigRule":
            return None
        body = json.loads(request.body)
        asked.append(body)
        if body["ConfigRuleName"] not in rules:
            return 400, json.dumps({"__type": "NoSuchConfigRuleException", "message": "no such rule"}), CONFIG_JSON
        states = body.get("ComplianceTypes") or []
        return 200, json.dumps({"EvaluationResults": [
            e for e in rules[body["ConfigRuleName"]] if not states or e["ComplianceType"] in states]}), CONFIG_JSON
    server.hooks.append(hook)
    return asked


def test_config_compliance_matches_evaluated_instances(aws, ids, server):  # noqa: F811
    flagged, recent, fine = launch(aws("ec2"), 3)
    asked = serve_rules(server, {
        "encryption": [evaluation("encryption", flagged, age_days=60), evaluation("encryption", fine, "COMPLIANT"),
                       # another resource type with the same id never counts for the instance
                       evaluation("encryption", fine, resource_type="AWS::EC2::Volume")],
        "tags": [evaluation("tags", recent)]})
    rules = {"type": "config-compliance", "rules": ["encryption", "tags"]}
    assert sorted(ids("aws.ec2", [rules], "InstanceId")) == sorted([flagged, recent])
    assert asked[0] == {"ConfigRuleName": "encryption", "ComplianceTypes": ["NON_COMPLIANT"]}
    recent_only = {**rules, "eval_filters": [
        {"type": "value", "key": "ResultRecordedTime", "value_type": "age", "value": 30, "op": "less-than"}]}
    assert ids("aws.ec2", [recent_only], "InstanceId") == [recent]
    compliant = {**rules, "states": ["COMPLIANT"]}
    assert ids("aws.ec2", [compliant], "InstanceId") == [fine]


def test_config_compliance_unreadable_rule_is_an_error(aws, cli, write_policies, server):
    launch(aws("ec2"), 2)
    serve_rules(server, {})
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "cc", "resource": "aws.ec2", "filters": [{"type": "config-compliance", "rules": ["missing"]}]}]})))
    assert result.exit_code != 0
    assert result.all_errored("cc")
    assert result.resources("cc") == []
