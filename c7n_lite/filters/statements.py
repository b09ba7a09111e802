"""Filters on a resource's policy document, for every type that declares
`policy_key` (S3 bucket policy, SNS topic policy …): `has-statement`,
`missing-statement` (also `missing-policy-statement`), and a generic
`cross-account` where the type has no specific one."""
from __future__ import annotations

import json
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
from c7n_lite.registry import filters

STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                  "Resource", "NotResource", "Condition")
_TEXT_OR_LIST = {"anyOf": [{"type": "string"}, {"type": "array"}]}
STATEMENT_SCHEMA = {
    "type": "object", "required": ["Effect"],
    "properties": {
        "Sid": {"type": "string"}, "Effect": {"enum": ["Allow", "Deny"]},
        "Principal": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "array"}]},
        "NotPrincipal": {"anyOf": [{"type": "object"}, {"type": "array"}]},
        "Action": _TEXT_OR_LIST, "NotAction": _TEXT_OR_LIST,
        "Resource": _TEXT_OR_LIST, "NotResource": _TEXT_OR_LIST,
        "Condition": {"type": "object"},
        "PartialMatch": {"anyOf": [{"enum": list(STATEMENT_KEYS[1:])},
                                   {"type": "array", "items": {"enum": list(STATEMENT_KEYS[1:])}}]},
    },
}


def policy_document(resource: dict, key: str) -> dict | None:
    """The policy under `key` (JSON text or a mapping); None when there is none."""
    found = resource.get(key)
    if found is None or found == "":
        return None
    return json.loads(found) if isinstance(found, str) else found


def statements_of(document: dict | None) -> list[dict]:
    found = (document or {}).get("Statement") or []
    return [found] if isinstance(found, dict) else list(found)


def _as_set(value: Any) -> Any:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v for v in value}
    if isinstance(value, dict):
        return {k: _as_set(v) for k, v in value.items()}
    return value


def _lower_keys(value: Any) -> Any:
    """Condition operators and keys are case-insensitive."""
    if isinstance(value, dict):
        return {k.lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _normalised(key: str, value: Any) -> Any:
    if key == "Condition":
        value = _lower_keys(value)
    if key in ("Action", "NotAction"):
        return {a.lower() for a in ([value] if isinstance(value, str) else value or ())}
    return _as_set(value)


def _contains(have: Any, want: Any) -> bool:
    """`want` is part of `have` (PartialMatch): a subset, or sub-mapping."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(k in have and _contains(have[k], v) for k, v in want.items())
    if isinstance(want, set):
        return isinstance(have, set) and want <= have
    return have == want or (isinstance(have, set) and want in have)


def statement_matches(wanted: dict, statement: dict) -> bool:
    partial = wanted.get("PartialMatch") or []
    partial = [partial] if isinstance(partial, str) else list(partial)
    for key, value in wanted.items():
        if key == "PartialMatch":
            continue
        if key not in statement:
            return False
        want, have = _normalised(key, value), _normalised(key, statement[key])
        if not (_contains(have, want) if key in partial else want == have):
            return False
    return True


def _filled(value: Any, fields: dict) -> Any:
    """`{account_id}`, `{region}`, `{partition}` filled into every string."""
    if isinstance(value, str):
        try:
            return value.format(**fields)
        except (KeyError, IndexError, ValueError):
            return value
    if isinstance(value, list):
        return [_filled(v, fields) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, fields) for k, v in value.items()}
    return value


class PolicyKeyFilter(Filter):
    """Available on types whose resource policy is declared (`policy_key`)."""

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.policy_key)

    def required_keys(self) -> set[str]:
        return {self.manager.resource_type.policy_key}

    def document(self, resource: dict) -> dict | None:
        return policy_document(resource, self.manager.resource_type.policy_key)


@filters.register("has-statement")
class HasStatement(PolicyKeyFilter):
    """The policy has every statement of `statement_ids` (by Sid) and, for each
    of `statements`, a statement with the same elements (Action and condition
    keys compared case-insensitively, lists as sets; elements named in
    `PartialMatch` need only be contained).  A resource without a policy does
    not match."""

    schema = {"statement_ids": {"type": "array", "items": {"type": "string"}},
              "statements": {"type": "array", "items": STATEMENT_SCHEMA}}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        session = self.manager.session
        needs_fields = "{" in json.dumps(self.data.get("statements") or [])
        fields = {"account_id": session.account_id, "region": session.region,
                  "partition": session.partition} if needs_fields else {}
        self.wanted = _filled(list(self.data.get("statements") or []), fields)
        return super().process(resources, event)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        document = self.document(resource)
        if document is None:
            return False
        statements = statements_of(document)
        sids = {s.get("Sid") for s in statements}
        if not set(self.data.get("statement_ids") or ()) <= sids:
            return False
        return all(any(statement_matches(w, s) for s in statements) for w in self.wanted)


@filters.register("missing-statement")
class MissingStatement(PolicyKeyFilter):
    """The policy lacks one of `statement_ids` (by Sid); a resource without a
    policy lacks them all."""

    schema = {"statement_ids": {"type": "array", "items": {"type": "string"}}}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        document = self.document(resource)
        if document is None:
            return True
        sids = {s.get("Sid") for s in statements_of(document)}
        return not set(self.data.get("statement_ids") or ()) <= sids


@filters.register("missing-policy-statement")
class MissingPolicyStatement(MissingStatement):
    """Custodian's other name for `missing-statement`."""


@filters.register("cross-account")
class GenericCrossAccount(PolicyCrossAccountFilter):
    """Resources whose policy lets principals outside the account (and the
    `whitelist`) in: for types with a resource policy and no cross-account
    filter of their own."""

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.policy_key)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.policy_attribute = manager.resource_type.policy_key

    def required_keys(self) -> set[str]:
        return {self.policy_attribute}
