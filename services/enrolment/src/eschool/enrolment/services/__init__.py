"""Enrolment's use cases: intake, status changes, reads; each checks who asks."""
