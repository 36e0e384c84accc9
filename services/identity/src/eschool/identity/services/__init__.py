"""Identity services."""
