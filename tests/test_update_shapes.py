"""The update parameters actions accept are parameters AWS's API has (checked
against botocore's model, which validation itself must not import)."""
from __future__ import annotations

import botocore.session
import pytest

from c7n_lite.actions import shapes

CASES = [(shapes.MODIFY_DB_INSTANCE, "rds", "ModifyDBInstance"),
         (shapes.MODIFY_DB_CLUSTER, "rds", "ModifyDBCluster"),
         (shapes.DYNAMODB_UPDATE_TABLE, "dynamodb", "UpdateTable"),
         (shapes.ES_UPDATE_DOMAIN_CONFIG, "es", "UpdateElasticsearchDomainConfig")]


@pytest.mark.parametrize(("names", "service", "operation"), CASES, ids=[c[2] for c in CASES])
def test_every_accepted_parameter_is_in_the_api(names, service, operation):
    model = botocore.session.get_session().get_service_model(service)
    members = set(model.operation_model(operation).input_shape.members)
    assert names <= members, sorted(names - members)
    assert "BillingMode" in shapes.DYNAMODB_UPDATE_TABLE and "PubliclyAccessible" in shapes.MODIFY_DB_INSTANCE
