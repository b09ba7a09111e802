"""The role deploy creates grants what the policy's filters and actions call and no
more, scoped to the resources the policy names: read back from moto's IAM."""
from __future__ import annotations

import functools
import json
import urllib.parse

import pytest

from tests.test_actions_notify import mailer_decode

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:security-alerts"


def role_policy(aws, policy: str) -> dict[str, dict]:
    """The deployed role's inline policy, statement by Sid."""
    iam = aws("iam")
    role = f"c7n-lite-{policy}"
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    assert names == ["c7n-lite-policy"]
    document = iam.get_role_policy(RoleName=role, PolicyName=names[0])["PolicyDocument"]
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    return {s["Sid"]: s for s in document["Statement"]}


def deploy(cli, write_policies, text: str) -> None:
    result = cli("deploy", write_policies(text))
    assert result.exit_code == 0, result.output


def test_auto_tag_user_may_add_tags_not_remove_them(cli, aws, write_policies):
    deploy(cli, write_policies, """
policies:
  - name: ec2-owner
    resource: aws.ec2
    mode: {type: cloudtrail, events: [RunInstances]}
    filters: [{"tag:Owner": absent}]
    actions: [{type: auto-tag-user, tag: Owner}]
""")
    statements = role_policy(aws, "ec2-owner")
    # (DescribeTags: tags a DescribeInstances answer leaves out are read)
    assert statements["Policy"]["Action"] == ["ec2:CreateTags", "ec2:DescribeInstances", "ec2:DescribeTags"]
    assert statements["Policy"]["Resource"] == "*"
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/custodian-ec2-owner"
    assert statements["Logs"]["Resource"] == [group, f"{group}:*"]
    assert set(statements) == {"Policy", "Logs"}


def test_a_policy_writing_its_records_to_s3_may_put_objects_under_that_prefix_only(cli, aws, write_policies):
    deploy(cli, write_policies, """
policies:
  - name: records
    resource: aws.ec2
    mode:
      type: periodic
      schedule: rate(1 day)
      execution-options: {output_dir: "s3://audit-records/lambda"}
    filters: [{"tag:Owner": absent}]
""")
    statements = role_policy(aws, "records")
    scoped = [st for sid, st in statements.items() if sid.startswith("PolicyScoped")]
    assert scoped == [{"Sid": "PolicyScoped1", "Effect": "Allow", "Action": ["s3:PutObject"],
                       "Resource": ["arn:aws:s3:::audit-records/lambda/*"]}]
    assert "s3:PutObject" not in statements["Policy"]["Action"]


def test_only_the_bucket_documents_the_filters_read_are_granted(cli, aws, write_policies):
    deploy(cli, write_policies, f"""
policies:
  - name: s3-public
    resource: aws.s3
    mode: {{type: periodic, schedule: rate(1 day)}}
    filters:
      - type: global-grants
      - or:
          - "Versioning.Status": Suspended
          - not: [{{"tag:Owner": present}}]
    actions:
      - {{type: notify, transport: {{type: sns, topic: "{TOPIC}"}}}}
""")
    statements = role_policy(aws, "s3-public")
    # (notify names the account in its message: iam:ListAccountAliases)
    assert statements["Policy"]["Action"] == [
        "iam:ListAccountAliases", "s3:GetBucketAcl", "s3:GetBucketTagging", "s3:GetBucketVersioning",
        "s3:GetBucketWebsite", "s3:ListAllMyBuckets"]
    # Publishing is allowed on the policy's topic only.
    assert statements["PolicyScoped1"]["Action"] == ["sns:Publish"]
    assert statements["PolicyScoped1"]["Resource"] == [TOPIC]


# GetTopicAttributes is always granted: it is also how a topic is fetched by ARN.
@pytest.mark.parametrize("filters, granted, not_granted", [
    ('[{"Policy": present}]', {"sns:GetTopicAttributes"}, {"sns:ListTagsForResource"}),
    ('[{"tag:Owner": absent}]', {"sns:ListTagsForResource"}, set()),
    ("[]", set(), {"sns:ListTagsForResource"}),
])
def test_sns_details_are_granted_as_the_filters_read_them(cli, aws, write_policies, filters, granted,
                                                         not_granted):
    deploy(cli, write_policies, f"""
policies:
  - name: sns-check
    resource: aws.sns
    mode: {{type: periodic, schedule: rate(1 day)}}
    filters: {filters}
""")
    actions = set(role_policy(aws, "sns-check")["Policy"]["Action"])
    assert "sns:ListTopics" in actions
    assert granted <= actions and not (not_granted & actions), actions


@pytest.mark.parametrize("key, granted", [
    ("LaunchPermissions", True),   # a detail of aws.ami: DescribeImageAttribute per image
    ("Public", False),             # in describe_images' answer
])
def test_a_related_types_details_are_granted_when_read(cli, aws, write_policies, key, granted):
    deploy(cli, write_policies, f"""
policies:
  - name: ec2-image
    resource: aws.ec2
    mode: {{type: periodic, schedule: rate(1 day)}}
    filters: [{{type: image, key: {key}, value: present}}]
""")
    actions = role_policy(aws, "ec2-image")["Policy"]["Action"]
    assert "ec2:DescribeImages" in actions
    assert ("ec2:DescribeImageAttribute" in actions) is granted


def test_the_scoped_role_is_enough_under_iam_enforcement(cli, aws, server, tmp_path):
    """The example notify policy runs as its deployed role with moto enforcing IAM.

    moto checks every request against the resource `*`, so a statement scoped to
    an ARN never matches there: the test checks the scoped statement names the
    real topic's ARN, then widens it to `*` to prove the granted *actions* are
    enough (AWS itself evaluates the ARN)."""
    import os

    from c7n_lite.deploy.invoke import run_unpacked
    from tests.conftest import ROOT
    from tests.test_handler import _enforce_iam, deployed_package, sample

    sns, sqs, ec2, iam = aws("sns"), aws("sqs"), aws("ec2"), aws("iam")
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    package = deployed_package(cli, aws, str(ROOT / "policies" / "lambda-sg-open-to-world.yml"),
                               "sg-opened-to-world", "custodian-sg-opened-to-world", tmp_path)
    statements = role_policy(aws, "sg-opened-to-world")
    assert statements["PolicyScoped1"] == {"Sid": "PolicyScoped1", "Effect": "Allow", "Action": ["sns:Publish"],
                                           "Resource": [topic]}
    assert statements["Policy"]["Action"] == ["ec2:DescribeSecurityGroups", "iam:ListAccountAliases"]
    widened = {"Version": "2012-10-17", "Statement": [
        {**s, "Resource": "*"} if s["Sid"].startswith("PolicyScoped") else s for s in statements.values()]}
    iam.put_role_policy(RoleName="c7n-lite-sg-opened-to-world", PolicyName="c7n-lite-policy",
                        PolicyDocument=json.dumps(widened))
    role_arn = aws("lambda").get_function(FunctionName="custodian-sg-opened-to-world")["Configuration"]["Role"]
    creds = aws("sts").assume_role(RoleArn=role_arn, RoleSessionName="lambda")["Credentials"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
           "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"], "AWS_SESSION_TOKEN": creds["SessionToken"]}
    event = sample("cloudtrail-authorize-security-group-ingress.json")
    event["detail"]["requestParameters"]["groupId"] = group
    _enforce_iam(server, True)
    try:
        summary = run_unpacked(package, event, env).summary
    finally:
        _enforce_iam(server, False)
    assert summary["errors"] == [], summary
    assert summary["matched"] == [group]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1
    assert [r["GroupId"] for r in mailer_decode(messages[0]["Body"])["resources"]] == [group]


def _example_specs() -> list:
    from c7n_lite.registry import load_all, modes
    from c7n_lite.schema import load_policies
    from tests.conftest import ROOT
    load_all()
    specs, errors = load_policies([str(ROOT / "policies")])
    assert errors == []
    # Event policies need an event (test_handler runs them); some services moto
    # cannot serve under IAM enforcement (below).
    return [s for s in specs if not getattr(modes.get((s.data.get("mode") or {}).get("type", "pull")),
                                           "event_driven", False)
            and moto_can_enforce(s.data)]


def moto_can_enforce(data: dict) -> bool:
    """moto verifies assumed-role signatures of REST-protocol requests wrongly under
    IAM enforcement (SignatureDoesNotMatch: IoT, Lambda, EFS, EKS, API Gateway,
    CloudFront …; S3 is fine), and cannot route the account type's s3control
    calls: policies that call such a service are left out here."""
    from c7n_lite.policy import policy_permissions, resource_type_for
    if resource_type_for(data["resource"]).type == "aws.account":
        return False
    return not {p.split(":")[0] for p in policy_permissions(data)} & rest_signing_names()


@functools.cache
def rest_signing_names() -> frozenset[str]:
    import botocore.session
    session = botocore.session.get_session()
    names = set()
    for service in session.get_available_services():
        model = session.get_service_model(service)
        if model.protocol in ("rest-json", "rest-xml") and service != "s3":
            names.add(model.metadata.get("signingName") or model.endpoint_prefix)
    return frozenset(names)


# moto authorises a few S3 calls under another action than AWS (its ACTION_MAP
# knows no `?encryption` and spells `?publicAccessBlock` otherwise, so both fall
# back on s3:ListBucket): where the real permission is granted, the test role
# also gets moto's action for the same call.
MOTO_ACTION_NAMES = {"s3:GetEncryptionConfiguration": "s3:ListBucket",
                     "s3:GetBucketPublicAccessBlock": "s3:ListBucket"}


def test_each_example_policy_runs_with_just_its_permissions(cli, aws, server, monkeypatch):
    """What `policy_permissions` grants is enough for every call a run makes: each
    example policy is dry-run (its reads, its actions' planning reads) with moto
    enforcing IAM, as a role allowed exactly the policy's permissions."""
    from c7n_lite.aws.session import CLIENT_HOOKS
    from c7n_lite.policy import policy_permissions
    from c7n_lite.sandbox_seed import seed_demo_account
    from tests.test_handler import _enforce_iam

    # S3 bucket documents denied are noted on the bucket (c7n:DeniedMethods, as
    # Custodian), not raised: watch every answer for a denial instead.
    denied: list[str] = []

    def watch(client):
        def after_call(parsed, model, **_):
            code = (parsed or {}).get("Error", {}).get("Code", "")
            if "AccessDenied" in code or code == "UnauthorizedOperation":
                denied.append(f"{client.meta.service_model.service_name}:{model.name}")
        client.meta.events.register("after-call", after_call)
    monkeypatch.setattr("c7n_lite.aws.session.CLIENT_HOOKS", [*CLIENT_HOOKS, watch])

    seed_demo_account(server.endpoint, "us-east-1")
    iam, sts = aws("iam"), aws("sts")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    creds = {}
    for spec in _example_specs():
        role = f"only-{spec.name}"[:64]
        arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        granted = policy_permissions(spec.data)
        granted |= {MOTO_ACTION_NAMES[p] for p in granted if p in MOTO_ACTION_NAMES}
        document = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": sorted(granted), "Resource": "*"}]}
        iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=json.dumps(document))
        creds[spec.name] = (spec, sts.assume_role(RoleArn=arn, RoleSessionName="test")["Credentials"])
    monkeypatch.setenv("C7N_LITE_ACCOUNT_ID", ACCOUNT)
    problems = []
    _enforce_iam(server, True)
    try:
        for name, (spec, c) in creds.items():
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", c["AccessKeyId"])
            monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", c["SecretAccessKey"])
            monkeypatch.setenv("AWS_SESSION_TOKEN", c["SessionToken"])
            denied.clear()
            result = cli("run", "--dryrun", "-p", name, spec.file)
            meta = result.metadata(name)
            if result.exit_code != 0 or meta["errors"] or denied:
                problems.append(f"{name}: {sorted(set(denied))} {meta['errors'] or result.output}")
    finally:
        _enforce_iam(server, False)
    assert problems == [], "\n".join(problems)
