"""`c7n-lite org deploy` and `org gc`: the single-account planner and executor
(c7n_lite.deploy) run in every selected account and region, on one bounded pool.

IAM is global, so an account's roles are handled once: deploy converges the
role in the account's first region (granting its log group in every region of
the run) before its other regions deploy side by side; gc removes functions and
rules in every region first, then the account's roles.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import click

from c7n_lite.org.accounts import Account, AccountsError, load_accounts, select
from c7n_lite.textsafe import safe
from c7n_lite.variables import expand_variables


@dataclass
class PairResult:
    """What deploy or gc did (or would do) in one account and region."""

    account: Account
    region: str
    done: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _regions(account: Account, regions: tuple[str, ...]) -> list[str]:
    return list(regions or account.regions or ["us-east-1"])


def _converge(result: PairResult, session: Any, plans: list, dryrun: bool) -> None:
    from c7n_lite.deploy.executor import execute
    for plan in plans:
        if plan.error:
            result.errors.append(f"{plan.policy}: {plan.error}")
        elif dryrun:
            result.done += [f"{plan.policy}: would {call.message}" for call in plan.calls]
    if dryrun:
        return
    for outcome in execute(session, [p for p in plans if p.calls and not p.error]):
        result.done += [f"{outcome.policy}: {message}" for message in outcome.done]
        if outcome.error:
            result.errors.append(f"{outcome.policy}: {outcome.error}")


def _guarded(step: Callable[[PairResult], None], result: PairResult) -> PairResult:
    from c7n_lite.aws.session import error_code, error_message
    try:
        step(result)
    except Exception as exc:  # noqa: BLE001 - this account and region fails, the others go on
        result.errors.append(f"{error_code(exc)}: {error_message(exc)}")
    return result


def pair_line(done: int, total: int, result: PairResult, verb: str) -> str:
    where = f"[{done}/{total}] account {result.account.name} {result.region}"
    if result.errors:
        return safe(f"{where}: FAILED: {'; '.join(result.errors)}")
    return safe(f"{where}: {len(result.done)} change(s) {verb}" if result.done else f"{where}: up to date")


class OrgDeployment:
    """The selected accounts, their sessions, and the pool both commands share."""

    def __init__(self, config: str, names: tuple[str, ...], tags: tuple[str, ...], regions: tuple[str, ...],
                 dryrun: bool, jobs: int, profile: str | None) -> None:
        from c7n_lite.org.commands import _fail, account_sessions
        from c7n_lite.preflight import PreflightError, caller_account, check_regions
        try:
            self.accounts = select(load_accounts(config), names, tags)
        except AccountsError as exc:
            _fail(str(exc))
        if not self.accounts:
            _fail(f"{config}: no account matches the selection")
        self.regions, self.dryrun, self.jobs = regions, dryrun, jobs
        self.verbose = False
        self.endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
        try:
            check_regions([*regions, *(r for a in self.accounts for r in (a.regions or ()))])
            caller_account(profile, (regions or ("us-east-1",))[0], self.endpoint)
        except PreflightError as exc:
            _fail(str(exc))
        self.sessions = account_sessions(self.accounts, (regions or ("us-east-1",))[0], self.endpoint, profile,
                                         jobs)
        self.total = sum(len(_regions(a, regions)) for a in self.accounts)
        self.done = 0
        self.results: list[PairResult] = []

    def session(self, account: Account, region: str) -> Any:
        from c7n_lite.aws.session import AwsSession
        session = AwsSession(region, endpoint_url=self.endpoint, dryrun=self.dryrun,
                             boto_session=self.sessions[account.account_id],
                             run_regions=tuple(_regions(account, self.regions)))
        session._account_id = account.account_id
        return session

    def report(self, result: PairResult, verb: str) -> None:
        self.done += 1
        self.results.append(result)
        click.echo(pair_line(self.done, self.total, result, "planned" if self.dryrun else verb))
        if self.dryrun or self.verbose:
            for message in result.done:
                click.echo(safe(f"  - {message}"))

    def live_accounts(self, verb: str) -> list[Account]:
        """The accounts whose role was assumed; the others are reported failed, region by region."""
        live = []
        for account in self.accounts:
            found = self.sessions[account.account_id]
            if isinstance(found, Exception):
                for region in _regions(account, self.regions):
                    self.report(PairResult(account, region, errors=[str(found)]), verb)
            else:
                live.append(account)
        return live

    def run(self, tasks: list[tuple[Account, str, Callable[[PairResult], None]]], verb: str,
            report: bool = True) -> list[PairResult]:
        with ThreadPoolExecutor(max_workers=max(1, min(self.jobs, len(tasks) or 1))) as pool:
            futures = [pool.submit(_guarded, step, PairResult(account, region)) for account, region, step in tasks]
            results = []
            for future in futures:
                results.append(future.result())
                if report:
                    self.report(results[-1], verb)
        return results

    def finish(self, verb: str) -> None:
        failed = sorted({r.account.name for r in self.results if r.errors})
        changed = sum(1 for r in self.results if r.done and not r.errors)
        click.echo(f"{len(self.accounts)} accounts, {self.total} account-regions: "
                   f"{changed} {'would change' if self.dryrun else verb}, "
                   f"{self.total - changed - sum(1 for r in self.results if r.errors)} up to date"
                   + (f", {len(failed)} account(s) FAILED ({', '.join(failed)})" if failed else "")
                   + (" (dry run: nothing changed)" if self.dryrun else ""))
        sys.exit(1 if failed else 0)


def _options(command: Callable) -> Callable:
    for option in reversed((
        click.option("-c", "--config", "config", required=True, help="c7n-org accounts file."),
        click.option("-u", "--use", "policy_files", multiple=True, required=True,
                     help="Policy file or directory (repeatable)."),
        click.option("-r", "--region", "regions", multiple=True,
                     help="Regions (default: each account's, else us-east-1)."),
        click.option("-a", "--accounts", "names", multiple=True, help="Only these accounts (name or id)."),
        click.option("-t", "--tags", "tags", multiple=True, help="Only accounts with every one of these tags."),
        click.option("-d", "--dryrun", "--dry-run", is_flag=True, help="Show the plan; change nothing."),
        click.option("-j", "--jobs", type=click.IntRange(1, 256), default=16, show_default=True,
                     help="Account-regions at once."),
        click.option("--profile", help="AWS profile whose credentials assume each account's role."),
        click.option("-v", "--verbose", count=True),
    )):
        command = option(command)
    return command


@click.command("deploy")
@_options
@click.option("-p", "--policy", "policy_names", multiple=True, help="Only policies with this name (glob).")
def org_deploy(config: str, policy_files: tuple[str, ...], regions: tuple[str, ...], names: tuple[str, ...],
               tags: tuple[str, ...], dryrun: bool, jobs: int, profile: str | None, verbose: int,
               policy_names: tuple[str, ...]) -> None:
    """Deploy periodic and event policies as Lambdas in every selected account and region."""
    from c7n_lite.cli import load_or_exit, setup_logging
    from c7n_lite.deploy.planner import plan_deploy
    setup_logging(verbose)
    policies = load_or_exit(policy_files, policy_names)
    org = OrgDeployment(config, names, tags, regions, dryrun, jobs, profile)
    org.verbose = verbose > 0

    def step(account: Account, region: str) -> Callable[[PairResult], None]:
        # The roles (global) are the first region's: converged there alone, so that a
        # policy whose variables differ by region does not rewrite them region after region.
        first_region = region == _regions(account, regions)[0]

        def deploy_here(result: PairResult) -> None:
            session = org.session(account, region)
            data = [expand_variables(p, account.variables(region)) for p in policies]
            _converge(result, session, plan_deploy(data, session, tuple(_regions(account, regions)),
                                                   roles=first_region), dryrun)
        return deploy_here
    live = org.live_accounts("deployed")
    # Each account's first region creates or updates its roles; then the other regions, side by side.
    first = org.run([(a, _regions(a, regions)[0], step(a, _regions(a, regions)[0])) for a in live], "deployed")
    ready = {r.account.account_id for r in first if not r.errors or dryrun}
    org.run([(a, region, step(a, region)) for a in live if a.account_id in ready
             for region in _regions(a, regions)[1:]], "deployed")
    for account in live:
        if account.account_id not in ready:
            for region in _regions(account, regions)[1:]:
                org.report(PairResult(account, region, errors=[f"not deployed: {_regions(account, regions)[0]} "
                                                               "failed first"]), "deployed")
    org.finish("deployed")


@click.command("gc")
@_options
def org_gc(config: str, policy_files: tuple[str, ...], regions: tuple[str, ...], names: tuple[str, ...],
           tags: tuple[str, ...], dryrun: bool, jobs: int, profile: str | None, verbose: int) -> None:
    """Remove what c7n-lite deployed, in every selected account and region, for policies not in the files."""
    from c7n_lite.cli import load_or_exit, setup_logging
    from c7n_lite.deploy.planner import plan_gc
    setup_logging(verbose)
    policies = load_or_exit(policy_files)
    org = OrgDeployment(config, names, tags, regions, dryrun, jobs, profile)
    org.verbose = verbose > 0

    def step(account: Account, region: str, roles: bool) -> Callable[[PairResult], None]:
        def collect_here(result: PairResult) -> None:
            session = org.session(account, region)
            _converge(result, session, plan_gc(policies, session, roles=roles), dryrun)
        return collect_here
    live = org.live_accounts("removed")
    # Functions and rules in every region, then each account's roles (global) once.
    regional = org.run([(a, region, step(a, region, False)) for a in live for region in _regions(a, regions)],
                       "removed", report=False)
    clean = {r.account.account_id for r in regional if not r.errors}
    roles = {r.account.account_id: r for r in org.run(
        [(a, _regions(a, regions)[0], step(a, _regions(a, regions)[0], True)) for a in live
         if a.account_id in clean], "removed", report=False)}
    for result in regional:
        extra = roles.get(result.account.account_id) if result.region == _regions(result.account, regions)[0] else None
        if extra is not None:
            result.done += [m for m in extra.done if m not in result.done]   # a dry run plans them twice
            result.errors += extra.errors
        org.report(result, "removed")
    org.finish("removed")
