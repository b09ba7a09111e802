"""Regions given on the command line: checked against botocore's list of every
partition's regions (with a did-you-mean), and `all` as the account's enabled regions.

A region is a path component of the output directory and part of every endpoint's
host name: anything else (`../../x`, a typo) is refused before any call is made.
"""
from __future__ import annotations

from functools import cache

ALL = "all"
# describe_regions' opt-in-status values of regions the account can use.
ENABLED = ("opt-in-not-required", "opted-in")


class RegionError(ValueError):
    """A region that does not exist, or the enabled regions could not be listed."""


@cache
def known_regions() -> frozenset[str]:
    """Every region botocore knows, across partitions (aws, aws-cn, aws-us-gov, …)."""
    from c7n_lite.aws.session import new_botocore_session
    # The shared model loader: the endpoint data read here serves the run's clients too.
    session = new_botocore_session()
    found: set[str] = set()
    for partition in session.get_available_partitions():
        found.update(session.get_available_regions("ec2", partition_name=partition))
    return frozenset(found)


def check_region(region: str) -> None:
    if region in known_regions():
        return
    from c7n_lite.schema import suggest
    raise RegionError(f"unknown region {region!r}{suggest(region, sorted(known_regions()))}")


def enabled_regions(region: str, profile: str | None = None, endpoint_url: str | None = None) -> list[str]:
    """The account's enabled regions, from ec2 describe_regions (asked in `region`)."""
    from c7n_lite.aws.session import BotocoreClients, client_config, describe_error
    extra = {"endpoint_url": endpoint_url} if endpoint_url else {}
    try:
        client = BotocoreClients(profile).client("ec2", region_name=region, config=client_config(), **extra)
    except Exception as exc:  # noqa: BLE001 - a missing profile, no credentials: one line
        raise RegionError(f"-r all: cannot list the account's regions: {describe_error(exc)}") from None
    try:
        found = client.describe_regions(Filters=[{"Name": "opt-in-status", "Values": list(ENABLED)}])["Regions"]
    except Exception as exc:  # noqa: BLE001 - one line for the user, whatever went wrong
        raise RegionError(f"-r all: cannot list the account's regions: {describe_error(exc)}") from None
    # Filtered again here: not every endpoint (moto) applies the filter.
    return sorted(r["RegionName"] for r in found if r.get("OptInStatus", ENABLED[0]) in ENABLED)


def resolve(regions: list[str], default: str, profile: str | None = None,
            endpoint_url: str | None = None) -> list[str]:
    """The regions to run in, in the order given, each once; `all` expands to the enabled ones."""
    out: list[str] = []
    for region in regions:
        names = enabled_regions(default, profile, endpoint_url) if region == ALL else [region]
        for name in names:
            check_region(name)
            if name not in out:
                out.append(name)
    return out
