"""What enrolment learns from other services' events: contingent's schools."""
