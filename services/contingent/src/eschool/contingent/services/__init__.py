"""Contingent's use cases."""
