"""EKS cluster actions."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("delete", "aws.eks")
class DeleteCluster(Action):
    """Delete the cluster (AWS refuses one that still has node groups or Fargate profiles)."""

    permissions = ("eks:DeleteCluster",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("eks", "delete_cluster", {"name": self.resource_id(r)}, [self.resource_id(r)], "delete")
                for r in resources]


def _update_members() -> list[str]:
    import botocore.session
    shape = botocore.session.get_session().get_service_model("eks").operation_model("UpdateClusterConfig").input_shape
    return [m for m in shape.members if m != "name"]


UPDATE_MEMBERS = _update_members()


@actions.register("update-config", "aws.eks")
class UpdateConfig(Action):
    """Change the cluster's configuration with UpdateClusterConfig's parameters
    (e.g. `resourcesVpcConfig: {endpointPublicAccess: false}`, `logging`),
    checked against the API's shape."""

    schema = {m: {} for m in UPDATE_MEMBERS}
    permissions = ("eks:UpdateClusterConfig",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        import botocore.session
        from botocore.validate import ParamValidator
        params = {"name": "validation", **{k: v for k, v in data.items() if k != "type"}}
        shape = botocore.session.get_session().get_service_model("eks").operation_model(
            "UpdateClusterConfig").input_shape
        report = ParamValidator().validate(params, shape)
        if not report.has_errors():
            return []
        lines = [line.strip() for line in report.generate_report().splitlines()]
        return [line for line in lines if line and not line.endswith("failed:")]

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        params = {k: self.data[k] for k in UPDATE_MEMBERS if k in self.data}
        return [ApiCall("eks", "update_cluster_config", {"name": self.resource_id(r), **params},
                        [self.resource_id(r)], ", ".join(params)) for r in resources]
