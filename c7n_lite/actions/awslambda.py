"""Lambda function actions: delete, reserved concurrency, configuration
updates, removing resource-policy statements."""
from __future__ import annotations

import json

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("delete", "aws.lambda")
class DeleteFunction(Action):
    """Delete the function, with its versions and aliases."""

    permissions = ("lambda:DeleteFunction",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("lambda", "delete_function", {"FunctionName": self.resource_id(r)},
                        [self.resource_id(r)], "delete") for r in resources]


@actions.register("set-concurrency", "aws.lambda")
class SetConcurrency(Action):
    """Reserve `value` concurrent executions for the function, or remove the
    reservation (`value: null`).  With `expr: true`, `value` is a JMESPath on the
    function giving the number (functions where it gives none are skipped)."""

    schema = {"value": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
              "expr": {"type": "boolean"}}
    required = ("value",)
    permissions = ("lambda:DeleteFunctionConcurrency", "lambda:PutFunctionConcurrency")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("expr") and not isinstance(data.get("value"), str):
            return ["with `expr: true`, `value` must be a JMESPath expression"]
        if not data.get("expr") and isinstance(data.get("value"), str):
            return ["`value` must be a number or null (or set `expr: true` for an expression)"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        import jmespath
        calls, skipped = [], []
        for r in resources:
            name, value = self.resource_id(r), self.data["value"]
            if self.data.get("expr"):
                value = jmespath.search(value, r)
                if isinstance(value, float):
                    value = int(value)
                if not isinstance(value, int) or isinstance(value, bool):
                    skipped.append(name)
                    continue
            if value is None:
                calls.append(ApiCall("lambda", "delete_function_concurrency", {"FunctionName": name}, [name],
                                     "remove reserved concurrency"))
            else:
                calls.append(ApiCall("lambda", "put_function_concurrency",
                                     {"FunctionName": name, "ReservedConcurrentExecutions": value}, [name],
                                     f"reserve {value} concurrent executions"))
        if skipped:
            calls.append(ApiCall.skip(skipped, "the expression gives no number"))
        return calls


@actions.register("update", "aws.lambda")
class UpdateFunction(Action):
    """Change the function's configuration: `properties` are
    UpdateFunctionConfiguration's parameters (e.g. `{MemorySize: 512}`)."""

    schema = {"properties": {"type": "object"}}
    permissions = ("lambda:UpdateFunctionConfiguration",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        props = dict(data.get("properties") or {})
        props["FunctionName"] = "validation"
        try:
            import botocore.session
            from botocore.validate import ParamValidator
            model = botocore.session.get_session().get_service_model("lambda")
            shape = model.operation_model("UpdateFunctionConfiguration").input_shape
            report = ParamValidator().validate(props, shape)
        except ImportError:  # pragma: no cover - botocore ships with boto3
            return []
        if report.has_errors():
            lines = [line.strip() for line in report.generate_report().splitlines()]
            return [f"properties: {line}" for line in lines if line and not line.endswith("failed:")]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        props = {k: v for k, v in (self.data.get("properties") or {}).items() if k != "FunctionName"}
        text = ", ".join(f"{k}={v}" for k, v in props.items()) or "no change"
        return [ApiCall("lambda", "update_function_configuration", {"FunctionName": self.resource_id(r), **props},
                        [self.resource_id(r)], text) for r in resources]


@actions.register("remove-statements", "aws.lambda")
class RemoveStatements(Action):
    """Remove statements from the function's resource policy: the listed
    `statement_ids`, or `matched` (the ones the `cross-account` filter found).
    Ids the policy does not have are left alone."""

    schema = {"statement_ids": {"oneOf": [{"enum": ["matched"]},
                                          {"type": "array", "items": {"type": "string"}}]}}
    required = ("statement_ids",)
    permissions = ("lambda:GetPolicy", "lambda:RemovePermission")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.manager.ensure_details(resources, ["c7n:Policy"])
        wanted = self.data["statement_ids"]
        calls, untouched = [], []
        for r in resources:
            name = self.resource_id(r)
            policy = r.get("c7n:Policy")
            document = (json.loads(policy) if isinstance(policy, str) else policy) or {}
            present = [s.get("Sid") for s in document.get("Statement") or () if s.get("Sid")]
            if wanted == "matched":
                sids = [s.get("Sid") for s in r.get("CrossAccountViolations") or () if s.get("Sid")]
            else:
                sids = list(wanted)
            sids = [s for s in sids if s in present]
            if not sids:
                untouched.append(name)
            calls.extend(ApiCall("lambda", "remove_permission", {"FunctionName": name, "StatementId": sid},
                                 [name], f"remove statement {sid}") for sid in sids)
        if untouched:
            calls.append(ApiCall.skip(untouched, "no such statement in the function's policy"))
        return calls


@actions.register("trim-versions", "aws.lambda")
class TrimVersions(Action):
    """Delete the function's published versions (never `$LATEST`): except those
    an alias points to (`exclude-aliases`, default true), those changed in the
    last `older-than` days, and with `retain-latest` the one whose code is
    `$LATEST`'s."""

    schema = {"exclude-aliases": {"type": "boolean"}, "retain-latest": {"type": "boolean"},
              "older-than": {"type": "number"}}
    permissions = ("lambda:ListAliases", "lambda:ListVersionsByFunction", "lambda:DeleteFunction")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        import datetime

        from c7n_lite.filters.value import parse_date
        from c7n_lite.resources.core import paginate
        client = self.manager.session.client("lambda")
        days = self.data.get("older-than")
        threshold = self.manager.now() - datetime.timedelta(days=days) if days else None
        calls, nothing = [], []
        for r in resources:
            name = self.resource_id(r)
            aliased = set()
            if self.data.get("exclude-aliases", True):
                for alias in paginate(client, "list_aliases", "Aliases", {"FunctionName": name}):
                    aliased.add(alias["FunctionVersion"])
            versions = paginate(client, "list_versions_by_function", "Versions", {"FunctionName": name})
            latest = next((v.get("CodeSha256") for v in versions if v["Version"] == "$LATEST"), None)
            doomed = []
            for v in versions:
                if v["Version"] == "$LATEST" or v["Version"] in aliased:
                    continue
                changed = parse_date(v.get("LastModified"))
                if threshold is not None and (changed is None or changed > threshold):
                    continue
                if self.data.get("retain-latest") and latest and v.get("CodeSha256") == latest:
                    continue
                doomed.append(v)
            if not doomed:
                nothing.append(name)
            calls.extend(ApiCall("lambda", "delete_function", {"FunctionName": v["FunctionArn"]}, [name],
                                 f"delete version {v['Version']}") for v in doomed)
        if nothing:
            calls.append(ApiCall.skip(nothing, "no version to trim"))
        return calls
