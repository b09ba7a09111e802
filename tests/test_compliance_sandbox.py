"""The whole compliance pack against the sandbox, as a user runs it
(`c7n-lite run --dryrun --sandbox -s out policies/compliance/`): no policy
errors, every policy evaluates at least one resource, the counts add up, and
the CIS v7.0.0 / FSBP checks find the sandbox's non-compliant examples and pass
its compliant ones.  Where moto cannot give a compliant example (MFA delete, a
current IAM server certificate), the server serves one here."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from c7n_lite.sandbox_seed import seed_demo_account
from c7n_lite.schema import load_policies

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "policies" / "compliance"
SPECS = load_policies([str(PACK)])[0]


@pytest.fixture(scope="module")
def sandbox_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    done = subprocess.run([sys.executable, "cli.py", "run", "--dryrun", "--sandbox", "-s", str(out),
                           "policies/compliance/"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return out


def meta(out: Path, name: str) -> dict:
    return json.loads((out / name / "metadata.json").read_text())


def test_every_pack_policy_runs_clean_and_evaluates_something_in_the_sandbox(sandbox_run):
    assert len(SPECS) >= 140
    for spec in SPECS:
        m = meta(sandbox_run, spec.name)
        counts = m["counts"]
        assert m["errors"] == [], (spec.name, m["errors"])
        assert counts["errored"] == 0, spec.name
        assert counts["evaluated"] >= 1, f"{spec.name} evaluated nothing in the sandbox"
        assert counts["evaluated"] == counts["matched"] + counts["passed"] + counts["errored"], spec.name


def test_the_pack_names_at_least_55_cis_v7_and_110_fsbp_ids():
    controls = {c for spec in SPECS for c in spec.data["metadata"]["controls"]}
    cis = {c for c in controls if re.fullmatch(r"CIS-AWS-v7\.0\.0-\d+(\.\d+)*", c)}
    fsbp = {c for c in controls if c.startswith("AWS-FSBP-")}
    assert len(cis) >= 55, sorted(cis)
    assert len(fsbp) >= 110, len(fsbp)


def name_of(resource: dict) -> str:
    for key in ("DBInstanceIdentifier", "DBClusterIdentifier", "RoleName", "UserName", "GroupName",
                "ServerCertificateName", "stageName", "account_id"):
        if key in resource:
            return resource[key]
    if "QueueUrl" in resource:
        return resource["QueueUrl"].rsplit("/", 1)[1]
    if "GroupId" in resource:
        return resource["GroupName"]
    tags = {t["Key"]: t["Value"] for t in resource.get("Tags", ())}
    return tags.get("Name") or resource.get("Name") or resource["InstanceId"]


# policy → (a non-compliant example it must find, a compliant one it must pass)
EXAMPLES = {
    "rds-instance-not-encrypted": ("legacy-mysql", "orders-db"),
    "rds-instance-publicly-accessible": ("legacy-mysql", "orders-db"),
    "rds-instance-auto-minor-upgrade-off": ("legacy-mysql", "orders-db"),
    "rds-instance-single-az": ("legacy-mysql", "orders-db"),
    "rds-instance-copy-tags-to-snapshots-off": ("legacy-mysql", "orders-db"),
    "rds-instance-iam-auth-off": ("legacy-mysql", "orders-db"),
    "rds-cluster-single-az": ("scratch-aurora", "payments-aurora"),
    "rds-cluster-iam-auth-off": ("scratch-aurora", "payments-aurora"),
    "rds-cluster-not-encrypted": ("scratch-aurora", "payments-aurora"),
    "ec2-imdsv1-allowed": ("batch-worker", "secure-api"),
    "sg-cifs-open-to-internet": ("file-share", "public-web"),
    "sg-high-risk-ports-open-to-internet": ("file-share", "public-web"),
    "sg-unauthorized-ports-open-to-internet": ("legacy-ssh", "public-web"),
    "s3-bucket-policy-public": ("demo-public-website", "demo-partner-exchange"),
    "s3-deny-http-missing": ("demo-build-cache", "demo-data-lake"),
    "s3-bucket-versioning-off": ("demo-build-cache", "demo-data-lake"),
    "s3-access-logging-off": ("demo-build-cache", "demo-data-lake"),
    "cloudtrail-bucket-access-logging-off": ("demo-legacy-trail-logs-us-east-1", "demo-cloudtrail-logs-us-east-1"),
    "sqs-queue-public": ("public-webhooks", "partner-inbound"),
    "iam-role-cloudshell-full-access": ("ops-shell", "app-server"),
    "iam-group-cloudshell-full-access": ("empty-group", "developers"),
    "iam-user-cloudshell-full-access": ("alice-legacy", "carol"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_new_check_finds_the_bad_example_and_passes_the_good_one(sandbox_run, name):
    bad, good = EXAMPLES[name]
    found = [name_of(r) for r in json.loads((sandbox_run / name / "resources.json").read_text())]
    assert bad in found, (name, found)
    assert good not in found, (name, found)
    assert meta(sandbox_run, name)["counts"]["passed"] >= 1
    evaluated = json.loads((sandbox_run / name / "evaluated.json").read_text())   # ids
    if not str(evaluated[0]).startswith(("sg-", "i-", "http")):
        assert good in evaluated, (name, evaluated)


def test_checks_of_the_account_and_moto_gaps_find_their_examples(sandbox_run):
    assert meta(sandbox_run, "account-no-support-role")["counts"]["matched"] == 1
    assert [name_of(r) for r in json.loads((sandbox_run / "iam-certificate-expired" / "resources.json")
                                            .read_text())] == ["legacy-web-2012"]
    mfa = meta(sandbox_run, "s3-mfa-delete-off")["counts"]
    assert mfa["matched"] == mfa["evaluated"] >= 1


def one_policy(write_policies, name: str) -> str:
    spec = next(s for s in SPECS if s.name == name)
    return write_policies(yaml.safe_dump({"policies": [json.loads(json.dumps(spec.data))]}))


def test_stage_access_logs_found_per_stage(server, aws, cli, write_policies):
    from c7n_lite.sandbox_seed import apigateway
    apigateway.seed(server.endpoint, "us-east-1")
    apis = {a["name"]: a["id"] for a in aws("apigateway").get_rest_apis()["items"]}
    result = cli("run", "--dryrun", one_policy(write_policies, "rest-stage-access-logging-off"))
    assert result.exit_code == 0, result.output
    found = sorted((r["restApiId"], r["stageName"]) for r in result.resources("rest-stage-access-logging-off"))
    assert found == sorted([(apis["orders"], "test"), (apis["internal"], "prod")])
    assert result.metadata("rest-stage-access-logging-off")["counts"]["evaluated"] == 3


def test_mfa_delete_passes_a_bucket_that_has_it(server, aws, cli, write_policies):
    """moto ignores MFADelete: the server answers one bucket's GetBucketVersioning."""
    seed_demo_account(server.endpoint, "us-east-1")
    body = ('<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration '
            'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status>'
            '<MfaDelete>Enabled</MfaDelete></VersioningConfiguration>')

    def versioning(request):
        if (request.method == "GET" and request.path.rstrip("/") == "/demo-data-lake"
                and "versioning" in request.query):
            return 200, body, "application/xml"
        return None
    server.hooks.append(versioning)
    result = cli("run", "--dryrun", one_policy(write_policies, "s3-mfa-delete-off"))
    assert result.exit_code == 0, result.output
    found = result.ids("s3-mfa-delete-off", "Name")
    assert "demo-data-lake" not in found and "demo-build-cache" in found
    assert result.metadata("s3-mfa-delete-off")["counts"]["passed"] == 1


def test_expired_server_certificates_found_current_ones_passed(server, cli, write_policies):
    """moto reports every certificate as expired in 2012: the server lists one that is current."""
    soon = (datetime.now(timezone.utc) + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def entry(name: str, expiration: str) -> str:
        return (f"<member><ServerCertificateName>{name}</ServerCertificateName><Path>/</Path>"
                f"<Arn>arn:aws:iam::123456789012:server-certificate/{name}</Arn>"
                f"<ServerCertificateId>ASCA{name.upper().replace('-', '')}</ServerCertificateId>"
                f"<UploadDate>2020-01-01T00:00:00Z</UploadDate><Expiration>{expiration}</Expiration></member>")
    body = ('<ListServerCertificatesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            "<ListServerCertificatesResult><IsTruncated>false</IsTruncated><ServerCertificateMetadataList>"
            + entry("legacy-web-2012", "2012-05-08T01:02:03Z") + entry("web-current", soon)
            + "</ServerCertificateMetadataList></ListServerCertificatesResult>"
            "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListServerCertificatesResponse>")
    server.hooks.append(lambda r: (200, body) if r.operation == "ListServerCertificates" else None)
    result = cli("run", "--dryrun", one_policy(write_policies, "iam-certificate-expired"))
    assert result.exit_code == 0, result.output
    assert result.ids("iam-certificate-expired", "ServerCertificateName") == ["legacy-web-2012"]
    assert result.metadata("iam-certificate-expired")["counts"]["evaluated"] == 2


def test_a_failed_certificate_listing_is_an_error_not_a_pass(server, cli, write_policies):
    server.hooks.append(lambda r: (403, '<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message>'
                                        '</Error></ErrorResponse>') if r.operation == "ListServerCertificates"
                        else None)
    result = cli("run", "--dryrun", one_policy(write_policies, "iam-certificate-expired"))
    assert result.exit_code != 0
    assert result.metadata("iam-certificate-expired")["errors"]
