"""What filters, actions and modes share: a registered name, the JSON Schema
fragment of their options, semantic checks, and the IAM permissions they need.
The validator, `c7n-lite schema`, the docs and deployed roles read these."""
from __future__ import annotations

from typing import Any, ClassVar


class Plugin:
    type: ClassVar[str] = ""
    # JSON Schema of the options besides `type`, and which are required.
    schema: ClassVar[dict] = {}
    required: ClassVar[tuple[str, ...]] = ()
    permissions: ClassVar[tuple[str, ...]] = ()
    # Other resource types it looks up: their modules ship in a policy's Lambda
    # package and their read permissions join its role.
    related_types: ClassVar[tuple[str, ...]] = ()
    # Top-level resource fields it reads: the details providing them are fetched
    # at run time, and their permissions join a deployed policy's role.
    reads: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def types_read(cls, data: dict) -> tuple[str, ...]:
        """The other resource types it looks up with these options."""
        return cls.related_types

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        """Common plugins may narrow the resource types they serve."""
        return True

    @classmethod
    def json_schema(cls) -> dict:
        props = {"type": {"enum": [cls.type]}}
        props.update(cls.schema)
        return {"type": "object", "additionalProperties": False,
                "properties": props, "required": ["type", *cls.required]}

    @classmethod
    def check(cls, data: dict) -> list[str]:
        """Semantic checks beyond the schema: messages for the policy author."""
        return []

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        """What this use of the plugin needs; `resource_type` narrows plugins whose
        calls depend on it (tagging)."""
        return set(cls.permissions)

    @classmethod
    def reads_for(cls, data: dict) -> set[str]:
        """The resource fields this use of the plugin reads (filters built from data
        answer `required_keys()` instead)."""
        return set(cls.reads)

    @classmethod
    def permission_resources(cls, data: dict) -> dict[str, list[str]]:
        """Permission → the ARNs it is used on, for the permissions whose resources
        the policy itself names (notify's topic); the others apply to `*`."""
        return {}
