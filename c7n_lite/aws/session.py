"""One boto3 session per account/region, with reused clients and counted calls.

boto3 is imported on first use, never at module import, so `validate`,
`schema` and a Lambda cold start do not pay for it until an API call is due.
"""
from __future__ import annotations

import contextvars
import datetime
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from c7n_lite.aws.models import known_error_shapes, shared_loader

READ_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "Scan", "Query",
                 "BatchGet", "Select", "Test")

# botocore's "standard" mode retries throttling and transient errors with
# exponential backoff and full jitter; `max_attempts` counts retries, so 8 means
# 9 tries in all, riding out ~20 s of throttling.
DEFAULT_MAX_ATTEMPTS = int(os.environ.get("C7N_LITE_MAX_ATTEMPTS", "8"))
MAX_POOL = 32

# The API calls of the policy running in this context (a policy's thread and the
# detail workers it starts), so that concurrent policies count their own.
POLICY_CALLS: contextvars.ContextVar[Counter | None] = contextvars.ContextVar("policy_calls", default=None)


def _seconds(name: str, default: float) -> float:
    """A number of seconds from the environment; the default when unset or not a positive number."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


# No call waits forever: seconds to open a connection, and to wait for any part
# of an answer (read at client creation, so they can be set per process).
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
# And no policy runs forever: after this many seconds it makes no new call.
DEFAULT_POLICY_TIMEOUT = 900.0


def connect_timeout() -> float:
    return _seconds("C7N_LITE_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)


def read_timeout() -> float:
    return _seconds("C7N_LITE_READ_TIMEOUT", DEFAULT_READ_TIMEOUT)


def policy_timeout() -> float:
    return _seconds("C7N_LITE_POLICY_TIMEOUT", DEFAULT_POLICY_TIMEOUT)


def client_config(**extra: Any) -> Any:
    """botocore Config for every client: standard retries, timeouts, our user agent."""
    from botocore.config import Config
    return Config(retries={"mode": "standard", "max_attempts": DEFAULT_MAX_ATTEMPTS},
                  connect_timeout=connect_timeout(), read_timeout=read_timeout(),
                  user_agent_extra="c7n_lite", **extra)

@dataclass
class Deadline:
    """A policy's: when its calls stop (monotonic time), and why they already did."""

    at: float
    seconds: float
    stalled: str | None = None


POLICY_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("policy_deadline", default=None)

# Called with every client a session creates, after its own handlers are
# registered.  A test or instrumentation hook (e.g. fault injection through a
# botocore `before-send` handler registered with `register_first`); empty in
# normal runs.
CLIENT_HOOKS: list[Callable[[Any], None]] = []


# Set on Ctrl-C (see runner): the calls in flight finish, no new action call starts.
STOP = threading.Event()

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


class PolicyTimeout(RuntimeError):
    """The policy's deadline passed, or its endpoint stopped answering: no new call is made."""


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
        # its policies (see resources.core.ResourceManager); one lock per entry,
        # so that policies running at once describe and fetch each thing once.
        self.resource_cache: dict = {}
        self._cache_locks: dict[Any, threading.Lock] = {}
        # Why calls stopped when no policy deadline is running (a Lambda's session).
        self._stalled: str | None = None

    def cache_lock(self, key: Any) -> threading.Lock:
        with self._lock:
            lock = self._cache_locks.get(key)
            if lock is None:
                lock = self._cache_locks[key] = threading.Lock()
            return lock

    @property
    def interrupted(self) -> bool:
        return STOP.is_set()

    @property
    def home_region(self) -> str:
        """Where the run reports global resources (IAM): us-east-1 when the run
        covers it, else its first region."""
        return "us-east-1" if "us-east-1" in self.run_regions else self.run_regions[0]

    def start_deadline(self, seconds: float | None = None) -> None:
        """A policy starts (in this context: its thread and its detail workers): it
        makes no call after `seconds` (C7N_LITE_POLICY_TIMEOUT), and none after one
        of its calls timed out (the endpoint is not answering: waiting again for
        each remaining call would hold the run for hours)."""
        limit = policy_timeout() if seconds is None else seconds
        POLICY_DEADLINE.set(Deadline(time.monotonic() + limit, limit))

    @property
    def boto_session(self) -> Any:
        """What makes the clients: a boto3 Session when given one (an
        organisation's assumed roles), else a botocore session of its own."""
        if self._boto_session is None:
            self._boto_session = BotocoreClients(self.profile)
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
        config = client_config(max_pool_connections=MAX_POOL)
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url

        client = self.boto_session.client(service, **kwargs)
        known_error_shapes(client.meta.service_model)
        client.meta.events.register("before-call", self._before_call)
        client.meta.events.register("before-send", self._before_send)
        client.meta.events.register("needs-retry", self._note_timeout)
        if service == "s3control" and self._local_endpoint():
            # s3control's endpoint rules put the account id in the host name
            # ({AccountId}.endpoint): a single local endpoint (the sandbox,
            # tests) is reached by its own host.
            client.meta.events.register("before-sign.s3-control", self._endpoint_host)
        for hook in CLIENT_HOOKS:
            hook(client)
        return client

    def _local_endpoint(self) -> str | None:
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3_CONTROL") or \
            os.environ.get("AWS_ENDPOINT_URL")

    def _endpoint_host(self, request: Any, **kwargs: Any) -> None:
        from urllib.parse import urlsplit, urlunsplit
        url, endpoint = urlsplit(request.url), urlsplit(self._local_endpoint() or "")
        if url.netloc != endpoint.netloc and url.netloc.endswith("." + endpoint.netloc):
            request.url = urlunsplit(url._replace(netloc=endpoint.netloc))

    def _before_call(self, event_name: str, **kwargs: Any) -> None:
        # event_name is "before-call.<service>.<Operation>"
        _, service, operation = event_name.split(".", 2)
        if self.dryrun and not is_read_only(operation):
            raise DryRunViolation(f"dry run: refusing to call {service}:{operation}")
        key = f"{service}:{operation}"
        with self._lock:
            self.api_calls[key] += 1
            mine = POLICY_CALLS.get()
            if mine is not None:
                mine[key] += 1

    def _before_send(self, request: Any = None, **kwargs: Any) -> None:
        # Before every attempt, retries included.
        deadline = POLICY_DEADLINE.get()
        stalled = deadline.stalled if deadline is not None else self._stalled
        if stalled:
            raise PolicyTimeout(stalled)
        if deadline is not None and time.monotonic() > deadline.at:
            raise PolicyTimeout(f"policy deadline of {deadline.seconds:g}s passed "
                                "(C7N_LITE_POLICY_TIMEOUT): no further call made")

    def _note_timeout(self, caught_exception: BaseException | None = None, **kwargs: Any) -> None:
        from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
        if isinstance(caught_exception, ReadTimeoutError):
            why = (f"no answer within {read_timeout():g}s (C7N_LITE_READ_TIMEOUT) from "
                   f"{caught_exception.kwargs.get('endpoint_url')}: no further call made")
        elif isinstance(caught_exception, ConnectTimeoutError):
            why = (f"no connection within {connect_timeout():g}s (C7N_LITE_CONNECT_TIMEOUT) to "
                   f"{caught_exception.kwargs.get('endpoint_url')}: no further call made")
        else:
            return
        deadline = POLICY_DEADLINE.get()
        if deadline is not None:
            deadline.stalled = why
        else:
            self._stalled = why

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            with self.cache_lock("account_id"):  # one STS call, whichever policy asks first
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


class BotocoreClients:
    """Clients as a boto3 Session makes them (`client(service, region_name=...)`),
    from botocore alone: a run imports neither boto3 nor s3transfer (3 MiB)."""

    def __init__(self, profile: str | None = None) -> None:
        self.session = new_botocore_session()
        if profile:
            self.session.set_config_variable("profile", profile)

    def client(self, service: str, **kwargs: Any) -> Any:
        return self.session.create_client(service, **kwargs)


def new_botocore_session() -> Any:
    """A botocore session that shares one model loader with every other (an
    organisation run makes a session per account: each loading the service
    models again cost seconds of CPU and hundreds of MiB), models without their
    documentation (see aws/models.py), and that parses AWS timestamps with the
    standard library."""
    import botocore.session

    session = botocore.session.get_session()
    shared_loader(session)
    session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    return session


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


NO_CREDENTIALS = ("NoCredentialsError", "PartialCredentialsError", "ProfileNotFound", "NoRegionError")


def describe_error(exc: BaseException) -> str:
    """An AWS call's failure in one line: the AWS error code and message, or what
    kept the call from being made (no credentials, no endpoint, a timeout)."""
    name = type(exc).__name__
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and response.get("Error"):
        text = f"{error_code(exc)}: {error_message(exc)}"
    else:
        text = str(exc) or name
    first = (text.strip().splitlines() or [name])[0]
    if name in NO_CREDENTIALS:
        first += " (configure credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws/credentials or a role)"
    return first
