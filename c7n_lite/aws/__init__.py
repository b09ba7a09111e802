"""Thin helpers over boto3: sessions, client reuse, retries, call counting."""
