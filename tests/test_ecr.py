"""ECR repositories: enumeration, fetch by name, cross-account and lifecycle
filters, each action's effect read back from moto, dry runs that write nothing."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.ecr import EXPIRE_UNTAGGED, PARTNER, pull_policy


@pytest.fixture
def repos(aws):
    ecr = aws("ecr")
    ecr.create_repository(repositoryName="shared", tags=[{"Key": "Team", "Value": "a"}])
    ecr.set_repository_policy(repositoryName="shared", policyText=pull_policy(PARTNER))
    ecr.create_repository(repositoryName="tidy", imageTagMutability="IMMUTABLE")
    ecr.put_lifecycle_policy(repositoryName="tidy", lifecyclePolicyText=json.dumps(EXPIRE_UNTAGGED))
    return ecr


def names(cli, write_policies, body, *flags):
    result = cli("run", "--dryrun", *flags,
                 write_policies("policies:\n  - name: p\n    resource: aws.ecr\n" + body))
    assert result.exit_code == 0, result.output
    return result.ids("p", "repositoryName")


def run(cli, write_policies, body):
    result = cli("run", write_policies("policies:\n  - name: p\n    resource: aws.ecr\n" + body))
    assert result.exit_code == 0, result.output
    return result


def test_enumerate_and_fetch(repos, server):
    load_all()
    rt = resources.get("aws.ecr")
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    assert sorted(r["repositoryName"] for r in rt.enumerate(session)) == ["shared", "tidy"]
    assert [r["repositoryName"] for r in rt.fetch_by_ids(session, ["tidy", "gone"])] == ["tidy"]


def test_filters(repos, cli, write_policies):
    assert names(cli, write_policies, "    filters: [cross-account]\n") == ["shared"]
    assert names(cli, write_policies, f"    filters: [{{type: cross-account, whitelist: ['{PARTNER}']}}]\n") == []
    assert names(cli, write_policies, "    filters: [{type: lifecycle-rule, state: false}]\n") == ["shared"]
    assert names(cli, write_policies, "    filters: [{type: lifecycle-rule, state: true, match: "
                                      "[{selection.tagStatus: untagged}]}]\n") == ["tidy"]
    assert names(cli, write_policies, "    filters: [{type: lifecycle-rule, state: true, match: "
                                      "[{key: selection.countNumber, value: 30}]}]\n") == []
    assert names(cli, write_policies, "    filters: [{tag:Team: absent}]\n") == ["tidy"]


def test_actions(repos, cli, write_policies):
    run(cli, write_policies, "    filters: [cross-account]\n"
        "    actions: [{type: remove-statements, statement_ids: matched}]\n")
    with pytest.raises(repos.exceptions.RepositoryPolicyNotFoundException):
        repos.get_repository_policy(repositoryName="shared")
    run(cli, write_policies, "    filters: [{repositoryName: shared}]\n    actions:\n"
        "      - set-immutability\n      - set-scanning\n"
        "      - {type: set-lifecycle, rules: [{rulePriority: 1, selection: {tagStatus: any, countType: "
        "imageCountMoreThan, countNumber: 50}, action: {type: expire}}]}\n"
        "      - {type: tag, key: Owner, value: bob}\n")
    (repo,) = repos.describe_repositories(repositoryNames=["shared"])["repositories"]
    assert repo["imageTagMutability"] == "IMMUTABLE" and repo["imageScanningConfiguration"]["scanOnPush"]
    rules = json.loads(repos.get_lifecycle_policy(repositoryName="shared")["lifecyclePolicyText"])["rules"]
    assert rules[0]["selection"]["countNumber"] == 50
    tags = repos.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
    assert {"Key": "Owner", "Value": "bob"} in tags


def test_dry_run_writes_nothing(repos, server, cli, write_policies):
    server.reset_log()
    names(cli, write_policies, "    actions: [set-immutability, {type: remove-statements, statement_ids: '*'}]\n")
    assert server.writes() == []
