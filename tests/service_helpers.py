"""Helpers the per-service test files share: a manager on the test server, a
scan that must succeed, and a count of the requests the server answered."""
from __future__ import annotations

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceManager

REGION = "us-east-1"


def manager(server, type_name):
    return ResourceManager(resources.get(type_name), AwsSession(REGION, endpoint_url=server.endpoint))


def scan(cli, write_policies, text, *extra):
    result = cli("run", *extra, write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def served(server, operation):
    return sum(1 for r in server.requests if r.operation == operation)
