"""Before any policy runs: do the credentials resolve (one STS GetCallerIdentity),
and do the regions exist (botocore's partition data, no call)?  Each failure is
one line for the user and exit code 2, instead of the same error once per policy.

CLI only (run, org run, deploy, gc, invoke).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

EXIT_CODE = 2

HOW_TO_GIVE = ("pass --profile NAME (or set AWS_PROFILE), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
               "or run 'aws sso login --profile NAME' for an SSO profile")
SANDBOX_HINT = "; or try --sandbox (a demo account, no credentials needed)"
NO_CREDENTIALS = f"no AWS credentials found: {HOW_TO_GIVE}"

# STS says the credentials themselves are wrong (not that STS is unreachable).
REJECTED = ("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
            "UnrecognizedClientException", "AccessDenied", "InvalidAccessKeyId", "AuthFailure")


class PreflightError(Exception):
    """One line for the user; the command exits with EXIT_CODE."""


def check_regions(regions: Iterable[str]) -> None:
    """Every named region exists in some partition (`all` is expanded later, with credentials)."""
    from c7n_lite.regions import ALL, RegionError, check_region
    for region in regions:
        if region == ALL:
            continue
        try:
            check_region(region)
        except RegionError as exc:
            raise PreflightError(str(exc)) from None


def caller_account(profile: str | None, region: str, endpoint_url: str | None = None,
                   sandbox_hint: bool = False) -> str:
    """The account id the credentials belong to, from one GetCallerIdentity; or a
    PreflightError saying how to give credentials."""
    from botocore.config import Config

    from c7n_lite.aws.session import BotocoreClients, connect_timeout, read_timeout
    hint = SANDBOX_HINT if sandbox_hint else ""
    # A few tries only: an unreachable endpoint is said at once, not after the run's 9.
    config = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=connect_timeout(),
                    read_timeout=read_timeout(), user_agent_extra="c7n_lite")
    extra = {"endpoint_url": endpoint_url} if endpoint_url else {}
    try:
        client = BotocoreClients(profile).client("sts", region_name=region, config=config, **extra)
        return client.get_caller_identity()["Account"]
    except Exception as exc:  # noqa: BLE001 - every failure is one line, never a traceback
        raise PreflightError(explain(exc, profile) + (hint if _missing(exc) else "")) from None


def _missing(exc: BaseException) -> bool:
    return type(exc).__name__ in ("NoCredentialsError", "ProfileNotFound")


def explain(exc: BaseException, profile: str | None) -> str:
    """What kept the credentials from resolving, and what to do about it, in one line."""
    from c7n_lite.aws.session import describe_error, error_code, error_message
    name = type(exc).__name__
    kwargs: dict[str, Any] = getattr(exc, "kwargs", {}) or {}
    who = f"profile '{profile}'" if profile else "the credentials"
    if name == "NoCredentialsError":
        return NO_CREDENTIALS
    if name == "ProfileNotFound":
        missing = kwargs.get("profile") or profile
        return (f"AWS profile '{missing}' not found in ~/.aws/config or ~/.aws/credentials: "
                f"create it with 'aws configure --profile {missing}' (or 'aws configure sso')")
    if name in ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError", "SSOError"):
        login = f"aws sso login --profile {profile}" if profile else "aws sso login"
        return f"the SSO session of {who} has expired or was never started: run '{login}'"
    if name == "PartialCredentialsError":
        return f"incomplete AWS credentials ({exc}): {HOW_TO_GIVE}"
    if name == "CredentialRetrievalError":
        return f"AWS credentials could not be obtained: {exc}"
    if getattr(exc, "response", None) and error_code(exc) in REJECTED:
        return f"AWS rejected {who}: {error_code(exc)}: {error_message(exc)}"
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError"):
        return f"cannot reach AWS STS to check the credentials: {describe_error(exc)}"
    return f"checking the AWS credentials failed: {describe_error(exc)}"


def preflight_run(regions: list[str], default: str, profile: str | None, endpoint_url: str | None,
                  sandbox: bool) -> tuple[list[str], str | None]:
    """`run`'s checks, in order: the region names (no call), the credentials (one
    STS call; not in the sandbox, whose credentials are its own), then `all`
    expanded to the account's enabled regions.  The regions to run in, and the
    account id when it was looked up (so the run does not ask again)."""
    from c7n_lite.regions import ALL, RegionError, resolve
    check_regions(regions)
    account = None
    if not sandbox:
        # Asked in the first region named: its partition's STS (cn-north-1: aws-cn).
        first = next((r for r in regions if r != ALL), default)
        account = caller_account(profile, first, endpoint_url, sandbox_hint=True)
    try:
        return resolve(regions, default, profile, endpoint_url), account
    except RegionError as exc:
        raise PreflightError(str(exc)) from None
