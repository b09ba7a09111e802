"""Execution modes: pull (a scan from the CLI), periodic and event-driven Lambdas."""
