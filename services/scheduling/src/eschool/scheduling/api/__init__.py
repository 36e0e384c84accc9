"""Scheduling's HTTP routes."""
