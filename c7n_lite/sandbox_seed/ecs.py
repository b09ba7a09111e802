"""ECS demo: clusters, task definitions and services, for policies/ecs.yml and
policies/compliance/ecs.yml.

- prod cluster with Container Insights, dev cluster without;
- task definitions: legacy-worker (host network, privileged, no log
  configuration), web (awsvpc, read-only root, awslogs);
- services: legacy-worker (desired 3) and web (desired 2) on prod.
"""
from __future__ import annotations

import boto3

LOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1",
                                            "awslogs-stream-prefix": "web"}}


def seed(endpoint: str, region: str) -> None:
    ecs = boto3.client("ecs", region_name=region, endpoint_url=endpoint)
    ecs.create_cluster(clusterName="prod", settings=[{"name": "containerInsights", "value": "enabled"}],
                       tags=[{"key": "Env", "value": "prod"}])
    ecs.create_cluster(clusterName="dev", settings=[{"name": "containerInsights", "value": "disabled"}],
                       tags=[{"key": "Env", "value": "dev"}])
    legacy = ecs.register_task_definition(
        family="legacy-worker", networkMode="host",
        containerDefinitions=[{"name": "worker", "image": "legacy/worker:1", "memory": 512, "privileged": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    web = ecs.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx:1.27", "readonlyRootFilesystem": True,
                               "logConfiguration": LOGS, "privileged": False}],
        tags=[{"key": "Team", "value": "web"}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="prod", serviceName="legacy-worker", taskDefinition=legacy, desiredCount=3)
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition=web, desiredCount=2,
                       tags=[{"key": "Owner", "value": "web-team"}])
