"""`c7n-lite org run` (a drop-in for c7n-org's run) and `c7n-lite org accounts`."""
from __future__ import annotations

import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click

from c7n_lite.org.accounts import Account, AccountsError, load_accounts, select
from c7n_lite.variables import expand_variables

DEFAULT_ROLE = "arn:aws:iam::{AccountId}:role/OrganizationAccountAccessRole"


@click.group()
def org() -> None:
    """Many accounts and regions at once, with c7n-org's accounts file and layout."""


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


def account_sessions(accounts: list[Account], region: str, endpoint: str | None, profile: str | None,
                     workers: int) -> dict[str, Any]:
    """Each account's boto3 session (its role assumed), or the error that stopped it."""
    from c7n_lite.aws.session import error_code, error_message
    from c7n_lite.org.credentials import assumed_session, caller_sts
    sts = caller_sts(region, endpoint, profile) if any(a.role for a in accounts) else None

    def resolve(account: Account) -> Any:
        try:
            if not account.role:
                import boto3
                return boto3.Session(profile_name=profile, region_name=region)
            return assumed_session(account.role, region, endpoint, profile, account.external_id, sts)
        except Exception as exc:  # noqa: BLE001 - that account fails, the others go on
            return RuntimeError(f"assuming {account.role} failed: {error_code(exc)}: {error_message(exc)}")
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(accounts) or 1))) as pool:
        return dict(zip((a.account_id for a in accounts), pool.map(resolve, accounts), strict=True))


@org.command("run")
@click.option("-c", "--config", "config", required=True, help="c7n-org accounts file.")
@click.option("-s", "--output-dir", required=True, help="Output: <dir>/<account>/<region>/<policy>/.")
@click.option("-u", "--use", "policy_files", multiple=True, required=True, help="Policy file (repeatable).")
@click.option("-r", "--region", "regions", multiple=True, help="Regions (default: each account's, else us-east-1).")
@click.option("-a", "--accounts", "names", multiple=True, help="Only these accounts (name or id).")
@click.option("-t", "--tags", "tags", multiple=True, help="Only accounts with every one of these tags.")
@click.option("-p", "--policy", "policy_names", multiple=True, help="Only policies with this name (glob).")
@click.option("-d", "--dryrun", "--dry-run", is_flag=True, help="Change nothing; save and show the plan.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=16, show_default=True,
              help="Account-region policy runs at once.")
@click.option("--profile", help="AWS profile whose credentials assume each account's role.")
@click.option("-m", "--metrics", "--metrics-enabled", "metrics", metavar="aws[://…]",
              help="CloudWatch metrics per policy: aws (each account), aws://master (the caller's, by Account).")
@click.option("-v", "--verbose", count=True)
def org_run(config: str, output_dir: str, policy_files: tuple[str, ...], regions: tuple[str, ...],
            names: tuple[str, ...], tags: tuple[str, ...], policy_names: tuple[str, ...], dryrun: bool,
            jobs: int, profile: str | None, metrics: str | None, verbose: int) -> None:
    """Run policies in every selected account and region, in parallel."""
    import os

    from c7n_lite.aws.session import AwsSession
    from c7n_lite.cli import load_or_exit, setup_logging
    from c7n_lite.runner import Unit, run_units
    setup_logging(verbose)
    try:
        accounts = select(load_accounts(config), names, tags)
    except AccountsError as exc:
        _fail(str(exc))
    if not accounts:
        _fail(f"{config}: no account matches the selection")
    policies = load_or_exit(policy_files, policy_names)
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    # The caller's credentials (which assume each account's role) and every region,
    # checked once: one line, not the same error for every account.
    from c7n_lite.preflight import PreflightError, caller_account, check_regions
    try:
        check_regions([*regions, *(r for a in accounts for r in (a.regions or ()))])
        caller_account(profile, (regions or ("us-east-1",))[0], endpoint)
    except PreflightError as exc:
        _fail(str(exc))
    local_dir, publish, staging = output_dir, None, None
    if output_dir.startswith("s3://"):
        import tempfile

        from c7n_lite.sinks import S3Sink
        staging = tempfile.TemporaryDirectory(prefix="c7n-lite-org-")
        local_dir = staging.name
        try:
            publish = S3Sink(output_dir, staging.name, profile, endpoint).publish
        except ValueError as exc:
            _fail(str(exc))
    sessions = account_sessions(accounts, (regions or ("us-east-1",))[0], endpoint, profile, jobs)
    from c7n_lite.metrics import MetricsError
    from c7n_lite.sinks import metrics_sink
    ids = {a.name: a.account_id for a in accounts}
    try:
        sink = metrics_sink(metrics, policies, profile, endpoint, session_for=lambda name: sessions[ids[name]],
                            account_id_for=ids.get)
    except MetricsError as exc:
        _fail(str(exc))
    units: list[Unit] = []
    failed: dict[str, str] = {}
    for account in accounts:
        found = sessions[account.account_id]
        if isinstance(found, Exception):
            failed[account.account_id] = str(found)
            continue
        account_regions = list(regions or account.regions or ["us-east-1"])
        for region in account_regions:
            session = AwsSession(region, endpoint_url=endpoint, dryrun=dryrun, boto_session=found,
                                 run_regions=tuple(account_regions))
            data = [expand_variables(p, account.variables(region)) for p in policies]
            units.append(Unit(session, Path(local_dir) / account.name / region, data, account.name, publish))
    by_account: dict[str, list] = defaultdict(list)
    expected = {a.name: len(list(regions or a.regions or ["us-east-1"])) * len(policies) for a in accounts
                if a.account_id not in failed}
    done, failures = [0], [0]
    total = len(accounts)

    def so_far() -> str:
        return f" [{failures[0]} account(s) failed so far]" if failures[0] else ""
    for account in accounts:
        if account.account_id in failed:
            done[0] += 1
            failures[0] += 1
            click.echo(f"[{done[0]}/{total}] account {account.name} ({account.account_id}): FAILED: "
                       f"{failed[account.account_id]}{so_far()}")

    def on_result(run: Any) -> None:
        if sink is not None:
            sink.add(run)
        by_account[run.account].append(run)
        if len(by_account[run.account]) == expected.get(run.account):
            done[0] += 1
            runs_here = by_account[run.account]
            failures[0] += any(not r.skipped and not r.ok for r in runs_here)
            click.echo(account_line(done[0], total, run.account, runs_here) + so_far())
    try:
        runs = run_units(units, dryrun, on_result=on_result, workers=jobs)
    finally:
        if staging is not None:
            staging.cleanup()
    metrics_failed = sink.flush() if sink is not None else []
    for line in metrics_failed:
        click.echo(line, err=True)
    bad = sum(1 for r in runs if not r.skipped and not r.ok)
    click.echo(f"{total} accounts, {len(runs)} policy runs, {sum(len(r.matched) for r in runs)} resources matched"
               f"{f', {len(failed)} account(s) FAILED' if failed else ''}"
               f"{f', {bad} policy run(s) FAILED' if bad else ''}"
               f"{' (dry run: nothing changed)' if dryrun else ''}; output in {output_dir}")
    sys.exit(1 if failed or bad or metrics_failed else 0)


def account_line(done: int, total: int, account: str, runs: list) -> str:
    regions = sorted({r.region for r in runs})
    matched = sum(len(r.matched) for r in runs)
    errored = sum(r.errored for r in runs)
    bad = [r for r in runs if not r.skipped and not r.ok]
    return (f"[{done}/{total}] account {account}: {len(regions)} region(s), {len(runs)} policy runs, "
            f"{matched} matched" + (f", {errored} errored" if errored else "")
            + (f", {len(bad)} FAILED ({', '.join(sorted({r.policy for r in bad}))})" if bad else ", ok"))


@org.command("accounts")
@click.option("-f", "--file", "output", required=True, help="Accounts file to write (c7n-org's format).")
@click.option("--role", default=DEFAULT_ROLE, show_default=True,
              help="Role ARN template; {AccountId} is each account's id.")
@click.option("--ou", "ous", multiple=True, help="Only accounts under this organizational unit (repeatable).")
@click.option("-r", "--region", "regions", multiple=True, help="Regions to list for every account.")
@click.option("--profile", help="AWS profile of the organisation's management (or delegated) account.")
def org_accounts(output: str, role: str, ous: tuple[str, ...], regions: tuple[str, ...],
                 profile: str | None) -> None:
    """Write an accounts file from AWS Organizations: every active account (or an OU's)."""
    import os

    import boto3
    import yaml

    from c7n_lite.aws.session import error_code, error_message
    client = boto3.Session(profile_name=profile).client(
        "organizations", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
    try:
        found = _org_accounts(client, ous)
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        _fail(f"organizations: {error_code(exc)}: {error_message(exc)}")
    accounts = []
    for item in found:
        entry: dict[str, Any] = {"account_id": item["Id"], "name": item["Name"],
                                 "role": role.format(AccountId=item["Id"]), "tags": item["tags"]}
        if regions:
            entry["regions"] = list(regions)
        accounts.append(entry)
    Path(output).write_text(yaml.safe_dump({"accounts": accounts}, sort_keys=False), encoding="utf-8")
    click.echo(f"{len(accounts)} accounts written to {output}")


def _org_accounts(client: Any, ous: tuple[str, ...]) -> list[dict]:
    """Active accounts (of the OU subtrees, if given), each with its tags and its OU path."""
    if ous:
        accounts, seen = [], set()
        stack = [(ou, f"/{ou}") for ou in ous]
        while stack:
            parent, path = stack.pop()
            for page in client.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
                for a in page["Accounts"]:
                    if a["Id"] not in seen:
                        seen.add(a["Id"])
                        accounts.append({**a, "path": path})
            for page in client.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
                stack.extend((child["Id"], f"{path}/{child['Id']}") for child in page["OrganizationalUnits"])
    else:
        accounts = [a for page in client.get_paginator("list_accounts").paginate() for a in page["Accounts"]]
    out = []
    for a in accounts:
        if a.get("Status", "ACTIVE") != "ACTIVE":
            continue
        tags = client.list_tags_for_resource(ResourceId=a["Id"]).get("Tags", [])
        labels = [f"{t['Key']}:{t['Value']}" for t in tags] + ([f"path:{a['path']}"] if a.get("path") else [])
        out.append({"Id": a["Id"], "Name": a["Name"], "tags": labels})
    return sorted(out, key=lambda a: a["Name"])


def _register() -> None:
    from c7n_lite.org.deploy import org_deploy, org_gc
    org.add_command(org_deploy)
    org.add_command(org_gc)


_register()
