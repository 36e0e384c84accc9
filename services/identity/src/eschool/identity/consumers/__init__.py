"""Handlers of other services' events."""
