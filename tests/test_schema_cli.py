"""`c7n-lite schema` and `c7n-lite version`: what a user asks the CLI about the policy language."""
from __future__ import annotations


def test_version_names_c7n_lite_boto3_and_botocore(cli):
    import platform
    from importlib.metadata import version

    import boto3
    import botocore
    result = cli("version")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"c7n_lite {version('c7n-lite')}", f"boto3 {boto3.__version__}", f"botocore {botocore.__version__}",
        f"python {platform.python_version()}"]
