"""The journal's rules, with no I/O."""
