"""Elasticsearch/OpenSearch domains and SageMaker notebooks against moto,
seeded with the sandbox's demo resources: listing, filters (one matches,
another not), details read only when filtered, fetch by id, actions read
back from moto, and dry runs with no write."""
from __future__ import annotations

import json

import pytest

from c7n_lite.sandbox_seed import analytics as analytics_seed
from tests.service_helpers import manager, scan

REGION = "us-east-1"


@pytest.fixture
def seeded(server):
    analytics_seed.seed(server.endpoint, REGION)
    server.reset_log()
    return server


def domain(aws, name):
    return aws("es").describe_elasticsearch_domain(DomainName=name)["DomainStatus"]


# --- Elasticsearch / OpenSearch ------------------------------------------------------

def test_domain_filters(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: unencrypted
    resource: aws.elasticsearch
    filters: [{EncryptionAtRestOptions.Enabled: false}]
  - name: old-tls
    resource: elasticsearch
    filters: [{DomainEndpointOptions.TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07}]
  - name: prod
    resource: aws.elasticsearch
    filters: [{"tag:Environment": prod}]
""", "--dryrun")
    assert result.ids("unencrypted", "DomainName") == ["legacy-logs"]
    assert result.ids("old-tls", "DomainName") == ["legacy-logs"]
    assert result.ids("prod", "DomainName") == ["product-search"]
    assert result.resources("prod")[0]["c7n:AccountId"] == "123456789012"
    assert seeded.writes() == []


def test_domain_fetch_by_name(seeded):
    found = manager(seeded, "aws.elasticsearch").get_resources(["product-search", "gone-domain"])
    assert [d["DomainName"] for d in found] == ["product-search"]


def test_domain_actions(seeded, cli, write_policies, aws):
    # moto accepts UpdateElasticsearchDomainConfig but does not apply it: the
    # calls are checked at the server, the delete is read back.
    scan(cli, write_policies, """
policies:
  - name: harden-legacy
    resource: aws.elasticsearch
    filters: [{DomainName: legacy-logs}]
    actions:
      - {type: update-tls-config, value: Policy-Min-TLS-1-2-2019-07}
      - {type: update-domain-config, EBSOptions: {EBSEnabled: true, VolumeType: gp3, VolumeSize: 10}}
""")
    updates = [r for r in seeded.writes() if r.path.endswith("/es/domain/legacy-logs/config")]
    assert len(updates) == 2 and not any("product-search" in r.path for r in seeded.writes())
    scan(cli, write_policies, """
policies:
  - name: delete-dev
    resource: aws.elasticsearch
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    assert [d["DomainName"] for d in aws("es").list_domain_names()["DomainNames"]] == ["product-search"]


def test_domain_remove_statements_plans_the_policy_left(seeded, cli, write_policies):
    # moto keeps the old policy when sent an empty one: check the plan.
    result = scan(cli, write_policies, """
policies:
  - name: drop-anyone
    resource: aws.elasticsearch
    filters: [{type: value, key: AccessPolicies, op: contains, value: Anyone}]
    actions: [{type: remove-statements, statement_ids: [Anyone]}]
""", "--dryrun")
    assert seeded.writes() == []
    calls = json.loads((result.output_dir / "drop-anyone" / "plan.json").read_text())[0]["calls"]
    assert [(c["operation"], c["params"]) for c in calls] == [
        ("update_elasticsearch_domain_config", {"DomainName": "legacy-logs", "AccessPolicies": ""})]


def test_update_domain_config_takes_its_parameters_only(cli, write_policies):
    bad = cli("validate", write_policies("""
policies:
  - name: bad
    resource: aws.elasticsearch
    actions: [{type: update-domain-config, EBSOption: {VolumeType: gp3}}]
"""))
    assert bad.exit_code != 0 and "EBSOption" in bad.output


# --- SageMaker notebooks --------------------------------------------------------------

def test_notebook_filters_read_the_description_only_when_needed(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: all
    resource: aws.sagemaker-notebook
  - name: in-service
    resource: aws.sagemaker-notebook
    filters: [{NotebookInstanceStatus: InService}]
""", "--dryrun")
    assert len(result.resources("all")) == 2
    assert not any(r.operation == "DescribeNotebookInstance" for r in seeded.requests)
    result = scan(cli, write_policies, """
policies:
  - name: internet
    resource: aws.sagemaker-notebook
    filters: [{DirectInternetAccess: Enabled}]
  - name: root
    resource: sagemaker-notebook
    filters: [{RootAccess: Enabled}, {"tag:Environment": dev}]
""", "--dryrun")
    assert result.ids("internet", "NotebookInstanceName") == ["data-science-scratch"]
    assert result.ids("root", "NotebookInstanceName") == ["data-science-scratch"]
    assert sum(1 for r in seeded.requests if r.operation == "DescribeNotebookInstance") == 2
    found = manager(seeded, "aws.sagemaker-notebook").get_resources(["fraud-model-dev", "gone-notebook"])
    assert [n["NotebookInstanceName"] for n in found] == ["fraud-model-dev"]
    assert "ResponseMetadata" not in found[0]


def test_notebook_actions(seeded, cli, write_policies, aws):
    sm = aws("sagemaker")
    result = scan(cli, write_policies, """
policies:
  - name: stop-all
    resource: aws.sagemaker-notebook
    actions: [stop]
""")
    assert "status Stopped" in result.output   # fraud-model-dev was already stopped
    statuses = {n["NotebookInstanceName"]: n["NotebookInstanceStatus"]
                for n in sm.list_notebook_instances()["NotebookInstances"]}
    assert statuses == {"data-science-scratch": "Stopped", "fraud-model-dev": "Stopped"}
    scan(cli, write_policies, """
policies:
  - name: start-prod
    resource: aws.sagemaker-notebook
    filters: [{"tag:Environment": prod}]
    actions: [start, {type: tag, key: Owner, value: fraud-team}]
  - name: delete-dev
    resource: aws.sagemaker-notebook
    filters: [{"tag:Environment": dev}]
    actions: [delete]
""")
    statuses = {n["NotebookInstanceName"]: n["NotebookInstanceStatus"]
                for n in sm.list_notebook_instances()["NotebookInstances"]}
    assert statuses == {"fraud-model-dev": "InService"}
    arn = sm.describe_notebook_instance(NotebookInstanceName="fraud-model-dev")["NotebookInstanceArn"]
    assert {"Key": "Owner", "Value": "fraud-team"} in sm.list_tags(ResourceArn=arn)["Tags"]


def test_running_notebooks_are_not_deleted(seeded, cli, write_policies):
    result = scan(cli, write_policies, """
policies:
  - name: delete-all
    resource: aws.sagemaker-notebook
    actions: [delete]
""", "--dryrun")
    assert seeded.writes() == []
    assert "status InService: stop it first" in result.output
    assert "delete_notebook_instance" in result.output


def test_upgrade_and_cross_cluster_filters_fail_loudly_where_moto_cannot_answer(seeded, cli, write_policies):
    # moto serves neither GetCompatibleElasticsearchVersions nor the
    # cross-cluster connection calls: the policies error, none passes.
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: upgradable
    resource: aws.elasticsearch
    filters: [{type: upgrade-available, major: false}]
  - name: foreign-connections
    resource: aws.elasticsearch
    filters:
      - type: cross-cluster
        inbound: {key: SourceDomainInfo.OwnerId, op: ne, value: "123456789012"}
"""))
    for name in ("upgradable", "foreign-connections"):
        assert result.metadata(name)["errors"], name
        assert result.all_errored(name)
    bad = cli("validate", write_policies("""
policies:
  - name: no-side
    resource: aws.elasticsearch
    filters: [{type: cross-cluster}]
  - name: bad-key
    resource: aws.elasticsearch
    filters: [{type: cross-cluster, outbound: {key: Status, valu: ACTIVE}}]
""", name="bad.yml"))
    assert bad.exit_code != 0
    assert "needs 'inbound' or 'outbound'" in bad.output and "outbound: unknown key 'valu'" in bad.output
