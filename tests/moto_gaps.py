"""Pack policies moto cannot show passing: it never reports MFA delete on a
bucket, and reports every IAM server certificate as expired in 2012.  The
sandbox has no compliant example of them; tests/test_compliance_sandbox.py
serves one at the server instead."""

NOTHING_PASSES_IN_MOTO = frozenset({"s3-mfa-delete-off", "iam-certificate-expired"})
