"""ECS clusters, services and task definitions: enumeration with tags, the
taggable filter, each action's effect read back from moto, dry runs that write nothing."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.ecs import seed


@pytest.fixture
def demo(server, aws):
    seed(server.endpoint, "us-east-1")
    return aws("ecs")


def run(cli, write_policies, resource, body, *flags):
    result = cli("run", *flags, write_policies(f"policies:\n  - name: p\n    resource: {resource}\n" + body))
    assert result.exit_code == 0, result.output
    return result


def test_enumerate_with_tags(demo, server):
    load_all()
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    clusters = {c["clusterName"]: c for c in resources.get("aws.ecs").enumerate(session)}
    assert clusters["prod"]["Tags"] == [{"Key": "Env", "Value": "prod"}]
    services = {s["serviceName"]: s for s in resources.get("aws.ecs-service").enumerate(session)}
    assert services["web"]["Tags"] == [{"Key": "Owner", "Value": "web-team"}]
    assert services["legacy-worker"]["Tags"] == []
    defs = resources.get("aws.ecs-task-definition").enumerate(session)
    assert sorted(d["family"] for d in defs) == ["legacy-worker", "web"]
    rt = resources.get("aws.ecs-service")
    assert [s["serviceName"] for s in rt.fetch_by_ids(session, [services["web"]["serviceArn"]])] == ["web"]


def test_filters(demo, cli, write_policies):
    result = run(cli, write_policies, "aws.ecs-service", "    filters: [taggable, {tag:Owner: absent}]\n", "--dryrun")
    assert result.ids("p", "serviceName") == ["legacy-worker"]
    result = run(cli, write_policies, "aws.ecs-service", "    filters: [{type: taggable, state: false}]\n", "--dryrun")
    assert result.resources("p") == []
    result = run(cli, write_policies, "aws.ecs-task-definition", "    filters: [{networkMode: host}]\n", "--dryrun")
    assert result.ids("p", "family") == ["legacy-worker"]


def test_service_actions(demo, cli, write_policies):
    def service(name):
        return demo.describe_services(cluster="prod", services=[name])["services"][0]
    run(cli, write_policies, "aws.ecs-service", "    filters: [{serviceName: legacy-worker}]\n"
        "    actions: [{type: resize, desired: 0}, {type: tag, key: Owner, value: ops}]\n")
    assert service("legacy-worker")["desiredCount"] == 0 and service("web")["desiredCount"] == 2
    tags = demo.list_tags_for_resource(resourceArn=service("legacy-worker")["serviceArn"])["tags"]
    assert tags == [{"key": "Owner", "value": "ops"}]
    run(cli, write_policies, "aws.ecs-service", "    filters: [{serviceName: web}]\n"
        "    actions: [{type: modify, update: {desiredCount: 4}}]\n")
    assert service("web")["desiredCount"] == 4
    run(cli, write_policies, "aws.ecs-service", "    filters: [{serviceName: web}]\n    actions: [delete]\n")
    assert service("web")["status"] in ("DRAINING", "INACTIVE")


def test_task_definition_delete(demo, cli, write_policies):
    run(cli, write_policies, "aws.ecs-task-definition", "    filters: [{networkMode: host}]\n    actions: [delete]\n")
    active = demo.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
    assert len(active) == 1 and "web" in active[0]


def test_dry_run_writes_nothing(demo, server, cli, write_policies):
    server.reset_log()
    run(cli, write_policies, "aws.ecs-service", "    actions: [delete, {type: resize, desired: 1}]\n", "--dryrun")
    assert server.writes() == []
