"""CloudFront distributions: enumeration (once per account), tags, the
configuration/origin/WAF filters, each action's effect read back from moto,
dry runs that write nothing."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed.cloudfront import VISIBILITY, config


@pytest.fixture
def distributions(aws):
    s3, cf, waf = aws("s3"), aws("cloudfront"), aws("wafv2")
    s3.create_bucket(Bucket="mine")
    acl = waf.create_web_acl(Name="edge", Scope="CLOUDFRONT", DefaultAction={"Allow": {}},
                             VisibilityConfig=VISIBILITY)["Summary"]["ARN"]
    ids = {}
    for ref, bucket, viewer, logging, root, web_acl in (("old", "gone-bucket", "allow-all", False, "", ""),
                                                         ("good", "mine", "https-only", True, "index.html", acl)):
        ids[ref] = cf.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": config(ref, bucket, viewer, logging, root, web_acl),
            "Tags": {"Items": [{"Key": "Name", "Value": ref}]}})["Distribution"]["Id"]
    return ids


def policy(cli, write_policies, body, *flags):
    result = cli("run", *flags, write_policies("policies:\n  - name: p\n    resource: aws.distribution\n" + body))
    assert result.exit_code == 0, result.output
    return result


def matched(cli, write_policies, body):
    return [r["Comment"] for r in policy(cli, write_policies, body, "--dryrun").resources("p")]


def test_enumerate_is_global_with_tags(distributions, server, cli, write_policies):
    load_all()
    rt = resources.get("aws.distribution")
    assert rt.global_resource
    assert sorted(d["Id"] for d in rt.enumerate(AwsSession(region="us-east-1", endpoint_url=server.endpoint))) \
        == sorted(distributions.values())
    assert matched(cli, write_policies, "    filters: [{tag:Name: good}]\n") == ["good"]


def test_fetch_by_id_for_an_event(distributions, server):
    load_all()
    rt = resources.get("aws.distribution")
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    found = rt.fetch_by_ids(session, [distributions["good"], "E0000000000000"])
    assert [(d["Id"], d["Status"]) for d in found] == [(distributions["good"], "Deployed")]


def test_config_origin_and_waf_filters(distributions, cli, write_policies):
    assert matched(cli, write_policies, "    filters: [{type: distribution-config, key: Logging.Enabled, "
                                        "value: false}]\n") == ["old"]
    result = policy(cli, write_policies, "    filters: [mismatch-s3-origin]\n", "--dryrun")
    assert [(r["Comment"], r["c7n:mismatched-s3-origin"]) for r in result.resources("p")] == [("old", ["gone-bucket"])]
    assert matched(cli, write_policies, "    filters: [{type: wafv2-enabled, state: false}]\n") == ["old"]
    assert matched(cli, write_policies, "    filters: [{type: wafv2-enabled, state: true, web-acl: ed.e}]\n") \
        == ["good"]
    assert matched(cli, write_policies, "    filters: [{type: wafv2-enabled, key: Name, value: edge}]\n") == ["good"]


def test_set_protocols_set_attributes_and_disable(distributions, aws, cli, write_policies):
    cf = aws("cloudfront")
    policy(cli, write_policies, "    filters: [{DefaultCacheBehavior.ViewerProtocolPolicy: allow-all}]\n"
           "    actions:\n      - {type: set-protocols, ViewerProtocolPolicy: redirect-to-https}\n"
           "      - {type: set-attributes, attributes: {DefaultRootObject: index.html}}\n      - disable\n")
    old = cf.get_distribution_config(Id=distributions["old"])["DistributionConfig"]
    assert (old["DefaultCacheBehavior"]["ViewerProtocolPolicy"], old["DefaultRootObject"], old["Enabled"]) == \
        ("redirect-to-https", "index.html", False)
    good = cf.get_distribution_config(Id=distributions["good"])["DistributionConfig"]
    assert (good["DefaultCacheBehavior"]["ViewerProtocolPolicy"], good["Enabled"]) == ("https-only", True)


def test_set_wafv2(distributions, aws, cli, write_policies):
    cf = aws("cloudfront")
    policy(cli, write_policies, "    actions: [{type: set-wafv2, web-acl: edge}]\n")
    configs = {k: cf.get_distribution_config(Id=v)["DistributionConfig"]["WebACLId"] for k, v in distributions.items()}
    assert configs["old"] == configs["good"] and configs["old"].startswith("arn:aws:wafv2:")


def test_tagging(distributions, aws, cli, write_policies):
    cf = aws("cloudfront")
    policy(cli, write_policies, "    filters: [{tag:Name: old}]\n"
           "    actions: [{type: tag, key: Owner, value: bob}, {type: remove-tag, tags: [Name]}]\n")
    arn = cf.get_distribution(Id=distributions["old"])["Distribution"]["ARN"]
    assert cf.list_tags_for_resource(Resource=arn)["Tags"]["Items"] == [{"Key": "Owner", "Value": "bob"}]


def test_set_attributes_refuses_caller_reference(cli, write_policies):
    result = cli("validate", write_policies(
        "policies:\n  - name: p\n    resource: aws.distribution\n"
        "    actions: [{type: set-attributes, attributes: {CallerReference: x}}]\n"))
    assert result.exit_code != 0 and "CallerReference" in result.output


def test_dry_run_plans_and_writes_nothing(distributions, server, cli, write_policies):
    server.reset_log()
    result = policy(cli, write_policies, "    actions: [disable, {type: set-protocols, "
                                         "ViewerProtocolPolicy: https-only}]\n", "--dryrun")
    assert server.writes() == []
    plan = json.loads((result.output_dir / "p" / "plan.json").read_text())
    assert sorted(c["operation"] for step in plan for c in step["calls"]) == ["update_distribution"] * 4
