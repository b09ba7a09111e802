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
