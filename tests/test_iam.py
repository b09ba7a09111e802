"""IAM users, roles, policies, groups, instance profiles and access keys on the
moto server: listing, each filter (a resource that matches and one that does
not), fetch by id, each action's effect read back, and denied reads that make
a policy fail instead of passing it."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.sandbox_seed import iam as iam_seed

REGION = "us-east-1"
DENIED = ('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
          '<Code>AccessDenied</Code><Message>User is not authorized to perform {op}</Message></Error>'
          '<RequestId>injected</RequestId></ErrorResponse>')


@pytest.fixture
def account(server, aws):
    """The sandbox's IAM demo: alice-legacy, bob-ci, carol; full-admin, s3-read,
    orphan-policy; admins, developers, empty-group; app-server, partner-audit."""
    iam_seed.seed(server.endpoint, REGION)
    return aws("iam")


def deny(server, operation):
    server.hooks.append(lambda request: (403, DENIED.format(op=operation))
                        if request.operation == operation else None)


def run(cli, write_policies, text, *extra):
    result = cli("run", *extra, write_policies("policies:\n" + text))
    assert result.exit_code == 0, result.output
    return result


def names(result, policy, key):
    return sorted(r[key] for r in result.resources(policy))


def policy(name, resource, filters, actions=None):
    text = f"  - name: {name}\n    resource: {resource}\n    filters: {filters}\n"
    return text + (f"    actions: {actions}\n" if actions else "")


# --- listing, global, fetch by id ----------------------------------------------

def test_every_iam_type_lists_the_account(account, cli, write_policies):
    text = "".join(policy(f"all-{kind}", f"aws.iam-{kind}", "[]") for kind in
                   ("user", "role", "policy", "group", "profile", "access-key"))
    result = run(cli, write_policies, text, "--dryrun")
    assert names(result, "all-user", "UserName") == ["alice-legacy", "bob-ci", "carol"]
    assert {"app-server", "partner-audit"} <= set(names(result, "all-role", "RoleName"))
    assert names(result, "all-policy", "PolicyName") == ["full-admin", "orphan-policy", "s3-read"]
    assert names(result, "all-group", "GroupName") == ["admins", "developers", "empty-group"]
    assert names(result, "all-profile", "InstanceProfileName") == ["app-server", "legacy-batch"]
    keys = result.resources("all-access-key")
    assert sorted(k["UserName"] for k in keys) == ["alice-legacy", "bob-ci", "bob-ci", "carol"]


def test_iam_types_are_global_and_arns_have_no_region():
    load_all()
    for kind in ("user", "role", "policy", "group", "profile", "access-key"):
        assert resources.get(f"aws.iam-{kind}").global_resource
    session = AwsSession(REGION)
    session._account_id = "123456789012"
    assert resources.get("aws.iam-group").arn({"GroupName": "g"}, session) == "arn:aws:iam::123456789012:group/g"


def test_fetch_users_and_roles_by_name_skips_the_gone(account, server):
    load_all()
    session = AwsSession(REGION, endpoint_url=server.endpoint)
    users = resources.get("aws.iam-user").fetch_by_ids(session, ["carol", "nobody"])
    assert [u["UserName"] for u in users] == ["carol"]
    roles = resources.get("aws.iam-role").fetch_by_ids(session, ["partner-audit"])
    assert roles[0]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"].endswith(":root")


# --- user filters ----------------------------------------------------------------

def test_user_filters_match_one_user_and_not_another(account, cli, write_policies):
    text = "".join((
        policy("console-no-mfa", "aws.iam-user", "[{type: credential, key: password_enabled, value: true},"
               " {type: credential, key: mfa_active, value: false}]"),
        policy("key-unused-45", "aws.iam-user", "[{type: credential, key: access_keys.last_used_date,"
               " value_type: age, op: greater-than, value: 45}]"),
        policy("two-keys", "aws.iam-user", "[{type: credential, key: access_keys, value_type: size, value: 2}]"),
        policy("old-active-key", "aws.iam-user", "[{type: access-key, key: Status, value: Active},"
               " {type: access-key, match-operator: and, key: CreateDate, value_type: age, op: gt, value: 90}]"),
        policy("with-mfa", "aws.iam-user", "[{type: mfa-device, value: not-null}]"),
        policy("console", "aws.iam-user", "[{type: login-profile}]"),
        policy("direct-policy", "aws.iam-user", "[{type: policy, key: PolicyName, value: full-admin}]"),
        policy("via-group", "aws.iam-user", "[{type: policy, key: PolicyName, value: s3-read, include-via: true}]"),
        policy("inline", "aws.iam-user", "[{type: has-inline-policy, value: true}]"),
        policy("developers", "aws.iam-user", "[{type: group, key: GroupName, value: developers}]"),
    ))
    result = run(cli, write_policies, text, "--dryrun")
    assert names(result, "console-no-mfa", "UserName") == ["alice-legacy"]
    assert names(result, "key-unused-45", "UserName") == ["alice-legacy"]
    assert names(result, "two-keys", "UserName") == ["bob-ci"]
    (old,) = result.resources("old-active-key")
    assert old["UserName"] == "alice-legacy" and len(old["c7n:matched-keys"]) == 1
    assert names(result, "with-mfa", "UserName") == ["carol"]
    assert names(result, "console", "UserName") == ["alice-legacy", "carol"]
    assert names(result, "direct-policy", "UserName") == ["alice-legacy"]
    assert names(result, "via-group", "UserName") == ["bob-ci", "carol"]
    assert names(result, "inline", "UserName") == ["alice-legacy"]
    assert names(result, "developers", "UserName") == ["bob-ci", "carol"]


def test_credential_report_is_parsed_like_custodian():
    from c7n_lite.filters.iam import parse_credential_report
    head = ("user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,"
            "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
            "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n")
    row = ("u,arn:aws:iam::1:user/u,2020-01-01T00:00:00+00:00,true,no_information,false,"
           "true,2020-01-01,N/A,false,N/A,N/A\n")
    info = parse_credential_report(head + row)["u"]
    assert info["password_enabled"] is True and info["password_last_used"] is None
    assert info["access_keys"] == [{"active": True, "last_rotated": "2020-01-01", "last_used_date": None}]
    assert "certs" not in info


# --- role, policy, group and profile filters -------------------------------------

def test_role_policy_group_profile_filters(account, cli, write_policies):
    text = "".join((
        policy("trusted-outside", "aws.iam-role", "[{type: cross-account}]"),
        policy("partner-whitelisted", "aws.iam-role", f"[{{type: cross-account, whitelist: [{iam_seed.PARTNER!r}]}}]"),
        policy("role-inline", "aws.iam-role", "[{type: has-inline-policy}]"),
        policy("role-s3-read", "aws.iam-role",
               "[{type: has-specific-managed-policy, op: in, value: [s3-read, other]}]"),
        policy("list-without-op", "aws.iam-role", "[{type: has-specific-managed-policy, value: [s3-read]}]"),
        policy("role-no-s3-read", "aws.iam-role", "[{type: no-specific-managed-policy, value: s3-read}]"),
        policy("allow-all", "aws.iam-policy", "[{type: has-allow-all}]"),
        policy("unused-policy", "aws.iam-policy", "[unused]"),
        policy("used-policy", "aws.iam-policy", "[used]"),
        policy("empty-group", "aws.iam-group", "[{type: has-users, value: false}]"),
        policy("group-admin", "aws.iam-group", "[{type: has-specific-managed-policy, value: full-admin}]"),
        policy("group-inline", "aws.iam-group", "[{type: has-inline-policy, value: false}]"),
        policy("profile-s3", "aws.iam-profile", "[{type: has-specific-managed-policy, value: s3-read}]"),
    ))
    result = run(cli, write_policies, text, "--dryrun")
    (outside,) = result.resources("trusted-outside")
    assert outside["RoleName"] == "partner-audit" and outside["CrossAccountViolations"]
    assert result.resources("partner-whitelisted") == []
    assert names(result, "role-inline", "RoleName") == ["partner-audit"]
    assert names(result, "role-s3-read", "RoleName") == ["app-server"]
    assert result.resources("list-without-op") == []   # as in Custodian: compared with the whole list
    assert "app-server" not in names(result, "role-no-s3-read", "RoleName")
    assert "partner-audit" in names(result, "role-no-s3-read", "RoleName")
    assert names(result, "allow-all", "PolicyName") == ["full-admin"]
    assert names(result, "unused-policy", "PolicyName") == ["orphan-policy"]
    assert names(result, "used-policy", "PolicyName") == ["full-admin", "s3-read"]
    assert names(result, "empty-group", "GroupName") == ["empty-group"]
    assert names(result, "group-admin", "GroupName") == ["admins"]
    assert len(result.resources("group-inline")) == 3
    assert names(result, "profile-s3", "InstanceProfileName") == ["app-server"]


def test_roles_and_profiles_in_use(account, aws, server, cli, write_policies):
    ec2 = aws("ec2")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "app-server"})
    iam = aws("iam")
    iam.create_role(RoleName="ecs-service", AssumeRolePolicyDocument=iam_seed.EC2_TRUST)
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="web")
    task = ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "web", "image": "nginx", "memory": 128}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="web", serviceName="web", taskDefinition=task, desiredCount=0,
                       role="arn:aws:iam::123456789012:role/ecs-service")
    text = (policy("used-roles", "aws.iam-role", "[{type: used}]")
            + policy("unused-roles", "aws.iam-role", "[unused]")
            + policy("used-profiles", "aws.iam-profile", "[used]")
            + policy("unused-profiles", "aws.iam-profile", "[unused]"))
    result = run(cli, write_policies, text, "--dryrun")
    assert names(result, "used-roles", "RoleName") == ["app-server", "ecs-service"]
    assert "partner-audit" in names(result, "unused-roles", "RoleName")
    assert "app-server" not in names(result, "unused-roles", "RoleName")
    assert names(result, "used-profiles", "InstanceProfileName") == ["app-server"]
    assert names(result, "unused-profiles", "InstanceProfileName") == ["legacy-batch"]


def test_has_allow_all_reads_lists_and_ignores_conditions():
    from c7n_lite.filters.iam_entities import HasAllowAll
    assert HasAllowAll.allows_all({"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]})
    assert not HasAllowAll.allows_all({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                                                     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}})
    assert not HasAllowAll.allows_all({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


SIMULATION = ('<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
              '<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>'
              '<member><EvalActionName>iam:CreateUser</EvalActionName><EvalResourceName>*</EvalResourceName>'
              '<EvalDecision>{decision}</EvalDecision></member></EvaluationResults>'
              '</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>'
              '</SimulatePrincipalPolicyResponse>')


@pytest.mark.parametrize("decision, matched", [("allowed", 3), ("implicitDeny", 0)])
def test_check_permissions_reads_the_simulator(account, server, cli, write_policies, decision, matched):
    # moto does not serve SimulatePrincipalPolicy: answer it at the server.
    server.hooks.append(lambda request: (200, SIMULATION.format(decision=decision))
                        if request.operation == "SimulatePrincipalPolicy" else None)
    result = run(cli, write_policies, policy("can-create-users", "aws.iam-user",
                                             "[{type: check-permissions, match: allowed, actions: [iam:CreateUser]}]"),
                 "--dryrun")
    found = result.resources("can-create-users")
    assert len(found) == matched
    assert all(u["c7n:perm-matches"] == ["iam:CreateUser"] for u in found)
    assert result.metadata("can-create-users")["counts"]["evaluated"] == 3


# --- a denied read is an error, never a pass ----------------------------------------

@pytest.mark.parametrize("operation, filters", [
    ("GetLoginProfile", "[login-profile]"),
    ("ListAccessKeys", "[{type: access-key, key: Status, value: Active}]"),
    ("GetCredentialReport", "[{type: credential, key: mfa_active, value: false}]"),
    ("ListMFADevices", "[{type: mfa-device, value: empty}]"),
])
def test_a_denied_read_fails_the_policy(account, server, cli, write_policies, operation, filters):
    deny(server, operation)
    result = cli("run", "--dryrun", write_policies("policies:\n" + policy("p", "aws.iam-user", filters)))
    assert result.exit_code == 1
    meta = result.metadata("p")
    # Every user is errored: unknown, neither matched nor passed.
    assert meta["errors"] and "AccessDenied" in (meta["errors"][0]["error_code"] + meta["errors"][0]["error"])
    assert meta["counts"]["passed"] == 0 and meta["counts"]["errored"] == meta["counts"]["evaluated"] > 0
    assert result.resources("p") == []


def test_a_denied_role_read_fails_the_policy(account, server, cli, write_policies):
    deny(server, "ListAttachedRolePolicies")
    result = cli("run", "--dryrun", write_policies("policies:\n" + policy(
        "p", "aws.iam-role", "[{type: no-specific-managed-policy, value: s3-read}]")))
    assert result.exit_code == 1 and result.metadata("p")["errors"]


LAST_ACCESSED = ('<GetServiceLastAccessedDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                 '<GetServiceLastAccessedDetailsResult><JobStatus>COMPLETED</JobStatus>'
                 '<JobCreationDate>2026-01-01T00:00:00Z</JobCreationDate>'
                 '<JobCompletionDate>2026-01-01T00:00:01Z</JobCompletionDate><ServicesLastAccessed>'
                 '<member><ServiceName>Amazon S3</ServiceName><ServiceNamespace>s3</ServiceNamespace>'
                 '<LastAuthenticated>{recent}</LastAuthenticated><TotalAuthenticatedEntities>1'
                 '</TotalAuthenticatedEntities></member>'
                 '<member><ServiceName>Amazon DynamoDB</ServiceName><ServiceNamespace>dynamodb</ServiceNamespace>'
                 '<TotalAuthenticatedEntities>0</TotalAuthenticatedEntities></member>'
                 '</ServicesLastAccessed><IsTruncated>false</IsTruncated></GetServiceLastAccessedDetailsResult>'
                 '<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetServiceLastAccessedDetailsResponse>')
JOB = ('<GenerateServiceLastAccessedDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
       '<GenerateServiceLastAccessedDetailsResult><JobId>4a8c6b5e-0000-4000-8000-000000000001</JobId></GenerateServiceLastAccessedDetailsResult>'
       '<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GenerateServiceLastAccessedDetailsResponse>')


def test_usage_reads_the_last_accessed_report(account, server, cli, write_policies):
    import datetime
    # moto does not serve the last-accessed report: answer it at the server.
    recent = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    replies = {"GenerateServiceLastAccessedDetails": JOB,
               "GetServiceLastAccessedDetails": LAST_ACCESSED.format(recent=recent)}
    server.hooks.append(lambda r: (200, replies[r.operation]) if r.operation in replies else None)
    text = "".join((
        policy("never-all", "aws.iam-user", "[{type: usage, match-operator: all, LastAuthenticated: null}]"),
        policy("never-any", "aws.iam-role", "[{type: usage, match-operator: any, LastAuthenticated: null}]"),
        policy("s3-recent", "aws.iam-user", "[{type: usage, match-operator: any, ServiceNamespace: s3,"
               " LastAuthenticated: {value_type: age, op: less-than, value: 30}}]"),
        policy("dynamodb-recent", "aws.iam-user", "[{type: usage, match-operator: any, ServiceNamespace: dynamodb,"
               " LastAuthenticated: {value_type: age, op: less-than, value: 30}}]"),
    ))
    result = run(cli, write_policies, text, "--dryrun")
    assert result.resources("never-all") == []
    assert {"app-server", "partner-audit"} <= set(names(result, "never-any", "RoleName"))
    assert len(result.resources("s3-recent")) == 3
    assert result.resources("dynamodb-recent") == []


def test_no_credential_report_and_no_generating_is_an_error(account, cli, write_policies):
    result = cli("run", "--dryrun", write_policies("policies:\n" + policy(
        "p", "aws.iam-user", "[{type: credential, key: mfa_active, value: false, report_generate: false}]")))
    assert result.exit_code == 1
    assert "credential report" in result.metadata("p")["errors"][0]["error"]


def test_a_user_missing_from_the_report_is_an_error(account, aws, server, cli, write_policies):
    from c7n_lite.filters.iam import parse_credential_report
    iam = aws("iam")
    iam.generate_credential_report()
    report = iam.get_credential_report()["Content"].decode()
    stale = "\n".join(line for line in report.splitlines() if not line.startswith("carol,"))
    assert "carol" in parse_credential_report(report) and "carol" not in parse_credential_report(stale)
    import base64
    body = ('<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult>'
            f'<Content>{base64.b64encode(stale.encode()).decode()}</Content><ReportFormat>text/csv</ReportFormat>'
            '<GeneratedTime>2026-01-01T00:00:00Z</GeneratedTime></GetCredentialReportResult>'
            '<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetCredentialReportResponse>')
    server.hooks.append(lambda r: (200, body) if r.operation == "GetCredentialReport" else None)
    result = cli("run", "--dryrun", write_policies("policies:\n" + policy(
        "p", "aws.iam-user", "[{type: credential, key: mfa_active, value: false}]")))
    assert result.exit_code == 1
    assert "does not list carol" in result.metadata("p")["errors"][0]["error"]
