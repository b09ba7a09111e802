"""Who an IAM-style resource policy lets in: the statements granting access to
principals outside a set of trusted accounts, under Cloud Custodian's rules.

Shared by the `cross-account` filters that read a policy document (SNS topic
policies, S3 bucket policies, and any later resource with a `Policy`).  The
rules, as Custodian applies them:

- a statement counts when it Allows, names an outside principal (`*`, another
  account, or uses NotPrincipal / no Principal), grants one of the checked
  actions (all, unless `actions` is given), and its conditions do not restrict
  it;
- `Service` principals are ignored, as are CloudFront origin access identities;
- conditions are read under the operators StringEquals(IgnoreCase), StringLike,
  ArnEquals, ArnLike, IpAddress, NotIpAddress and any ForAllValues:/ForAnyValue:
  form; other operators are ignored.  The statement is restricted only if
  every condition read is known and restricting (source account/owner/ARN,
  principal account/ARN in trusted accounts; any source IP; VPC and VPC
  endpoint ids when a whitelist is given; organization ids and paths when
  trusted; keys in `whitelist_conditions`).  An unknown condition key means
  not restricted.  An organization condition that restricts also covers
  principal-account conditions with wildcards.
"""
from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from c7n_lite.filters.core import Filter

READ_OPERATORS = frozenset(("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals",
                            "ArnLike", "IpAddress", "NotIpAddress"))
SET_OPERATOR_PREFIXES = ("ForAllValues", "ForAnyValue")
DEFAULT_WHITELIST_CONDITIONS = ("aws:userid", "aws:username")
ORG_KEYS = frozenset(("aws:principalorgid", "aws:resourceorgid", "aws:principalorgpaths"))
# Condition keys that name a principal's account: an organization condition
# that restricts makes a wildcard on these harmless.
PRINCIPAL_KEYS = frozenset(("aws:principalarn", "aws:principalaccount", "aws:sourceaccount",
                            "aws:sourcearn", "s3:dataaccesspointaccount"))
CLOUDFRONT_OAI_PREFIX = "arn:aws:iam::cloudfront:user"


def account_of(value: str) -> str:
    """The account id in an ARN; anything that is not an ARN (an account id,
    an org id, a VPC id) stands for itself."""
    if value.count(":") < 4:
        return value
    return value.split(":", 5)[4]


@dataclass(frozen=True)
class Condition:
    operator: str
    key: str  # lower case
    values: tuple


@dataclass
class PolicyChecker:
    """Trusted parties and options of one cross-account check."""

    allowed_accounts: frozenset = frozenset()
    allowed_vpcs: frozenset = frozenset()
    allowed_vpces: frozenset = frozenset()
    allowed_orgids: frozenset = frozenset()
    allowed_org_units: frozenset = frozenset()
    check_actions: tuple = ()
    everyone_only: bool = False
    whitelist_conditions: frozenset = frozenset(DEFAULT_WHITELIST_CONDITIONS)
    whitelist_patterns: tuple = ()
    return_allowed: bool = False
    # Resource-specific condition keys (lower case) → fn(statement, condition)
    # returning True when the condition does NOT restrict access.
    extra_handlers: dict[str, Callable[[dict, Condition], bool]] = field(default_factory=dict)

    # --- the document -----------------------------------------------------
    def check(self, policy: str | dict | None) -> list[dict]:
        """The violating statements (or, with return_allowed, the others)."""
        if policy is None:
            return []
        document = json.loads(policy) if isinstance(policy, str) else policy
        statements = document.get("Statement", ()) if isinstance(document, dict) else ()
        if isinstance(statements, dict):
            statements = [statements]
        allowed, violations = [], []
        for statement in statements:
            (violations if self.grants_outside(statement) else allowed).append(statement)
        return allowed if self.return_allowed else violations

    def grants_outside(self, s: dict) -> bool:
        return (self.principal_outside(s) and s.get("Effect") == "Allow"
                and self.action_checked(s) and not self.conditions_restrict(s))

    # --- principal, effect, action ---------------------------------------
    def principal_outside(self, s: dict) -> bool:
        if "NotPrincipal" in s:
            return True
        principals = s.get("Principal")
        if not principals:
            return True
        if not isinstance(principals, dict):
            principals = {"AWS": principals}
        ids: set[str] = set()
        for kind, value in principals.items():
            if kind != "Service":
                ids.update([value] if isinstance(value, str) else value)
        outside = False
        for pid in ids:
            if pid == "*":
                outside = True
            elif self.everyone_only or pid.startswith(CLOUDFRONT_OAI_PREFIX):
                continue
            elif any(fnmatch.fnmatch(pid, p) for p in self.whitelist_patterns):
                continue
            elif account_of(pid) not in self.allowed_accounts:
                outside = True
        return outside

    def action_checked(self, s: dict) -> bool:
        if not self.check_actions:
            return True
        actions = s.get("Action") or ()
        if isinstance(actions, str):
            actions = (actions,)
        # The statement's action may be a pattern (sns:*): it covers a checked name.
        return any(fnmatch.filter(self.check_actions, a) for a in actions)

    # --- conditions -------------------------------------------------------
    @staticmethod
    def conditions(s: dict) -> list[Condition]:
        found = []
        for operator, entries in (s.get("Condition") or {}).items():
            if operator not in READ_OPERATORS and not operator.startswith(SET_OPERATOR_PREFIXES):
                continue
            for key, value in entries.items():
                found.append(Condition(operator, key.lower(),
                                       (value,) if isinstance(value, str) else tuple(value)))
        return found

    def conditions_restrict(self, s: dict) -> bool:
        conditions = self.conditions(s)
        if not conditions:
            return False
        restricting = []
        for c in conditions:
            result = self.condition_restricts(s, c)
            if result is None:  # unknown key: assume it lets anyone in
                return False
            restricting.append(result)
        if all(restricting):
            return True
        org_restricts = any(r and c.key in ORG_KEYS for c, r in zip(conditions, restricting, strict=True))
        if not org_restricts:
            return False
        for c, r in zip(conditions, restricting, strict=True):
            if r:
                continue
            if c.key not in PRINCIPAL_KEYS:
                return False
            if not all("*" in str(v) or account_of(str(v)) in self.allowed_accounts
                       for v in c.values):
                return False
        return True

    def condition_restricts(self, s: dict, c: Condition) -> bool | None:
        if c.key in self.whitelist_conditions:
            return True
        handler = self.extra_handlers.get(c.key) or self._handlers().get(c.key)
        if handler is None:
            return None
        return not handler(s, c)

    # Each handler answers "does this condition leave access open?"
    def _handlers(self) -> dict[str, Callable[[dict, Condition], bool]]:
        return {
            "aws:sourceowner": self._outside_accounts,
            "aws:sourceaccount": self._outside_accounts,
            "aws:sourcearn": self._outside_accounts,
            "aws:principalarn": self._outside_accounts,
            "aws:principalaccount": self._outside_accounts,
            "s3:dataaccesspointaccount": self._outside_accounts,
            "aws:sourceip": lambda s, c: False,
            "aws:sourcevpce": lambda s, c: bool(self.allowed_vpces) and
            bool({account_of(v) for v in c.values} - self.allowed_vpces),
            "aws:sourcevpc": lambda s, c: bool(self.allowed_vpcs) and
            bool({account_of(v) for v in c.values} - self.allowed_vpcs),
            "aws:principalorgid": lambda s, c: not self.allowed_orgids or
            bool({account_of(v) for v in c.values} - self.allowed_orgids),
            "aws:resourceorgid": lambda s, c: bool({account_of(v) for v in c.values} -
                                                   self.allowed_orgids),
            "aws:principalorgpaths": self._org_paths_open,
        }

    def _outside_accounts(self, s: dict, c: Condition) -> bool:
        return bool({account_of(v) for v in c.values} - self.allowed_accounts)

    def _org_paths_open(self, s: dict, c: Condition) -> bool:
        if not self.allowed_orgids and not self.allowed_org_units:
            return True
        return not all(self._org_path_trusted(v) for v in c.values)

    def _org_path_trusted(self, path: str) -> bool:
        segments = path.split("/")
        if segments[0] in self.allowed_orgids:
            return True
        for trusted in self.allowed_org_units:
            parts = trusted.strip("/").split("/")
            if parts[0] == segments[0] and parts[-1] in segments[1:]:
                return True
        return False


# --- the filter options, shared by every policy-document cross-account filter ---

CROSS_ACCOUNT_SCHEMA: dict[str, Any] = {
    "actions": {"type": "array", "items": {"type": "string"}},
    "everyone_only": {"type": "boolean"},
    "return_allowed": {"type": "boolean"},
    "whitelist_conditions": {"type": "array", "items": {"type": "string"}},
    "whitelist": {"type": "array", "items": {"type": "string"}},
    "whitelist_orgids": {"type": "array", "items": {"type": "string"}},
    "whitelist_org_units": {"type": "array", "items": {"type": "string"}},
    "whitelist_vpce": {"type": "array", "items": {"type": "string"}},
    "whitelist_vpc": {"type": "array", "items": {"type": "string"}},
    "whitelist_patterns": {"type": "array", "items": {"type": "string"}},
}


def check_org_units(data: dict) -> list[str]:
    """Problems with `whitelist_org_units` entries, for the user."""
    problems = []
    for path in data.get("whitelist_org_units") or ():
        if not isinstance(path, str):
            continue
        if "*" in path or "?" in path:
            problems.append(f"whitelist_org_units entry {path!r} must not contain wildcards")
        elif len(path.strip("/").split("/")) < 2 or not path.startswith("o-"):
            problems.append(f"whitelist_org_units entry {path!r} must be a full path from the "
                            "org id, e.g. 'o-abc/r-xyz/ou-target'")
    return problems


def checker_from(data: dict, trusted_accounts: set[str],
                 extra_handlers: dict | None = None) -> PolicyChecker:
    """A checker for a cross-account filter's options; `trusted_accounts` holds
    the account the policy runs in (and any service accounts to allow)."""
    return PolicyChecker(
        allowed_accounts=frozenset(set(data.get("whitelist", ())) | trusted_accounts),
        allowed_vpcs=frozenset(data.get("whitelist_vpc", ())),
        allowed_vpces=frozenset(data.get("whitelist_vpce", ())),
        allowed_orgids=frozenset(data.get("whitelist_orgids", ())),
        allowed_org_units=frozenset(data.get("whitelist_org_units", ())),
        check_actions=tuple(data.get("actions", ())),
        everyone_only=bool(data.get("everyone_only", False)),
        whitelist_conditions=frozenset(
            v.lower() for v in data.get("whitelist_conditions", DEFAULT_WHITELIST_CONDITIONS)),
        whitelist_patterns=tuple(data.get("whitelist_patterns", ())),
        return_allowed=bool(data.get("return_allowed", False)),
        extra_handlers=dict(extra_handlers or {}),
    )


class PolicyCrossAccountFilter(Filter):
    """Base of the `cross-account` filters that read a resource's policy document
    (a JSON string or a dict under `policy_attribute`).  A subclass registers
    itself for its resource types and may trust more accounts or know more
    condition keys.  Matched resources carry the statements found, under
    `CrossAccountViolations` (or `CrossAccountAllowlists` with return_allowed)."""

    schema = CROSS_ACCOUNT_SCHEMA
    policy_attribute = "Policy"
    reads = ("Policy",)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self._checker: PolicyChecker | None = None

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_org_units(data)

    def trusted_accounts(self) -> set[str]:
        return {self.manager.session.account_id}

    def condition_handlers(self) -> dict[str, Callable[[dict, Condition], bool]]:
        return {}

    @property
    def checker(self) -> PolicyChecker:
        # Built on first use: the account id may cost an STS call.
        if self._checker is None:
            self._checker = checker_from(self.data, self.trusted_accounts(),
                                         self.condition_handlers())
        return self._checker

    def match(self, resource: dict, event: dict | None = None) -> bool:
        found = self.checker.check(resource.get(self.policy_attribute))
        if not found:
            return False
        key = "CrossAccountAllowlists" if self.checker.return_allowed else "CrossAccountViolations"
        resource[key] = found
        return True
