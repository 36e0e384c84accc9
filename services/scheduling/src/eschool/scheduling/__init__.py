"""eschool scheduling: when the school year's lessons happen."""
