"""The account, logging and KMS policies of the compliance pack, each against
moto: the demo account fails every account-level control, and passes them all
once made compliant (two states of one account); trail and key policies find
the non-compliant one and pass the compliant one in the same run."""
from __future__ import annotations

import json
from pathlib import Path

from c7n_lite.aws.session import AwsSession
from c7n_lite.sandbox_seed import seed_demo_account
from c7n_lite.sandbox_seed.account import set_root_credentials
from c7n_lite.sandbox_seed.cloudtrail import AUDIT_GROUP
from c7n_lite.sandbox_seed.iam import aws_managed_policy
from c7n_lite.schema import load_policies

ROOT = Path(__file__).resolve().parent.parent
FILES = [str(ROOT / "policies" / "compliance" / f) for f in ("account.yml", "logging.yml", "kms.yml")]
SPECS = load_policies(FILES)[0]
ACCOUNT_LEVEL = sorted(s.name for s in SPECS if s.data["resource"] == "aws.account")
PER_RESOURCE = sorted(s.name for s in SPECS if s.data["resource"] != "aws.account")
ACCOUNT = "123456789012"

# CIS AWS Foundations v7.0.0 section 5: the metric filter patterns it gives.
CIS_PATTERNS = {
    "5.1": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
           '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    "5.2": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
           '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    "5.3": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
           '$.eventType != "AwsServiceEvent" }',
    "5.4": "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||"
           "($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||"
           "($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||"
           "($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||"
           "($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||"
           "($.eventName=DetachGroupPolicy)}",
    "5.5": "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
           "($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    "5.6": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "5.7": "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
    "5.8": "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) "
           "|| ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = "
           "PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || "
           "($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    "5.9": "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||"
           "($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||"
           "($.eventName=PutConfigurationRecorder)) }",
    "5.10": "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || "
            "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || "
            "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    "5.11": "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = "
            "DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) "
            "|| ($.eventName = ReplaceNetworkAclAssociation) }",
    "5.12": "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = "
            "AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = "
            "DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    "5.13": "{($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = "
            "CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || "
            "($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = "
            "DisassociateRouteTable)) }",
    "5.14": "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || "
            "($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || "
            "($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || "
            "($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = "
            "DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    "5.15": "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = \"AcceptHandshake\") || "
            "($.eventName = \"AttachPolicy\") || ($.eventName = \"CreateAccount\") || ($.eventName = "
            "\"CreateOrganizationalUnit\") || ($.eventName = \"CreatePolicy\") || ($.eventName = "
            "\"DeclineHandshake\") || ($.eventName = \"DeleteOrganization\") || ($.eventName = "
            "\"DeleteOrganizationalUnit\") || ($.eventName = \"DeletePolicy\") || ($.eventName = \"DetachPolicy\") "
            "|| ($.eventName = \"DisablePolicyType\") || ($.eventName = \"EnablePolicyType\") || ($.eventName = "
            "\"InviteAccountToOrganization\") || ($.eventName = \"LeaveOrganization\") || ($.eventName = "
            "\"MoveAccount\") || ($.eventName = \"RemoveAccountFromOrganization\") || ($.eventName = "
            "\"UpdatePolicy\") || ($.eventName = \"UpdateOrganizationalUnit\")) }",
}


def make_compliant(aws, region="us-east-1"):
    """Everything CIS and FSBP ask of the account's settings and audit logging."""
    aws("iam").update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True, AllowUsersToChangePassword=True, MaxPasswordAge=90,
        PasswordReusePrevention=24)
    set_root_credentials(access_key=False, mfa=True)
    s3control().put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True))
    aws("ec2").enable_ebs_encryption_by_default()
    aws("iam").create_role(RoleName="aws-support", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}]}))
    aws("iam").attach_role_policy(RoleName="aws-support", PolicyArn=aws_managed_policy("AWSSupportAccess"))
    aws("securityhub").enable_security_hub()
    aws("guardduty").create_detector(Enable=True)
    aws("macie2").enable_macie()
    aws("config").start_configuration_recorder(ConfigurationRecorderName="default")
    trail = aws("cloudtrail")
    trail.start_logging(Name="org-audit")
    trail.put_event_selectors(TrailName="org-audit", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    topic = aws("sns").create_topic(Name="cis-alarms")["TopicArn"]
    aws("sns").subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    confirm_subscriptions(topic, region)
    for n, pattern in CIS_PATTERNS.items():
        metric = f"cis-{n}"
        aws("logs").put_metric_filter(logGroupName=AUDIT_GROUP, filterName=metric, filterPattern=pattern,
                                      metricTransformations=[{"metricName": metric, "metricNamespace": "CIS",
                                                              "metricValue": "1"}])
        aws("cloudwatch").put_metric_alarm(
            AlarmName=metric, MetricName=metric, Namespace="CIS", Statistic="Sum", Period=300,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic])


def s3control():
    """s3control on the moto server (our session reaches it by the server's own host)."""
    return AwsSession("us-east-1").client("s3control")


def confirm_subscriptions(topic, region):
    """moto counts no confirmed subscription on any topic: set its model (in process)."""
    from moto.sns.models import sns_backends
    sns_backends[ACCOUNT][region].topics[topic].subscriptions_confimed = 1


def counts(result, name):
    meta = result.metadata(name)
    assert meta["errors"] == [], (name, meta["errors"])
    return meta["counts"]["evaluated"], len(result.resources(name))


def test_account_level_controls_fail_in_the_demo_then_pass_once_fixed(server, aws, cli):
    seed_demo_account(server.endpoint, "us-east-1")
    before = cli("run", "--dryrun", *FILES)
    assert before.exit_code == 0, before.output
    for name in ACCOUNT_LEVEL:
        assert counts(before, name) == (1, 1), name
    make_compliant(aws)
    after = cli("run", "--dryrun", *FILES)
    assert after.exit_code == 0, after.output
    for name in ACCOUNT_LEVEL:
        assert counts(after, name) == (1, 0), name
    assert len(ACCOUNT_LEVEL) >= 30


def test_trail_and_key_controls_find_the_bad_one_and_pass_the_good_one(server, cli):
    seed_demo_account(server.endpoint, "us-east-1")
    result = cli("run", "--dryrun", *FILES)
    assert result.exit_code == 0, result.output
    for name in PER_RESOURCE:
        evaluated, matched = counts(result, name)
        assert 0 < matched < evaluated, name
    assert result.ids("cloudtrail-log-file-validation-off", "Name") == ["legacy-app-trail"]
    public = result.resources("kms-key-public")
    assert [s["Sid"] for k in public for s in k["CrossAccountViolations"]] == ["Everyone"]


def test_a_monitoring_control_needs_a_confirmed_subscription(server, aws, cli, write_policies):
    """CIS 5.x: a metric filter and an alarm are not enough; someone must get the alarm."""
    seed_demo_account(server.endpoint, "us-east-1")
    make_compliant(aws)
    topic = aws("sns").create_topic(Name="nobody-listens")["TopicArn"]
    aws("cloudwatch").put_metric_alarm(
        AlarmName="cis-5.1", MetricName="cis-5.1", Namespace="CIS", Statistic="Sum", Period=300,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic])
    result = cli("run", "--dryrun", *FILES)
    assert counts(result, "monitor-unauthorized-api-calls") == (1, 1)
    assert counts(result, "monitor-root-usage") == (1, 0)
