"""Identity api."""
