"""Contingent's HTTP API."""
