"""Identity db."""
