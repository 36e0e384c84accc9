"""Scheduling's use cases: each owns its transaction."""
