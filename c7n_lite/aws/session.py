"""One boto3 session per account/region, with reused clients and counted calls.

boto3 is imported on first use, never at module import, so `validate`,
`schema` and a Lambda cold start do not pay for it until an API call is due.
"""
from __future__ import annotations

import datetime
import os
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Scan", "Query",
                 "BatchGet", "Select", "Test")

# botocore's "standard" mode retries throttling and transient errors with
# exponential backoff and full jitter; `max_attempts` counts retries, so 8 means
# 9 tries in all, riding out ~20 s of throttling.
DEFAULT_MAX_ATTEMPTS = int(os.environ.get("C7N_LITE_MAX_ATTEMPTS", "8"))
MAX_POOL = 16

# Called with every client a session creates, after its own handlers are
# registered.  A test or instrumentation hook (e.g. fault injection through a
# botocore `before-send` handler registered with `register_first`); empty in
# normal runs.
CLIENT_HOOKS: list[Callable[[Any], None]] = []


# Calls that change nothing in the account although their names say otherwise:
# IAM compiles the credential report and the services' last-access report (which
# filters then read) on request, and its policy simulator only evaluates (IAM
# lists them all as Read actions).
READ_OPERATIONS = frozenset(("GenerateCredentialReport", "GenerateServiceLastAccessedDetails",
                             "SimulatePrincipalPolicy", "SimulateCustomPolicy"))


def is_read_only(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS


class DryRunViolation(RuntimeError):
    """A mutating call was attempted during a dry run: a bug, stopped before it is sent."""


class AwsSession:
    """Clients for one region, created once each and shared across threads."""

    def __init__(self, region: str, profile: str | None = None,
                 endpoint_url: str | None = None, dryrun: bool = False,
                 boto_session: Any = None, run_regions: tuple[str, ...] | None = None) -> None:
        self.region = region
        # Every region of the run, for global listings (S3) that must report
        # each resource once per run.
        self.run_regions = run_regions or (region,)
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.dryrun = dryrun
        self.api_calls: Counter[str] = Counter()
        self._boto_session = boto_session
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._account_id: str | None = None
        # Describe results and fetched details of this run and region, shared by
        # its policies (see resources.core.ResourceManager).
        self.resource_cache: dict = {}

    @property
    def boto_session(self) -> Any:
        if self._boto_session is None:
            import boto3
            self._boto_session = boto3.Session(profile_name=self.profile, region_name=self.region)
            factory = self._boto_session._session.get_component("response_parser_factory")
            factory.set_parser_defaults(timestamp_parser=parse_timestamp)
        return self._boto_session

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.region
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._make_client(service, region)
                self._clients[key] = client
        return client

    def _make_client(self, service: str, region: str) -> Any:
        from botocore.config import Config
        config = Config(retries={"mode": "standard", "max_attempts": DEFAULT_MAX_ATTEMPTS},
                        max_pool_connections=MAX_POOL,
                        user_agent_extra="c7n_lite")
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        client = self.boto_session.client(service, **kwargs)
        client.meta.events.register("before-call", self._before_call)
        for hook in CLIENT_HOOKS:
            hook(client)
        return client

    def _before_call(self, event_name: str, **kwargs: Any) -> None:
        # event_name is "before-call.<service>.<Operation>"
        _, service, operation = event_name.split(".", 2)
        if self.dryrun and not is_read_only(operation):
            raise DryRunViolation(f"dry run: refusing to call {service}:{operation}")
        self.api_calls[f"{service}:{operation}"] += 1

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = os.environ.get("C7N_LITE_ACCOUNT_ID") or \
                self.client("sts").get_caller_identity()["Account"]
        return self._account_id

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"


def parse_timestamp(value: Any) -> datetime.datetime:
    """AWS timestamps as timezone-aware datetimes.  Most are ISO 8601, which the
    standard library parses several times faster than botocore's general
    dateutil-based parser (a quarter of a scan's CPU went there); anything
    else goes to botocore's."""
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    from botocore.utils import parse_timestamp as botocore_parse
    return botocore_parse(value)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, or the exception's class name."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code") or type(exc).__name__
    return type(exc).__name__


def error_message(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Message") or str(exc)
    return str(exc)
