"""Launch template versions: every version of every template is a resource,
fetched by `<template id>/<version>` for events, filtered on its launch data,
tagged through its template; a denied version read fails the policy."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from tests.write_detector import writes

DENIED = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>'
          '<Message>not authorized</Message></Error></Errors><RequestId>injected</RequestId></Response>')


@pytest.fixture
def templates(aws):
    ec2 = aws("ec2")
    web = ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Team", "Value": "web"}]}],
    )["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(
        LaunchTemplateId=web, LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro",
                                                  "MetadataOptions": {"HttpTokens": "required"}})
    batch = ec2.create_launch_template(
        LaunchTemplateName="batch", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "c5.large"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    return {"ec2": ec2, "web": web, "batch": batch}


def policy(write_policies, body):
    return write_policies("policies:\n  - name: ltv\n    resource: aws.launch-template-version\n" + body)


def test_every_version_is_listed_and_fetched_by_its_compound_id(templates, server):
    load_all()
    rt = resources.get("aws.launch-template-version")
    session = AwsSession(region="us-east-1", endpoint_url=server.endpoint)
    listed = sorted((v["LaunchTemplateName"], v["VersionNumber"]) for v in rt.enumerate(session))
    assert listed == [("batch", 1), ("web", 1), ("web", 2)]
    web = templates["web"]
    one = rt.fetch_by_ids(session, [f"{web}/2"])
    assert [(rt.resource_id(v), v["Tags"]) for v in one] == [(f"{web}/2", [{"Key": "Team", "Value": "web"}])]
    assert sorted(v["VersionNumber"] for v in rt.fetch_by_ids(session, [web, "lt-0123456789abcdef0"])) == [1, 2]


def test_filters_read_the_version_data_and_the_template_tags(templates, cli, write_policies):
    result = cli("run", "--dryrun", policy(write_policies, "    filters:\n"
                 "      - LaunchTemplateData.MetadataOptions.HttpTokens: absent\n"
                 "      - tag:Team: present\n"))
    assert result.exit_code == 0, result.output
    assert [(r["LaunchTemplateName"], r["VersionNumber"]) for r in result.resources("ltv")] == [("web", 1)]
    assert result.metadata("ltv")["counts"]["evaluated"] == 3


def test_tag_writes_to_the_template_and_dry_run_writes_nothing(templates, server, cli, write_policies):
    path = policy(write_policies, "    filters: [{type: value, key: LaunchTemplateData.InstanceType,"
                                  " value: c5.large}]\n"
                                  "    actions: [{type: tag, key: Review, value: oversized}]\n")
    server.reset_log()
    assert cli("run", "--dryrun", path).exit_code == 0
    assert writes(server) == []
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    # moto's DescribeLaunchTemplates leaves out tags CreateTags added later (AWS shows them): read them as stored.
    found = templates["ec2"].describe_tags(Filters=[{"Name": "resource-id", "Values": [templates["batch"]]}])
    assert [(t["Key"], t["Value"]) for t in found["Tags"]] == [("Review", "oversized")]


def test_a_denied_version_read_fails_the_policy_not_passes_it(templates, server, cli, write_policies):
    server.hooks.append(lambda r: (400, DENIED) if r.operation == "DescribeLaunchTemplateVersions" else None)
    result = cli("run", "--dryrun", policy(write_policies, "    filters: [{tag:Team: absent}]\n"))
    assert result.exit_code != 0
    assert "UnauthorizedOperation" in result.output and "Traceback" not in result.output
    assert not (result.output_dir / "ltv" / "resources.json").exists()
