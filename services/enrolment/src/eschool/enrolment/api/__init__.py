"""Enrolment's HTTP API: the portals' intake and the school's handling of applications."""
