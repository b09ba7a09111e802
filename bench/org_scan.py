#!/usr/bin/env python3
"""The organisation scan, measured: N accounts × 2 regions on one moto server
(accounts kept apart by the credentials sts.assume_role returns), then
`c7n-lite org run --dryrun` as a child process.

    python bench/org_scan.py                      # 1, 10 and 40 accounts
    python bench/org_scan.py --accounts 10,40 --latency-ms 30
    python bench/org_scan.py --c7n-org            # and the same through c7n-org

Prints wall time, CPU, peak RSS and requests per account count, and the ratio
of each wall time to the one-account scan's.  With --c7n-org, the same accounts
file and policies also go through c7n-org's run (PyPI c7n-org, in a throwaway
venv: python3 -m venv /tmp/c7n-org-venv && /tmp/c7n-org-venv/bin/pip install c7n-org),
as it runs by default (a process pool, C7N_ORG_PARALLEL).  CPU counts the child
and the processes it waited for; RSS is the largest single process's peak.
A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import collections
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT  # noqa: E402

from c7n_lite.sandbox import RecordingMotoServer, use_fake_credentials  # noqa: E402

REGIONS = ("us-east-1", "us-west-2")
POLICIES = """
policies:
  - name: ec2-untagged
    resource: aws.ec2
    filters: [{"tag:Owner": absent}]
  - name: ebs-unencrypted
    resource: aws.ebs
    filters: [{Encrypted: false}]
  - name: sg-ssh-open
    resource: aws.security-group
    filters:
      - type: ingress
        Ports: [22]
        Cidr: {value: 0.0.0.0/0}
  - name: s3-public-acl
    resource: aws.s3
    filters: [{type: global-grants}]
"""


def client(endpoint: str, account: str, service: str, region: str):
    creds = boto3.client("sts", region_name=region, endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/Audit", RoleSessionName="seed")["Credentials"]
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def seed(endpoint: str, accounts: list[str]) -> None:
    """Per account and region: 6 instances (half owned), 4 volumes, 2 groups; 3 buckets per account."""
    for account in accounts:
        for region in REGIONS:
            ec2 = client(endpoint, account, "ec2", region)
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=3, MaxCount=3, TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "team"}]}])
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=3, MaxCount=3)
            for n in range(4):
                ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=n % 2 == 0)
            group = ec2.create_security_group(GroupName="ssh", Description="bench")["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        s3 = client(endpoint, account, "s3", "us-east-1")
        for n in range(3):
            s3.create_bucket(Bucket=f"b-{account}-{n}")


# The command runs as a grandchild of a small shim: a child forked from this process
# (moto loaded) would report this process's memory as its own peak RSS.
SHIM = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mib": usage.ru_maxrss / 1024, "exit": os.waitstatus_to_exitcode(status)}),
      file=sys.stderr)
"""


def measure(command: list[str], env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", SHIM, *command], env=env, cwd=ROOT, capture_output=True, text=True)
    lines = proc.stderr.strip().splitlines()
    return {**json.loads(lines[-1]), "stdout": proc.stdout, "stderr": "\n".join(lines[:-1])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", default="1,10,40", help="account counts, comma-separated")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("-j", "--jobs", type=int, default=16)
    parser.add_argument("--c7n-org", nargs="?", const="/tmp/c7n-org-venv/bin/c7n-org", default=None,
                        metavar="PATH", help="also run c7n-org (default /tmp/c7n-org-venv/bin/c7n-org)")
    args = parser.parse_args()
    use_fake_credentials()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    counts = [int(n) for n in args.accounts.split(",")]
    server = RecordingMotoServer().start()
    accounts = [f"2000000000{n:02d}" for n in range(max(counts))]
    started = time.perf_counter()
    seed(server.endpoint, accounts)
    print(f"seeded {len(accounts)} accounts x {len(REGIONS)} regions in {time.perf_counter() - started:.1f} s; "
          f"latency {args.latency_ms:g} ms; -j {args.jobs}")
    if args.latency_ms:
        server.hooks.append(lambda request: time.sleep(args.latency_ms / 1000))
    env = {**__import__("os").environ, "AWS_ENDPOINT_URL": server.endpoint}
    tools = {"c7n-lite": lambda work_dir: [
        sys.executable, str(ROOT / "cli.py"), "org", "run", "--dryrun", "-j", str(args.jobs),
        "-c", str(work_dir / "accounts.yml"), "-s", str(work_dir / "out"), "-u", str(work_dir / "policies.yml")]}
    if args.c7n_org:
        tools["c7n-org"] = lambda work_dir: [
            args.c7n_org, "run", "--dryrun", "--cache-period", "0", "-c", str(work_dir / "accounts.yml"),
            "-s", str(work_dir / "out"), "-u", str(work_dir / "policies.yml")]
    first: dict[str, float] = {}
    print(f"{'tool':<9} {'accounts':>8} {'wall s':>8} {'x 1 acct':>8} {'CPU s':>7} {'RSS MiB':>8} "
          f"{'requests':>9}  exit")
    for count in counts:
        for tool, command in tools.items():
            with tempfile.TemporaryDirectory() as work:
                work_dir = Path(work)
                (work_dir / "accounts.yml").write_text(yaml.safe_dump({"accounts": [
                    {"account_id": a, "name": f"acct-{i}", "regions": list(REGIONS),
                     "role": f"arn:aws:iam::{a}:role/Audit"} for i, a in enumerate(accounts[:count])]}))
                (work_dir / "policies.yml").write_text(POLICIES)
                server.reset_log()
                result = measure(command(work_dir), env)
                requests = collections.Counter(r.service for r in server.requests)
            first.setdefault(tool, result["wall"])
            print(f"{tool:<9} {count:>8} {result['wall']:>8.2f} {result['wall'] / first[tool]:>8.2f} "
                  f"{result['cpu']:>7.2f} {result['rss_mib']:>8.1f} {sum(requests.values()):>9}  {result['exit']}",
                  flush=True)
            if result["exit"] != 0:
                print(result["stdout"][-1500:], result["stderr"][-1500:])
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
