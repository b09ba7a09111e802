"""No hang: every client has connect and read timeouts, and each policy a deadline.
Against an endpoint that accepts connections and never answers, a policy ends with
one error line (timeouts made small for the test, so it takes seconds)."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.resources.core import DETAIL_WORKERS

POLICIES = """\
policies:
  - name: topics
    resource: aws.sns
  - name: volumes
    resource: aws.ebs
"""


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers; stops by itself after `lifetime`."""

    def __init__(self, lifetime: float = 60.0) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._until = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._until:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            self._held.append(conn)          # held open, never read, never answered
        self._close()

    def _close(self) -> None:
        for conn in self._held:
            conn.close()
        self.sock.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture
def silent(monkeypatch):
    server = SilentServer()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint)
    monkeypatch.setenv("C7N_LITE_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("C7N_LITE_READ_TIMEOUT", "1")
    monkeypatch.delenv("C7N_LITE_ACCOUNT_ID", raising=False)
    yield server
    server.stop()


def test_a_silent_endpoint_is_one_line_before_any_policy(moto_server, silent, cli, write_policies):
    started = time.monotonic()
    result = cli("run", "--dryrun", write_policies(POLICIES))
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "cannot reach AWS STS to check the credentials: Read timeout on endpoint URL: "
        f'"{silent.endpoint}/"']
    assert not result.output_dir.exists()


def test_a_policy_against_a_silent_endpoint_ends_with_an_error(moto_server, silent, cli, write_policies,
                                                               monkeypatch):
    # The credentials check is answered; every policy's calls meet the silent endpoint.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_server.endpoint)
    started = time.monotonic()
    result = cli("run", "--dryrun", write_policies(POLICIES))
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert elapsed < 20, f"took {elapsed:.1f}s"
    assert silent.accepted >= 2
    errors = [line for line in result.output.splitlines() if line.startswith("    error")]
    assert errors == [
        f"    error (resources): describing {rtype} failed: no answer within 1s (C7N_LITE_READ_TIMEOUT) "
        f"from {silent.endpoint}/: no further call made" for rtype in ("aws.sns", "aws.ebs")]
    assert "2 policies, 0 resources matched, 2 FAILED" in result.output
    # The account, known from the credentials check, is not asked again.
    assert result.metadata("topics")["account_id"] == moto_server.account_id


def test_clients_have_the_configured_timeouts(monkeypatch):
    monkeypatch.setenv("C7N_LITE_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("C7N_LITE_READ_TIMEOUT", "7.5")
    config = AwsSession("us-east-1").client("sqs").meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 7.5)
    monkeypatch.delenv("C7N_LITE_CONNECT_TIMEOUT")
    monkeypatch.setenv("C7N_LITE_READ_TIMEOUT", "soon")          # not a number: the default
    config = AwsSession("us-east-1").client("sqs").meta.config
    assert (config.connect_timeout, config.read_timeout) == (10, 60)


def test_a_policy_past_its_deadline_makes_no_further_call(server, aws, cli, write_policies, monkeypatch):
    sns = aws("sns")
    for i in range(30):
        sns.create_topic(Name=f"t{i}")
    # The shared listing is made before the policies run (with its own deadline);
    # each policy's deadline then covers its own calls.  Each topic's attributes
    # take 2.5 s and the policy has 2 s: the calls under way when the deadline
    # passes finish, and no further call is made.
    server.hooks.append(lambda request: time.sleep(2.5) if request.operation == "GetTopicAttributes" else None)
    monkeypatch.setenv("C7N_LITE_POLICY_TIMEOUT", "2")
    monkeypatch.setenv("C7N_LITE_ACCOUNT_ID", "123456789012")
    path = write_policies("policies:\n  - name: named\n    resource: aws.sns\n"
                          "    filters: [{DisplayName: absent}]\n"
                          "  - name: listed\n    resource: aws.sns\n")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    named = lines.index(next(line for line in lines if line.startswith("named ")))
    assert lines[named].rstrip().endswith("FAILED")
    asked = [r.operation for r in server.requests].count("GetTopicAttributes")
    assert 0 < asked <= DETAIL_WORKERS
    deadline = "policy deadline of 2s passed (C7N_LITE_POLICY_TIMEOUT): no further call made"
    assert lines[named + 1] == (f"    error (detail:attributes): {30 - asked} resource(s) not evaluated: "
                                f"PolicyTimeout {deadline}")
    counts = result.metadata("named")["counts"]
    assert (counts["evaluated"], counts["errored"]) == (30, 30 - asked)
    # The next policy has its own deadline.
    assert next(line for line in lines if line.startswith("listed ")).rstrip().endswith("ok")
    assert len(result.resources("listed")) == 30
