"""An embedded moto account, served over HTTP on loopback, for trying c7n-lite
without credentials (`run --sandbox`) and for the test suite.

The server records every request it answers (service, operation, whether it
is a read), which is how tests prove that a dry run changed nothing.
"""
from __future__ import annotations

import dataclasses
import io
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from c7n_lite.aws.session import is_read_only

SANDBOX_ACCOUNT = "123456789012"
SANDBOX_REGION = "us-east-1"
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


class SandboxUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Request:
    service: str
    operation: str
    method: str
    path: str

    query: str = ""
    # The request body, for fault-injection hooks only (not kept in the log).
    body: bytes = b""

    @property
    def read_only(self) -> bool:
        if self.operation.startswith(("GET ", "HEAD ")):
            return True
        if self.operation.startswith(f"{self.method} /"):
            # A REST call: some reads are POSTs (iot ListAttachedPolicies); ask the model.
            name = _rest_operation(self.service, self.method, self.path, self.query)
            if name:
                return is_read_only(name)
        return is_read_only(self.operation)


_Route = tuple[str, "re.Pattern[str]", tuple[str, ...], int, str]
_REST_ROUTES: dict[str, list[_Route]] = {}


def _rest_routes(service: str) -> list[_Route]:
    """(method, path regex, required query keys, specificity) → operation, from botocore's model."""
    if service not in _REST_ROUTES:
        routes: list[_Route] = []
        try:
            import botocore.session
            model = botocore.session.get_session().get_service_model(service)
        except Exception:  # noqa: BLE001 - unknown service: fall back to METHOD /path
            model = None
        for name in (model.operation_names if model is not None else ()):
            http = model.operation_model(name).http
            uri, _, query = http.get("requestUri", "/").partition("?")
            pattern = "".join(
                "(.+)" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{[^}]+\})", uri))
            keys = tuple(k.split("=")[0] for k in query.split("&") if k)
            literal = len(re.sub(r"\{[^}]+\}", "", uri))
            routes.append((http.get("method", "GET"), re.compile(f"^{pattern}/?$"), keys, literal, name))
        _REST_ROUTES[service] = routes
    return _REST_ROUTES[service]


def _rest_operation(service: str, method: str, path: str, query: str) -> str | None:
    """The operation of a REST-style request (IoT, S3, Lambda …), so that reads sent
    as POST (e.g. iot ListAttachedPolicies) are recognised as reads."""
    present = set(parse_qs(query, keep_blank_values=True))
    best = None
    for m, rx, keys, literal, name in _rest_routes(service):
        if m == method and rx.match(path) and all(k in present for k in keys):
            # a parameter may hold an ARN, "/" and all: prefer routes where none had to
            strict = rx.pattern.count("(.+)") == 0 or re.match(rx.pattern.replace("(.+)", "([^/]+)"), path)
            score = (bool(strict), len(keys), literal)
            if best is None or score > best[0]:
                best = (score, name)
    return best[1] if best else None


def _operation(environ: dict, body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") and body:
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    return f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO', '/')}"


class RecordingMotoServer:
    """moto's server app in a thread on 127.0.0.1, recording each request."""

    def __init__(self, port: int = 0) -> None:
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        try:
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
            from werkzeug.serving import make_server
        except ImportError as exc:
            raise SandboxUnavailable(
                "the sandbox needs moto's server: pip install 'c7n-lite[sandbox]'") from exc
        self.requests: list[Request] = []
        # Fault injection: each hook sees every recorded request; the first to
        # return (status, body[, content type]) answers it instead of moto.
        self.hooks: list[Callable[[Request], Any]] = []
        self._lock = threading.Lock()
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", port, self._recording(app), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.account_id = SANDBOX_ACCOUNT

    def _recording(self, app: Callable) -> Callable:
        def wrapped(environ: dict, start_response: Callable) -> Any:
            path = environ.get("PATH_INFO", "")
            if path.startswith("/moto-api"):
                return app(environ, start_response)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            found = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
            request = Request(found.group(2) if found else "unknown", _operation(environ, body),
                              environ.get("REQUEST_METHOD", "GET"), path, environ.get("QUERY_STRING", ""))
            with self._lock:
                self.requests.append(request)
            if self.hooks:
                request = dataclasses.replace(request, body=body)
            for hook in list(self.hooks):
                reply = hook(request)
                if reply is not None:
                    return self._reply(start_response, *reply)
            return app(environ, start_response)
        return wrapped

    @staticmethod
    def _reply(start_response: Callable, status: int, body: str | bytes,
               content_type: str = "text/xml") -> list[bytes]:
        data = body.encode() if isinstance(body, str) else body
        start_response(f"{status} Injected", [("Content-Type", content_type),
                                              ("Content-Length", str(len(data)))])
        return [data]

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RecordingMotoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def writes(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if not r.read_only]

    def reset_state(self) -> None:
        """Forget every resource (moto's reset)."""
        import urllib.request
        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")).read()


def use_fake_credentials() -> None:
    """moto accepts any credentials; make sure botocore finds some."""
    for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                       ("AWS_SESSION_TOKEN", "testing")):
        os.environ[key] = value
    os.environ.setdefault("AWS_DEFAULT_REGION", SANDBOX_REGION)


def start_sandbox(seed: bool = True) -> RecordingMotoServer:
    """Start the embedded account and fill it with demo resources."""
    server = RecordingMotoServer().start()
    use_fake_credentials()
    if seed:
        from c7n_lite.sandbox_seed import seed_demo_account
        seed_demo_account(server.endpoint, SANDBOX_REGION)
    return server
