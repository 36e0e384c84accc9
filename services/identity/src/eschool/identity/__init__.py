"""eschool identity: who you are and what you may touch."""
