"""The journal's HTTP API, under ``/api/journal``."""
