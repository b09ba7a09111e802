"""cross-account (SNS topics, S3 buckets), global-grants, bucket-encryption and
check-public-block, with Cloud Custodian's semantics: the policy checker's rules
on plain documents, then each filter option end to end on the moto server."""
from __future__ import annotations

import json

import pytest

from c7n_lite.filters.iam_policy import checker_from
from tests.write_detector import writes

ACCOUNT = "123456789012"
PARTNER = "999988887777"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def statement(principal=None, effect="Allow", action="sns:Publish", condition=None, **extra):
    s = {"Effect": effect, "Action": action, "Resource": "*", **extra}
    if principal is not None:
        s["Principal"] = principal
    if condition:
        s["Condition"] = condition
    return s


def violations(s, **options):
    checker = checker_from(options, {ACCOUNT}, options.pop("_handlers", None))
    return checker.check(json.dumps({"Statement": [s]}))


# --- the policy checker -------------------------------------------------------

@pytest.mark.parametrize("s, outside", [
    (statement({"AWS": "*"}), True),
    (statement("*"), True),
    (statement({"AWS": f"arn:aws:iam::{PARTNER}:root"}), True),
    (statement({"AWS": PARTNER}), True),
    (statement({"AWS": f"arn:aws:iam::{ACCOUNT}:role/app"}), False),
    (statement({"Service": "events.amazonaws.com"}), False),
    (statement({"AWS": "*"}, effect="Deny"), False),
    (statement(None), True),  # no Principal at all
    (statement(None, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), True),
    (statement({"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"}), False),
    (statement({"AWS": "*"}, condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}), False),
    (statement({"AWS": "*"}, condition={"StringEquals": {"AWS:SourceOwner": ACCOUNT}}), False),
    (statement({"AWS": "*"}, condition={"StringEquals": {"aws:SourceOwner": PARTNER}}), True),
    (statement({"AWS": "*"}, condition={"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{ACCOUNT}:t"}}), False),
    # An S3 ARN names no account: like Custodian, not a restriction.
    (statement({"AWS": "*"}, condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}}), True),
    (statement({"AWS": "*"}, condition={"StringEquals": {"aws:SourceAccount": ACCOUNT,
                                                         "aws:PrincipalTag/team": "x"}}), True),
    (statement({"AWS": "*"}, condition={"Bool": {"aws:SecureTransport": "true"}}), True),
    (statement({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-123"}}), True),
    (statement({"AWS": "*"}, condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}), False),
    (statement({"AWS": "*"}, condition={"StringEquals": {"aws:userid": "AIDA1"}}), False),
])
def test_checker_rules_by_default(s, outside):
    assert bool(violations(s)) is outside


def test_checker_options():
    partner = statement({"AWS": f"arn:aws:iam::{PARTNER}:root"})
    assert violations(partner, whitelist=[PARTNER]) == []
    assert violations(partner, everyone_only=True) == []
    assert violations(statement({"AWS": "*"}), everyone_only=True)
    assert violations(partner, actions=["sqs:SendMessage"]) == []
    assert violations(partner, actions=["sns:Publish"])
    assert violations(statement({"AWS": "*"}, action="sns:*"), actions=["sns:Publish"])
    deleted_role = statement({"AWS": "AROAEXAMPLE123"})
    assert violations(deleted_role) and violations(deleted_role, whitelist_patterns=["AROA*"]) == []
    # whitelist_conditions replaces the default list (aws:userid, aws:username)
    tagged = statement({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalTag/team": "x"}})
    assert violations(tagged) and violations(tagged, whitelist_conditions=["aws:PrincipalTag/team"]) == []
    by_user = statement({"AWS": "*"}, condition={"StringEquals": {"aws:username": "bob"}})
    assert violations(by_user, whitelist_conditions=["aws:sourceip"])
    vpce = statement({"AWS": "*"}, condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    assert violations(vpce, whitelist_vpce=["vpce-2"]) and not violations(vpce, whitelist_vpce=["vpce-1"])
    vpc = statement({"AWS": "*"}, condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}})
    assert not violations(vpc) and violations(vpc, whitelist_vpc=["vpc-9"])
    org = statement({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-123"}})
    assert violations(org, whitelist_orgids=["o-123"]) == []
    paths = statement({"AWS": "*"}, condition={
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-123/r-ab/ou-prod/*"}})
    assert violations(paths)
    assert violations(paths, whitelist_org_units=["o-123/r-ab/ou-prod"]) == []
    assert violations(paths, whitelist_org_units=["o-123/r-ab/ou-dev"])
    # An org condition that restricts also covers a wildcard account condition.
    org_and_any = statement({"AWS": "*"}, condition={"StringEquals": {
        "aws:PrincipalOrgID": "o-123"}, "StringLike": {"aws:PrincipalAccount": "*"}})
    assert violations(org_and_any, whitelist_orgids=["o-123"]) == []
    found = checker_from({"return_allowed": True}, {ACCOUNT}).check(
        {"Statement": [partner, statement({"AWS": ACCOUNT})]})
    assert found == [statement({"AWS": ACCOUNT})]
    # A single statement given as a mapping, not a list
    assert checker_from({}, {ACCOUNT}).check({"Statement": partner}) == [partner]


# --- SNS end to end -------------------------------------------------------------

def topic_policy(arn, principal, condition=None):
    s = {"Sid": "x", "Effect": "Allow", "Principal": {"AWS": principal},
         "Action": "SNS:Subscribe", "Resource": arn}
    if condition:
        s["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [s]})


@pytest.fixture
def topics(aws):
    sns = aws("sns")
    arns = {}
    for name in ("default", "partner", "everyone", "https-only", "endpoint"):
        arns[name] = sns.create_topic(Name=name)["TopicArn"]
    arn = arns
    sns.set_topic_attributes(TopicArn=arn["partner"], AttributeName="Policy",
                             AttributeValue=topic_policy(arn["partner"], f"arn:aws:iam::{PARTNER}:root"))
    sns.set_topic_attributes(TopicArn=arn["everyone"], AttributeName="Policy",
                             AttributeValue=topic_policy(arn["everyone"], "*"))
    sns.set_topic_attributes(TopicArn=arn["https-only"], AttributeName="Policy",
                             AttributeValue=topic_policy(arn["https-only"], "*", {
                                 "StringEquals": {"sns:Protocol": "https"}}))
    sns.set_topic_attributes(TopicArn=arn["endpoint"], AttributeName="Policy",
                             AttributeValue=topic_policy(arn["endpoint"], "*", {
                                 "StringLike": {"sns:Endpoint": "https://hooks.example.com/*"}}))
    return {v: k for k, v in arns.items()}


def names(result, policy, topics):
    return sorted(topics[a] for a in result.ids(policy, "TopicArn"))


def test_sns_cross_account_options(cli, write_policies, topics, server):
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - {name: plain, resource: aws.sns, filters: [{type: cross-account}]}
  - {name: trusted, resource: aws.sns, filters: [{type: cross-account, whitelist: ["999988887777"]}]}
  - {name: everyone, resource: aws.sns, filters: [{type: cross-account, everyone_only: true}]}
  - name: protocols
    resource: aws.sns
    filters: [{type: cross-account, whitelist_protocols: [https], everyone_only: true}]
  - name: endpoints
    resource: aws.sns
    filters: [{type: cross-account, whitelist_endpoints: ["hooks.example.com"], everyone_only: true}]
"""))
    assert result.exit_code == 0, result.output
    # The default topic policy (anyone, on condition of SourceOwner = this account) is not cross-account.
    assert names(result, "plain", topics) == ["endpoint", "everyone", "https-only", "partner"]
    assert names(result, "trusted", topics) == ["endpoint", "everyone", "https-only"]
    assert names(result, "everyone", topics) == ["endpoint", "everyone", "https-only"]
    assert names(result, "protocols", topics) == ["endpoint", "everyone"]
    assert names(result, "endpoints", topics) == ["everyone", "https-only"]
    partner = next(t for t in result.resources("plain") if t["TopicArn"].endswith(":partner"))
    assert partner["CrossAccountViolations"][0]["Principal"] == {"AWS": f"arn:aws:iam::{PARTNER}:root"}
    assert writes(server) == []


# --- S3 end to end --------------------------------------------------------------

@pytest.fixture
def buckets(aws):
    s3 = aws("s3")
    for name in ("private", "public-read", "website", "public-write", "auth-read",
                 "aes", "kms-default", "kms-custom", "kms-bucket-key", "shared", "elb-logs",
                 "blocked", "half-blocked"):
        s3.create_bucket(Bucket=name)
    owner = s3.get_bucket_acl(Bucket="private")["Owner"]

    def grant(bucket, *grants):
        s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
            *({"Grantee": {"Type": "Group", "URI": uri}, "Permission": p} for uri, p in grants)]})
    grant("public-read", (ALL_USERS, "READ"))
    grant("website", (ALL_USERS, "READ"))
    s3.put_bucket_website(Bucket="website", WebsiteConfiguration={"IndexDocument": {"Suffix": "i.html"}})
    grant("public-write", (ALL_USERS, "READ"), (ALL_USERS, "WRITE"))
    grant("auth-read", (AUTH_USERS, "READ_ACP"))

    kms = aws("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/data", TargetKeyId=key["KeyId"])

    def encrypt(bucket, algorithm, key_id=None, bucket_key=None):
        default = {"SSEAlgorithm": algorithm}
        if key_id:
            default["KMSMasterKeyID"] = key_id
        rule = {"ApplyServerSideEncryptionByDefault": default}
        if bucket_key is not None:
            rule["BucketKeyEnabled"] = bucket_key
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    encrypt("aes", "AES256")
    encrypt("kms-default", "aws:kms")
    encrypt("kms-custom", "aws:kms", key["Arn"])
    encrypt("kms-bucket-key", "aws:kms", key["Arn"], bucket_key=True)

    def policy(bucket, account):
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    policy("shared", PARTNER)
    policy("elb-logs", "127311923021")  # ELB log delivery, us-east-1

    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    s3.put_public_access_block(Bucket="blocked", PublicAccessBlockConfiguration=dict.fromkeys(flags, True))
    s3.put_public_access_block(Bucket="half-blocked", PublicAccessBlockConfiguration={
        **dict.fromkeys(flags, True), "BlockPublicPolicy": False})
    return key


def run_s3(cli, write_policies, server, filters_by_policy):
    lines = ["policies:"]
    for name, f in filters_by_policy.items():
        lines.append(f"  - {{name: {name}, resource: aws.s3, filters: [{json.dumps(f)}]}}")
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("\n".join(lines)))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    return result


def test_global_grants_options(cli, write_policies, buckets, server):
    result = run_s3(cli, write_policies, server, {
        "default": {"type": "global-grants"},
        "no-website-exception": {"type": "global-grants", "allow_website": False},
        "writes": {"type": "global-grants", "permissions": ["WRITE", "FULL_CONTROL"]},
        "acp": {"type": "global-grants", "permissions": ["READ_ACP"], "operator": "or"},
    })
    assert result.ids("default", "Name") == ["auth-read", "public-read", "public-write"]
    assert result.ids("no-website-exception", "Name") == [
        "auth-read", "public-read", "public-write", "website"]
    assert result.ids("writes", "Name") == ["public-write"]
    assert result.ids("acp", "Name") == ["auth-read"]
    public_write = next(b for b in result.resources("default") if b["Name"] == "public-write")
    assert public_write["GlobalPermissions"] == ["READ", "WRITE"]
    # Each ACL is read once for the four policies, and the website document only for
    # buckets everyone may READ (whichever policy, running at once, asked first).
    calls = [result.metadata(p)["api_calls"]["by_operation"] for p in ("default", "no-website-exception",
                                                                        "writes", "acp")]
    assert sum(c.get("s3:GetBucketAcl", 0) for c in calls) == 13
    assert sum(c.get("s3:GetBucketWebsite", 0) for c in calls) == 3


def test_bucket_encryption_options(cli, write_policies, buckets, server):
    result = run_s3(cli, write_policies, server, {
        "enc-on": {"type": "bucket-encryption"},
        "enc-off": {"type": "bucket-encryption", "state": False},
        "aes": {"type": "bucket-encryption", "crypto": "AES256"},
        "kms": {"type": "bucket-encryption", "state": True, "crypto": "aws:kms"},
        "kms-key-alias": {"type": "bucket-encryption", "crypto": "aws:kms", "key": "alias/data"},
        "kms-key-unknown": {"type": "bucket-encryption", "crypto": "aws:kms", "key": "alias/nope"},
        "not-kms": {"type": "bucket-encryption", "state": False, "crypto": "aws:kms"},
        "bucket-key": {"type": "bucket-encryption", "bucket_key_enabled": True},
        "no-bucket-key": {"type": "bucket-encryption", "bucket_key_enabled": False},
    })
    encrypted = ["aes", "kms-bucket-key", "kms-custom", "kms-default"]
    assert result.ids("enc-on", "Name") == encrypted
    unencrypted = sorted({"private", "public-read", "website", "public-write", "auth-read", "shared",
                          "elb-logs", "blocked", "half-blocked"})
    assert result.ids("enc-off", "Name") == unencrypted
    assert result.ids("aes", "Name") == ["aes"]
    assert result.ids("kms", "Name") == ["kms-bucket-key", "kms-custom", "kms-default"]
    assert result.ids("kms-key-alias", "Name") == ["kms-bucket-key", "kms-custom"]
    assert result.ids("kms-key-unknown", "Name") == []
    assert result.ids("not-kms", "Name") == sorted(unencrypted + ["aes"])
    assert result.ids("bucket-key", "Name") == ["kms-bucket-key"]
    # Without rules, bucket_key_enabled: false falls back to state (true): no match.
    assert result.ids("no-bucket-key", "Name") == ["aes", "kms-custom", "kms-default"]
    # One encryption call per bucket for nine policies (running at once: whichever asks first).
    names = [p.name for p in result.output_dir.iterdir() if (p / "metadata.json").exists()]
    assert len(names) == 9
    assert sum(result.metadata(p)["api_calls"]["by_operation"].get("s3:GetBucketEncryption", 0)
               for p in names) == 13


def test_s3_cross_account_and_public_block(cli, write_policies, buckets, server):
    result = run_s3(cli, write_policies, server, {
        "xacct": {"type": "cross-account"},
        "xacct-trusted": {"type": "cross-account", "whitelist": [PARTNER]},
        "block-any-off": {"type": "check-public-block"},
        "policy-block-off": {"type": "check-public-block", "BlockPublicPolicy": False},
        "acl-block-on": {"type": "check-public-block", "BlockPublicAcls": True,
                         "IgnorePublicAcls": True},
    })
    # AWS's ELB log-delivery account is trusted, as in Custodian.
    assert result.ids("xacct", "Name") == ["shared"]
    assert result.ids("xacct-trusted", "Name") == []
    assert set(result.ids("block-any-off", "Name")) == {
        "private", "public-read", "website", "public-write", "auth-read", "aes", "kms-default",
        "kms-custom", "kms-bucket-key", "shared", "elb-logs", "half-blocked"}
    assert "private" in result.ids("policy-block-off", "Name")
    assert "blocked" not in result.ids("policy-block-off", "Name")
    assert result.ids("acl-block-on", "Name") == ["blocked", "half-blocked"]
    # One listing for the run's policies (running at once, whichever asked first).
    names = ("xacct", "xacct-trusted", "block-any-off", "policy-block-off", "acl-block-on")
    totals: dict[str, int] = {}
    for name in names:
        for op, n in result.metadata(name)["api_calls"]["by_operation"].items():
            totals[op] = totals.get(op, 0) + n
    assert totals["s3:ListBuckets"] == 1 and totals["s3:GetBucketPolicy"] >= 1


@pytest.mark.parametrize("text, message", [
    ("{type: bucket-encryption, key: alias/x, bucket_key_enabled: true}",
     "'key' and 'bucket_key_enabled' cannot both be set"),
    ("{type: cross-account, whitelist_org_units: ['o-1/*']}", "must not contain wildcards"),
    ("{type: cross-account, whitelist_org_units: ['ou-prod']}", "must be a full path"),
    ("{type: global-grants, permissions: [READ, EVERYTHING]}", "EVERYTHING"),
    ("{type: bucket-encryption, crypto: DES}", "DES"),
])
def test_validation_errors(cli, write_policies, text, message):
    path = write_policies(f"policies:\n  - name: bad\n    resource: aws.s3\n    filters:\n      - {text}\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert message in result.output
    assert ":5: policy 'bad'" in result.output


def test_sns_validation_rejects_unknown_protocol(cli, write_policies):
    path = write_policies("policies:\n  - name: bad\n    resource: aws.sns\n    filters:\n"
                          "      - {type: cross-account, whitelist_protocols: [carrier-pigeon]}\n")
    result = cli("validate", path)
    assert result.exit_code == 1 and "carrier-pigeon" in result.output
