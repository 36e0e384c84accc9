"""Enrolment's rules, without I/O: the statuses and their transitions, the ranked list's order."""
