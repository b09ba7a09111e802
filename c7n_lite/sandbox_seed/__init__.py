"""Demo resources for the sandbox: one module per service family, each with a
`seed(endpoint, region)` that makes something for every example policy to find.

The sandbox's moto runs in this process, so a seeder may also back-date
timestamps in moto's models (AWS's API cannot), for the age filters.
"""
from __future__ import annotations

import importlib
import pkgutil


def seed_demo_account(endpoint: str, region: str) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(f"{__name__}.{info.name}").seed(endpoint, region)
