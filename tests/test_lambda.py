"""Lambda functions: enumeration, fetch by name, the policy/URL/concurrency
filters, each action's effect read back from moto, dry runs that write nothing."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.awslambda import TRUST, _code

PARTNER = "210987654321"


@pytest.fixture
def functions(aws):
    iam, lam = aws("iam"), aws("lambda")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    arns = {}
    for name, runtime, tags in (("public", "python3.12", {"Owner": "a"}), ("partner", "python3.8", {}),
                                ("private", "python3.12", {"Owner": "b"})):
        arns[name] = lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler="handler.handler",
                                         Code={"ZipFile": _code()}, Tags=tags)["FunctionArn"]
    lam.add_permission(FunctionName="public", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(FunctionName="public", StatementId="sns", Action="lambda:InvokeFunction",
                       Principal="sns.amazonaws.com", SourceAccount="123456789012")
    lam.add_permission(FunctionName="partner", StatementId="partner", Action="lambda:InvokeFunction",
                       Principal=PARTNER)
    lam.create_function_url_config(FunctionName="public", AuthType="NONE")
    lam.create_function_url_config(FunctionName="private", AuthType="AWS_IAM")
    lam.put_function_concurrency(FunctionName="private", ReservedConcurrentExecutions=3)
    return arns


def run_policy(cli, write_policies, body, *flags):
    result = cli("run", *flags, write_policies("policies:\n  - name: p\n    resource: aws.lambda\n" + body))
    assert result.exit_code == 0, result.output
    return result


def matched(cli, write_policies, body):
    return run_policy(cli, write_policies, body, "--dryrun").ids("p", "FunctionName")


def test_enumerate_fetch_by_name_and_tags(functions, server, cli, write_policies):
    load_all()
    rt = resources.get("aws.lambda")
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    assert sorted(f["FunctionName"] for f in rt.enumerate(session)) == ["partner", "private", "public"]
    (found,) = rt.fetch_by_ids(session, ["partner"])
    assert found["FunctionArn"] == functions["partner"] and found["Runtime"] == "python3.8"
    assert rt.fetch_by_ids(session, ["deleted-meanwhile"]) == []
    # Tags are read with ListTags, not assumed absent.
    assert matched(cli, write_policies, "    filters: [{tag:Owner: absent}]\n") == ["partner"]


def test_cross_account_and_event_source(functions, cli, write_policies):
    result = run_policy(cli, write_policies, "    filters: [cross-account]\n", "--dryrun")
    found = {r["FunctionName"]: [s["Sid"] for s in r["CrossAccountViolations"]] for r in result.resources("p")}
    assert found == {"partner": ["partner"], "public": ["anyone"]}
    assert matched(cli, write_policies, "    filters: [{type: cross-account, everyone_only: true}]\n") == ["public"]
    assert matched(cli, write_policies, f"    filters: [{{type: cross-account, whitelist: ['{PARTNER}']}}]\n") \
        == ["public"]
    assert matched(cli, write_policies, "    filters: [{type: event-source, op: contains, "
                                        "value: sns.amazonaws.com}]\n") == ["public"]


def test_url_config_and_reserved_concurrency(functions, cli, write_policies):
    assert matched(cli, write_policies, "    filters: [{type: url-config, key: AuthType, value: NONE}]\n") \
        == ["public"]
    assert matched(cli, write_policies, "    filters: [{type: url-config, key: AuthType, value: absent}]\n") \
        == ["partner"]
    assert matched(cli, write_policies, "    filters: [{type: reserved-concurrency, value: absent}]\n") \
        == ["partner", "public"]
    assert matched(cli, write_policies, "    filters: [{type: reserved-concurrency, value: 2, op: gt}]\n") \
        == ["private"]


def test_policy_read_failure_is_an_error_not_a_pass(functions, server, cli, write_policies):
    denied = (403, '{"__type": "AccessDeniedException", "message": "not allowed"}', "application/json")
    server.hooks.append(lambda r: denied if r.method == "GET" and r.path.endswith("/policy") else None)
    result = cli("run", "--dryrun", write_policies(
        "policies:\n  - name: p\n    resource: aws.lambda\n    filters: [cross-account]\n"))
    # Unknown is never compliant: the policy fails, no function is reported as passing.
    assert result.exit_code == 1
    assert "AccessDeniedException" in (result.output_dir / "p" / "metadata.json").read_text() + result.output


def test_remove_matched_statements(functions, aws, cli, write_policies):
    lam = aws("lambda")
    run_policy(cli, write_policies, "    filters: [{type: cross-account, everyone_only: true}]\n"
                                    "    actions: [{type: remove-statements, statement_ids: matched}]\n")
    sids = [s["Sid"] for s in json.loads(lam.get_policy(FunctionName="public")["Policy"])["Statement"]]
    assert sids == ["sns"]
    partner = [s["Sid"] for s in json.loads(lam.get_policy(FunctionName="partner")["Policy"])["Statement"]]
    assert partner == ["partner"]
    run_policy(cli, write_policies, "    actions: [{type: remove-statements, statement_ids: [partner, nope]}]\n")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName="partner")


def test_set_concurrency_update_and_delete(functions, aws, cli, write_policies):
    lam = aws("lambda")
    run_policy(cli, write_policies, "    filters: [{FunctionName: public}]\n"
                                    "    actions: [{type: set-concurrency, value: 7}, "
                                    "{type: update, properties: {Timeout: 45, MemorySize: 256}}]\n")
    info = lam.get_function(FunctionName="public")
    assert info["Concurrency"]["ReservedConcurrentExecutions"] == 7
    assert (info["Configuration"]["Timeout"], info["Configuration"]["MemorySize"]) == (45, 256)
    run_policy(cli, write_policies, "    filters: [{FunctionName: private}]\n"
                                    "    actions: [{type: set-concurrency, value: null}]\n")
    assert "Concurrency" not in lam.get_function(FunctionName="private")
    run_policy(cli, write_policies, "    filters: [{Runtime: python3.8}]\n    actions: [delete]\n")
    assert sorted(f["FunctionName"] for f in lam.list_functions()["Functions"]) == ["private", "public"]


def test_tag_family(functions, aws, cli, write_policies):
    lam = aws("lambda")
    run_policy(cli, write_policies, "    filters: [{FunctionName: public}]\n"
                                    "    actions: [{type: tag, key: Team, value: web}, "
                                    "{type: remove-tag, tags: [Owner]}]\n")
    assert lam.list_tags(Resource=functions["public"])["Tags"] == {"Team": "web"}


def test_bad_update_properties_are_refused(cli, write_policies):
    result = cli("validate", write_policies("policies:\n  - name: p\n    resource: aws.lambda\n"
                                            "    actions: [{type: update, properties: {Timeuot: 3}}]\n"))
    assert result.exit_code != 0 and "Timeuot" in result.output


def test_dry_run_plans_and_writes_nothing(functions, server, cli, write_policies):
    server.reset_log()
    result = run_policy(cli, write_policies, "    filters: [cross-account]\n"
                                             "    actions: [{type: remove-statements, statement_ids: matched},\n"
                                             "              {type: set-concurrency, value: 0}, delete]\n", "--dryrun")
    assert server.writes() == []
    plan = json.loads((result.output_dir / "p" / "plan.json").read_text())
    ops = sorted(c["operation"] for step in plan for c in step["calls"])
    assert ops == ["delete_function"] * 2 + ["put_function_concurrency"] * 2 + ["remove_permission"] * 2


def test_trim_versions(functions, aws, cli, write_policies):
    lam = aws("lambda")
    for _ in range(3):
        lam.publish_version(FunctionName="public")
    lam.create_alias(FunctionName="public", Name="live", FunctionVersion="1")
    run_policy(cli, write_policies, "    filters: [{FunctionName: public}]\n"
                                    "    actions: [{type: trim-versions, retain-latest: true}]\n")
    left = [v["Version"] for v in lam.list_versions_by_function(FunctionName="public")["Versions"]]
    # $LATEST, the aliased 1, and the versions sharing $LATEST's code are kept.
    assert "$LATEST" in left and "1" in left
    run_policy(cli, write_policies, "    filters: [{FunctionName: public}]\n"
                                    "    actions: [{type: trim-versions, exclude-aliases: false}]\n")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="public")["Versions"]] == ["$LATEST"]
