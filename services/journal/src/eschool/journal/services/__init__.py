"""The journal's use cases: each owns its transaction."""
