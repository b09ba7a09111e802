"""Account-level actions: the password policy, account S3 Block Public
Access and EBS encryption by default.  Each plans its call; the reads it
needs to merge with the current setting are made while planning."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.session import error_code
from c7n_lite.registry import actions

ACCOUNT = "aws.account"
PUBLIC_BLOCK_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
# Fields get_account_password_policy answers that update_account_password_policy does not take.
READ_ONLY_POLICY_FIELDS = ("ExpirePasswords", "PasswordPolicyConfigured")
POLICY_FIELDS = ("MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
                 "RequireLowercaseCharacters", "AllowUsersToChangePassword", "MaxPasswordAge",
                 "PasswordReusePrevention", "HardExpiry")


@actions.register("set-password-policy", ACCOUNT)
class SetPasswordPolicy(Action):
    """Update the IAM password policy: the given `policy` fields over the
    current policy (the others keep their values)."""

    schema = {"policy": {"type": "object"}}
    permissions = ("iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        policy = data.get("policy") or {}
        return [f"set-password-policy: unknown policy field {k!r}" for k in policy if k not in POLICY_FIELDS]

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for account in resources:
            current = account.get("c7n:password_policy")
            if current is None:
                try:
                    current = self.manager.session.client("iam").get_account_password_policy()["PasswordPolicy"]
                except Exception as exc:  # noqa: BLE001 - only "no policy yet" is expected
                    if error_code(exc) != "NoSuchEntity":
                        raise
                    current = {}
            params = {k: v for k, v in current.items() if k in POLICY_FIELDS}
            params.update(self.data.get("policy") or {})
            if not params.get("MaxPasswordAge"):
                params.pop("MaxPasswordAge", None)   # 0 means "never expires": leave it out
            calls.append(ApiCall("iam", "update_account_password_policy", params, [self.resource_id(account)],
                                 "password policy " + ", ".join(f"{k}={v}" for k, v in sorted(params.items()))))
        return calls


@actions.register("set-s3-public-block", ACCOUNT)
class SetS3PublicBlock(Action):
    """Set the account-level S3 Block Public Access settings: those given
    (default: all four on), the others as they are; `state: false` removes it."""

    schema = {"state": {"type": "boolean"}, **{k: {"type": "boolean"} for k in PUBLIC_BLOCK_KEYS}}
    permissions = ("s3:PutAccountPublicAccessBlock", "s3:GetAccountPublicAccessBlock")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("state") is False and any(k in data for k in PUBLIC_BLOCK_KEYS):
            return ["set-s3-public-block: state false cannot be combined with settings"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for account in resources:
            aid = self.resource_id(account)
            if self.data.get("state", True) is False:
                calls.append(ApiCall("s3control", "delete_public_access_block", {"AccountId": aid}, [aid],
                                     "remove account-level Block Public Access"))
                continue
            current = account.get("c7n:s3-public-block")
            if current is None:
                current = self._current(aid)
            given = {k: self.data[k] for k in PUBLIC_BLOCK_KEYS if k in self.data}
            config = {k: given.get(k, current.get(k, not given)) for k in PUBLIC_BLOCK_KEYS}
            calls.append(ApiCall("s3control", "put_public_access_block",
                                 {"AccountId": aid, "PublicAccessBlockConfiguration": config}, [aid],
                                 "account Block Public Access " +
                                 ", ".join(f"{k}={str(v).lower()}" for k, v in config.items())))
        return calls

    def _current(self, account_id: str) -> dict:
        try:
            return self.manager.session.client("s3control").get_public_access_block(
                AccountId=account_id)["PublicAccessBlockConfiguration"]
        except Exception as exc:  # noqa: BLE001
            if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
                raise
            return {}


@actions.register("set-ebs-encryption", ACCOUNT)
class SetEbsEncryption(Action):
    """Turn EBS encryption by default on (`state: true`) or off in the region;
    with `key`, also set the default KMS key."""

    schema = {"state": {"type": "boolean"}, "key": {"type": "string"}}
    permissions = ("ec2:EnableEbsEncryptionByDefault", "ec2:DisableEbsEncryptionByDefault",
                   "ec2:ModifyEbsDefaultKmsKeyId")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        if self.data.get("state"):
            calls = [ApiCall("ec2", "enable_ebs_encryption_by_default", {}, ids, "EBS encryption by default on")]
            if self.data.get("key"):
                calls.append(ApiCall("ec2", "modify_ebs_default_kms_key_id", {"KmsKeyId": self.data["key"]},
                                     ids, f"default EBS key {self.data['key']}"))
            return calls
        return [ApiCall("ec2", "disable_ebs_encryption_by_default", {}, ids, "EBS encryption by default off")]


@actions.register("set-ec2-metadata-defaults", ACCOUNT)
class SetEc2MetadataDefaults(Action):
    """Set the region's defaults for new instances' metadata service: the
    options given (`HttpTokens: required` for IMDSv2), the others unchanged."""

    schema = {"HttpEndpoint": {"enum": ["enabled", "disabled", "no-preference"]},
              "HttpPutResponseHopLimit": {"type": "integer"},
              "HttpTokens": {"enum": ["optional", "required", "no-preference"]},
              "InstanceMetadataTags": {"enum": ["enabled", "disabled", "no-preference"]}}
    permissions = ("ec2:ModifyInstanceMetadataDefaults",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        params = {k: v for k, v in self.data.items() if k != "type"}
        if not params:
            return []
        return [ApiCall("ec2", "modify_instance_metadata_defaults", params, [self.resource_id(r) for r in resources],
                        "instance metadata defaults " + ", ".join(f"{k}={v}" for k, v in params.items()))]


@actions.register("set-emr-block-public-access", ACCOUNT)
class SetEmrBlockPublicAccess(Action):
    """Set the region's EMR block public access `config`
    (`BlockPublicSecurityGroupRules`, and the port ranges still allowed
    publicly, `PermittedPublicSecurityGroupRuleRanges: [{MinRange, MaxRange}]`)."""

    schema = {"config": {"type": "object", "required": ["BlockPublicSecurityGroupRules"], "properties": {
        "BlockPublicSecurityGroupRules": {"type": "boolean"},
        "PermittedPublicSecurityGroupRuleRanges": {"type": "array", "items": {
            "type": "object", "required": ["MinRange"],
            "properties": {"MinRange": {"type": "number", "minimum": 0},
                           "MaxRange": {"type": "number", "minimum": 0}}}}}}}
    required = ("config",)
    permissions = ("elasticmapreduce:PutBlockPublicAccessConfiguration",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        config = self.data["config"]
        state = "on" if config["BlockPublicSecurityGroupRules"] else "off"
        return [ApiCall("emr", "put_block_public_access_configuration", {"BlockPublicAccessConfiguration": config},
                        [self.resource_id(r) for r in resources], f"EMR block public access {state}")]


@actions.register("set-xray-encrypt", ACCOUNT)
class SetXrayEncrypt(Action):
    """Encrypt X-Ray data with the AWS default (`key: default`) or a KMS key
    (an id, ARN or alias).  moto does not serve it: plan with --dryrun there."""

    schema = {"key": {"type": "string"}}
    required = ("key",)
    permissions = ("xray:PutEncryptionConfig",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        key = self.data["key"]
        params = {"Type": "NONE"} if key == "default" else {"Type": "KMS", "KeyId": key}
        return [ApiCall("xray", "put_encryption_config", params, [self.resource_id(r) for r in resources],
                        "X-Ray encryption " + ("AWS default" if key == "default" else f"with {key}"))]


def trail_bucket_policy(current: str | None, bucket: str, account: str) -> str:
    """The bucket policy with the two statements CloudTrail needs to deliver logs
    (kept, or added to the current policy)."""
    import json
    document = json.loads(current) if current else {"Version": "2012-10-17", "Statement": []}
    needed = [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]
    sids = {s.get("Sid") for s in document.get("Statement", [])}
    document["Statement"] = [*document.get("Statement", []), *(s for s in needed if s["Sid"] not in sids)]
    return json.dumps(document)


@actions.register("enable-cloudtrail", ACCOUNT)
class EnableCloudTrail(Action):
    """Make sure a trail (`trail`, default `default-trail`) logs to `bucket`:
    create the bucket (in `bucket-region`, default us-east-1) and the trail if
    missing, let CloudTrail write to the bucket, set `multi-region` and
    `global-events` (default true), `file-digest`, `notify` (an SNS topic) and
    `kms-key`, and start logging."""

    schema = {"trail": {"type": "string"}, "bucket": {"type": "string"}, "bucket-region": {"type": "string"},
              "multi-region": {"type": "boolean"}, "global-events": {"type": "boolean"},
              "notify": {"type": "string"}, "file-digest": {"type": "boolean"}, "kms": {"type": "boolean"},
              "kms-key": {"type": "string"}}
    required = ("bucket",)
    permissions = ("cloudtrail:CreateTrail", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                   "cloudtrail:StartLogging", "cloudtrail:UpdateTrail", "s3:CreateBucket", "s3:ListAllMyBuckets",
                   "s3:GetBucketPolicy", "s3:PutBucketPolicy")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        session = self.manager.session
        d = self.data
        bucket, region = d["bucket"], d.get("bucket-region", "us-east-1")
        name = d.get("trail", "default-trail")
        ids = [self.resource_id(r) for r in resources]
        s3 = session.client("s3", region)
        calls = []
        if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", ())}:
            params: dict = {"Bucket": bucket}
            if region != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": region}
            calls.append(ApiCall("s3", "create_bucket", params, ids, f"create bucket {bucket}"))
            current = None
        else:
            try:
                current = s3.get_bucket_policy(Bucket=bucket)["Policy"]
            except Exception as exc:  # noqa: BLE001 - only "no policy yet" is expected
                if error_code(exc) != "NoSuchBucketPolicy":
                    raise
                current = None
        calls.append(ApiCall("s3", "put_bucket_policy", {
            "Bucket": bucket, "Policy": trail_bucket_policy(current, bucket, session.account_id)}, ids,
            f"let CloudTrail write to {bucket}"))
        wanted = {"IsMultiRegionTrail": d.get("multi-region", True),
                  "IncludeGlobalServiceEvents": d.get("global-events", True),
                  "EnableLogFileValidation": d.get("file-digest", False)}
        if d.get("notify"):
            wanted["SnsTopicName"] = d["notify"]
        if d.get("kms-key"):
            wanted["KmsKeyId"] = d["kms-key"]
        client = session.client("cloudtrail")
        trail = next((t for t in client.describe_trails(includeShadowTrails=False).get("trailList", ())
                      if t["Name"] == name), None)
        if trail is None:
            calls.append(ApiCall("cloudtrail", "create_trail", {"Name": name, "S3BucketName": bucket, **wanted},
                                 ids, f"create trail {name}"))
        else:
            have = {"IsMultiRegionTrail": trail.get("IsMultiRegionTrail"),
                    "IncludeGlobalServiceEvents": trail.get("IncludeGlobalServiceEvents"),
                    "EnableLogFileValidation": trail.get("LogFileValidationEnabled"),
                    "SnsTopicName": trail.get("SnsTopicName"), "KmsKeyId": trail.get("KmsKeyId")}
            changes = {k: v for k, v in wanted.items() if have.get(k) != v}
            if trail.get("S3BucketName") != bucket:
                changes["S3BucketName"] = bucket
            if changes:
                calls.append(ApiCall("cloudtrail", "update_trail", {"Name": name, **changes}, ids,
                                     "update trail " + ", ".join(sorted(changes))))
        if trail is None or not client.get_trail_status(Name=name).get("IsLogging"):
            calls.append(ApiCall("cloudtrail", "start_logging", {"Name": name}, ids, f"start logging {name}"))
        return calls
