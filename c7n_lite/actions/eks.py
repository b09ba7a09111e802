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


# UpdateClusterConfig's parameters (besides `name`), as Custodian 0.9.53 accepts
# them; check() validates the values against the installed botocore's shape.
UPDATE_MEMBERS = ("accessConfig", "clientRequestToken", "computeConfig", "controlPlaneScalingConfig",
                  "deletionProtection", "kubeApiServerConfig", "kubeControllerManagerConfig",
                  "kubeSchedulerConfig", "kubernetesNetworkConfig", "logging", "remoteNetworkConfig",
                  "resourcesVpcConfig", "storageConfig", "upgradePolicy", "zonalShiftConfig")


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


@actions.register("associate-encryption-config", "aws.eks")
class AssociateEncryptionConfig(Action):
    """Encrypt the cluster's Kubernetes secrets with a KMS key
    (`encryptionConfig: [{provider: {keyArn: …}, resources: [secrets]}]`).
    Clusters that already have one are skipped (AWS allows one association)."""

    schema = {"encryptionConfig": {"type": "array", "items": {"type": "object", "properties": {
        "provider": {"type": "object", "properties": {"keyArn": {"type": "string"}}},
        "resources": {"type": "array", "items": {"enum": ["secrets"]}}}}}}
    permissions = ("eks:AssociateEncryptionConfig",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        config = self.data.get("encryptionConfig") or []
        todo = [r for r in resources if not r.get("encryptionConfig")]
        calls = [ApiCall("eks", "associate_encryption_config", {"clusterName": self.resource_id(r),
                                                                 "encryptionConfig": config},
                         [self.resource_id(r)], "encrypt secrets") for r in todo]
        done = [self.resource_id(r) for r in resources if r.get("encryptionConfig")]
        if done:
            calls.append(ApiCall.skip(done, "secrets already encrypted"))
        return calls
