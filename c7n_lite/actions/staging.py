"""Plans whose later calls depend on earlier ones for the same resource.

Renaming a tag must not remove the old key where writing the new one failed;
a quarantine must not deactivate certificates where writing its undo record
failed.  A staged action plans in stages; when a resource fails in one stage,
its calls in later stages are skipped (batched calls drop just that resource).
"""
from __future__ import annotations

from c7n_lite.actions.core import FAILED, SKIPPED, Action, ApiCall, Outcome, execute_plan


def _without(call: ApiCall, failed: set[str]) -> tuple[ApiCall | None, list[str]]:
    """The call minus resources that already failed, and the ids dropped."""
    dropped = [rid for rid in call.resource_ids if rid in failed]
    if not dropped:
        return call, []
    if call.ids_param and call.run is None and len(dropped) < len(call.resource_ids):
        kept = [rid for rid in call.resource_ids if rid not in failed]
        params = dict(call.params, **{call.ids_param: kept})
        return ApiCall(call.service, call.operation, params, kept, call.message, call.ids_param), dropped
    return None, list(call.resource_ids)


class StagedAction(Action):
    """Subclasses implement `plan_stages`; `plan` returns the stages flattened."""

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        raise NotImplementedError

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self._stages = [stage for stage in self.plan_stages(resources, event) if stage]
        return [call for stage in self._stages for call in stage]

    def execute(self, plan: list[ApiCall]) -> list[Outcome]:
        stages = getattr(self, "_stages", None)
        flat = [call for stage in stages or () for call in stage]
        if stages is None or [id(c) for c in flat] != [id(c) for c in plan]:
            return super().execute(plan)
        failed: set[str] = set()
        outcomes: list[Outcome] = []
        for stage in stages:
            for call in stage:
                remaining, dropped = _without(call, failed)
                outcomes.extend(Outcome(rid, SKIPPED, call.operation,
                                        reason="an earlier step failed for this resource") for rid in dropped)
                if remaining is None:
                    continue
                done = execute_plan(self.manager.session, [remaining])
                outcomes.extend(done)
            failed.update(o.resource_id for o in outcomes if o.status == FAILED)
        return outcomes
