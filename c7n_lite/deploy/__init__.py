"""Turn event and periodic policies into Lambda functions: package, deploy, gc, invoke."""
