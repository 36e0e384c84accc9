"""eschool contingent: who is in the region\x27s schools, and where."""
