"""Filters: the value filter and its ops, boolean blocks, and resource-specific checks."""
