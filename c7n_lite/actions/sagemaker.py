"""Actions on SageMaker notebook instances: stop, start, delete."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


class _NotebookAction(Action):
    operation = ""
    from_status: tuple[str, ...] = ()
    hint = ""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            name = self.resource_id(r)
            status = r.get("NotebookInstanceStatus")
            if status not in self.from_status:
                calls.append(ApiCall.skip([name], f"status {status}{self.hint}", self.operation))
            else:
                calls.append(ApiCall("sagemaker", self.operation, {"NotebookInstanceName": name}, [name],
                                     self.type))
        return calls


@actions.register("stop", "aws.sagemaker-notebook")
class StopNotebook(_NotebookAction):
    """Stop notebooks that are InService."""

    permissions = ("sagemaker:StopNotebookInstance",)
    operation, from_status = "stop_notebook_instance", ("InService",)


@actions.register("start", "aws.sagemaker-notebook")
class StartNotebook(_NotebookAction):
    """Start stopped notebooks."""

    permissions = ("sagemaker:StartNotebookInstance",)
    operation, from_status = "start_notebook_instance", ("Stopped",)


@actions.register("delete", "aws.sagemaker-notebook")
class DeleteNotebook(_NotebookAction):
    """Delete notebooks that are Stopped or Failed (SageMaker deletes no
    running notebook: stop it first, e.g. an earlier `stop` in a prior run)."""

    permissions = ("sagemaker:DeleteNotebookInstance",)
    operation, from_status = "delete_notebook_instance", ("Stopped", "Failed")
    hint = ": stop it first"
