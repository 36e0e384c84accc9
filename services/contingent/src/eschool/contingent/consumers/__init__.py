"""Contingent's consumers: what other services' events make contingent do."""
