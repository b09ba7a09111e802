"""c7n-org's accounts file, read as it is, and the variables it gives policies.

    accounts:
      - account_id: "111122223333"
        name: dev
        regions: [us-east-1, eu-west-1]
        role: arn:aws:iam::111122223333:role/CloudCustodian
        external_id: optional
        tags: [env:dev, team:data]
        vars: {charge_code: xyz}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class AccountsError(ValueError):
    """The accounts file is unusable: one line for the user."""


@dataclass
class Account:
    account_id: str
    name: str
    role: str | None = None
    regions: list[str] = field(default_factory=list)
    external_id: str | None = None
    tags: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)

    def variables(self, region: str) -> dict[str, Any]:
        """What c7n-org substitutes into a policy run for this account and region."""
        return {**self.vars, "account": self.name, "account_id": self.account_id, "region": region}


def parse_accounts(data: Any, source: str) -> list[Account]:
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        raise AccountsError(f"{source}: expected a mapping with an 'accounts' list (c7n-org's format)")
    found = []
    for index, item in enumerate(data["accounts"]):
        where = f"{source}: accounts[{index}]"
        if not isinstance(item, dict):
            raise AccountsError(f"{where}: an account must be a mapping")
        account_id = str(item.get("account_id") or "")
        if not re.fullmatch(r"\d{12}", account_id):
            raise AccountsError(f"{where}: 'account_id' must be 12 digits, got {item.get('account_id')!r}")
        regions = item.get("regions") or []
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            raise AccountsError(f"{where}: 'regions' must be a list of region names")
        tags = item.get("tags") or []
        if isinstance(tags, dict):  # some files write tags as a map
            tags = [f"{k}:{v}" for k, v in tags.items()]
        found.append(Account(account_id=account_id, name=str(item.get("name") or account_id),
                             role=item.get("role"), regions=list(regions), external_id=item.get("external_id"),
                             tags=[str(t) for t in tags], vars=dict(item.get("vars") or {})))
    return found


def load_accounts(path: str) -> list[Account]:
    import yaml
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except OSError as exc:
        raise AccountsError(f"{path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise AccountsError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_accounts(data, path)


def select(accounts: list[Account], names: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> list[Account]:
    """c7n-org's -a (name or id) and -t (every given tag) selection."""
    chosen = [a for a in accounts if not names or a.name in names or a.account_id in names]
    return [a for a in chosen if all(t in a.tags for t in tags)]


