"""Scheduling's rules, with no I/O."""
