"""EKS clusters and ACM certificates: enumeration (all key types), tags, value
filters on described fields, actions read back from moto, dry runs that write nothing."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.eks import seed, self_signed


@pytest.fixture
def demo(server, aws):
    seed(server.endpoint, "us-east-1")
    return aws("eks"), aws("acm")


def run(cli, write_policies, resource, body, *flags):
    result = cli("run", *flags, write_policies(f"policies:\n  - name: p\n    resource: {resource}\n" + body))
    assert result.exit_code == 0, result.output
    return result


def test_eks_enumerate_fetch_and_filters(demo, server, cli, write_policies):
    load_all()
    rt = resources.get("aws.eks")
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    clusters = {c["name"]: c for c in rt.enumerate(session)}
    assert {t["Key"] for t in clusters["prod-k8s"]["Tags"]} == {"Team", "Owner"}
    assert [c["name"] for c in rt.fetch_by_ids(session, ["legacy-k8s", "gone"])] == ["legacy-k8s"]
    result = run(cli, write_policies, "aws.eks", "    filters: [{encryptionConfig: empty}, {tag:Owner: absent}]\n",
                 "--dryrun")
    assert result.ids("p", "name") == ["legacy-k8s"]


def test_eks_actions(demo, cli, write_policies):
    eks, _ = demo
    run(cli, write_policies, "aws.eks", "    filters: [{name: legacy-k8s}]\n"
        "    actions: [{type: tag, key: Owner, value: ops}]\n")
    assert eks.describe_cluster(name="legacy-k8s")["cluster"]["tags"]["Owner"] == "ops"
    run(cli, write_policies, "aws.eks", "    filters: [{name: legacy-k8s}]\n    actions: [delete]\n")
    assert eks.list_clusters()["clusters"] == ["prod-k8s"]


def test_eks_update_config_is_checked_against_the_api(cli, write_policies):
    result = cli("validate", write_policies("policies:\n  - name: p\n    resource: aws.eks\n"
                                            "    actions: [{type: update-config, resourcesVpcConfig: "
                                            "{endpointPublic: false}}]\n"))
    assert result.exit_code != 0 and "endpointPublic" in result.output


def test_eks_dry_run_writes_nothing(demo, server, cli, write_policies):
    server.reset_log()
    run(cli, write_policies, "aws.eks", "    actions: [delete, {type: update-config, resourcesVpcConfig: "
        "{endpointPublicAccess: false}}]\n", "--dryrun")
    assert server.writes() == []


def test_acm_lists_every_key_type_and_reads_details(demo, aws, cli, write_policies):
    _, acm = demo
    acm.request_certificate(DomainName="fresh.example.com")
    result = run(cli, write_policies, "aws.acm-certificate",
                 "    filters: [{type: value, key: NotAfter, value_type: expiration, op: lt, value: 30}]\n", "--dryrun")
    assert result.ids("p", "DomainName") == ["legacy.demo.example.com"]
    # Issuer is not in the listing: it is described, not taken as absent.
    result = run(cli, write_policies, "aws.acm-certificate", "    filters: [{Issuer: present}, {tag:Team: legacy}]\n",
                 "--dryrun")
    assert result.ids("p", "DomainName") == ["legacy.demo.example.com"]


def test_acm_tag_and_delete(demo, cli, write_policies):
    _, acm = demo
    cert, key = self_signed(400)
    arn = acm.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    run(cli, write_policies, "aws.acm-certificate", f"    filters: [{{CertificateArn: '{arn}'}}]\n"
        "    actions: [{type: tag, key: Owner, value: ops}]\n")
    assert acm.list_tags_for_certificate(CertificateArn=arn)["Tags"] == [{"Key": "Owner", "Value": "ops"}]
    run(cli, write_policies, "aws.acm-certificate", f"    filters: [{{CertificateArn: '{arn}'}}]\n"
        "    actions: [delete]\n")
    left = [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]]
    assert arn not in left and len(left) == 1


def test_eks_associate_encryption_config(demo, server, cli, write_policies):
    server.reset_log()
    result = run(cli, write_policies, "aws.eks", "    actions:\n      - type: associate-encryption-config\n"
                 "        encryptionConfig: [{provider: {keyArn: alias/eks}, resources: [secrets]}]\n", "--dryrun")
    import json
    plan = json.loads((result.output_dir / "p" / "plan.json").read_text())
    calls = [c for step in plan for c in step["calls"]]
    assert [(c["operation"], c["resource_ids"]) for c in calls] == [
        ("associate_encryption_config", ["legacy-k8s"]), ("", ["prod-k8s"])]
    assert server.writes() == []
