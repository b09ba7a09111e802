"""IAM actions run for real on the moto server, each effect read back."""
from __future__ import annotations

import pytest

from c7n_lite.sandbox_seed import iam as iam_seed

REGION = "us-east-1"


@pytest.fixture
def iam(server, aws):
    iam_seed.seed(server.endpoint, REGION)
    return aws("iam")


def run(cli, write_policies, resource, filters, actions, dry=False):
    text = f"policies:\n  - name: p\n    resource: {resource}\n    filters: {filters}\n    actions: {actions}\n"
    result = cli("run", *(["--dryrun"] if dry else []), write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def keys(iam, user):
    return {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def test_remove_keys_disables_only_the_matched_old_key(iam, cli, write_policies):
    before = keys(iam, "bob-ci")
    run(cli, write_policies, "aws.iam-user",
        "[{type: access-key, key: CreateDate, value_type: age, op: gt, value: 90}]",
        "[{type: remove-keys, disable: true, matched: true}]")
    assert set(keys(iam, "alice-legacy").values()) == {"Inactive"}
    assert keys(iam, "bob-ci") == before


def test_remove_keys_by_age_deletes(iam, cli, write_policies, server):
    run(cli, write_policies, "aws.iam-user", "[{UserName: bob-ci}]", "[{type: remove-keys, age: 20}]")
    remaining = iam.list_access_keys(UserName="bob-ci")["AccessKeyMetadata"]
    assert len(remaining) == 1   # the 30-day-old key went, the 10-day-old one stays


def test_remove_keys_dry_run_sends_no_write(iam, cli, write_policies, server):
    server.reset_log()
    result = run(cli, write_policies, "aws.iam-user", "[]", "[remove-keys]", dry=True)
    assert server.writes() == []
    assert len(keys(iam, "bob-ci")) == 2
    assert "delete_access_key" in (result.output_dir / "p" / "plan.json").read_text()


NO_SERVICE_CREDENTIALS = (
    '<ListServiceSpecificCredentialsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
    '<ListServiceSpecificCredentialsResult><ServiceSpecificCredentials/></ListServiceSpecificCredentialsResult>'
    '<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ListServiceSpecificCredentialsResponse>')


def test_delete_user_removes_what_it_holds_then_the_user(iam, cli, write_policies, server):
    # moto does not serve ListServiceSpecificCredentials: answer "none" at the server.
    server.hooks.append(lambda request: (200, NO_SERVICE_CREDENTIALS)
                        if request.operation == "ListServiceSpecificCredentials" else None)
    run(cli, write_policies, "aws.iam-user", "[{UserName: alice-legacy}]", "[delete]")
    users = [u["UserName"] for u in iam.list_users()["Users"]]
    assert "alice-legacy" not in users and "carol" in users
    assert iam.get_group(GroupName="admins")["Users"] == []


def test_delete_user_with_options_keeps_the_user(iam, cli, write_policies):
    run(cli, write_policies, "aws.iam-user", "[{UserName: carol}]", "[{type: delete, options: [console-access]}]")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="carol")
    assert iam.get_user(UserName="carol")["User"]["UserName"] == "carol"
    assert len(keys(iam, "carol")) == 1


def test_delete_role_needs_force_when_policies_are_attached(iam, cli, write_policies):
    result = run(cli, write_policies, "aws.iam-role", "[{RoleName: app-server}]", "[delete]")
    assert iam.get_role(RoleName="app-server")
    assert "attached policies" in result.output
    run(cli, write_policies, "aws.iam-role", "[{RoleName: app-server}]", "[{type: delete, force: true}]")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="app-server")
    assert iam.get_instance_profile(InstanceProfileName="app-server")["InstanceProfile"]["Roles"] == []


def test_delete_unused_policy_only(iam, cli, write_policies):
    run(cli, write_policies, "aws.iam-policy", "[]", "[delete]")
    assert sorted(p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]) == ["full-admin", "s3-read"]


def test_delete_group_with_force(iam, cli, write_policies):
    run(cli, write_policies, "aws.iam-group", "[{GroupName: developers}]", "[{type: delete, force: true}]")
    assert "developers" not in [g["GroupName"] for g in iam.list_groups()["Groups"]]


def test_set_policy_attaches_and_detaches(iam, cli, write_policies):
    account = "123456789012"
    arn = f"arn:aws:iam::{account}:policy/s3-read"
    run(cli, write_policies, "aws.iam-user", "[{UserName: carol}]",
        "[{type: set-policy, state: attached, arn: 'arn:aws:iam::{account_id}:policy/s3-read'}]")
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="carol")["AttachedPolicies"]] == [arn]
    run(cli, write_policies, "aws.iam-role", "[{RoleName: app-server}]",
        "[{type: set-policy, state: detached, arn: '*'}]")
    assert iam.list_attached_role_policies(RoleName="app-server")["AttachedPolicies"] == []
    run(cli, write_policies, "aws.iam-group", "[{GroupName: admins}]",
        f"[{{type: set-policy, state: detached, arn: 'arn:aws:iam::{account}:policy/full-admin'}}]")
    assert iam.list_attached_group_policies(GroupName="admins")["AttachedPolicies"] == []


def test_set_groups(iam, cli, write_policies):
    run(cli, write_policies, "aws.iam-user", "[{UserName: carol}]", "[{type: set-groups, state: add, group: admins}]")
    assert [u["UserName"] for u in iam.get_group(GroupName="admins")["Users"]] == ["alice-legacy", "carol"]
    run(cli, write_policies, "aws.iam-user", "[{UserName: carol}]",
        "[{type: set-groups, state: remove, group: developers}]")
    assert [u["UserName"] for u in iam.get_group(GroupName="developers")["Users"]] == ["bob-ci"]


def test_tags_on_users_roles_policies_and_profiles(iam, cli, write_policies):
    run(cli, write_policies, "aws.iam-user", "[{UserName: carol}]", "[{type: tag, key: Team, value: data}]")
    assert {"Key": "Team", "Value": "data"} in iam.list_user_tags(UserName="carol")["Tags"]
    run(cli, write_policies, "aws.iam-role", "[{'tag:Owner': platform}]", "[{type: remove-tag, tags: [Owner]}]")
    assert iam.list_role_tags(RoleName="app-server")["Tags"] == []
    run(cli, write_policies, "aws.iam-policy", "[{PolicyName: orphan-policy}]",
        "[{type: tag, key: Stale, value: 'yes'}]")
    arn = "arn:aws:iam::123456789012:policy/orphan-policy"
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "Stale", "Value": "yes"}]
    run(cli, write_policies, "aws.iam-profile", "[{InstanceProfileName: legacy-batch}]",
        "[{type: tag, key: Stale, value: 'yes'}]")
    profile = iam.get_instance_profile(InstanceProfileName="legacy-batch")["InstanceProfile"]
    assert profile["Tags"] == [{"Key": "Stale", "Value": "yes"}]
    run(cli, write_policies, "aws.iam-profile", "[{'tag:Stale': 'yes'}]", "[{type: remove-tag, tags: [Stale]}]")
    assert iam.get_instance_profile(InstanceProfileName="legacy-batch")["InstanceProfile"].get("Tags", []) == []


SSH_KEY = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDBnjEl8cO0mZHEJ6Mv3JgEz8Y5RZ4qDbmIcEuSMJ0IMgp/TQRQJ"
           "wa2YqF1wCSjLkvlrzH0tLUd6xjAEBW1XvDOfnGhuBnnhiZ7QkRsXNxdP4yH0fR9uwBCEr7sJtBqTMnMX93pHQ0Kq3rqmHc"
           "KpM1nzN7O0D1tKHkYJHUzT8QoLL3dRLpRfQcBnvtvm6nGtUUL2fP+4ys0EzVfvOcCCLrYZpSM40lmZ7qF8xDkNbA1vKtxM"
           "uDg63NnzTnUuZGmcfqjyPgvVBrW4Ogk9h6GP6Or0QRZbCtc4YRI9cB2ijlAVr3DoRaQb8oXKxAN3dVoFKT+Tj7w5K0WzmE"
           "6KBBNPTF8P demo")


def test_ssh_keys_filter_and_delete(iam, cli, write_policies):
    iam.upload_ssh_public_key(UserName="carol", SSHPublicKeyBody=SSH_KEY)
    result = run(cli, write_policies, "aws.iam-user", "[{type: ssh-key, key: Status, value: Active}]",
                 "[{type: delete-ssh-keys, matched: true}]")
    assert [r["UserName"] for r in result.resources("p")] == ["carol"]
    assert iam.list_ssh_public_keys(UserName="carol")["SSHPublicKeys"] == []


def test_group_inline_policies_deleted(iam, cli, write_policies):
    iam.put_group_policy(GroupName="developers", PolicyName="extra", PolicyDocument=iam_seed.S3_READ)
    run(cli, write_policies, "aws.iam-group", "[{type: has-inline-policy}]", "[delete-inline-policies]")
    assert iam.list_group_policies(GroupName="developers")["PolicyNames"] == []


def test_profile_set_role_and_set_policy(iam, cli, write_policies):
    run(cli, write_policies, "aws.iam-profile", "[{InstanceProfileName: legacy-batch}]",
        "[{type: set-role, role: partner-audit}]")
    profile = iam.get_instance_profile(InstanceProfileName="legacy-batch")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["partner-audit"]
    run(cli, write_policies, "aws.iam-profile", "[{InstanceProfileName: legacy-batch}]",
        "[{type: set-policy, state: attached, arn: 'arn:aws:iam::123456789012:policy/s3-read'}]")
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="partner-audit")["AttachedPolicies"]] \
        == ["s3-read"]
    run(cli, write_policies, "aws.iam-profile", "[{InstanceProfileName: legacy-batch}]", "[set-role]")
    assert iam.get_instance_profile(InstanceProfileName="legacy-batch")["InstanceProfile"]["Roles"] == []


SAML_METADATA = ('<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
                 'entityID="https://idp.example.com"><!-- ' + "padding " * 120 + '--><IDPSSODescriptor '
                 'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></EntityDescriptor>')


def test_certificates_and_identity_providers_listed_filtered_deleted(iam, cli, write_policies):
    iam.upload_server_certificate(ServerCertificateName="old-web", CertificateBody="body", PrivateKey="key")
    iam.create_open_id_connect_provider(Url="https://token.actions.example.com", ClientIDList=["sts.amazonaws.com"],
                                        ThumbprintList=["a" * 40])
    iam.create_open_id_connect_provider(Url="https://keep.example.com", ThumbprintList=["b" * 40])
    iam.create_saml_provider(Name="unknown-idp", SAMLMetadataDocument=SAML_METADATA)
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument=SAML_METADATA)
    text = "policies:\n" + "".join(
        f"  - name: {n}\n    resource: {r}\n    filters: {f}\n    actions: [delete]\n" for n, r, f in (
            ("expired", "aws.iam-certificate", "[{type: value, key: Expiration, value_type: expiration,"
                                               " op: less-than, value: 0}]"),
            ("oidc", "aws.iam-oidc-provider", "[{Url: token.actions.example.com}]"),
            ("saml", "aws.iam-saml-provider", "[{Name: unknown-idp}]")))
    result = cli("run", write_policies(text))
    assert result.exit_code == 0, result.output
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []
    assert [p["Arn"].split("/")[-1] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] \
        == ["keep.example.com"]
    assert [p["Arn"].split("/")[-1] for p in iam.list_saml_providers()["SAMLProviderList"]] == ["corp-idp"]


def test_remove_keys_matched_by_the_credential_report(iam, cli, write_policies):
    before = keys(iam, "bob-ci")
    run(cli, write_policies, "aws.iam-user",
        "[{type: credential, key: access_keys.last_used_date, value_type: age, op: gt, value: 45}]",
        "[{type: remove-keys, matched: true, disable: true}]")
    assert set(keys(iam, "alice-legacy").values()) == {"Inactive"}
    assert keys(iam, "bob-ci") == before and set(keys(iam, "carol").values()) == {"Active"}


def test_remove_keys_cannot_mix_matched_and_age(cli, write_policies):
    path = write_policies("policies:\n  - name: p\n    resource: aws.iam-user\n"
                          "    actions: [{type: remove-keys, matched: true, age: 90}]\n")
    result = cli("validate", path)
    assert result.exit_code != 0
    assert "cannot mix 'matched' and 'age'" in result.output and "Traceback" not in result.output
    assert f"{path}:" in result.output
