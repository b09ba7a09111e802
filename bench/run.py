#!/usr/bin/env python3
"""Measure a scan before a change lands: seed a moto server at a chosen scale,
run `c7n-lite run --dryrun` on policies, and print wall time, CPU, peak RSS and
API requests (by operation), and each policy's own time and calls.

    python bench/run.py                         # scale 5, the example policies
    python bench/run.py --scale 20 --latency-ms 30 -j 1 -j 8 policies/s3.yml

A benchmark, not a test: nothing here asserts.  The server runs in this
process (moto's app on 127.0.0.1); the engine runs as a child process, whose
CPU and peak RSS are its own.  `--latency-ms` makes every request wait, as a
round trip to AWS does, so wall time shows how well calls overlap.
"""
from __future__ import annotations

import argparse
import collections
import compileall
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from c7n_lite.sandbox import RecordingMotoServer, use_fake_credentials  # noqa: E402

AMI = "ami-12c6146b"


def seed(endpoint: str, region: str, scale: int) -> dict[str, int]:
    """A plain account: per unit of scale 20 instances (half tagged), 12 volumes,
    6 snapshots, 6 security groups, 5 buckets, 4 topics, 1 Redshift cluster."""
    import boto3
    client = lambda service: boto3.client(service, region_name=region, endpoint_url=endpoint)  # noqa: E731
    ec2, s3, sns, redshift = client("ec2"), client("s3"), client("sns"), client("redshift")
    for unit in range(scale):
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": f"team-{unit}"}]}]
        ec2.run_instances(ImageId=AMI, MinCount=10, MaxCount=10, InstanceType="t3.micro", TagSpecifications=tags)
        ec2.run_instances(ImageId=AMI, MinCount=10, MaxCount=10, InstanceType="m5.large")
        volumes = [ec2.create_volume(AvailabilityZone=f"{region}a", Size=8 + n, Encrypted=n % 2 == 0)["VolumeId"]
                   for n in range(12)]
        for volume in volumes[:6]:
            ec2.create_snapshot(VolumeId=volume)
        for n in range(6):
            group = ec2.create_security_group(GroupName=f"g{unit}-{n}", Description="bench")["GroupId"]
            if n % 3 == 0:
                ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
                    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        for n in range(5):
            s3.create_bucket(Bucket=f"bench-{unit}-{n}")
            if n == 0:
                s3.put_bucket_acl(Bucket=f"bench-{unit}-{n}", ACL="public-read")
        for n in range(4):
            sns.create_topic(Name=f"bench-{unit}-{n}")
        redshift.create_cluster(ClusterIdentifier=f"bench-{unit}", NodeType="dc2.large", MasterUsername="admin",
                                MasterUserPassword="Password1", ClusterType="single-node")
    return {"instances": 20 * scale, "volumes": 32 * scale, "buckets": 5 * scale}


# The engine's own peak RSS, read in the engine at exit: a child forked from this
# process (the moto server's) would report this process's RSS as its own peak.
PEAK_RSS = """import atexit, os, runpy, sys
def peak():
    with open("/proc/self/status") as status, open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def measure(cmd: list[str], env: dict) -> dict:
    with tempfile.NamedTemporaryFile("r") as peak, tempfile.TemporaryFile("w+") as out, \
            tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([cmd[0], "-c", PEAK_RSS, *cmd[1:]], env={**env, "BENCH_PEAK_FILE": peak.name},
                                cwd=ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0), err.seek(0)
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": int(peak.read() or 0) / 1024,
                "exit": os.waitstatus_to_exitcode(status), "stdout": out.read(), "stderr": err.read()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("policies", nargs="*", default=[str(ROOT / "policies")])
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("-r", "--region", action="append", help="regions to run in (seeded: the first)")
    parser.add_argument("-j", "--jobs", action="append", type=int, help="c7n-lite run -j (repeat to compare)")
    args = parser.parse_args()
    # Bytecode cached as an installed package has it (an editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 would compile every module on each start).
    compileall.compile_dir(str(ROOT / "c7n_lite"), quiet=1)
    use_fake_credentials()
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    regions = args.region or ["us-east-1"]
    server = RecordingMotoServer().start()
    facts = seed(server.endpoint, regions[0], args.scale)
    if args.latency_ms:
        server.hooks.append(lambda request: time.sleep(args.latency_ms / 1000))
    env = {**os.environ, "AWS_ENDPOINT_URL": server.endpoint, "AWS_DEFAULT_REGION": regions[0]}
    print(f"scale {args.scale}: {facts}; latency {args.latency_ms:g} ms; policies {' '.join(args.policies)}")
    for jobs in args.jobs or [None]:
        with tempfile.TemporaryDirectory() as out:
            server.reset_log()
            cmd = [sys.executable, str(ROOT / "cli.py"), "run", "--dryrun", "-s", out,
                   *[x for r in regions for x in ("-r", r)], *(["-j", str(jobs)] if jobs else []), *args.policies]
            result = measure(cmd, env)
            requests = collections.Counter(f"{r.service}:{r.operation}" for r in server.requests)
            writes = [r for r in server.requests if not r.read_only]
            per_policy = []
            for meta_path in sorted(Path(out).rglob("metadata.json")):
                meta = json.loads(meta_path.read_text())
                per_policy.append((meta["policy"]["name"], meta["region"], meta["execution"]["duration"],
                                   meta["api_calls"]["total"]))
        print(f"\n-j {jobs or 'default'}: exit {result['exit']}, wall {result['wall']:.2f} s, "
              f"engine CPU {result['cpu']:.2f} s, peak RSS {result['rss_mib']:.1f} MiB, "
              f"{sum(requests.values())} requests, {len(writes)} writes")
        for op, n in requests.most_common(15):
            print(f"  {n:6d}  {op}")
        slowest = sorted(per_policy, key=lambda p: -p[2])[:10]
        print("  slowest policies (s, API calls):")
        for name, region, duration, calls in slowest:
            print(f"    {duration:7.3f}  {calls:5d}  {name} ({region})")
        if result["exit"] not in (0, 1):
            print(result["stderr"][-2000:])
    server.stop()
    print(f"\nbench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (server)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
