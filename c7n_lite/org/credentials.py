"""Each account's role, assumed through STS from the caller's credentials, and
refreshed before it expires on long runs."""
from __future__ import annotations

from typing import Any

SESSION_NAME = "c7n-lite"


def caller_sts(region: str, endpoint_url: str | None = None, profile: str | None = None) -> Any:
    """An STS client of the caller's credentials: one can assume every account's role
    (boto3 clients are thread-safe, and each costs some 40 ms of CPU to make)."""
    import boto3

    from c7n_lite.aws.session import new_botocore_session
    base = boto3.Session(botocore_session=new_botocore_session(), profile_name=profile, region_name=region)
    return base.client("sts", region_name=region, endpoint_url=endpoint_url)


def assumed_session(role_arn: str, region: str, endpoint_url: str | None = None,
                    profile: str | None = None, external_id: str | None = None, sts: Any = None) -> Any:
    """A boto3 session acting as `role_arn` (one AssumeRole now, again before expiry);
    `sts`: the caller's STS client to assume it with (made here if not given)."""
    import boto3
    from botocore.credentials import RefreshableCredentials

    from c7n_lite.aws.session import new_botocore_session

    sts = sts or caller_sts(region, endpoint_url, profile)

    def fetch() -> dict:
        params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
        if external_id:
            params["ExternalId"] = external_id
        creds = sts.assume_role(**params)["Credentials"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role")
    botocore_session = new_botocore_session()
    botocore_session._credentials = credentials
    botocore_session.set_config_variable("region", region)
    return boto3.Session(botocore_session=botocore_session, region_name=region)
