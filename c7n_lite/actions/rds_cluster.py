"""Deleting Aurora clusters, their instances first."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import ApiCall
from c7n_lite.actions.naming import identifier as rds_identifier
from c7n_lite.actions.rds import RdsAction
from c7n_lite.registry import actions


@actions.register("delete", "aws.rds-cluster")
class DeleteCluster(RdsAction):
    """Delete clusters, with a final snapshot `final-<id>-<time>` unless
    `skip-snapshot: true`; their instances are deleted first (`delete-instances`,
    default true: a cluster with instances cannot be deleted).  Deletion
    protection is left alone: the delete then fails and is reported."""

    schema = {"skip-snapshot": {"type": "boolean"}, "delete-instances": {"type": "boolean"}}
    permissions = ("rds:DeleteDBCluster", "rds:DeleteDBInstance")
    id_param = "DBClusterIdentifier"

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M")
        calls = []
        for r in resources:
            rid = self.resource_id(r)
            if self.data.get("delete-instances", True):
                for member in r.get("DBClusterMembers") or ():
                    calls.append(ApiCall("rds", "delete_db_instance",
                                         {"DBInstanceIdentifier": member["DBInstanceIdentifier"],
                                          "SkipFinalSnapshot": True}, [rid],
                                         f"delete member instance {member['DBInstanceIdentifier']}"))
            params: dict[str, Any] = {"DBClusterIdentifier": rid}
            if self.data.get("skip-snapshot"):
                params["SkipFinalSnapshot"] = True
                message = "delete, no final snapshot"
            else:
                params["FinalDBSnapshotIdentifier"] = rds_identifier("final", rid, stamp)
                message = f"delete, final snapshot {params['FinalDBSnapshotIdentifier']}"
            calls.append(ApiCall("rds", "delete_db_cluster", params, [rid], message))
        return calls
