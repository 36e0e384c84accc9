"""eschool enrolment: applications for a place in a school, and the feed partners follow."""
