"""Contingent's rules, free of I/O."""
